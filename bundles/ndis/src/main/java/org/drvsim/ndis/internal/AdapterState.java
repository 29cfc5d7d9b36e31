package org.drvsim.ndis.internal;

/**
 * The miniport adapter states of spec/ndis-lifecycle.md section 2 (ndis.sys's NDIS_MINIPORT_STATE names,
 * plus Shutdown).
 */
enum AdapterState {
    Halted, Initializing, Paused, Restarting, Running, Pausing, Shutdown
}
