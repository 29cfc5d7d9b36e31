package org.drvsim.test;

/** The simulated machine a test starts on (the framework property {@code drvsim.machine}). */
public enum Machine {
    /** No device: the test plugs what its driver claims. */
    EMPTY("empty"),
    /**
     * The embedded default machine: {@code ROOT\NETVMINI\0000} and {@code \0001}, {@code ROOT\RAMDISK\0000} and
     * the PCI echo device {@code PCI\VEN_1414&DEV_EC40\0000}.
     */
    DEFAULT("default");

    private final String property;

    Machine(String property) {
        this.property = property;
    }

    /** @return the value of the {@code drvsim.machine} framework property */
    public String property() {
        return property;
    }
}
