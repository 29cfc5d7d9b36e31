/**
 * The simulated machine as hardware sees it: devices with identity (hardware IDs, a device instance
 * ID), presence, properties (what an INF or the registry would hold for the device), injectable
 * faults and, for PCI devices, resources: register banks behind base address registers
 * ({@link org.drvsim.hw.MmioRegion}), an interrupt ({@link org.drvsim.hw.InterruptSink}) and DMA
 * over simulated host memory ({@link org.drvsim.hw.HostMemory}). Nothing here knows a Windows driver
 * model; the kernel's PnP manager listens to the {@link org.drvsim.hw.HardwareBus} and turns
 * arrivals and removals into device-node changes, and hands a device's
 * {@link org.drvsim.hw.HwResource}s to its driver.
 *
 * <h2>The PCI echo DMA device</h2>
 * Plugged with the property {@code device.type=pci-echo-dma} (hardware ID
 * {@code PCI\VEN_1414&DEV_EC40} in the default machine; property {@code echo.bufferBytes}, the
 * device buffer's size in bytes, 1 to 256 MiB, default 16 MiB). The bus gives each PCI device the
 * lowest free slot {@code n} (0 to 63): its resources are one memory range, BAR 0 at physical address
 * {@code 0xF000_0000 + n * 0x1_0000}, 4096 bytes, then one line-based interrupt, vector
 * {@code 0x50 + n}. BAR 0 holds 32-bit registers ({@link org.drvsim.hw.EchoDmaRegisters}); offsets
 * not listed read 0 and ignore writes.
 *
 * <table class="striped">
 * <caption>Echo DMA device registers (BAR 0)</caption>
 * <thead><tr><th>Offset</th><th>Name</th><th>Access</th><th>Meaning</th></tr></thead>
 * <tbody>
 * <tr><td>0x00</td><td>ID</td><td>RO</td><td>{@code 0x1414EC40}</td></tr>
 * <tr><td>0x04</td><td>CONTROL</td><td>RW</td><td>bit 0 ENABLE, bit 1 INTERRUPT_ENABLE; bit 31 RESET:
 *     writing 1 sets every writable register, STATUS, INTERRUPT_STATUS and TRANSFERRED to 0 (other
 *     bits of that write are ignored) and abandons a transfer in flight; it reads back 0. The device
 *     buffer's contents are kept.</td></tr>
 * <tr><td>0x08</td><td>STATUS</td><td>RO</td><td>bit 0 BUSY: a transfer was accepted and has not
 *     finished</td></tr>
 * <tr><td>0x0C</td><td>INTERRUPT_STATUS</td><td>R/W1C</td><td>bit 0 DMA_DONE, bit 1 DMA_ERROR;
 *     writing 1 to a bit clears it</td></tr>
 * <tr><td>0x10</td><td>HOST_ADDRESS_LOW</td><td>RW</td><td>bits 31..0 of a host memory physical
 *     address</td></tr>
 * <tr><td>0x14</td><td>HOST_ADDRESS_HIGH</td><td>RW</td><td>bits 63..32 of that address</td></tr>
 * <tr><td>0x18</td><td>DEVICE_OFFSET</td><td>RW</td><td>bytes into the device buffer (unsigned)</td></tr>
 * <tr><td>0x1C</td><td>LENGTH</td><td>RW</td><td>bytes to move (unsigned); 0 moves nothing and completes with DMA_DONE</td></tr>
 * <tr><td>0x20</td><td>COMMAND</td><td>WO (reads 0)</td><td>1: host memory to device buffer (an echo
 *     write); 2: device buffer to host memory (an echo read). Starts a transfer with the address,
 *     offset and length latched at this write. Refused with DMA_ERROR, nothing copied, when BUSY,
 *     when not ENABLEd, or for any other value.</td></tr>
 * <tr><td>0x24</td><td>TRANSFERRED</td><td>RO</td><td>bytes moved by the last transfer; 0 when it
 *     failed or was refused</td></tr>
 * <tr><td>0x28</td><td>BUFFER_SIZE</td><td>RO</td><td>the device buffer's size in bytes</td></tr>
 * </tbody>
 * </table>
 *
 * <p>A transfer runs on the device's own thread (its hardware time), copies through
 * {@link org.drvsim.hw.HostMemory}, clears BUSY and sets DMA_DONE, or DMA_ERROR with nothing copied
 * and TRANSFERRED 0 when the range lies outside the device buffer or outside one host memory block,
 * or when the {@code failDma} fault fires. The interrupt is level-triggered: it is asserted while
 * INTERRUPT_ENABLE is set and INTERRUPT_STATUS is not 0, and each assertion calls the connected
 * {@link org.drvsim.hw.InterruptSink}s once; software deasserts it by clearing INTERRUPT_STATUS (or
 * INTERRUPT_ENABLE). Faults ({@link org.drvsim.hw.DeviceFaults}; each is a
 * {@link org.drvsim.hw.FaultRule} checked where named): {@code failDma} (checked as a transfer starts: it fails as
 * above), {@code hangDevice} (checked as a transfer starts: it never completes, BUSY stays set until a RESET),
 * {@code delayCompletion} (checked as a transfer starts: its status and interrupt come the rule's
 * {@code delayMicros} later), {@code dropInterrupts} (checked at each rising edge: the assertion is lost, no sink is
 * called, and the line counts as asserted until INTERRUPT_STATUS is cleared), {@code interruptStorm} (checked at each
 * delivered rising edge: 32 spurious calls follow), and the register faults of every device with registers:
 * {@code failRegisterRead} (the read returns {@code 0xFFFFFFFF}), {@code failRegisterWrite} (the write is lost) and
 * {@code vanish} (the bus surprise-removes the device at that access), each checked at every register access. Each
 * firing is told to the bus's {@link org.drvsim.hw.FaultListener}s. After a surprise removal registers read {@code 0xFFFFFFFF}, writes are ignored, nothing
 * is raised and a transfer in flight is abandoned; after an orderly unplug the registers still answer
 * but the device thread stops (an accepted transfer finishes and raises its interrupt; nothing is raised
 * after that; new commands end in DMA_ERROR).
 *
 * <h2>The PCI Ethernet controller</h2>
 * Plugged with the property {@code device.type=e1k} (hardware ID {@code PCI\VEN_8086&DEV_100E}, the Intel 82540EM
 * whose register set it follows; properties {@code e1k.macAddress}, {@code e1k.msi}). It takes the lowest free PCI
 * slot {@code n} like the echo device: BAR 0 at {@code 0xF000_0000 + n * 0x1_0000}, 64 KiB, then one interrupt,
 * vector {@code 0x50 + n}, line-based or message-signalled. Its registers, their offsets and bits, and the legacy
 * descriptor layouts are those of the 8254x SDM ({@link org.drvsim.hw.E1kRegisters} documents each); offsets not
 * listed read 0 and ignore writes.
 *
 * <table class="striped">
 * <caption>Ethernet controller registers (BAR 0), by group</caption>
 * <thead><tr><th>Offsets</th><th>Registers</th><th>Meaning</th></tr></thead>
 * <tbody>
 * <tr><td>0x0000, 0x0008, 0x0014</td><td>CTRL, STATUS, EERD</td><td>CTRL.RST resets the device; STATUS.LU is the
 *     link; EERD reads the EEPROM (MAC address in words 0 to 2, checksum 0xBABA)</td></tr>
 * <tr><td>0x00C0 to 0x00D8</td><td>ICR, ITR, ICS, IMS, IMC</td><td>interrupt causes (read to clear, write 1 to
 *     clear), throttling interval in 256 ns units, cause set, mask set/read, mask clear. Causes raised: TXDW, TXQE,
 *     LSC, RXDMT0, RXO, RXT0</td></tr>
 * <tr><td>0x0100, 0x0400</td><td>RCTL, TCTL</td><td>receiver: EN, UPE, MPE, LPE, RDMTS, MO, BAM, BSIZE, BSEX,
 *     SECRC; transmitter: EN, PSP</td></tr>
 * <tr><td>0x2800 to 0x2820</td><td>RDBAL, RDBAH, RDLEN, RDH, RDT, RDTR</td><td>the receive ring</td></tr>
 * <tr><td>0x3800 to 0x3818</td><td>TDBAL, TDBAH, TDLEN, TDH, TDT</td><td>the transmit ring</td></tr>
 * <tr><td>0x4000 to 0x40FC</td><td>RXERRC, MPC, RLEC, GPRC, BPRC, MPRC, GPTC, GORCL/H, GOTCL/H, RNBC, RUC, ROC,
 *     TORL/H, TOTL/H, TPR, TPT, MPTC, BPTC</td><td>statistics, cleared when read (a 64-bit pair when its high half
 *     is read)</td></tr>
 * <tr><td>0x5200 to 0x53FC, 0x5400 to 0x547C</td><td>MTA[128], RAL/RAH[16]</td><td>multicast table; receive
 *     addresses (entry 0 holds the MAC address after reset, with AV)</td></tr>
 * </tbody>
 * </table>
 *
 * <p><b>Rings.</b> Software owns a ring's descriptors from the tail round to the head; the device those from the
 * head up to the tail. Transmit: a TDT write hands descriptors over; on its own thread the device reads them from TDH,
 * waits until a descriptor with EOP lies before TDT, gathers the frame's buffers, inserts a checksum for IC, pads to
 * 60 bytes for TCTL.PSP, puts the frame on the wire (and into a recording), writes DD back into each descriptor with
 * RS (and TU when the frame was not sent), advances TDH and sets TXDW (and TXQE when TDH reaches TDT). Receive: a
 * frame from the wire is dropped unless RCTL.EN and both links are up; counted in TPR; shorter than 14 bytes, dropped
 * (RUC); then filtered (broadcast with BAM; multicast with MPE, an exact RAL/RAH match or its MTA bit under RCTL.MO;
 * unicast with UPE or an exact match); over 1522 bytes with its FCS (16384 with LPE), dropped (ROC); otherwise stored,
 * with its CRC-32 FCS appended unless SECRC, into as many descriptors from RDH as its length needs at the RCTL buffer
 * size, each written back with its length and DD (EOP on the last), RDH advanced, RXT0 set (RXDMT0 when free
 * descriptors fall to the RDMTS threshold). No FIFO is modelled: a frame that finds too few free descriptors is
 * dropped at once, counted in MPC and RNBC, and sets RXO. A buffer outside live host memory ends the frame at that
 * descriptor with RXE (RXERRC).
 *
 * <p><b>Interrupt and time.</b> The interrupt is asserted while {@code ICR & IMS} is not 0 and is delivered to the
 * sinks once per assertion (level semantics; with MSI the same edge is the message). ITR throttles it: an assertion
 * comes at the earliest {@code ITR * 256 ns} after the previous one; causes arriving meanwhile wait in ICR and a timer
 * asserts once the interval ends. The device's time is the JVM's monotonic clock as its thread reads it (no
 * machine-wide virtual time), so an interval is that much elapsed time.
 *
 * <p><b>Wire, link and removal.</b> {@link org.drvsim.hw.EthernetWires} cables two controllers, sets a port's link
 * (a change sets LSC), replays a pcap file onto a port's wire and records what a port transmits. After a surprise
 * removal registers read {@code 0xFFFFFFFF}, writes are ignored, nothing is raised, DMA stops and the cable is
 * pulled; after an orderly unplug the registers still answer but the device thread stops.
 *
 * <p><b>Bad input and faults.</b> The device reports to the bus's {@link org.drvsim.hw.DeviceErrorListener}s, and
 * goes on: a ring not 16-byte aligned or of a length that is not a positive multiple of 128 ({@code BadRing}) or not
 * inside one live block of host memory, or inside one allocated for another device ({@code RingOutsideHostMemory}; checked when software writes the tail or sets
 * EN, and when a descriptor access fails: the queue stops until the ring is programmed again); a head or tail at or
 * past the ring's descriptor count ({@code TailPastRing}; the write is ignored); a buffer outside live host memory,
 * named as freed when it was ({@code DmaOutsideHostMemory}); a transmit descriptor of length 0 or over 16288 bytes,
 * or with DEXT ({@code BadDescriptor}). Faults: {@code failDma}, {@code dropInterrupts}, {@code interruptStorm} (the
 * device keeps calling its sinks every millisecond while the rule is armed), {@code hangDevice},
 * {@code delayCompletion} and the register faults ({@link org.drvsim.hw.E1kRegisters} says where each is checked).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.4.0")
package org.drvsim.hw;
