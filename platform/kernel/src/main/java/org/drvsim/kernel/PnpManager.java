package org.drvsim.kernel;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The PnP manager: the device tree built from the hardware bus, and driver matching by hardware ID.
 * Loaded drivers are started on every present device they claim; arrivals start, removals and
 * surprise removals remove, each serialised on the PnP worker.
 */
@ProviderType
public interface PnpManager {
    /** @return the device nodes, in enumeration order */
    List<DeviceNode> deviceTree();

    /** @return the node with this instance ID (case-insensitive) */
    Optional<DeviceNode> node(String instanceId);

    /** @return the drivers loaded now, in load order */
    List<DriverObject> drivers();

    /**
     * Waits until the PnP worker has run everything queued before this call (arrivals, removals).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void drain() throws InterruptedException;
}
