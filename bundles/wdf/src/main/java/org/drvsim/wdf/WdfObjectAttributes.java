package org.drvsim.wdf;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * WDF_OBJECT_ATTRIBUTES (spec/wdf-lifecycle.md OB-9): cleanup and destroy callbacks, parent, execution
 * level, synchronization scope and the context type (here a factory for the context object).
 */
public final class WdfObjectAttributes {
    /** EvtCleanupCallback: runs when the object is deleted, children before parents; PASSIVE_LEVEL here. */
    public Consumer<WdfObject> evtCleanupCallback;
    /** EvtDestroyCallback: runs when the deleted object's reference count reaches 0; may read the context only. */
    public Consumer<WdfObject> evtDestroyCallback;
    /** ParentObject, or null for the type's default parent. */
    public WdfObject parentObject;
    /** ExecutionLevel: {@code WdfExecutionLevelInheritFromParent}, {@code ...Passive} or {@code ...Dispatch}. */
    public String executionLevel = "WdfExecutionLevelInheritFromParent";
    /** SynchronizationScope: {@code WdfSynchronizationScopeInheritFromParent}, {@code ...Device}, {@code ...Queue}, {@code ...None}. */
    public String synchronizationScope = "WdfSynchronizationScopeInheritFromParent";
    /** The context type: creates the object's context (WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE). */
    public Supplier<?> context;

    /** WDF_NO_OBJECT_ATTRIBUTES. */
    public static WdfObjectAttributes none() {
        return new WdfObjectAttributes();
    }
}
