package org.drvsim.wdf.internal;

import org.drvsim.kernel.DeviceNode;
import org.drvsim.nt.Irql;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.wdf.WdfDevice;
import org.drvsim.wdf.WdfDeviceInit;
import org.drvsim.wdf.WdfObjectAttributes;
import org.drvsim.wdf.WdfPnpPowerEventCallbacks;
import org.drvsim.wdf.WdfReleaseHardwareOrderOnFailure;
import org.drvsim.wdf.WdfResult;

/** WDFDEVICE_INIT, valid only during EvtDriverDeviceAdd (a child's, {@link FxPdoInitImpl}, until its WdfDeviceCreate). */
class FxDeviceInitImpl implements WdfDeviceInit {
    final FxDriverImpl driver;
    final DeviceNode node;
    /** The device's hardware, as the PnP manager handed it to this port with IRP_MN_START_DEVICE. */
    final org.drvsim.kernel.DeviceResources resources;
    WdfPnpPowerEventCallbacks callbacks = new WdfPnpPowerEventCallbacks();
    WdfReleaseHardwareOrderOnFailure releaseHardwareOrderOnFailure =
            WdfReleaseHardwareOrderOnFailure.WdfReleaseHardwareOrderOnFailureEarly;
    volatile boolean open = true;
    volatile FxDeviceImpl created;

    FxDeviceInitImpl(FxDriverImpl driver, DeviceNode node, org.drvsim.kernel.DeviceResources resources) {
        this.driver = driver;
        this.node = node;
        this.resources = resources;
    }

    @Override
    public String instanceId() {
        return node.instanceId();
    }

    /** Creates the device; a PDO's init makes a PDO. */
    FxDeviceImpl newDevice(WdfObjectAttributes attributes) {
        return new FxDeviceImpl(driver, node, this, attributes);
    }

    @Override
    public void wdfDeviceInitSetPnpPowerEventCallbacks(WdfPnpPowerEventCallbacks c) {
        driver.port.trace.ddi(driver.name, instanceId(), "WdfDeviceInitSetPnpPowerEventCallbacks", TraceEvent.argMap());
        if (open && c != null) {
            callbacks = c;
        }
    }

    @Override
    public void wdfDeviceInitSetReleaseHardwareOrderOnFailure(WdfReleaseHardwareOrderOnFailure order) {
        if (order == null || order == WdfReleaseHardwareOrderOnFailure.WdfReleaseHardwareOrderOnFailureInvalid) {
            throw new IllegalArgumentException("WdfDeviceInitSetReleaseHardwareOrderOnFailure: " + order
                    + " is not WdfReleaseHardwareOrderOnFailureEarly or ...AfterDescendants");
        }
        driver.port.trace.ddi(driver.name, instanceId(), "WdfDeviceInitSetReleaseHardwareOrderOnFailure",
                TraceEvent.argMap("releaseHardwareOrderOnFailure", order));
        if (open) {
            releaseHardwareOrderOnFailure = order;
        }
    }

    @Override
    public WdfResult<WdfDevice> wdfDeviceCreate(WdfObjectAttributes deviceAttributes) {
        driver.port.callbacks.checkIrql(driver.name, instanceId(), "WdfDeviceCreate", Irql.PASSIVE_LEVEL);
        if (!open || created != null) {
            driver.port.trace.ddi(driver.name, instanceId(), "WdfDeviceCreate",
                    TraceEvent.argMap("status", NtStatus.STATUS_INVALID_DEVICE_STATE));
            return new WdfResult<>(NtStatus.STATUS_INVALID_DEVICE_STATE, null);
        }
        created = newDevice(deviceAttributes);
        driver.port.trace.ddi(driver.name, instanceId(), "WdfDeviceCreate", TraceEvent.argMap("deviceHandle", created.label(),
                "status", NtStatus.STATUS_SUCCESS));
        return new WdfResult<>(NtStatus.STATUS_SUCCESS, created);
    }
}
