/**
 * The class-driver side of Storport, for the shell, tests, benchmarks and miniport-specific tools: {@link
 * org.drvsim.storport.harness.ClassDriverHarness} issues SRBs to the logical units Storport found, as disk.sys
 * and IOCTL_SCSI_MINIPORT callers above storport.sys do, and waits for their completion. It is the Storport
 * member of the three harness packages ({@code org.drvsim.ndis.harness}, {@code org.drvsim.wdf.harness}),
 * which share one shape: list what the model runs, name it by instance ID or short name, send it requests and
 * wait for their completion. Drivers do not use this package.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.drvsim.storport.harness;
