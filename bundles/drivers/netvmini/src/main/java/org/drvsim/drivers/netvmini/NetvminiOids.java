package org.drvsim.drivers.netvmini;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisOidRequest;
import org.drvsim.ndis.NdisStatisticsInfo;
import org.drvsim.ndis.NdisStatus;

/**
 * netvmini's ctrlpath.c: OID requests. Never pended; unknown OIDs get NDIS_STATUS_NOT_SUPPORTED; the
 * packet filter takes exactly 4 bytes of supported bits; the multicast list takes a multiple of 6
 * bytes, at most 32 entries, length 0 clears it (spec/ndis-lifecycle.md sections 8 and 10).
 * Runs at most at DISPATCH_LEVEL on the requester's thread, one request at a time (NDIS serialises).
 */
final class NetvminiOids {
    private NetvminiOids() {
    }

    /** MiniportOidRequest. */
    static NdisStatus oidRequest(NetvminiAdapter a, NdisOidRequest r) {
        return switch (r.requestType()) {
            case NdisRequestQueryInformation, NdisRequestQueryStatistics -> query(a, r);
            case NdisRequestSetInformation -> set(a, r);
            default -> NdisStatus.NDIS_STATUS_NOT_SUPPORTED;
        };
    }

    /** MiniportCancelOidRequest: requests are never pended, so there is nothing to cancel. */
    static void cancelOidRequest(NetvminiAdapter a, long requestId) {
    }

    private static NdisStatus query(NetvminiAdapter a, NdisOidRequest r) {
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
                return r.complete(NetvminiAdapter.MAX_MULTICAST);
            case NdisOid.OID_GEN_MAXIMUM_FRAME_SIZE:
                return r.complete(NetvminiAdapter.MTU);
            case NdisOid.OID_GEN_MAXIMUM_TOTAL_SIZE:
                return r.complete(NetvminiAdapter.MTU + NetvminiAdapter.HEADER_SIZE);
            case NdisOid.OID_GEN_CURRENT_LOOKAHEAD:
                return r.complete(a.lookahead);
            case NdisOid.OID_GEN_SUPPORTED_LIST: {
                ByteBuffer b = ByteBuffer.allocate(4 * NetvminiAdapter.SUPPORTED_OIDS.size()).order(ByteOrder.LITTLE_ENDIAN);
                NetvminiAdapter.SUPPORTED_OIDS.forEach(b::putInt);
                return r.complete(b.array());
            }
            case NdisOid.OID_GEN_LINK_STATE: {
                // NDIS_LINK_STATE as laid out on x64 (40 bytes): NDIS_OBJECT_HEADER (UCHAR Type, UCHAR Revision,
                // USHORT Size), MediaConnectState, MediaDuplexState, 4 bytes of padding so that the ULONG64
                // XmitLinkSpeed is 8-aligned, RcvLinkSpeed, PauseFunctions, AutoNegotiationFlags.
                ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
                b.put((byte) 0x80).put((byte) 1).putShort((short) 40);
                b.putInt(1).putInt(2).putInt(0).putLong(NetvminiAdapter.LINK_SPEED).putLong(NetvminiAdapter.LINK_SPEED);
                b.putInt(0).putInt(0);
                return r.complete(b.array());
            }
            case NdisOid.OID_GEN_STATISTICS:
                return r.complete(NdisStatisticsInfo.encode(a.inDiscards.get(), 0, a.inOctets.get(), a.inUcast.get(),
                        a.inMcast.get(), a.inBcast.get(), a.outOctets.get(), a.outUcast.get(), a.outMcast.get(),
                        a.outBcast.get(), a.outErrors.get(), 0));
            default:
                return NdisStatus.NDIS_STATUS_NOT_SUPPORTED;
        }
    }

    private static NdisStatus set(NetvminiAdapter a, NdisOidRequest r) {
        byte[] in = r.informationBuffer();
        switch (r.oid()) {
            case NdisOid.OID_GEN_CURRENT_PACKET_FILTER: {
                if (in.length != 4) {
                    r.bytesNeeded = 4;
                    return NdisStatus.NDIS_STATUS_INVALID_LENGTH;
                }
                int filter = r.informationBufferAsInt();
                if ((filter & ~NetvminiAdapter.SUPPORTED_FILTERS) != 0) {
                    return NdisStatus.NDIS_STATUS_NOT_SUPPORTED;
                }
                a.packetFilter = filter;
                r.bytesRead = 4;
                return NdisStatus.NDIS_STATUS_SUCCESS;
            }
            case NdisOid.OID_802_3_MULTICAST_LIST: {
                if (in.length % 6 != 0) {
                    return NdisStatus.NDIS_STATUS_INVALID_LENGTH;
                }
                if (in.length / 6 > NetvminiAdapter.MAX_MULTICAST) {
                    return NdisStatus.NDIS_STATUS_MULTICAST_FULL;
                }
                byte[][] list = new byte[in.length / 6][];
                for (int i = 0; i < list.length; i++) {
                    list[i] = Arrays.copyOfRange(in, 6 * i, 6 * i + 6);
                }
                a.multicastList = list;
                r.bytesRead = in.length;
                return NdisStatus.NDIS_STATUS_SUCCESS;
            }
            case NdisOid.OID_GEN_CURRENT_LOOKAHEAD: {
                if (in.length != 4) {
                    return NdisStatus.NDIS_STATUS_INVALID_LENGTH;
                }
                int v = r.informationBufferAsInt();
                if (v <= 0 || v > NetvminiAdapter.MTU) {
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
