package org.drvsim.drivers.e1k;

import org.drvsim.ndis.MiniportDriverEntry;
import org.drvsim.ndis.NdisDriverObject;
import org.drvsim.ndis.NdisMiniportDriver;
import org.drvsim.ndis.NdisMiniportDriverCharacteristics;
import org.drvsim.ndis.NdisStatus;

/**
 * The e1k miniport driver (an e1000 driver's {@code DriverEntry} and {@code MiniportDriverUnload}): DriverEntry fills
 * the NDIS 6.30 characteristics, with MiniportCheckForHangEx and MiniportResetEx because this is a miniport for real
 * (simulated) hardware that can hang, and registers; unload undoes exactly what DriverEntry did. Claims the 82540EM's
 * hardware ID, as the INF of an e1000 driver does ({@code PCI\VEN_8086&DEV_100E}).
 *
 * <p>One file per concept, as netvmini splits them: {@link E1kAdapter} (initialize, halt, pause, restart, PnP,
 * shutdown, check-for-hang and reset), {@link E1kInterrupt} (MiniportInterrupt and MiniportInterruptDPC),
 * {@link E1kTransmit} and {@link E1kReceive} (the rings), {@link E1kOids} (the control path) and {@link E1kHardware}
 * (the registers).
 */
@NdisMiniportDriver(hardwareIds = "PCI\\VEN_8086&DEV_100E")
public final class E1kDriver implements MiniportDriverEntry {
    /** The step of DriverEntry that succeeded, undone by unload. */
    private boolean registered;

    /** DriverEntry: PASSIVE_LEVEL on the PnP worker. */
    @Override
    public NdisStatus driverEntry(NdisDriverObject driverObject) {
        NdisMiniportDriverCharacteristics<E1kAdapter> chars = new NdisMiniportDriverCharacteristics<>(6, 30, 1, 0);
        chars.initializeHandlerEx = E1kAdapter::initializeEx;
        chars.haltHandlerEx = E1kAdapter::haltEx;
        chars.unloadHandler = this::driverUnload;
        chars.pauseHandler = E1kAdapter::pause;
        chars.restartHandler = E1kAdapter::restart;
        chars.oidRequestHandler = E1kOids::oidRequest;
        chars.cancelOidRequestHandler = E1kOids::cancelOidRequest;
        chars.sendNetBufferListsHandler = E1kTransmit::sendNetBufferLists;
        chars.cancelSendHandler = E1kTransmit::cancelSend;
        chars.returnNetBufferListsHandler = E1kReceive::returnNetBufferLists;
        chars.checkForHangHandlerEx = E1kAdapter::checkForHangEx;
        chars.resetHandlerEx = E1kAdapter::resetEx;
        chars.devicePnPEventNotifyHandler = E1kAdapter::devicePnPEventNotify;
        chars.shutdownHandlerEx = E1kAdapter::shutdownEx;
        NdisStatus status = driverObject.ndisMRegisterMiniportDriver(chars);
        if (status == NdisStatus.NDIS_STATUS_SUCCESS) {
            registered = true;
        }
        return status;
    }

    /** MiniportDriverUnload: PASSIVE_LEVEL, after MiniportHaltEx for every adapter. */
    private void driverUnload(NdisDriverObject driverObject) {
        if (registered) {
            driverObject.ndisMDeregisterMiniportDriver();
            registered = false;
        }
    }
}
