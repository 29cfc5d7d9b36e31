/**
 * The KMDF (WDF) driver interface. Framework objects are handles whose methods are the framework
 * functions that take them, named as the WDK names them ({@link org.drvsim.wdf.WdfObject#wdfObjectDelete},
 * {@link org.drvsim.wdf.WdfRequest#wdfRequestComplete}); the event callbacks a driver registers keep their
 * WDK names ({@code EvtDevicePrepareHardware}, {@code EvtDeviceD0Entry}, {@code EvtIoRead}). The documented
 * call orders are digested in spec/wdf-lifecycle.md; the seed pages are
 * spec/seeds/wdf-EVT_WDF_DEVICE_RELEASE_HARDWARE.md and spec/seeds/wdf-WdfDriverMiniportUnload.md.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package org.drvsim.wdf;
