package org.drvsim.kernel.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.driver.DriverDescriptor;
import org.osgi.framework.Bundle;

/** A loaded driver. Its device list is written only on the PnP worker. */
final class DriverObjectImpl implements DriverObject {
    final Bundle bundle;
    final DriverDescriptor descriptor;
    final String name;
    final List<DeviceNodeImpl> devices = new CopyOnWriteArrayList<>();
    /** Other models the driver uses as libraries (a KMDF miniport uses wdf); written on the PnP worker. */
    final Set<String> dependencies = new java.util.concurrent.CopyOnWriteArraySet<>();

    DriverObjectImpl(Bundle bundle, DriverDescriptor descriptor) {
        this.bundle = bundle;
        this.descriptor = descriptor;
        this.name = nameOf(bundle);
    }

    static String nameOf(Bundle bundle) {
        return bundle.getSymbolicName() + "/" + bundle.getVersion();
    }

    boolean claims(DeviceNode node) {
        for (String id : node.hardwareIds()) {
            for (String claimed : descriptor.hardwareIds()) {
                if (claimed.equalsIgnoreCase(id)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override public String name() { return name; }
    @Override public Bundle bundle() { return bundle; }
    @Override public String model() { return descriptor.model(); }
    @Override public List<String> hardwareIds() { return descriptor.hardwareIds(); }
    @Override public List<DeviceNode> devices() { return List.copyOf(devices); }
    @Override public Set<String> dependencies() { return Set.copyOf(dependencies); }

    @Override
    public String toString() {
        return name;
    }
}
