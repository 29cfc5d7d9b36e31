package org.drvsim.ndis.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.drvsim.ndis.NdisStatus;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A protocol driver bound above every miniport adapter NDIS runs (what tcpip.sys is to a miniport), as a
 * service for the shell, tests and benchmarks. It issues OID requests (what NdisOidRequest does for a
 * protocol), sends frames as NET_BUFFER_LIST chains (NdisSendNetBufferLists, one NET_BUFFER per NBL) and waits
 * for ProtocolSendNetBufferListsComplete, and receives what the miniport indicates
 * (ProtocolReceiveNetBufferLists). OID requests and sends can also be issued without waiting ({@link #startQueryOid},
 * {@link #startSetOid}, {@link #startSend}) and cancelled: NdisCancelOidRequest ({@link #cancelOidRequest}) and
 * NdisCancelSendNetBufferLists ({@link #cancelSend}). An adapter is named by its device instance ID or by the short name {@link
 * #adapters()} gives (such as {@code netvmini0}); names are matched without regard to case.
 *
 * <p>Thread-safe; call at PASSIVE_LEVEL from any thread that the simulation does not own (the shell, a test).
 * Requests run on the calling thread and block until they complete. Failures of the driver are values
 * (statuses); bad arguments are exceptions. Documentation: "NDIS protocol drivers", "Sending NET_BUFFER_LIST
 * structures from a protocol driver", "Canceling a send operation", nf-ndis-ndiscanceloidrequest,
 * spec/ndis-lifecycle.md sections 7 and 8.
 */
@ProviderType
public interface ProtocolHarness {
    /**
     * One adapter NDIS runs.
     *
     * @param name           the short name, lower case: the second instance-ID segment and instance number
     *                       ({@code netvmini1}), or for a bus device the last part of its driver's bundle name and
     *                       the instance number ({@code e1k1} for {@code PCI\VEN_8086&DEV_100E\0001})
     * @param instanceId     the device instance ID
     * @param driver         the miniport driver, as {@code bundleSymbolicName/version}
     * @param state          the NDIS adapter state: Initializing, Paused, Restarting, Running, Pausing or Halted
     * @param currentAddress the current MAC address the miniport reported, or an empty array
     * @param packetFilter   the NDIS_PACKET_TYPE_* bits last set with OID_GEN_CURRENT_PACKET_FILTER
     * @param sent           NBLs sent to the miniport
     * @param sendCompleted  NBLs it completed
     * @param sendRejected   NBLs NDIS completed itself because the adapter was not Running
     * @param indicated      NBLs the miniport indicated
     * @param returned       indicated NBLs NDIS returned to it
     * @param oidRequests    OID requests issued
     */
    record AdapterInfo(String name, String instanceId, String driver, String state, byte[] currentAddress,
                       int packetFilter, long sent, long sendCompleted, long sendRejected, long indicated,
                       long returned, long oidRequests) {
        public AdapterInfo {
            currentAddress = currentAddress.clone();
        }

        @Override
        public byte[] currentAddress() {
            return currentAddress.clone();
        }
    }

    /**
     * What a completed OID request returned (NDIS_OID_REQUEST after completion).
     *
     * @param status      the status the miniport completed it with
     * @param data        for a query, the InformationBuffer's first BytesWritten bytes; empty otherwise
     * @param bytesNeeded BytesNeeded, when the status is NDIS_STATUS_BUFFER_TOO_SHORT or INVALID_LENGTH
     */
    record OidResult(NdisStatus status, byte[] data, int bytesNeeded) {
        public OidResult {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }
    }

    /**
     * What a send returned once every NBL came back.
     *
     * @param framesSent         frames sent, one NBL each
     * @param completionStatuses how many NBLs came back with each NET_BUFFER_LIST_STATUS
     */
    record SendResult(int framesSent, Map<NdisStatus, Integer> completionStatuses) {
        public SendResult {
            completionStatuses = Map.copyOf(completionStatuses);
        }
    }

    /**
     * An OID request or a send issued without waiting for it.
     *
     * @param instanceId the adapter's device instance ID
     * @param id         the OID request's RequestId, or the sent NBLs' cancel ID (0 for none): what {@link
     *                   #cancelOidRequest} or {@link #cancelSend} takes
     * @param completion its result once the miniport (or NDIS) completed it; cancelling this future cancels nothing
     *                   in NDIS
     * @param <T>        {@link OidResult} or {@link SendResult}
     */
    record Pending<T>(String instanceId, long id, Future<T> completion) {
    }

    /** @return the adapters NDIS runs now, in instance-ID order */
    List<AdapterInfo> adapters();

    /**
     * @param adapter an instance ID or short name
     * @return the instance ID of the adapter
     * @throws IllegalArgumentException naming the adapters NDIS runs, if none matches
     */
    String resolveAdapter(String adapter);

    /**
     * Issues an NdisRequestQueryInformation OID request and waits for it.
     *
     * @param oid                     the OID, for example {@code NdisOid.OID_GEN_CURRENT_PACKET_FILTER}
     * @param informationBufferLength InformationBufferLength in bytes, 0 to 65536
     * @throws IllegalArgumentException for an unknown adapter or a length out of range
     */
    OidResult queryOid(String adapter, int oid, int informationBufferLength);

    /**
     * Issues an NdisRequestSetInformation OID request with {@code informationBuffer} and waits for it.
     *
     * @throws IllegalArgumentException for an unknown adapter or a buffer over 65536 bytes
     */
    OidResult setOid(String adapter, int oid, byte[] informationBuffer);

    /**
     * Issues an NdisRequestQueryInformation OID request without waiting for it: it is with NDIS (queued, or with the
     * miniport) when this returns.
     *
     * @return its RequestId and completion
     * @throws IllegalArgumentException for an unknown adapter or a length out of range
     */
    Pending<OidResult> startQueryOid(String adapter, int oid, int informationBufferLength);

    /**
     * Issues an NdisRequestSetInformation OID request without waiting for it.
     *
     * @return its RequestId and completion
     * @throws IllegalArgumentException for an unknown adapter or a buffer over 65536 bytes
     */
    Pending<OidResult> startSetOid(String adapter, int oid, byte[] informationBuffer);

    /**
     * Models NdisCancelOidRequest: cancels an OID request issued with {@link #startQueryOid} or {@link #startSetOid}.
     * If the miniport holds it, NDIS calls MiniportCancelOidRequest and the miniport completes it (with
     * NDIS_STATUS_REQUEST_ABORTED, unless it had finished); if it is still queued in NDIS, NDIS completes it itself
     * with NDIS_STATUS_REQUEST_ABORTED. A completed or unknown request is left alone.
     *
     * @return whether MiniportCancelOidRequest was called
     * @throws IllegalArgumentException for an unknown adapter
     */
    boolean cancelOidRequest(String adapter, long requestId);

    /**
     * Sends {@code frames} as {@link #send} does, each NBL tagged with {@code cancelId}
     * (NDIS_SET_NET_BUFFER_LIST_CANCEL_ID), and returns once every MiniportSendNetBufferLists call has returned,
     * without waiting for the completions.
     *
     * @param cancelId the cancel ID, or 0 for none
     * @return the cancel ID and the completion, once every NBL has come back
     * @throws IllegalArgumentException for an unknown adapter or a frame out of range
     */
    Pending<SendResult> startSend(String adapter, List<byte[]> frames, long cancelId);

    /**
     * Models NdisCancelSendNetBufferLists: NDIS calls MiniportCancelSend with {@code cancelId}, and the miniport
     * completes the NBLs it still holds with that ID with NDIS_STATUS_SEND_ABORTED.
     *
     * @return whether MiniportCancelSend was called (false once the adapter is halted)
     * @throws IllegalArgumentException for an unknown adapter
     */
    boolean cancelSend(String adapter, long cancelId);

    /**
     * Sends {@code frames} (whole Ethernet frames, 14 to 65535 bytes each) to the adapter's miniport, up to eight
     * NBLs per MiniportSendNetBufferLists call, and waits until every NBL has come back.
     *
     * @throws IllegalArgumentException for an unknown adapter or a frame out of range
     * @throws IllegalStateException    if the sends have not all completed within 60 s
     * @throws InterruptedException     if the caller is interrupted while waiting
     */
    SendResult send(String adapter, List<byte[]> frames) throws InterruptedException;

    /**
     * Calls {@code frameListener} with a copy of each frame the adapter's miniport indicates from now on, on the
     * miniport's thread at its IRQL (DISPATCH_LEVEL for a DPC); the listener must not block.
     *
     * @return a handle whose {@code close} stops the calls
     * @throws IllegalArgumentException for an unknown adapter
     */
    AutoCloseable receive(String adapter, Consumer<byte[]> frameListener);

    /**
     * Writes every frame the adapter indicates from now on into a classic pcap file (Ethernet link type).
     *
     * @throws IOException              if the file cannot be created, or the adapter is already capturing
     * @throws IllegalArgumentException for an unknown adapter
     */
    void startCapture(String adapter, Path file) throws IOException;

    /**
     * Stops a capture once the frames the adapter's device has already taken in are written, and closes the file:
     * it waits (up to 1 s) until the device is quiet (every frame it took from its wire stored, every interrupt cause
     * it raised read by the miniport's ISR), then until the ISRs and DPCs queued by then have run, so the indications
     * they make reach the file. A device that keeps receiving is not waited for longer.
     *
     * @return the number of frames written
     * @throws IllegalArgumentException if the adapter is unknown or not capturing
     */
    long stopCapture(String adapter) throws IOException, InterruptedException;
}
