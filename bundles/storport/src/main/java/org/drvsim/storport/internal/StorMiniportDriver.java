package org.drvsim.storport.internal;

import org.drvsim.kernel.DriverObject;
import org.drvsim.nt.Irql;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.storport.StorPortDriverObject;
import org.drvsim.storport.VirtualHwInitializationData;

/** Storport's record of one miniport driver: its copied VIRTUAL_HW_INITIALIZATION_DATA. */
final class StorMiniportDriver implements StorPortDriverObject {
    final StorPort port;
    final DriverObject driverObject;
    final String name;
    volatile VirtualHwInitializationData<Object> init;
    volatile boolean inDriverEntry;
    private volatile boolean tracingInitialized;

    StorMiniportDriver(StorPort port, DriverObject driverObject) {
        this.port = port;
        this.driverObject = driverObject;
        this.name = driverObject.name();
    }

    String registryPath() {
        return "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\" + name.split("/")[0];
    }

    @Override
    public String driverName() {
        return name;
    }

    @Override
    @SuppressWarnings("unchecked")
    public NtStatus storPortInitialize(VirtualHwInitializationData<?> data) {
        port.callbacks.checkIrql(name, null, "StorPortInitialize", Irql.PASSIVE_LEVEL);
        NtStatus status = validate((VirtualHwInitializationData<Object>) data);
        port.trace.ddi(name, null, "StorPortInitialize", TraceEvent.argMap(
                "adapterInterfaceType", data == null ? null : data.adapterInterfaceType, "status", status,
                "reason", initializeError));
        if (initializeError != null) {
            java.util.logging.Logger.getLogger(StorMiniportDriver.class.getName()).warning("drvsim: " + name
                    + ": StorPortInitialize returned " + status + ": " + initializeError);
        }
        if (status.isSuccess() && init.hwInitializeTracing != null) {
            var tracing = init.hwInitializeTracing;
            port.callbacks.callVoid(name, null, "HwStorInitializeTracing",
                    TraceEvent.argMap("registryPath", registryPath()), () -> tracing.initializeTracing(this, registryPath()));
            tracingInitialized = true;
        }
        return status;
    }

    /** Why the last StorPortInitialize failed, naming what is wrong; null after a success. */
    volatile String initializeError;

    private NtStatus validate(VirtualHwInitializationData<Object> d) {
        initializeError = null;
        String why = null;
        if (d == null) {
            why = "HwInitializationData is null";
        } else if (init != null) {
            why = "the driver has already called StorPortInitialize";
        } else if (!inDriverEntry) {
            why = "StorPortInitialize is called from DriverEntry only";
        } else if (d.adapterInterfaceType != org.drvsim.nt.InterfaceType.Internal) {
            why = "AdapterInterfaceType is " + d.adapterInterfaceType + "; a virtual miniport uses Internal";
        } else if (!d.missingRoutines().isEmpty()) {
            why = "required routine(s) missing: " + String.join(", ", d.missingRoutines());
        }
        if (why != null) {
            initializeError = why;
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        init = d.copy();
        return NtStatus.STATUS_SUCCESS;
    }

    /** After the last adapter: HwStorCleanupTracing when the driver registered it (spec 4.A.8). */
    void unload() {
        if (tracingInitialized && init.hwCleanupTracing != null) {
            var cleanup = init.hwCleanupTracing;
            port.callbacks.callVoid(name, null, "HwStorCleanupTracing", TraceEvent.argMap(),
                    () -> cleanup.cleanupTracing(this));
        }
    }
}
