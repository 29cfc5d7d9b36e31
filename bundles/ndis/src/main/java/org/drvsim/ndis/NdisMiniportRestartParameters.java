package org.drvsim.ndis;

/**
 * NDIS_MINIPORT_RESTART_PARAMETERS, reduced to the flags (spec/ndis-lifecycle.md section 6).
 *
 * @param flags the Flags member (0)
 */
public record NdisMiniportRestartParameters(int flags) {
}
