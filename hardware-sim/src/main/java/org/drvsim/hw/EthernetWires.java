package org.drvsim.hw;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The wires of the simulated Ethernet controllers ({@link E1kRegisters}): which port is cabled to which, whether a
 * port's link is up, and pcap files attached to a port's wire. Registered as an OSGi service beside the
 * {@link HardwareBus}; the {@code hw:cable}, {@code hw:link} and {@code hw:wire} commands drive it.
 *
 * <p>A port's wire carries Ethernet frames as a pcap file holds them: from the destination address to the end of
 * the payload, without preamble or FCS, of any length from 14 bytes up (a frame captured on a sending host may be
 * shorter than the 60 bytes its MAC would pad it to). A frame a port transmits goes to the port at the other end of
 * its cable, if any, and to a recording of the port, if one runs; with no cable it is lost, as on an unconnected
 * port. It crosses only when the link is up. A port is plugged with its link up; cabling two ports brings their link
 * up, pulling the cable takes it down at both ends, and {@link #setLink} sets it by hand. There is no flow control: a receiver without a free descriptor
 * drops the frame and counts it.
 *
 * <p>Every method names a port by its device instance ID (compared without regard to case); the device must be a
 * present controller. Errors are exceptions and change nothing: {@link IllegalArgumentException} for a device that
 * is not present or not an Ethernet controller, or a request that does not fit the wiring, with a message naming the
 * device; {@link IOException} for a file that cannot be read or written, naming the file. Thread-safe.
 *
 * @since 2.2
 */
@ProviderType
public interface EthernetWires {
    /**
     * The state of one port.
     *
     * @param instanceId the controller's device instance ID
     * @param macAddress the MAC address it was built with ({@link E1kRegisters#MAC_ADDRESS_PROPERTY}), as
     *                   {@code 02-E1-00-00-00-01}
     * @param linkUp     whether its link is up
     * @param peer       the instance ID of the port at the other end of its cable; empty when it is not cabled
     * @param recording  the pcap file its transmissions are recorded into; empty when none
     */
    record Port(String instanceId, String macAddress, boolean linkUp, Optional<String> peer,
                Optional<Path> recording) {
    }

    /** @return every present port, in plug order */
    List<Port> ports();

    /**
     * @return the port's state
     * @throws IllegalArgumentException if the device is not a present Ethernet controller
     */
    Port port(String instanceId);

    /**
     * Cables two ports together: from now on a frame one transmits arrives at the other. Plugging the cable in brings
     * the link up at both ends (each end whose link was down gets ICR.LSC).
     *
     * @throws IllegalArgumentException if either is not a present Ethernet controller, they are the same port, or
     *                                  either is cabled already (uncable it first); nothing changes
     */
    void cable(String instanceA, String instanceB);

    /**
     * Pulls the cable out of a port (and so out of its peer): the link goes down at both ends (each end whose link was
     * up gets ICR.LSC).
     *
     * @return whether the port was cabled
     * @throws IllegalArgumentException if the device is not a present Ethernet controller
     */
    boolean uncable(String instanceId);

    /**
     * Sets a port's link up or down, as a link partner appearing or going away: STATUS.LU follows, and a change sets
     * ICR.LSC. A link is up or down at both of its ends: for a cabled port, the port at the other end of its cable
     * follows (and gets its own LSC). An uncabled port's link is set alone (a link partner outside the simulation).
     * While the link is down the port sends and receives nothing (frames it transmits are lost, frames towards it
     * too).
     *
     * @return whether the link changed at either end
     * @throws IllegalArgumentException if the device is not a present Ethernet controller
     */
    boolean setLink(String instanceId, boolean up);

    /**
     * What {@link #replayFrames} did.
     *
     * @param frames the frames of the file, put on the wire
     * @param stored how many of them the port at the other end stored in its receive ring; the others did not cross
     *               (a link was down) or were dropped by the receiver and counted in its statistics (its receiver was
     *               off, its address filters refused them, they were too long, or it had no free descriptor)
     * @since 2.4
     */
    record Replayed(int frames, int stored) {
    }

    /**
     * {@link #replayFrames}, returning only the number of frames put on the wire.
     *
     * @return the number of frames put on the wire
     * @throws IllegalArgumentException as {@link #replayFrames}
     * @throws IOException              as {@link #replayFrames}
     * @throws InterruptedException     as {@link #replayFrames}
     */
    default int replay(String instanceId, Path pcapFile) throws IOException, InterruptedException {
        return replayFrames(instanceId, pcapFile).frames();
    }

    /**
     * Puts every frame of a classic pcap file (Ethernet link type, microsecond or nanosecond timestamps, either byte
     * order; not pcapng) onto a port's wire, as if the port had transmitted them: they arrive at the port at the
     * other end of its cable, back to back, in file order, timestamps ignored. Returns when the receiving port has
     * taken every frame (stored it in its receive ring or dropped and counted it). The frames are not recorded by
     * {@link #record} (which records what the controller transmits) and not counted in the sending port's
     * statistics. Nothing crosses while the link is down.
     *
     * @return the frames put on the wire, and how many of them the receiving port stored
     * @since 2.4
     * @throws IllegalArgumentException if the device is not a present Ethernet controller or is not cabled (the frames
     *                                  would reach nobody)
     * @throws IOException              if the file cannot be read or is not a classic Ethernet pcap file, naming the
     *                                  file; nothing is put on the wire
     * @throws InterruptedException     if interrupted while the receiver takes the frames; the rest are not sent
     */
    Replayed replayFrames(String instanceId, Path pcapFile) throws IOException, InterruptedException;

    /**
     * Starts recording every frame a port transmits into a classic pcap file (Ethernet, microsecond timestamps of
     * the transmission), whether or not the port is cabled. The frames go to a temporary file beside {@code pcapFile}
     * that {@link #stopRecording} renames onto it, so an unfinished recording never leaves a partial file.
     *
     * @throws IllegalArgumentException if the device is not a present Ethernet controller or is being recorded
     *                                  already, or {@code pcapFile}'s folder does not exist or it is a folder
     * @throws IOException              if the temporary file cannot be created
     */
    void record(String instanceId, Path pcapFile) throws IOException;

    /**
     * Stops a port's recording and completes its file. A recording also stops, its file completed, when the device
     * leaves the bus.
     *
     * @return the number of frames recorded
     * @throws IllegalArgumentException if the device is not a present Ethernet controller or is not being recorded
     * @throws IOException              if the file cannot be completed, naming it (the target is left as it was)
     */
    long stopRecording(String instanceId) throws IOException;
}
