package org.drvsim.wdf;

/**
 * WDF_SYNCHRONIZATION_SCOPE (wdfobject.h): which of an object's callbacks the framework serialises, set in
 * {@link WdfObjectAttributes#synchronizationScope}. Documentation: "WDF_SYNCHRONIZATION_SCOPE enumeration
 * (wdfobject.h)".
 */
public enum WdfSynchronizationScope {
    WdfSynchronizationScopeInvalid,
    WdfSynchronizationScopeInheritFromParent,
    WdfSynchronizationScopeDevice,
    WdfSynchronizationScopeQueue,
    WdfSynchronizationScopeNone
}
