package org.drvsim.drivers.netvmini;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The virtual hub (netvmini's hardware.c and the global AdapterList): adapters attach when they
 * restart and detach when they pause or halt; a frame sent by one is delivered to every other
 * attached adapter (spec/ndis-lifecycle.md section 10). Thread-safe.
 */
final class NetvminiHub {
    private final CopyOnWriteArrayList<NetvminiAdapter> attached = new CopyOnWriteArrayList<>();

    void attach(NetvminiAdapter adapter) {
        attached.addIfAbsent(adapter);
    }

    void detach(NetvminiAdapter adapter) {
        attached.remove(adapter);
    }

    /** RXDeliverFrameToEveryAdapter: every attached adapter but the sender. */
    void deliverToEveryAdapter(NetvminiAdapter sender, byte[] frame) {
        for (NetvminiAdapter a : attached) {
            if (a != sender) {
                NetvminiDataPath.deliver(a, frame);
            }
        }
    }
}
