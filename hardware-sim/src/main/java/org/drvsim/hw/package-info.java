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
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.2.0")
package org.drvsim.hw;
