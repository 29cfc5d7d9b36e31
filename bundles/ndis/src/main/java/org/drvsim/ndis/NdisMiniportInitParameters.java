package org.drvsim.ndis;

import java.util.List;
import java.util.Map;
import org.drvsim.nt.CmResourceDescriptor;

/**
 * NDIS_MINIPORT_INIT_PARAMETERS, reduced to what the simulated adapters use, plus the adapter's
 * configuration (what NdisOpenConfigurationEx/NdisReadConfiguration read from its registry key).
 * Documentation: "NDIS_MINIPORT_INIT_PARAMETERS structure (ndis.h)".
 *
 * @param flags              the Flags member (0)
 * @param ifIndex            the interface index NDIS assigned
 * @param configuration      the adapter's configuration keywords and values
 * @param allocatedResources AllocatedResources: the hardware resources the PnP manager assigned to the adapter, as
 *                           translated CM resource descriptors (a memory range for each BAR, in bytes, to map with
 *                           {@link NdisMiniportAdapterHandle#ndisMMapIoSpace}; an interrupt, line-based or
 *                           message-signalled, to register with {@link NdisMiniportAdapterHandle#ndisMRegisterInterruptEx});
 *                           empty for a virtual adapter. The list is valid for this adapter until MiniportHaltEx returns
 * @since 3.1
 */
public record NdisMiniportInitParameters(int flags, int ifIndex, Map<String, String> configuration,
                                         List<CmResourceDescriptor> allocatedResources) {
    public NdisMiniportInitParameters {
        configuration = Map.copyOf(configuration);
        allocatedResources = List.copyOf(allocatedResources);
    }

    /** Parameters of a virtual adapter: no allocated resources. */
    public NdisMiniportInitParameters(int flags, int ifIndex, Map<String, String> configuration) {
        this(flags, ifIndex, configuration, List.of());
    }
}
