package org.drvsim.ndis;

import java.util.List;
import java.util.Objects;

/**
 * The attribute structures a miniport passes to NdisMSetMiniportAttributes during
 * MiniportInitializeEx: first {@link Registration} (NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES),
 * then {@link General} (NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES), as spec/ndis-lifecycle.md section 3
 * requires.
 */
public sealed interface NdisMiniportAdapterAttributes {
    /** NDIS_MINIPORT_ATTRIBUTES_NDIS_WDM. */
    int NDIS_MINIPORT_ATTRIBUTES_NDIS_WDM = 0x0000_0004;
    /**
     * NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND: NDIS does not halt the adapter before a system sleep; it pauses it
     * and sets OID_PNP_SET_POWER instead. Without it NDIS halts the adapter (NdisHaltDevicePoweredDown) and initializes
     * it again on wake. The documentation gives the name, not the value; this one is drvsim's.
     */
    int NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND = 0x0000_0200;
    /** NDIS_MINIPORT_ATTRIBUTES_SURPRISE_REMOVE_OK. */
    int NDIS_MINIPORT_ATTRIBUTES_SURPRISE_REMOVE_OK = 0x0000_0008;

    /**
     * NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES.
     *
     * @param miniportAdapterContext    the context NDIS passes to every adapter handler
     * @param attributeFlags            NDIS_MINIPORT_ATTRIBUTES_* flags
     * @param checkForHangTimeInSeconds seconds between MiniportCheckForHangEx calls, rounded up to a multiple of 2
     *                                  (0 = the NDIS default of 2 s); an OID request still with the miniport after
     *                                  two such intervals makes NDIS call MiniportResetEx. Ignored when the driver
     *                                  registered no MiniportCheckForHangEx
     * @param interfaceType             NDIS_INTERFACE_TYPE, {@link NdisInterfaceType#NdisInterfaceInternal} for a
     *                                  virtual adapter
     */
    record Registration(Object miniportAdapterContext, int attributeFlags, int checkForHangTimeInSeconds,
                        NdisInterfaceType interfaceType) implements NdisMiniportAdapterAttributes {
        /** @throws NullPointerException if the context or the interface type is null */
        public Registration {
            Objects.requireNonNull(miniportAdapterContext, "miniportAdapterContext");
            Objects.requireNonNull(interfaceType, "interfaceType");
        }
    }

    /**
     * NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, reduced to what an Ethernet miniport sets.
     *
     * @param mediaType              {@link NdisMedium#NdisMedium802_3} for Ethernet
     * @param mtuSize                MTU in bytes, without the Ethernet header (1500)
     * @param maxXmitLinkSpeed       bits per second
     * @param maxRcvLinkSpeed        bits per second
     * @param mediaConnectState      whether the link is up
     * @param macAddressLength       6 for Ethernet
     * @param permanentMacAddress    the burned-in address
     * @param currentMacAddress      the address in use
     * @param supportedPacketFilters NDIS_PACKET_TYPE_* bits the miniport supports
     * @param maxMulticastListSize   entries in OID_802_3_MULTICAST_LIST
     * @param supportedOidList       the OIDs the miniport answers
     */
    record General(NdisMedium mediaType, int mtuSize, long maxXmitLinkSpeed, long maxRcvLinkSpeed,
                   NdisMediaConnectState mediaConnectState, int macAddressLength, byte[] permanentMacAddress,
                   byte[] currentMacAddress, int supportedPacketFilters, int maxMulticastListSize,
                   List<Integer> supportedOidList) implements NdisMiniportAdapterAttributes {
        /** @throws NullPointerException if the medium, the connect state or an address is null */
        public General {
            Objects.requireNonNull(mediaType, "mediaType");
            Objects.requireNonNull(mediaConnectState, "mediaConnectState");
            permanentMacAddress = permanentMacAddress.clone();
            currentMacAddress = currentMacAddress.clone();
            supportedOidList = List.copyOf(supportedOidList);
        }
    }
}
