package org.drvsim.kernel.internal;

import java.util.List;
import java.util.Map;
import org.drvsim.hw.SimDevice;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceResources;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.nt.CmResourceDescriptor;

/** A device node; written only on the PnP worker, read anywhere. */
final class DeviceNodeImpl implements DeviceNode {
    final SimDevice device;
    volatile DeviceNodeState state = DeviceNodeState.DeviceNodeUninitialized;
    volatile int problem = CM_PROB_NONE;
    volatile String problemStatus;
    volatile DriverObjectImpl driver;
    volatile String driverName = "";
    /** The device whose bus driver enumerated this one, or null for a device of the hardware bus. */
    volatile DeviceNodeImpl parent;
    /** A raw child: its parent's driver runs it (WdfPdoInitAssignRawDevice), whatever its hardware IDs. */
    volatile boolean raw;
    private final org.drvsim.hw.HostBridge bridge;
    private final org.drvsim.hw.HostMemory hostMemory;
    /** The resources handed to the port at the last start; revoked at removal. Written on the PnP worker. */
    private volatile Resources granted;

    DeviceNodeImpl(SimDevice device, org.drvsim.hw.HostBridge bridge, org.drvsim.hw.HostMemory hostMemory) {
        this.device = device;
        this.bridge = bridge;
        this.hostMemory = hostMemory;
    }

    /** A fresh handle on the device's hardware for the port that starts it (the previous one is revoked). */
    DeviceResources grant() {
        revoke();
        Resources r = new Resources();
        granted = r;
        return r;
    }

    /** @return the handle the port got at the last start, or null (a restart after a rebalance keeps it) */
    DeviceResources granted() {
        return granted;
    }

    /**
     * The memory ranges the PnP manager's arbiter assigned, as an offset to the addresses the device reports: a
     * rebalance moves every memory range of the device by {@value #REBALANCE_STEP} bytes, and the next one moves it
     * back. Written on the PnP worker.
     */
    private volatile long relocation;
    static final long REBALANCE_STEP = 0x4000_0000L;

    /** A rebalance: the device's memory ranges get new addresses (interrupts keep their vectors). */
    void relocate() {
        relocation = relocation == 0 ? REBALANCE_STEP : 0;
    }

    /** The device was removed, failed to start or its driver was isolated: the port's handle maps nothing more. */
    void revoke() {
        Resources r = granted;
        if (r != null) {
            r.revoked = true;
            granted = null;
        }
    }

    /** One start's handle: what the PnP manager hands the port with IRP_MN_START_DEVICE. */
    private final class Resources implements DeviceResources {
        volatile boolean revoked;

        @Override
        public org.drvsim.kernel.CommonBuffer allocateCommonBuffer(int length) {
            if (hostMemory == null || revoked) {
                return null;
            }
            org.drvsim.hw.HostMemory memory = hostMemory;
            long pa = memory.allocate(length, instanceId()); // this device's common buffer
            return new org.drvsim.kernel.CommonBuffer() {
                private volatile boolean freed;

                @Override public long logicalAddress() { return pa; }
                @Override public int length() { return length; }

                private void check() {
                    if (freed) {
                        throw new IllegalStateException("common buffer at 0x" + Long.toHexString(pa) + " is freed");
                    }
                }

                @Override
                public void read(int offset, byte[] dst, int dstOffset, int len) {
                    check();
                    memory.read(pa + offset, dst, dstOffset, len);
                }

                @Override
                public void write(int offset, byte[] src, int srcOffset, int len) {
                    check();
                    memory.write(pa + offset, src, srcOffset, len);
                }

                @Override
                public void setMapped(boolean mapped) {
                    check();
                    memory.setMapped(pa, mapped);
                }

                @Override
                public void free() {
                    if (!freed) {
                        freed = true;
                        memory.free(pa);
                    }
                }
            };
        }

        @Override
        public org.drvsim.kernel.IoSpace mapIoSpace(long physicalAddress, long length) {
            if (bridge == null || revoked) {
                return null;
            }
            for (org.drvsim.hw.HwResource r : device.resources()) {
                long assigned = r instanceof org.drvsim.hw.HwResource.MemoryResource mr ? mr.physicalAddress() + relocation : 0;
                if (r instanceof org.drvsim.hw.HwResource.MemoryResource m && physicalAddress >= assigned
                        && physicalAddress + length <= assigned + m.length()) {
                    var region = bridge.mmio(device, m.bar()).orElse(null);
                    if (region == null) {
                        return null;
                    }
                    long base = physicalAddress - assigned;
                    return new org.drvsim.kernel.IoSpace() {
                        @Override public long length() { return length; }
                        @Override public int read32(long offset) { return region.read32(base + offset); }
                        @Override public void write32(long offset, int value) { region.write32(base + offset, value); }
                    };
                }
            }
            return null;
        }

        @Override
        public AutoCloseable connectInterrupt(java.util.function.IntConsumer isr) {
            java.util.Objects.requireNonNull(isr, "isr");
            if (bridge == null || revoked) {
                return () -> { };
            }
            return bridge.connectInterrupt(device, isr::accept);
        }
    }

    @Override public String instanceId() { return device.instanceId(); }
    @Override public boolean awaitHardwareQuiet(java.time.Duration timeout) throws InterruptedException {
        return device.awaitQuiet(timeout);
    }
    @Override public String parentInstanceId() { DeviceNodeImpl p = parent; return p == null ? "" : p.instanceId(); }
    @Override public List<String> hardwareIds() { return device.hardwareIds(); }
    @Override public String description() { return device.description(); }
    @Override public Map<String, String> properties() { return device.properties(); }
    @Override public DeviceNodeState state() { return state; }
    @Override public int problem() { return problem; }
    @Override public String problemStatus() { return problemStatus; }
    @Override public String driverName() { return driverName; }

    @Override
    public List<CmResourceDescriptor> resources() {
        List<CmResourceDescriptor> out = new java.util.ArrayList<>();
        for (org.drvsim.hw.HwResource r : device.resources()) {
            if (r instanceof org.drvsim.hw.HwResource.MemoryResource m) {
                out.add(CmResourceDescriptor.memory(m.physicalAddress() + relocation, m.length()));
            } else if (r instanceof org.drvsim.hw.HwResource.InterruptResource i) {
                out.add(CmResourceDescriptor.interrupt(i.vector(), i.messageSignaled()));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return instanceId();
    }
}
