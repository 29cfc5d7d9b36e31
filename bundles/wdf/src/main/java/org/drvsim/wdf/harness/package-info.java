/**
 * The I/O-manager side of KMDF, for the shell, tests and benchmarks: {@link
 * org.drvsim.wdf.harness.IoManagerHarness} opens a framework device, as an application's CreateFile does, and
 * sends it read, write and device-control requests (IRP_MJ_READ, IRP_MJ_WRITE, IRP_MJ_DEVICE_CONTROL), which
 * the framework presents to the driver's default queue as WDFREQUESTs. It is the WDF member of the three
 * harness packages ({@code org.drvsim.ndis.harness}, {@code org.drvsim.storport.harness}), which share one
 * shape: list what the model runs, name it by instance ID or short name, send it requests and wait for their
 * completion. Drivers do not use this package.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.drvsim.wdf.harness;
