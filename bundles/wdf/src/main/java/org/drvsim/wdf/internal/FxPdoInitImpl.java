package org.drvsim.wdf.internal;

import java.util.ArrayList;
import java.util.List;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.nt.Irql;
import org.drvsim.nt.NtStatus;
import org.drvsim.wdf.WdfDevice;
import org.drvsim.wdf.WdfObjectAttributes;
import org.drvsim.wdf.WdfPdoInit;
import org.drvsim.wdf.WdfResult;

/** WdfPdoInitAllocate's WDFDEVICE_INIT: open until its WdfDeviceCreate; PASSIVE_LEVEL. */
final class FxPdoInitImpl extends FxDeviceInitImpl implements WdfPdoInit {
    final FxDeviceImpl parent;
    private String deviceId;
    private String childInstanceId;
    final List<String> hardwareIds = new ArrayList<>();
    String deviceClassGuid;

    FxPdoInitImpl(FxDeviceImpl parent) {
        super(parent.drv(), null, null);
        this.parent = parent;
    }

    @Override
    public String instanceId() {
        return deviceId == null ? "" : childInstanceId == null ? deviceId : deviceId + "\\" + childInstanceId;
    }

    private NtStatus assign(String ddi, String argName, String value, boolean noBackslash, Runnable set) {
        NtStatus s = !open ? NtStatus.STATUS_INVALID_DEVICE_STATE
                : value == null || value.isBlank() || noBackslash && value.contains("\\") ? NtStatus.STATUS_INVALID_PARAMETER
                : NtStatus.STATUS_SUCCESS;
        driver.port.trace.ddi(driver.name, parent.instanceId(), ddi, TraceEvent.argMap(argName, value, "status", s));
        if (s.isSuccess()) {
            set.run();
        }
        return s;
    }

    @Override
    public NtStatus wdfPdoInitAssignDeviceID(String id) {
        return assign("WdfPdoInitAssignDeviceID", "deviceId", id, false, () -> deviceId = id.strip());
    }

    @Override
    public NtStatus wdfPdoInitAssignInstanceID(String id) {
        return assign("WdfPdoInitAssignInstanceID", "instanceId", id, true, () -> childInstanceId = id.strip());
    }

    @Override
    public NtStatus wdfPdoInitAddHardwareID(String id) {
        return assign("WdfPdoInitAddHardwareID", "hardwareId", id, false, () -> hardwareIds.add(id.strip()));
    }

    @Override
    public NtStatus wdfPdoInitAssignRawDevice(String guid) {
        return assign("WdfPdoInitAssignRawDevice", "deviceClassGuid", guid, false, () -> deviceClassGuid = guid.strip());
    }

    @Override
    FxDeviceImpl newDevice(WdfObjectAttributes attributes) {
        return FxDeviceImpl.pdo(this, attributes);
    }

    /**
     * WdfDeviceCreate for the child: STATUS_INVALID_DEVICE_REQUEST without a device ID; STATUS_NOT_SUPPORTED for a PDO
     * that is not raw (drvsim runs no function driver on a KMDF PDO); STATUS_INVALID_DEVICE_STATE when created
     * already or the parent was deleted.
     */
    @Override
    public WdfResult<WdfDevice> wdfDeviceCreate(WdfObjectAttributes deviceAttributes) {
        driver.port.callbacks.checkIrql(driver.name, parent.instanceId(), "WdfDeviceCreate", Irql.PASSIVE_LEVEL);
        NtStatus s = !open || created != null || parent.deleted() ? NtStatus.STATUS_INVALID_DEVICE_STATE
                : deviceId == null ? NtStatus.STATUS_INVALID_DEVICE_REQUEST
                : deviceClassGuid == null ? NtStatus.STATUS_NOT_SUPPORTED
                : NtStatus.STATUS_SUCCESS;
        if (!s.isSuccess()) {
            driver.port.trace.ddi(driver.name, parent.instanceId(), "WdfDeviceCreate", TraceEvent.argMap("status", s,
                    "why", s == NtStatus.STATUS_NOT_SUPPORTED ? "drvsim runs raw PDOs only (WdfPdoInitAssignRawDevice)"
                            : s == NtStatus.STATUS_INVALID_DEVICE_REQUEST ? "no WdfPdoInitAssignDeviceID" : null));
            return new WdfResult<>(s, null);
        }
        if (hardwareIds.isEmpty()) {
            hardwareIds.add(deviceId); // the device ID is the most specific hardware ID Windows matches
        }
        created = newDevice(deviceAttributes);
        open = false;
        driver.port.trace.ddi(driver.name, parent.instanceId(), "WdfDeviceCreate", TraceEvent.argMap("deviceHandle",
                created.label(), "child", created.instanceId(), "status", NtStatus.STATUS_SUCCESS));
        return new WdfResult<>(NtStatus.STATUS_SUCCESS, created);
    }
}
