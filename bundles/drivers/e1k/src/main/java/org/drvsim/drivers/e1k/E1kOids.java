package org.drvsim.drivers.e1k;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisOidRequest;
import org.drvsim.ndis.NdisStatus;

/**
 * The control path (netvmini's ctrlpath.c, with the NIC behind it): the OIDs netvmini answers, with the packet filter
 * programmed into RCTL, the multicast list into the MTA hash table and the statistics read from the NIC's counters.
 * Never pended; unknown OIDs get NDIS_STATUS_NOT_SUPPORTED (spec/ndis-lifecycle.md section 8). At most DISPATCH_LEVEL,
 * one request at a time (NDIS serialises them).
 */
final class E1kOids {
    private E1kOids() {
    }

    /** MiniportOidRequest. */
    static NdisStatus oidRequest(E1kAdapter a, NdisOidRequest r) {
        return switch (r.requestType()) {
            case NdisRequestQueryInformation, NdisRequestQueryStatistics -> query(a, r);
            case NdisRequestSetInformation -> set(a, r);
            default -> NdisStatus.NDIS_STATUS_NOT_SUPPORTED;
        };
    }

    /** MiniportCancelOidRequest: requests are never pended, so there is nothing to cancel. */
    static void cancelOidRequest(E1kAdapter a, long requestId) {
    }

    private static NdisStatus query(E1kAdapter a, NdisOidRequest r) {
        switch (r.oid()) {
            case NdisOid.OID_GEN_CURRENT_PACKET_FILTER:
                return r.complete(a.packetFilter);
            case NdisOid.OID_802_3_CURRENT_ADDRESS:
                return r.complete(a.currentAddress);
            case NdisOid.OID_802_3_PERMANENT_ADDRESS:
                return r.complete(a.permanentAddress);
            case NdisOid.OID_802_3_MULTICAST_LIST: {
                byte[][] list = a.multicastList;
                ByteBuffer b = ByteBuffer.allocate(6 * list.length);
                for (byte[] m : list) {
                    b.put(m);
                }
                return r.complete(b.array());
            }
            case NdisOid.OID_802_3_MAXIMUM_LIST_SIZE:
                return r.complete(E1kAdapter.MAX_MULTICAST);
            case NdisOid.OID_GEN_MAXIMUM_FRAME_SIZE:
                return r.complete(E1kAdapter.MTU);
            case NdisOid.OID_GEN_MAXIMUM_TOTAL_SIZE:
                return r.complete(E1kAdapter.MTU + E1kAdapter.HEADER_SIZE);
            case NdisOid.OID_GEN_CURRENT_LOOKAHEAD:
                return r.complete(a.lookahead);
            case NdisOid.OID_GEN_SUPPORTED_LIST: {
                ByteBuffer b = ByteBuffer.allocate(4 * E1kAdapter.SUPPORTED_OIDS.size()).order(ByteOrder.LITTLE_ENDIAN);
                E1kAdapter.SUPPORTED_OIDS.forEach(b::putInt);
                return r.complete(b.array());
            }
            case NdisOid.OID_GEN_LINK_STATE: {
                // NDIS_LINK_STATE on x64 (40 bytes), as netvmini lays it out: header, MediaConnectState,
                // MediaDuplexState, padding, XmitLinkSpeed, RcvLinkSpeed, PauseFunctions, AutoNegotiationFlags.
                boolean up = a.linkUp;
                long speed = up ? E1kAdapter.LINK_SPEED : 0;
                ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
                b.put((byte) 0x80).put((byte) 1).putShort((short) 40);
                b.putInt(up ? 1 : 2).putInt(2).putInt(0).putLong(speed).putLong(speed);
                b.putInt(0).putInt(0);
                return r.complete(b.array());
            }
            case NdisOid.OID_GEN_STATISTICS:
                return r.complete(a.stats.query(a.hw));
            default:
                return NdisStatus.NDIS_STATUS_NOT_SUPPORTED;
        }
    }

    private static NdisStatus set(E1kAdapter a, NdisOidRequest r) {
        byte[] in = r.informationBuffer();
        switch (r.oid()) {
            case NdisOid.OID_GEN_CURRENT_PACKET_FILTER: {
                if (in.length != 4) {
                    r.bytesNeeded = 4;
                    return NdisStatus.NDIS_STATUS_INVALID_LENGTH;
                }
                int filter = r.informationBufferAsInt();
                if ((filter & ~E1kAdapter.SUPPORTED_FILTERS) != 0) {
                    return NdisStatus.NDIS_STATUS_NOT_SUPPORTED;
                }
                a.applyPacketFilter(filter);
                r.bytesRead = 4;
                return NdisStatus.NDIS_STATUS_SUCCESS;
            }
            case NdisOid.OID_802_3_MULTICAST_LIST: {
                if (in.length % 6 != 0) {
                    return NdisStatus.NDIS_STATUS_INVALID_LENGTH;
                }
                if (in.length / 6 > E1kAdapter.MAX_MULTICAST) {
                    return NdisStatus.NDIS_STATUS_MULTICAST_FULL;
                }
                byte[][] list = new byte[in.length / 6][];
                for (int i = 0; i < list.length; i++) {
                    list[i] = Arrays.copyOfRange(in, 6 * i, 6 * i + 6);
                }
                a.applyMulticastList(list);
                r.bytesRead = in.length;
                return NdisStatus.NDIS_STATUS_SUCCESS;
            }
            case NdisOid.OID_GEN_CURRENT_LOOKAHEAD: {
                if (in.length != 4) {
                    return NdisStatus.NDIS_STATUS_INVALID_LENGTH;
                }
                int v = r.informationBufferAsInt();
                if (v <= 0 || v > E1kAdapter.MTU) {
                    return NdisStatus.NDIS_STATUS_INVALID_DATA;
                }
                a.lookahead = v;
                r.bytesRead = 4;
                return NdisStatus.NDIS_STATUS_SUCCESS;
            }
            default:
                return NdisStatus.NDIS_STATUS_NOT_SUPPORTED;
        }
    }
}
