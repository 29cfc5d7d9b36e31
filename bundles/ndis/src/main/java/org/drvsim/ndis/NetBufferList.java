package org.drvsim.ndis;

import java.util.ArrayList;
import java.util.List;

/**
 * NET_BUFFER_LIST: a list of {@link NetBuffer}s with out-of-band data, chained by {@link #next}
 * (spec/ndis-lifecycle.md section 7). A send hands the miniport a chain; the miniport returns each
 * NBL with {@code NdisMSendNetBufferListsComplete} after setting {@link #status}. A receive
 * indication hands the protocol a chain the miniport allocated; NDIS gives it back with
 * MiniportReturnNetBufferLists unless the indication carried {@code NDIS_RECEIVE_FLAGS_RESOURCES}.
 *
 * <p>Not thread-safe: one owner at a time, as in NDIS.
 */
public final class NetBufferList {
    /** The next NBL in the chain, or null. */
    public NetBufferList next;
    /** The first NET_BUFFER. */
    public NetBuffer firstNetBuffer;
    /** NET_BUFFER_LIST_STATUS: set by the miniport before it completes a send. */
    public NdisStatus status = NdisStatus.NDIS_STATUS_SUCCESS;
    /** SourceHandle: the miniport adapter handle for an indication, the binding for a send. */
    public Object sourceHandle;
    /** MiniportReserved: the miniport's own data while it owns the NBL. */
    public Object miniportReserved;
    /** ProtocolReserved: the protocol's own data while it owns the NBL. */
    public Object protocolReserved;
    /** NetBufferListInfo[NetBufferListCancelId]: 0 (NULL) when the NBL has none. */
    private long cancelId;

    /**
     * Models NDIS_SET_NET_BUFFER_LIST_CANCEL_ID: the sender (a protocol, before NdisSendNetBufferLists) tags the NBL
     * so that NdisCancelSendNetBufferLists with the same ID reaches MiniportCancelSend for it. A protocol makes IDs
     * with NdisGeneratePartialCancelId; here any non-zero value is an ID. Any IRQL.
     *
     * @param cancelId the cancel ID, 0 to clear it
     */
    public static void ndisSetNetBufferListCancelId(NetBufferList nbl, long cancelId) {
        nbl.cancelId = cancelId;
    }

    /**
     * Models NDIS_GET_NET_BUFFER_LIST_CANCEL_ID: what a miniport compares in MiniportCancelSend. Any IRQL.
     *
     * @return the NBL's cancel ID, 0 if it has none
     */
    public static long ndisGetNetBufferListCancelId(NetBufferList nbl) {
        return nbl.cancelId;
    }

    /** An NBL holding one NET_BUFFER over {@code frame} (not copied). */
    public static NetBufferList of(byte[] frame) {
        NetBufferList nbl = new NetBufferList();
        nbl.firstNetBuffer = new NetBuffer(frame, 0, frame.length);
        return nbl;
    }

    /** @return the NBLs of the chain starting at {@code first}, in order */
    public static List<NetBufferList> chain(NetBufferList first) {
        List<NetBufferList> out = new ArrayList<>();
        for (NetBufferList n = first; n != null; n = n.next) {
            out.add(n);
        }
        return out;
    }

    /** Links {@code nbls} into a chain and returns its head, or null for none. */
    public static NetBufferList link(List<NetBufferList> nbls) {
        for (int i = 0; i < nbls.size(); i++) {
            nbls.get(i).next = i + 1 < nbls.size() ? nbls.get(i + 1) : null;
        }
        return nbls.isEmpty() ? null : nbls.get(0);
    }
}
