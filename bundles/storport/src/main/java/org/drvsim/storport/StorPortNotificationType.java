package org.drvsim.storport;

/** STORPORT_NOTIFICATION_TYPE values a virtual miniport uses with StorPortNotification. */
public enum StorPortNotificationType {
    /** The SRB is complete; Storport owns it again. */
    RequestComplete,
    /** LUNs on a bus (path ID) changed: Storport rescans it. */
    BusChangeDetected
}
