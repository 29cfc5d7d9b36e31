package org.drvsim.shell.internal;

import static org.drvsim.kernel.console.Table.column;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.drvsim.hw.EthernetWires;
import org.drvsim.hw.EthernetWires.Port;
import org.drvsim.kernel.SourceFile;
import org.drvsim.kernel.TargetFile;
import org.drvsim.kernel.console.Table;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code hw:} commands of the simulated Ethernet controllers' wires: cable two ports, pull a cable, set a link,
 * replay a pcap file onto a port's wire, record what a port transmits. Each returns when its work is done (a replay
 * when the receiving port has taken every frame, a stopped recording when its file is complete); bad input is
 * refused with the command's usage and changes nothing.
 */
@Component(service = WireCommands.class, property = {
        "osgi.command.scope=hw",
        "osgi.command.function=cable", "osgi.command.function=uncable", "osgi.command.function=link",
        "osgi.command.function=wire"})
public final class WireCommands {
    static final String CABLE_USAGE = "hw:cable 'INSTANCE-A' 'INSTANCE-B' (without arguments: list the ports)";
    static final String UNCABLE_USAGE = "hw:uncable 'INSTANCE-ID'";
    static final String LINK_USAGE = "hw:link 'INSTANCE-ID' up|down";
    static final String WIRE_USAGE = "hw:wire 'INSTANCE-ID' replay FILE.pcap | hw:wire 'INSTANCE-ID' record FILE.pcap"
            + " | hw:wire 'INSTANCE-ID' stop";

    private final EthernetWires wires;

    @Activate
    public WireCommands(@Reference EthernetWires wires) {
        this.wires = wires;
    }

    private static IllegalArgumentException refuse(String what, String usage) {
        return new IllegalArgumentException(what + "\nusage: " + usage);
    }

    /** Runs a request; a refusal of the wires service gets the usage appended. */
    private static <T> T usage(String usage, java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (IllegalArgumentException e) {
            throw refuse(e.getMessage(), usage);
        }
    }

    @Descriptor("lists the Ethernet ports (PCI\\VEN_8086&DEV_100E controllers), or cables two of them together: a frame "
            + "one transmits then arrives at the other")
    public String cable(@Descriptor("nothing, or two device instance IDs, quoted") String... args) {
        if (args.length == 0) {
            Table t = new Table(column("INSTANCE ID").uncut(), column("MAC ADDRESS"), column("LINK"),
                    column("CABLED TO"), column("RECORDING INTO"));
            for (Port p : wires.ports()) {
                t.add(p.instanceId(), p.macAddress(), p.linkUp() ? "up" : "down", p.peer().orElse("-"),
                        p.recording().map(Path::toString).orElse("-"));
            }
            return t.format(false);
        }
        if (args.length != 2) {
            throw refuse("hw:cable takes two ports, not " + args.length + " argument(s)", CABLE_USAGE);
        }
        HardwareCommands.requireBackslash(args[0], CABLE_USAGE);
        HardwareCommands.requireBackslash(args[1], CABLE_USAGE);
        usage(CABLE_USAGE, () -> {
            wires.cable(args[0], args[1]);
            return null;
        });
        return "cabled " + wires.port(args[0]).instanceId() + " to " + wires.port(args[1]).instanceId();
    }

    @Descriptor("pulls the cable out of an Ethernet port (and so out of the port at its other end)")
    public String uncable(@Descriptor("device instance ID, quoted") String... args) {
        if (args.length != 1) {
            throw refuse("hw:uncable takes one port, not " + args.length + " argument(s)", UNCABLE_USAGE);
        }
        HardwareCommands.requireBackslash(args[0], UNCABLE_USAGE);
        String peer = usage(UNCABLE_USAGE, () -> wires.port(args[0]).peer().orElse(null));
        if (peer == null) {
            return args[0] + " was not cabled";
        }
        wires.uncable(args[0]);
        return "uncabled " + wires.port(args[0]).instanceId() + " from " + peer + " (the link is down at both ends)";
    }

    @Descriptor("sets an Ethernet port's link up or down, as a link partner appearing or going away (STATUS.LU; a "
            + "change raises the LSC interrupt cause); a cabled port's peer follows, as a link is up or down at both ends")
    public String link(@Descriptor("'INSTANCE-ID' up|down") String... args) {
        if (args.length != 2) {
            throw refuse("hw:link takes a port and up or down, not " + args.length + " argument(s)", LINK_USAGE);
        }
        HardwareCommands.requireBackslash(args[0], LINK_USAGE);
        boolean up = switch (args[1]) {
            case "up" -> true;
            case "down" -> false;
            default -> throw refuse("'" + args[1] + "' is not up or down", LINK_USAGE);
        };
        boolean changed = usage(LINK_USAGE, () -> wires.setLink(args[0], up));
        Port port = wires.port(args[0]);
        String ends = port.instanceId() + port.peer().map(p -> " and " + p).orElse("");
        return "link of " + ends + " " + args[1] + (changed ? " (LSC raised)" : " already (nothing changed)");
    }

    @Descriptor("replays a classic pcap file onto an Ethernet port's wire (the port at the other end of its cable "
            + "receives the frames; returns when it has taken them all), or records what a port transmits into a pcap "
            + "file until hw:wire PORT stop")
    public String wire(@Descriptor("'INSTANCE-ID' replay|record FILE.pcap, or 'INSTANCE-ID' stop") String... args)
            throws IOException, InterruptedException {
        if (args.length < 2) {
            throw refuse("hw:wire needs a port and replay, record or stop", WIRE_USAGE);
        }
        String id = args[0];
        HardwareCommands.requireBackslash(id, WIRE_USAGE);
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        switch (rest.get(0)) {
            case "stop" -> {
                if (rest.size() != 1) {
                    throw refuse("stop takes nothing after it, not " + rest.subList(1, rest.size()), WIRE_USAGE);
                }
                Path file = usage(WIRE_USAGE, () -> wires.port(id).recording().orElse(null));
                long frames;
                try {
                    frames = wires.stopRecording(id);
                } catch (IllegalArgumentException e) {
                    throw refuse(e.getMessage(), WIRE_USAGE);
                }
                return "recorded " + frames + " frame(s) transmitted by " + wires.port(id).instanceId() + " into " + file;
            }
            case "replay", "record" -> {
                if (rest.size() != 2) {
                    throw refuse(rest.get(0) + " takes one pcap file", WIRE_USAGE);
                }
                return rest.get(0).equals("replay") ? replay(id, rest.get(1)) : record(id, rest.get(1));
            }
            default -> throw refuse("'" + rest.get(0) + "' is not replay, record or stop", WIRE_USAGE);
        }
    }

    private String replay(String id, String file) throws IOException, InterruptedException {
        Path p = SourceFile.check(file, "pcap file", WIRE_USAGE);
        String peer = usage(WIRE_USAGE, () -> wires.port(id).peer().orElseThrow(() -> new IllegalArgumentException(
                "port " + wires.port(id).instanceId() + " is not cabled: the frames would reach nobody; cable it "
                        + "first (hw:cable)")));
        EthernetWires.Replayed r;
        try {
            r = wires.replayFrames(id, p);
        } catch (IllegalArgumentException e) {
            throw refuse(e.getMessage(), WIRE_USAGE);
        }
        return "replayed " + r.frames() + " frame(s) from " + file + " onto the wire of " + wires.port(id).instanceId()
                + "; " + peer + " stored " + r.stored() + " of them" + (r.stored() == r.frames() ? ""
                : " (the others did not cross a link that is down, or its receiver dropped and counted them: receiver "
                        + "off, filtered, too long or no free descriptor)");
    }

    private String record(String id, String file) throws IOException {
        Path p;
        try {
            p = Path.of(file);
            TargetFile.check(p);
        } catch (InvalidPathException e) {
            throw refuse("cannot write " + file + ": not a valid path", WIRE_USAGE);
        } catch (IllegalArgumentException e) {
            throw refuse(e.getMessage(), WIRE_USAGE);
        }
        try {
            wires.record(id, p);
        } catch (IllegalArgumentException e) {
            throw refuse(e.getMessage(), WIRE_USAGE);
        }
        return "recording what " + wires.port(id).instanceId() + " transmits into " + file
                + " (hw:wire PORT stop completes the file)";
    }
}
