/**
 * The NT basics every driver model shares, as ntdef.h and wdm.h give them to every Windows driver:
 * {@link org.drvsim.nt.NtStatus NTSTATUS}, the thread-confined {@link org.drvsim.nt.Irql IRQL}, the
 * {@link org.drvsim.nt.CmResourceDescriptor CM resource descriptors} a device's resources arrive in,
 * {@link org.drvsim.nt.InterfaceType INTERFACE_TYPE} and the {@link org.drvsim.nt.DriverObject driver
 * object} each model hands its driver. A driver bundle imports this package and its model's package
 * ({@code org.drvsim.ndis}, {@code org.drvsim.storport} or {@code org.drvsim.wdf}), nothing else.
 * Nothing here is OSGi.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.drvsim.nt;
