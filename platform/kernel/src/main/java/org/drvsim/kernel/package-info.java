/**
 * The simulated Windows executive that the NDIS, Storport and WDF port drivers share: the
 * thread-confined {@link org.drvsim.kernel.Irql IRQL}, the {@link org.drvsim.kernel.Scheduler} that
 * runs every ISR, DPC, work item, timer and PnP step, the {@link org.drvsim.kernel.PnpManager} with
 * its device tree, the {@link org.drvsim.kernel.Trace} and the {@link org.drvsim.kernel.Verifier}.
 * A port driver plugs in as a {@link org.drvsim.kernel.PortDriver} service.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.drvsim.kernel;
