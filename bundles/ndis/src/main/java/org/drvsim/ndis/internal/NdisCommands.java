package org.drvsim.ndis.internal;

import static org.drvsim.kernel.console.Table.column;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drvsim.kernel.console.Table;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisPacketType;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.harness.ProtocolHarness;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code ndis:} Gogo commands: list adapters, issue OID requests, send a pcap file through an
 * adapter (its NBLs optionally tagged with a cancel ID), cancel sends or an OID request, and capture what an
 * adapter indicates. An adapter is named by its device instance ID
 * (single-quoted in Gogo, which strips unquoted backslashes) or by the short name {@code ndis:adapters}
 * prints. Commands return values; wrong arguments raise an exception whose message is the usage.
 */
@Component(service = NdisCommands.class, property = {
        "osgi.command.scope=ndis",
        "osgi.command.function=adapters",
        "osgi.command.function=oid",
        "osgi.command.function=send",
        "osgi.command.function=cancel",
        "osgi.command.function=capture",
        "osgi.command.function=interrupt"})
public final class NdisCommands {
    private final ProtocolHarness harness;
    private final NdisPort ndis;

    @Activate
    public NdisCommands(@Reference ProtocolHarness harness, @Reference NdisPort ndis) {
        this.harness = harness;
        this.ndis = ndis;
    }

    static final String INTERRUPT_USAGE = "ndis:interrupt ADAPTER disable|enable";

    @Descriptor("calls the miniport's MiniportDisableInterruptEx or MiniportEnableInterruptEx (for a message-signalled "
            + "interrupt MiniportDisableMessageInterrupt or MiniportEnableMessageInterrupt) as NDIS does for diagnostics: "
            + "on the adapter's processor at DIRQL, under the interrupt's spin lock; returns when it has run")
    public String interrupt(@Descriptor("adapter: instance ID (quoted) or short name") String adapter,
                            @Descriptor("disable or enable") String action) throws InterruptedException {
        if (!action.equalsIgnoreCase("disable") && !action.equalsIgnoreCase("enable")) {
            throw new IllegalArgumentException("'" + action + "' is neither disable nor enable\nusage: " + INTERRUPT_USAGE);
        }
        String id = resolve(adapter, INTERRUPT_USAGE);
        MiniportBlock a = ndis.adapter(id).orElseThrow(() -> new IllegalArgumentException("adapter " + id + " is gone"));
        NdisInterruptImpl<?> i = a.hardware.interrupt();
        String called = i == null ? null : i.diagnosticControl(action.equalsIgnoreCase("enable"));
        if (called == null) {
            throw new IllegalArgumentException("adapter " + id + " has no interrupt registered (NdisMRegisterInterruptEx); "
                    + "nothing was called");
        }
        return "called " + called + " of " + a.driver.name + " on " + id + " at DIRQL";
    }

    private String resolve(String adapter, String usage) {
        try {
            return harness.resolveAdapter(adapter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "\nusage: " + usage);
        }
    }

    static String mac(byte[] mac) {
        if (mac == null || mac.length == 0) {
            return "-";
        }
        return HexFormat.ofDelimiter("-").withUpperCase().formatHex(mac);
    }

    @Descriptor("lists the NDIS adapters: short name, instance ID, state, MAC address, packet filter and counters "
            + "(sends and their completions, receive indications and their returns; --wide adds the driver, rejected "
            + "sends and OID requests)")
    public String adapters(@Descriptor("show everything: the driver, every counter, the packet filter's full flag names")
                           @Parameter(names = {"-v", "--wide"}, presentValue = "true", absentValue = "false")
                           boolean wide) {
        Table t = new Table(column("NAME").uncut(), column("INSTANCE ID").uncut(), column("DRIVER").wideOnly(),
                column("STATE").uncut(), column("MAC ADDRESS").uncut(), column("PACKET FILTER"),
                column("SENT").alignRight(), column("COMPLETED").alignRight(), column("REJECTED").alignRight().wideOnly(),
                column("INDICATED").alignRight(), column("RETURNED").alignRight(), column("OIDS").alignRight().wideOnly());
        for (ProtocolHarness.AdapterInfo a : harness.adapters()) {
            String filter = NdisPacketType.format(a.packetFilter());
            t.add(a.name(), a.instanceId(), a.driver(), a.state(), mac(a.currentAddress()),
                    wide ? filter : filter.replace(FLAG_PREFIX, ""), a.sent(), a.sendCompleted(), a.sendRejected(),
                    a.indicated(), a.returned(), a.oidRequests());
        }
        return t.format(wide);
    }

    /** What the default form of {@code ndis:adapters} leaves out of the packet filter's flag names. */
    static final String FLAG_PREFIX = "NDIS_PACKET_TYPE_";

    static final String OID_USAGE = "ndis:oid ADAPTER OID [VALUE]   (OID by name or number; VALUE decimal, 0x-hex, "
            + "packet-filter flags like 'NDIS_PACKET_TYPE_DIRECTED|NDIS_PACKET_TYPE_BROADCAST' (quoted: | is a Gogo pipe), or a MAC list aa-bb-cc-dd-ee-ff,...)";

    @Descriptor("queries an OID, or sets it when a value is given; prints the value or the status")
    public String oid(@Descriptor("adapter: instance ID (quoted) or short name") String adapter,
                      @Descriptor("OID name (OID_GEN_CURRENT_PACKET_FILTER) or number") String oid) {
        String a = resolve(adapter, OID_USAGE);
        int code = parseOid(oid);
        ProtocolHarness.OidResult r = harness.queryOid(a, code, 256);
        if (r.status() == NdisStatus.NDIS_STATUS_BUFFER_TOO_SHORT) {
            r = harness.queryOid(a, code, r.bytesNeeded());
        }
        if (!r.status().isSuccess()) {
            throw new IllegalStateException(NdisOid.name(code) + " query on " + a + " failed: " + r.status());
        }
        return NdisOid.name(code) + " = " + render(code, r.data());
    }

    @Descriptor("sets an OID to a value and prints the status")
    public String oid(@Descriptor("adapter: instance ID (quoted) or short name") String adapter,
                      @Descriptor("OID name (OID_GEN_CURRENT_PACKET_FILTER) or number") String oid,
                      @Descriptor("value: decimal, 0x-hex, packet-filter flags joined by |, or MAC addresses joined by ,") String value) {
        String a = resolve(adapter, OID_USAGE);
        int code = parseOid(oid);
        byte[] data = encode(code, value);
        ProtocolHarness.OidResult r = harness.setOid(a, code, data);
        if (!r.status().isSuccess()) {
            throw new IllegalStateException(NdisOid.name(code) + " set on " + a + " failed: " + r.status());
        }
        return NdisOid.name(code) + " set to " + render(code, data) + ": " + r.status();
    }

    private static int parseOid(String oid) {
        try {
            return NdisOid.parse(oid);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "\nusage: " + OID_USAGE);
        }
    }

    static byte[] encode(int oid, String value) {
        try {
            if (oid == NdisOid.OID_802_3_MULTICAST_LIST || oid == NdisOid.OID_802_3_CURRENT_ADDRESS) {
                if (value.isBlank() || value.equals("-")) {
                    return new byte[0];
                }
                ByteBuffer b = ByteBuffer.allocate(6 * value.split(",").length);
                for (String m : value.split(",")) {
                    String hex = m.trim().replace("-", "").replace(":", "");
                    if (!hex.matches("[0-9A-Fa-f]{12}")) {
                        throw new IllegalArgumentException("'" + m + "' is not a MAC address: six bytes in hexadecimal, "
                                + "such as 02-E1-00-00-00-01 or 01:00:5e:00:00:01");
                    }
                    b.put(HexFormat.of().parseHex(hex));
                }
                return b.array();
            }
            if (oid == NdisOid.OID_GEN_CURRENT_PACKET_FILTER) {
                return ProtocolHarnessImpl.le32(NdisPacketType.parse(value));
            }
            String v = value.trim().toLowerCase(Locale.ROOT);
            long n = v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
            if (n < 0 || n > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException(n + " does not fit the OID's 32-bit ULONG (0 to 4294967295)");
            }
            return ProtocolHarnessImpl.le32((int) n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad value '" + value + "' for " + NdisOid.name(oid) + ": " + e.getMessage()
                    + "\nusage: " + OID_USAGE);
        }
    }

    static String render(int oid, byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        switch (oid) {
            case NdisOid.OID_GEN_CURRENT_PACKET_FILTER:
                return data.length >= 4 ? String.format("0x%08X (%s)", b.getInt(0), NdisPacketType.format(b.getInt(0))) : "?";
            case NdisOid.OID_802_3_CURRENT_ADDRESS:
            case NdisOid.OID_802_3_PERMANENT_ADDRESS:
            case NdisOid.OID_802_3_MULTICAST_LIST: {
                List<String> macs = new ArrayList<>();
                for (int i = 0; i + 6 <= data.length; i += 6) {
                    macs.add(mac(java.util.Arrays.copyOfRange(data, i, i + 6)));
                }
                return macs.isEmpty() ? "(empty)" : String.join(", ", macs);
            }
            case NdisOid.OID_GEN_LINK_STATE:
                if (data.length >= 32) { // NDIS_LINK_STATE, x64 layout: the speeds at offsets 16 and 24
                    int connect = b.getInt(4);
                    int duplex = b.getInt(8);
                    return String.format("MediaConnectState=%s MediaDuplexState=%s XmitLinkSpeed=%d RcvLinkSpeed=%d",
                            connect == 1 ? "MediaConnectStateConnected" : connect == 2 ? "MediaConnectStateDisconnected"
                                    : "MediaConnectStateUnknown",
                            duplex == 2 ? "MediaDuplexStateFull" : duplex == 1 ? "MediaDuplexStateHalf" : "MediaDuplexStateUnknown",
                            b.getLong(16), b.getLong(24));
                }
                return HexFormat.of().formatHex(data);
            case NdisOid.OID_GEN_STATISTICS:
                return org.drvsim.ndis.NdisStatisticsInfo.render(data);
            case NdisOid.OID_GEN_SUPPORTED_LIST: {
                List<String> oids = new ArrayList<>(); // an array of NDIS_OID (ULONG) values
                for (int i = 0; i + 4 <= data.length; i += 4) {
                    oids.add(NdisOid.name(b.getInt(i)));
                }
                return oids.isEmpty() ? "(empty)" : String.join(", ", oids);
            }
            default:
                if (data.length == 4) {
                    return Integer.toUnsignedString(b.getInt(0)) + String.format(" (0x%X)", b.getInt(0));
                }
                if (data.length == 8) {
                    return Long.toUnsignedString(b.getLong(0));
                }
                return HexFormat.ofDelimiter(" ").formatHex(data);
        }
    }

    /** What {@code ndis:send} prints. */
    public record SendReport(String adapter, String file, int framesSent, Map<NdisStatus, Integer> completionStatuses) {
        @Override
        public String toString() {
            return "sent " + framesSent + " frame(s) from " + file + " on " + adapter + "; completion statuses: "
                    + completionStatuses;
        }
    }

    static final String SEND_USAGE = "ndis:send [--cancel-id ID] ADAPTER FILE.pcap";

    @Descriptor("sends every frame of a pcap file through the adapter as a protocol driver would; waits for every send to complete")
    public SendReport send(@Descriptor("tag every NBL with this cancel ID (NDIS_SET_NET_BUFFER_LIST_CANCEL_ID), so that "
                                   + "'ndis:cancel ADAPTER ID' from another session cancels what the miniport still holds")
                           @Parameter(names = "--cancel-id", absentValue = "0") long cancelId,
                           @Descriptor("adapter: instance ID (quoted) or short name") String adapter,
                           @Descriptor("classic pcap file (Ethernet)") String file) throws Exception {
        String a = resolve(adapter, SEND_USAGE);
        if (cancelId < 0) {
            throw new IllegalArgumentException("cancel ID " + cancelId + " is negative\nusage: " + SEND_USAGE);
        }
        List<byte[]> frames = PcapFiles.read(Path.of(file));
        ProtocolHarness.SendResult r = cancelId == 0 ? harness.send(a, frames)
                : harness.startSend(a, frames, cancelId).completion()
                        .get(ProtocolHarnessImpl.SEND_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return new SendReport(a, file, r.framesSent(), r.completionStatuses());
    }

    static final String CANCEL_USAGE = "ndis:cancel ADAPTER CANCEL_ID | ndis:cancel --oid ADAPTER REQUEST_ID";

    @Descriptor("cancels the sends the miniport holds with a cancel ID (NdisCancelSendNetBufferLists -> MiniportCancelSend), "
            + "or (--oid) an OID request by its RequestId (NdisCancelOidRequest -> MiniportCancelOidRequest)")
    public String cancel(@Descriptor("cancel the OID request with this RequestId instead of sends")
                         @Parameter(names = "--oid", presentValue = "true", absentValue = "false") boolean oid,
                         @Descriptor("adapter: instance ID (quoted) or short name") String adapter,
                         @Descriptor("the cancel ID of the sends, or the RequestId of the OID request") long id) {
        String a = resolve(adapter, CANCEL_USAGE);
        if (oid) {
            return harness.cancelOidRequest(a, id) ? "MiniportCancelOidRequest(requestId " + id + ") called on " + a
                    : "OID request " + id + " is not with the miniport of " + a + " (if NDIS still queued it, NDIS "
                    + "completes it with NDIS_STATUS_REQUEST_ABORTED)";
        }
        return harness.cancelSend(a, id) ? "MiniportCancelSend(cancelId " + id + ") called on " + a
                : a + " is halted; nothing to call";
    }

    static final String CAPTURE_USAGE = "ndis:capture ADAPTER FILE.pcap | ndis:capture --stop ADAPTER";

    @Descriptor("starts writing every frame the adapter indicates into a pcap file, or (--stop) stops, closes the "
            + "file and prints the frame count")
    public String capture(@Descriptor("stop the adapter's capture") @Parameter(names = "--stop", presentValue = "true",
                                  absentValue = "false") boolean stop,
                          @Descriptor("ADAPTER (instance ID, quoted, or short name), then FILE.pcap unless --stop")
                          String... args) throws Exception {
        if (stop ? args.length != 1 : args.length != 2) {
            throw new IllegalArgumentException("usage: " + CAPTURE_USAGE);
        }
        String a = resolve(args[0], CAPTURE_USAGE);
        if (stop) {
            long n = harness.stopCapture(a);
            return "captured " + n + " frame(s) on " + a;
        }
        harness.startCapture(a, Path.of(args[1]));
        return "capturing " + a + " into " + args[1];
    }
}
