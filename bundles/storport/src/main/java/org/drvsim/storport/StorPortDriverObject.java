package org.drvsim.storport;

import org.drvsim.nt.NtStatus;
import org.drvsim.nt.DriverObject;
import org.osgi.annotation.versioning.ProviderType;

/** The miniport's DRIVER_OBJECT together with StorPortInitialize; passed to DriverEntry and the tracing routines. */
@ProviderType
public interface StorPortDriverObject extends DriverObject {

    /**
     * Models StorPortInitialize(DriverObject, RegistryPath, HwInitializationData, NULL), called from
     * DriverEntry at PASSIVE_LEVEL. Copies the structure; then calls HwInitializeTracing if set.
     *
     * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER if a required routine or the device extension
     *         factory is missing, AdapterInterfaceType is not Internal, or it is called twice or outside
     *         DriverEntry
     */
    NtStatus storPortInitialize(VirtualHwInitializationData<?> hwInitializationData);
}
