/**
 * The simulated Windows executive that the NDIS, Storport and WDF port drivers share, and their port SPI
 * (not for drivers, which import only {@code org.drvsim.nt} and their model's package): the {@link
 * org.drvsim.kernel.Scheduler} that runs every ISR, DPC, work item, timer and PnP step, the {@link
 * org.drvsim.kernel.PnpManager} with its device tree, the {@link org.drvsim.kernel.Trace} and the {@link
 * org.drvsim.kernel.Verifier}. A port driver plugs in as a {@link org.drvsim.kernel.PortDriver} service and
 * calls into drivers through {@link org.drvsim.kernel.Callbacks}. The IRQL and NTSTATUS live in {@code
 * org.drvsim.nt}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("3.4.0")
package org.drvsim.kernel;
