package org.drvsim.ndis.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.ndis.NdisMiniportAdapterAttributes;
import org.drvsim.ndis.NdisOidRequest;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.NetBuffer;
import org.drvsim.ndis.NetBufferList;
import org.drvsim.ndis.harness.ProtocolHarness;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@link ProtocolHarness}: a protocol driver bound above every adapter it is asked about, as a test
 * harness. It issues OID requests, sends frames as NBL chains (one NET_BUFFER per NBL), hands indicated frames
 * to listeners and writes them into pcap files. It is what tcpip.sys would be to netvmini.
 */
@Component(service = ProtocolHarness.class)
public final class ProtocolHarnessImpl implements ProtocolHarness, ProtocolBinding {
    private static final Logger LOG = Logger.getLogger(ProtocolHarnessImpl.class.getName());
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);
    /** NBLs per MiniportSendNetBufferLists call. */
    static final int SEND_BATCH = 8;
    static final int MAX_OID_BUFFER = 65536;

    private final NdisPort ndis;
    /**
     * The protocol's own threads: requests into the miniport run here while the caller (the shell, a test) waits, so
     * that a miniport that never returns leaves the caller free once the watchdog has isolated it.
     */
    private final java.util.concurrent.ExecutorService protocolThreads = java.util.concurrent.Executors.newCachedThreadPool(
            r -> {
                Thread t = new Thread(r, "drvsim-protocol");
                t.setDaemon(true);
                return t;
            });
    /**
     * Captures and receive listeners by device instance ID (compared without regard to case), not by adapter: they
     * follow the adapter across a driver restart, as a protocol binds again to the adapter that comes back.
     */
    private final Map<String, PcapFiles.Writer> captures = new java.util.concurrent.ConcurrentSkipListMap<>(
            String.CASE_INSENSITIVE_ORDER);
    /** The short name of each capturing adapter, kept for {@link #stopCapture} after the adapter has gone. */
    private final Map<String, String> captureNames = new java.util.concurrent.ConcurrentSkipListMap<>(
            String.CASE_INSENSITIVE_ORDER);
    private final Map<String, List<Consumer<byte[]>>> listeners = new java.util.concurrent.ConcurrentSkipListMap<>(
            String.CASE_INSENSITIVE_ORDER);

    @Activate
    public ProtocolHarnessImpl(@Reference NdisPort ndis) {
        this.ndis = ndis;
        ndis.registerProtocol(this);
    }

    /** Unbinds, and closes every capture: its file is complete up to here. */
    @Deactivate
    void deactivate() {
        protocolThreads.shutdown();
        ndis.unregisterProtocol(this);
        for (String instanceId : List.copyOf(captures.keySet())) {
            try {
                close(instanceId);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing the capture of " + instanceId, e);
            }
        }
    }

    /**
     * Short name of an adapter: the second instance-ID segment and the instance number for a device whose second
     * segment is a word (ROOT\NETVMINI\0001: netvmini1); for a bus device, whose second segment is its bus IDs
     * (PCI\VEN_8086&amp;DEV_100E\0001), the last part of its driver's bundle symbolic name and the instance number
     * (org.drvsim.drivers.e1k: e1k1). Lower case.
     */
    static String shortName(String instanceId, String driverName) {
        String[] parts = instanceId.split("\\\\");
        String base = parts.length > 1 ? parts[1] : parts[0];
        if (!base.matches("\\w+")) {
            String bundle = driverName.contains("/") ? driverName.substring(0, driverName.indexOf('/')) : driverName;
            base = bundle.substring(bundle.lastIndexOf('.') + 1);
        }
        String inst = parts.length > 2 ? parts[2].replaceFirst("^0+(?=.)", "") : "";
        return (base + inst).toLowerCase(Locale.ROOT);
    }

    private static String shortName(MiniportBlock a) {
        return shortName(a.instanceId(), a.driver.name);
    }

    /**
     * @return the running adapter with this instance ID or short name
     * @throws IllegalArgumentException naming the adapters NDIS runs, if there is none
     */
    MiniportBlock adapter(String adapter) {
        for (MiniportBlock a : ndis.adapters()) {
            if (a.instanceId().equalsIgnoreCase(adapter) || shortName(a).equalsIgnoreCase(adapter)) {
                return a;
            }
        }
        List<String> names = new ArrayList<>();
        for (MiniportBlock a : ndis.adapters()) {
            names.add(shortName(a) + " ('" + a.instanceId() + "')");
        }
        // an instance ID Gogo took the backslashes out of (PCIVEN_8086&DEV_100E0000) gets the quoting hint
        String hint = !adapter.contains("\\") && adapter.toUpperCase(Locale.ROOT).matches(".*(VEN_|DEV_|ROOT|PCI|&).*")
                ? " (quote instance IDs: Gogo strips unquoted backslashes)" : "";
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no NDIS adapter '" + adapter + "'" + hint + ": no NDIS miniport runs an "
                    + "adapter now (a stopped driver's adapters are gone: is its bundle started? lb lists bundles, "
                    + "pnp:tree the devices and their drivers)");
        }
        throw new IllegalArgumentException("no NDIS adapter '" + adapter + "'" + hint + "; adapters: " + names);
    }

    @Override
    public List<AdapterInfo> adapters() {
        List<AdapterInfo> out = new ArrayList<>();
        for (MiniportBlock a : ndis.adapters()) {
            NdisMiniportAdapterAttributes.General g = a.general();
            out.add(new AdapterInfo(shortName(a), a.instanceId(), a.driver.name, a.state().name(),
                    g == null ? new byte[0] : g.currentMacAddress(), a.packetFilter, a.sendsRequested.get(),
                    a.sendsCompleted.get(), a.sendsRejected.get(), a.receivesIndicated.get(), a.receivesReturned.get(),
                    a.oidRequests.get()));
        }
        return out;
    }

    @Override
    public String resolveAdapter(String adapter) {
        return adapter(adapter).instanceId();
    }

    /**
     * Runs a request into the miniport on a protocol thread and waits for it, giving up with a clear error when the
     * watchdog isolates the adapter's driver (the routine hung).
     */
    private <T> T request(MiniportBlock a, String routine, java.util.concurrent.Callable<T> call) {
        java.util.concurrent.Future<T> f = protocolThreads.submit(call);
        try {
            while (true) {
                try {
                    return f.get(100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    if (a.isolated()) {
                        throw new IllegalStateException(routine + " of " + a.driver.name + " on " + a.instanceId()
                                + " did not return: the watchdog isolated the driver (CallbackHung)");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + routine + " on " + a.instanceId(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private void bind(MiniportBlock adapter) {
        if (adapter.binding() != this) {
            adapter.bind(this);
        }
    }

    private static void checkQueryLength(int informationBufferLength) {
        if (informationBufferLength < 0 || informationBufferLength > MAX_OID_BUFFER) {
            throw new IllegalArgumentException("InformationBufferLength " + informationBufferLength + " is not 0 to "
                    + MAX_OID_BUFFER);
        }
    }

    private static void checkSetBuffer(byte[] informationBuffer) {
        if (informationBuffer.length > MAX_OID_BUFFER) {
            throw new IllegalArgumentException("InformationBuffer of " + informationBuffer.length + " bytes is over "
                    + MAX_OID_BUFFER);
        }
    }

    /** What a completed OID request returns to the protocol: a query's data, BytesNeeded. */
    private static OidResult result(NdisOidRequest r, NdisStatus s) {
        byte[] data = s.isSuccess() && r.requestType().isQuery()
                ? java.util.Arrays.copyOf(r.informationBuffer(), r.bytesWritten) : new byte[0];
        return new OidResult(s, data, r.bytesNeeded);
    }

    @Override
    public OidResult queryOid(String adapter, int oid, int informationBufferLength) {
        checkQueryLength(informationBufferLength);
        MiniportBlock a = adapter(adapter);
        bind(a);
        NdisOidRequest r = NdisOidRequest.query(oid, a.nextRequestId(), informationBufferLength);
        return result(r, request(a, "MiniportOidRequest", () -> a.oidRequest(r)));
    }

    @Override
    public OidResult setOid(String adapter, int oid, byte[] informationBuffer) {
        checkSetBuffer(informationBuffer);
        MiniportBlock a = adapter(adapter);
        bind(a);
        NdisOidRequest r = NdisOidRequest.set(oid, a.nextRequestId(), informationBuffer);
        return result(r, request(a, "MiniportOidRequest", () -> a.oidRequest(r)));
    }

    @Override
    public Pending<OidResult> startQueryOid(String adapter, int oid, int informationBufferLength) {
        checkQueryLength(informationBufferLength);
        MiniportBlock a = adapter(adapter);
        bind(a);
        return startOid(a, NdisOidRequest.query(oid, a.nextRequestId(), informationBufferLength));
    }

    @Override
    public Pending<OidResult> startSetOid(String adapter, int oid, byte[] informationBuffer) {
        checkSetBuffer(informationBuffer);
        MiniportBlock a = adapter(adapter);
        bind(a);
        return startOid(a, NdisOidRequest.set(oid, a.nextRequestId(), informationBuffer));
    }

    /** Queues the request with NDIS now (so it can be cancelled at once) and runs it on a protocol thread. */
    private Pending<OidResult> startOid(MiniportBlock a, NdisOidRequest r) {
        a.queueOid(r);
        java.util.concurrent.Future<OidResult> f = protocolThreads.submit(() -> result(r, a.oidRequest(r)));
        return new Pending<>(a.instanceId(), r.requestId(), f);
    }

    @Override
    public boolean cancelOidRequest(String adapter, long requestId) {
        MiniportBlock a = adapter(adapter);
        return request(a, "MiniportCancelOidRequest", () -> a.cancelOidRequest(requestId));
    }

    @Override
    public boolean cancelSend(String adapter, long cancelId) {
        MiniportBlock a = adapter(adapter);
        return request(a, "MiniportCancelSend", () -> a.cancelSend(cancelId));
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    @Override
    public SendResult send(String adapter, List<byte[]> frames) throws InterruptedException {
        return awaitSends(startSends(adapter, frames, 0));
    }

    @Override
    public Pending<SendResult> startSend(String adapter, List<byte[]> frames, long cancelId) {
        Sends s = startSends(adapter, frames, cancelId);
        return new Pending<>(s.instanceId, cancelId, s.result);
    }

    /** Sends on their way: how many are still out, and the result once none is. */
    private record Sends(String instanceId, int frames, CountDownLatch done,
                         java.util.concurrent.CompletableFuture<SendResult> result) {
    }

    /**
     * Hands the frames to the miniport as NBL chains (NdisSendNetBufferLists), each NBL tagged with the cancel ID, and
     * returns once every MiniportSendNetBufferLists call has returned.
     */
    private Sends startSends(String adapter, List<byte[]> frames, long cancelId) {
        for (int i = 0; i < frames.size(); i++) {
            int n = frames.get(i).length;
            if (n < 14 || n > 65535) {
                throw new IllegalArgumentException("frame " + (i + 1) + " is " + n + " bytes; a frame is 14 to 65535 bytes");
            }
        }
        MiniportBlock a = adapter(adapter);
        bind(a);
        CountDownLatch done = new CountDownLatch(frames.size());
        Map<NdisStatus, Integer> statuses = new EnumMap<>(NdisStatus.class);
        java.util.concurrent.CompletableFuture<SendResult> result = new java.util.concurrent.CompletableFuture<>();
        Runnable finish = () -> {
            synchronized (statuses) {
                result.complete(new SendResult(frames.size(), statuses));
            }
        };
        if (frames.isEmpty()) {
            finish.run();
        }
        List<NetBufferList> chains = new ArrayList<>();
        for (int i = 0; i < frames.size(); i += SEND_BATCH) {
            List<NetBufferList> nbls = new ArrayList<>();
            for (byte[] f : frames.subList(i, Math.min(frames.size(), i + SEND_BATCH))) {
                NetBufferList nbl = NetBufferList.of(f.clone());
                NetBufferList.ndisSetNetBufferListCancelId(nbl, cancelId);
                nbl.protocolReserved = (Runnable) () -> {
                    synchronized (statuses) {
                        statuses.merge(nbl.status, 1, Integer::sum);
                    }
                    done.countDown();
                    if (done.getCount() == 0) {
                        finish.run();
                    }
                };
                nbls.add(nbl);
            }
            chains.add(NetBufferList.link(nbls));
        }
        // one hand-over to the protocol's thread for all the calls, not one per call
        request(a, "MiniportSendNetBufferLists", () -> {
            for (NetBufferList chain : chains) {
                a.send(chain);
            }
            return null;
        });
        return new Sends(a.instanceId(), frames.size(), done, result);
    }

    private static SendResult awaitSends(Sends s) throws InterruptedException {
        if (!s.done.await(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(s.done.getCount() + " of " + s.frames + " sends on "
                    + s.instanceId + " did not complete within " + SEND_TIMEOUT.toSeconds() + " s");
        }
        try {
            return s.result.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public AutoCloseable receive(String adapter, Consumer<byte[]> frameListener) {
        MiniportBlock a = adapter(adapter);
        bind(a);
        String id = a.instanceId();
        listeners.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(frameListener);
        return () -> {
            List<Consumer<byte[]>> l = listeners.get(id);
            if (l != null) {
                l.remove(frameListener);
            }
        };
    }

    @Override
    public void startCapture(String adapter, Path file) throws IOException {
        MiniportBlock a = adapter(adapter);
        bind(a);
        AtomicReference<IOException> failure = new AtomicReference<>();
        captureNames.put(a.instanceId(), shortName(a));
        captures.compute(a.instanceId(), (k, old) -> {
            if (old != null) {
                failure.set(new IOException("adapter " + k + " is already capturing; stop it first"));
                return old;
            }
            try {
                return new PcapFiles.Writer(file);
            } catch (IOException e) {
                failure.set(new IOException("cannot write pcap file " + file + ": " + e.getMessage(), e));
                return null;
            }
        });
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /**
     * Stops the capture of a running adapter, or of an adapter that has gone (its driver stopped, its device was
     * removed), named by instance ID or short name.
     */
    @Override
    public long stopCapture(String adapter) throws IOException, InterruptedException {
        String id = null;
        for (String capturing : captures.keySet()) {
            if (capturing.equalsIgnoreCase(adapter) || adapter.equalsIgnoreCase(captureNames.get(capturing))) {
                id = capturing;
            }
        }
        if (id == null) {
            String known = adapter(adapter).instanceId(); // names the adapters when there is no such adapter
            throw new IllegalArgumentException("adapter " + known + " is not capturing");
        }
        MiniportBlock running = ndis.adapter(id).orElse(null);
        if (running != null) {
            running.drainDpcs(); // frames the device already took in still go into the file
        }
        return close(id);
    }

    /** Closes a capture's file: it is renamed onto its target now, complete. */
    private long close(String instanceId) throws IOException {
        PcapFiles.Writer w = captures.remove(instanceId);
        captureNames.remove(instanceId);
        if (w == null) {
            throw new IllegalArgumentException("adapter " + instanceId + " is not capturing");
        }
        w.close();
        return w.frames();
    }

    @Override
    public void receiveNetBufferLists(MiniportBlock adapter, NetBufferList netBufferLists, int count) {
        PcapFiles.Writer w = captures.get(adapter.instanceId());
        List<Consumer<byte[]>> l = listeners.get(adapter.instanceId());
        if (w == null && (l == null || l.isEmpty())) {
            return;
        }
        for (NetBufferList nbl : NetBufferList.chain(netBufferLists)) {
            for (NetBuffer nb = nbl.firstNetBuffer; nb != null; nb = nb.next) {
                byte[] frame = nb.copyData();
                if (w != null) {
                    try {
                        w.write(frame);
                    } catch (IOException e) {
                        LOG.log(Level.WARNING, "capture of " + adapter.instanceId() + " failed", e);
                    }
                }
                if (l != null) {
                    for (java.util.Iterator<Consumer<byte[]>> it = l.iterator(); it.hasNext(); ) { // a snapshot
                        Consumer<byte[]> c = it.next();
                        try {
                            c.accept(it.hasNext() ? frame.clone() : frame); // each its own copy; the last gets this one
                        } catch (RuntimeException e) {
                            LOG.log(Level.WARNING, "a receive listener of " + adapter.instanceId() + " threw", e);
                        }
                    }
                }
            }
        }
    }

    @Override
    public void sendNetBufferListsComplete(MiniportBlock adapter, NetBufferList nbl) {
        if (nbl.protocolReserved instanceof Runnable r) {
            r.run();
        }
    }
}
