package org.drvsim.ndis.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.ndis.NdisOidRequest;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.NetBuffer;
import org.drvsim.ndis.NetBufferList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * A protocol driver above the miniports, as a test harness: it binds to adapters, issues OID requests,
 * sends frames as NBL chains (one NET_BUFFER per NBL) and writes what adapters indicate into pcap files.
 * It is what tcpip.sys would be to netvmini.
 */
@Component(service = ProtocolHarness.class)
public final class ProtocolHarness implements ProtocolBinding {
    private static final Logger LOG = Logger.getLogger(ProtocolHarness.class.getName());
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

    /** What a send returned. */
    record SendResult(int framesSent, Map<NdisStatus, Integer> statuses) {
    }

    /** What an OID request returned. */
    record OidResult(NdisStatus status, byte[] data, int bytesNeeded) {
    }

    private final NdisPort ndis;
    private final Map<MiniportBlock, PcapFiles.Writer> captures = new ConcurrentHashMap<>();

    @Activate
    public ProtocolHarness(@Reference NdisPort ndis) {
        this.ndis = ndis;
    }

    @Deactivate
    void deactivate() {
        for (MiniportBlock a : List.copyOf(captures.keySet())) {
            try {
                stopCapture(a);
            } catch (IOException | InterruptedException e) {
                LOG.log(Level.WARNING, "closing capture of " + a.instanceId(), e);
            }
        }
    }

    /**
     * @return the running adapter with this instance ID
     * @throws IllegalArgumentException naming the adapters NDIS runs, if there is none
     */
    MiniportBlock adapter(String instanceId) {
        return ndis.adapter(instanceId).orElseThrow(() -> new IllegalArgumentException("no NDIS adapter '" + instanceId
                + "'; adapters: " + ndis.adapters().stream().map(MiniportBlock::instanceId).toList()));
    }

    private void bind(MiniportBlock adapter) {
        if (adapter.binding() != this) {
            adapter.bind(this);
        }
    }

    OidResult query(MiniportBlock adapter, int oid, int bufferLength) {
        bind(adapter);
        NdisOidRequest r = NdisOidRequest.query(oid, adapter.nextRequestId(), bufferLength);
        NdisStatus s = adapter.oidRequest(r);
        return new OidResult(s, s.isSuccess() ? r.informationBuffer() : new byte[0], r.bytesNeeded);
    }

    OidResult set(MiniportBlock adapter, int oid, byte[] value) {
        bind(adapter);
        NdisOidRequest r = NdisOidRequest.set(oid, adapter.nextRequestId(), value);
        NdisStatus s = adapter.oidRequest(r);
        return new OidResult(s, new byte[0], r.bytesNeeded);
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /**
     * Sends frames through the adapter, {@code batch} NBLs per MiniportSendNetBufferLists call, and
     * waits until every NBL has come back.
     *
     * @throws IllegalStateException if a send has not completed within {@link #SEND_TIMEOUT}
     */
    SendResult send(MiniportBlock adapter, List<byte[]> frames, int batch) throws InterruptedException {
        bind(adapter);
        CountDownLatch done = new CountDownLatch(frames.size());
        Map<NdisStatus, Integer> statuses = new EnumMap<>(NdisStatus.class);
        for (int i = 0; i < frames.size(); i += batch) {
            List<NetBufferList> nbls = new ArrayList<>();
            for (byte[] f : frames.subList(i, Math.min(frames.size(), i + batch))) {
                NetBufferList nbl = NetBufferList.of(f);
                nbl.protocolReserved = (Runnable) () -> {
                    synchronized (statuses) {
                        statuses.merge(nbl.status, 1, Integer::sum);
                    }
                    done.countDown();
                };
                nbls.add(nbl);
            }
            adapter.send(NetBufferList.link(nbls));
        }
        if (!done.await(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(done.getCount() + " of " + frames.size() + " sends on "
                    + adapter.instanceId() + " did not complete within " + SEND_TIMEOUT.toSeconds() + " s");
        }
        synchronized (statuses) {
            return new SendResult(frames.size(), Map.copyOf(statuses));
        }
    }

    void startCapture(MiniportBlock adapter, Path file) throws IOException {
        bind(adapter);
        AtomicReference<IOException> failure = new AtomicReference<>();
        captures.compute(adapter, (a, old) -> {
            if (old != null) {
                failure.set(new IOException("adapter " + a.instanceId() + " is already capturing; stop it first"));
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
     * @return frames written
     * @throws IllegalArgumentException if the adapter is not capturing
     */
    long stopCapture(MiniportBlock adapter) throws IOException, InterruptedException {
        if (!captures.containsKey(adapter)) {
            throw new IllegalArgumentException("adapter " + adapter.instanceId() + " is not capturing");
        }
        adapter.drainDpcs(); // frames already queued for indication still go into the file
        PcapFiles.Writer w = captures.remove(adapter);
        if (w == null) {
            throw new IllegalArgumentException("adapter " + adapter.instanceId() + " is not capturing");
        }
        w.close();
        return w.frames();
    }

    /** @return frames captured so far on the adapter, or -1 when it is not capturing */
    long captured(MiniportBlock adapter) {
        PcapFiles.Writer w = captures.get(adapter);
        return w == null ? -1 : w.frames();
    }

    @Override
    public void receiveNetBufferLists(MiniportBlock adapter, NetBufferList netBufferLists, int count) {
        PcapFiles.Writer w = captures.get(adapter);
        if (w == null) {
            return;
        }
        for (NetBufferList nbl : NetBufferList.chain(netBufferLists)) {
            for (NetBuffer nb = nbl.firstNetBuffer; nb != null; nb = nb.next) {
                try {
                    w.write(nb.copyData());
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "capture of " + adapter.instanceId() + " failed", e);
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
