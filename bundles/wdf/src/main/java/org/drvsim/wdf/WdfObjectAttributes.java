package org.drvsim.wdf;

import java.util.function.Supplier;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * WDF_OBJECT_ATTRIBUTES (spec/wdf-lifecycle.md OB-9): cleanup and destroy callbacks, parent, execution level,
 * synchronization scope and the context type (here a factory for the context object). Documentation:
 * "WDF_OBJECT_ATTRIBUTES structure (wdfobject.h)".
 */
public final class WdfObjectAttributes {
    /**
     * EvtCleanupCallback (EVT_WDF_OBJECT_CONTEXT_CLEANUP): runs when the object is deleted, children before
     * parents, at PASSIVE_LEVEL on the thread that deletes it (the PnP worker when the framework does).
     */
    @ConsumerType @FunctionalInterface
    public interface EvtCleanupCallback { void evtCleanupCallback(WdfObject object); }

    /**
     * EvtDestroyCallback (EVT_WDF_OBJECT_CONTEXT_DESTROY): runs once the deleted object's reference count reaches
     * 0, at PASSIVE_LEVEL here; it may read the context only.
     */
    @ConsumerType @FunctionalInterface
    public interface EvtDestroyCallback { void evtDestroyCallback(WdfObject object); }

    public EvtCleanupCallback evtCleanupCallback;
    public EvtDestroyCallback evtDestroyCallback;
    /** ParentObject, or null for the type's default parent. */
    public WdfObject parentObject;
    /** ExecutionLevel. */
    public WdfExecutionLevel executionLevel = WdfExecutionLevel.WdfExecutionLevelInheritFromParent;
    /** SynchronizationScope. */
    public WdfSynchronizationScope synchronizationScope = WdfSynchronizationScope.WdfSynchronizationScopeInheritFromParent;
    /** The context type: creates the object's context (WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE). */
    public Supplier<?> context;

    /** WDF_NO_OBJECT_ATTRIBUTES. */
    public static WdfObjectAttributes none() {
        return new WdfObjectAttributes();
    }
}
