package org.drvsim.ndis.internal;

import org.drvsim.ndis.NetBufferList;

/**
 * What NDIS calls on the protocol bound to an adapter (ProtocolReceiveNetBufferLists and
 * ProtocolSendNetBufferListsComplete). Called on the miniport's thread, at its IRQL; must not block.
 */
interface ProtocolBinding {
    /** ProtocolReceiveNetBufferLists: frames the miniport indicated. The NBLs are returned on return. */
    void receiveNetBufferLists(MiniportBlock adapter, NetBufferList netBufferLists, int count);

    /** ProtocolSendNetBufferListsComplete: one sent NBL came back with its status set. */
    void sendNetBufferListsComplete(MiniportBlock adapter, NetBufferList nbl);
}
