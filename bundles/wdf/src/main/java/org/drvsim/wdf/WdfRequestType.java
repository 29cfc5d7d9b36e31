package org.drvsim.wdf;

/**
 * WDF_REQUEST_TYPE (wdfrequest.h), reduced to the request types the simulated I/O manager sends.
 * Documentation: "WDF_REQUEST_TYPE enumeration (wdfrequest.h)".
 */
public enum WdfRequestType {
    WdfRequestTypeRead,
    WdfRequestTypeWrite,
    WdfRequestTypeDeviceIoControl
}
