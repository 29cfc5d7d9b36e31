package org.drvsim.drivers.netvmini;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The virtual hub (netvmini's hardware.c and the global AdapterList): adapters attach when they
 * restart and detach when they pause or halt; a frame sent by one is delivered to every other
 * attached adapter (spec/ndis-lifecycle.md section 10). Thread-safe.
 *
 * <p>Deliveries hold the list's lock (shared, as the sample's AdapterList spin lock guards the walk), so
 * once {@link #detach} returns no delivery to that adapter is under way: an adapter that paused and then
 * halted never gets its receive DPC queued after MiniportHaltEx.
 */
final class NetvminiHub {
    private final List<NetvminiAdapter> attached = new ArrayList<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    void attach(NetvminiAdapter adapter) {
        lock.writeLock().lock();
        try {
            if (!attached.contains(adapter)) {
                attached.add(adapter);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Returns once no delivery to {@code adapter} is under way. */
    void detach(NetvminiAdapter adapter) {
        lock.writeLock().lock();
        try {
            attached.remove(adapter);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** RXDeliverFrameToEveryAdapter: every attached adapter but the sender. */
    void deliverToEveryAdapter(NetvminiAdapter sender, byte[] frame) {
        lock.readLock().lock();
        try {
            for (NetvminiAdapter a : attached) {
                if (a != sender) {
                    NetvminiDataPath.deliver(a, frame);
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }
}
