package org.drvsim.ndis;

import java.util.Map;

/**
 * NDIS_MINIPORT_INIT_PARAMETERS, reduced to what a virtual miniport uses, plus the adapter's
 * configuration (what NdisOpenConfigurationEx/NdisReadConfiguration read from its registry key).
 *
 * @param flags         the Flags member (0)
 * @param ifIndex       the interface index NDIS assigned
 * @param configuration the adapter's configuration keywords and values
 */
public record NdisMiniportInitParameters(int flags, int ifIndex, Map<String, String> configuration) {
    public NdisMiniportInitParameters {
        configuration = Map.copyOf(configuration);
    }
}
