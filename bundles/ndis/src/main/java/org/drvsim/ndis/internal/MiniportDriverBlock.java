package org.drvsim.ndis.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.drvsim.kernel.DriverObject;
import org.drvsim.nt.Irql;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.ndis.NdisDriverObject;
import org.drvsim.ndis.NdisMiniportDriverCharacteristics;
import org.drvsim.ndis.NdisStatus;

/**
 * NDIS's record of one registered miniport driver (the NDIS_M_DRIVER_BLOCK): its copied
 * characteristics and its adapters. Written on the PnP worker.
 */
final class MiniportDriverBlock implements NdisDriverObject {
    final NdisPort port;
    final DriverObject driverObject;
    final String name;
    final List<MiniportBlock> adapters = new CopyOnWriteArrayList<>();
    volatile NdisMiniportDriverCharacteristics<Object> chars;
    volatile boolean registered;
    volatile boolean inDriverEntry;
    volatile boolean inUnload;
    volatile boolean unloaded;
    /** Why the last NdisMRegisterMiniportDriver failed, in words naming what is wrong; null after a success. */
    volatile String registrationError;
    int haltedCount;

    MiniportDriverBlock(NdisPort port, DriverObject driverObject) {
        this.port = port;
        this.driverObject = driverObject;
        this.name = driverObject.name();
    }

    @Override
    public String driverName() {
        return name;
    }

    @Override
    @SuppressWarnings("unchecked")
    public NdisStatus ndisMRegisterMiniportDriver(NdisMiniportDriverCharacteristics<?> c) {
        port.checkIrql(name, null, "NdisMRegisterMiniportDriver", Irql.PASSIVE_LEVEL);
        NdisStatus status = register((NdisMiniportDriverCharacteristics<Object>) c);
        port.trace.ddi(name, null, "NdisMRegisterMiniportDriver", TraceEvent.argMap(
                "majorNdisVersion", c == null ? null : c.majorNdisVersion,
                "minorNdisVersion", c == null ? null : c.minorNdisVersion,
                "status", status, "reason", registrationError));
        if (registrationError != null) {
            NdisPort.LOG.warning("drvsim: " + name + ": NdisMRegisterMiniportDriver returned " + status + ": "
                    + registrationError);
        }
        if (status.isSuccess() && chars.setOptionsHandler != null) {
            // NDIS calls MiniportSetOptions inside NdisMRegisterMiniportDriver (spec section 1.1).
            var handler = chars.setOptionsHandler;
            port.call(name, null, "MiniportSetOptions", TraceEvent.argMap("ndisDriverHandle", name),
                    () -> handler.setOptions(this), NdisStatus.NDIS_STATUS_FAILURE);
        }
        return status;
    }

    private NdisStatus register(NdisMiniportDriverCharacteristics<Object> c) {
        registrationError = null;
        if (c == null) {
            return fail(NdisStatus.NDIS_STATUS_FAILURE, "the characteristics are null");
        }
        if (registered) {
            return fail(NdisStatus.NDIS_STATUS_FAILURE, "the driver is already registered");
        }
        if (!inDriverEntry) {
            return fail(NdisStatus.NDIS_STATUS_FAILURE, "NdisMRegisterMiniportDriver is called from DriverEntry only");
        }
        if (c.majorNdisVersion != 6) {
            return fail(NdisStatus.NDIS_STATUS_BAD_VERSION, "MajorNdisVersion " + c.majorNdisVersion
                    + " is not 6 (NDIS 6.x)");
        }
        NdisMiniportDriverCharacteristics<Object> copy = c.copy();
        List<String> missing = copy.missingHandlers();
        if (!missing.isEmpty()) {
            return fail(NdisStatus.NDIS_STATUS_BAD_CHARACTERISTICS, "required handler(s) missing: "
                    + String.join(", ", missing));
        }
        chars = copy;
        registered = true;
        return NdisStatus.NDIS_STATUS_SUCCESS;
    }

    private NdisStatus fail(NdisStatus status, String why) {
        registrationError = why;
        return status;
    }

    @Override
    public void ndisMDeregisterMiniportDriver() {
        port.checkIrql(name, null, "NdisMDeregisterMiniportDriver", Irql.PASSIVE_LEVEL);
        port.trace.ddi(name, null, "NdisMDeregisterMiniportDriver", TraceEvent.argMap("ndisMiniportDriverHandle", name));
        if (unloaded) {
            port.verifier.report("NdisCallAfterUnload", 0xC9, name, null,
                    "NdisMDeregisterMiniportDriver after MiniportDriverUnload returned");
            return;
        }
        if (!registered) {
            port.verifier.report("DeregisterWithoutRegister", 0xC9, name, null,
                    "NdisMDeregisterMiniportDriver for a driver that is not registered");
            return;
        }
        if (!inUnload && !inDriverEntry) {
            port.verifier.report("DeregisterOutsideUnload", 0xC9, name, null,
                    "NdisMDeregisterMiniportDriver outside MiniportDriverUnload and DriverEntry");
        }
        registered = false;
    }

    /** Calls MiniportDriverUnload and checks that the driver deregistered (spec section 4.4). */
    void unload() {
        inUnload = true;
        var handler = chars.unloadHandler;
        port.callVoid(name, null, "MiniportDriverUnload", TraceEvent.argMap("driverObject", name),
                () -> handler.driverUnload(this));
        inUnload = false;
        unloaded = true;
        if (registered) {
            registered = false;
            port.verifier.report("MiniportDriverUnloadWithoutDeregister", 0xC9, name, null,
                    "MiniportDriverUnload returned without calling NdisMDeregisterMiniportDriver");
        }
    }
}
