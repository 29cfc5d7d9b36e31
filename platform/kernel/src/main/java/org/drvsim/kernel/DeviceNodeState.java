package org.drvsim.kernel;

/**
 * Device-node states of the PnP manager, by their Windows names ({@code DeviceNodeStarted} etc.,
 * from the kernel's {@code PNP_DEVNODE_STATE}), reduced to the ones this simulation reaches.
 */
public enum DeviceNodeState {
    /** Enumerated; no driver claims it yet. */
    DeviceNodeUninitialized,
    /** A driver claimed it and the device is being started. */
    DeviceNodeStartPending,
    /** Started: the driver runs it. */
    DeviceNodeStarted,
    /** Stopped for a resource rebalance (IRP_MN_STOP_DEVICE): it starts again with its new resources. */
    DeviceNodeStopped,
    /** Being removed (query-remove/remove in progress). */
    DeviceNodeRemovePending,
    /** Surprise-removed: gone from the bus, waiting for its driver to release it. */
    DeviceNodeAwaitingQueuedRemoval,
    /** Start failed; see the problem code. */
    DeviceNodeStartFailed,
    /**
     * Removed by its driver but still enumerated: a disabled device (problem code 22, {@link
     * DeviceNode#CM_PROB_DISABLED}); enabling it starts it again.
     */
    DeviceNodeRemoved,
    /** Removed and no longer enumerated. */
    DeviceNodeDeleted
}
