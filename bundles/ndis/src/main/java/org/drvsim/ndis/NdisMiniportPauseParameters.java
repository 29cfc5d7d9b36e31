package org.drvsim.ndis;

/**
 * NDIS_MINIPORT_PAUSE_PARAMETERS (spec/ndis-lifecycle.md section 6).
 *
 * @param pauseReason {@code NDIS_PAUSE_MINIPORT_DEVICE_REMOVE} when no restart will follow,
 *                    {@code NDIS_PAUSE_LOW_POWER} before a system sleep, else {@code NDIS_PAUSE_NDIS_INTERNAL}
 *                    (numeric values are not documented; the names are)
 */
public record NdisMiniportPauseParameters(String pauseReason) {
    public static final String NDIS_PAUSE_MINIPORT_DEVICE_REMOVE = "NDIS_PAUSE_MINIPORT_DEVICE_REMOVE";
    public static final String NDIS_PAUSE_NDIS_INTERNAL = "NDIS_PAUSE_NDIS_INTERNAL";
    public static final String NDIS_PAUSE_LOW_POWER = "NDIS_PAUSE_LOW_POWER";
}
