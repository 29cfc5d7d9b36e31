package org.drvsim.ndis;

/** NDIS_SHUTDOWN_ACTION, passed to MiniportShutdownEx (spec/ndis-lifecycle.md section 4.5). */
public enum NdisShutdownAction {
    NdisShutdownPowerOff,
    NdisShutdownBugCheck
}
