package org.drvsim.wdf;

/**
 * WDF_EXECUTION_LEVEL (wdfobject.h): the highest IRQL the framework calls an object's event callbacks at, set in
 * {@link WdfObjectAttributes#executionLevel}. Documentation: "WDF_EXECUTION_LEVEL enumeration (wdfobject.h)".
 */
public enum WdfExecutionLevel {
    WdfExecutionLevelInvalid,
    WdfExecutionLevelInheritFromParent,
    WdfExecutionLevelPassive,
    WdfExecutionLevelDispatch
}
