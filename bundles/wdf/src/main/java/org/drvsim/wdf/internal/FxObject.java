package org.drvsim.wdf.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.wdf.WdfObject;
import org.drvsim.wdf.WdfObjectAttributes;

/**
 * A framework object: parent/child tree, reference count, context, cleanup and destroy callbacks
 * (spec/wdf-lifecycle.md section 2). Deleting an object runs every descendant's EvtCleanupCallback before
 * its own (children in creation order, as the framework source does, OB-5), then, once the reference count
 * reaches 0, the destroys in the same order. Tree changes are serialised by the driver's lock.
 */
class FxObject implements WdfObject {
    private static final AtomicInteger NEXT_HANDLE = new AtomicInteger(1);

    final FxDriverImpl driver;
    final String type;
    final int handle = NEXT_HANDLE.getAndIncrement();
    final WdfObjectAttributes attributes;
    private final Object context;
    volatile FxObject parent;
    final List<FxObject> children = new ArrayList<>();
    private int references = 1;
    private boolean deleteRequested;
    private boolean cleanedUp;
    private boolean destroyed;
    /** Whether the driver may call WdfObjectDelete on it (OB-7). */
    final boolean driverDeletable;

    /** Runs the driver's context type (its factory): driver code, under the one rule of a driver call. */
    private static Object newContext(FxDriverImpl driver, WdfObjectAttributes attributes, String type) {
        if (attributes.context == null) {
            return null;
        }
        if (driver == null) {
            return attributes.context.get(); // the WDFDRIVER's own attributes arrive through WdfDriverCreate
        }
        return driver.port.callbacks.contain(driver.name, null, "the context type of a " + type,
                attributes.context::get, null);
    }

    FxObject(FxDriverImpl driver, String type, WdfObjectAttributes attributes, FxObject parent, boolean driverDeletable) {
        this.driver = driver;
        this.type = type;
        this.attributes = attributes == null ? WdfObjectAttributes.none() : attributes;
        this.context = newContext(driver, this.attributes, type);
        this.driverDeletable = driverDeletable;
        this.parent = parent;
        if (parent != null) {
            synchronized (driver.treeLock) {
                parent.children.add(this);
            }
        }
    }

    /**
     * @return the instance ID of the device this object belongs to, for its trace events: its own for a WDFDEVICE,
     *         else its parent's (a WDFOBJECT parented to a device or to one of the device's objects carries that
     *         device), or empty under the WDFDRIVER
     */
    String deviceId() {
        FxObject p = parent;
        return p == null ? "" : p.deviceId();
    }

    /** The WDFDRIVER this object belongs to (itself for the driver object). */
    FxDriverImpl drv() {
        return driver != null ? driver : (FxDriverImpl) this;
    }

    @Override public String wdfType() { return type; }
    @Override public WdfObject parent() { return parent; }
    @Override public Object context() { return context; }

    @Override
    public int referenceCount() {
        synchronized (drv().treeLock) {
            return references;
        }
    }

    boolean deleted() {
        synchronized (drv().treeLock) {
            return deleteRequested;
        }
    }

    List<FxObject> childrenSnapshot() {
        synchronized (drv().treeLock) {
            return List.copyOf(children);
        }
    }

    String label() {
        return type + "#" + handle;
    }

    @Override
    public void wdfObjectDelete() {
        drv().port.trace.ddi(drv().name, deviceId(), "WdfObjectDelete", TraceEvent.argMap("object", label()));
        if (!drv().checkAlive("WdfObjectDelete", deviceId())) {
            return;
        }
        if (!driverDeletable) {
            drv().port.verifier.report("WdfObjectNotDeletable", 0x10D, drv().name, deviceId(),
                    "WdfObjectDelete on " + label() + ", which the framework owns and deletes itself");
            return;
        }
        synchronized (drv().treeLock) {
            if (deleteRequested) {
                drv().port.verifier.report("WdfObjectDeletedTwice", 0x10D, drv().name, deviceId(),
                        "WdfObjectDelete on " + label() + ", which is already deleted");
                return;
            }
            if (references > 1) {
                drv().port.verifier.report("WdfObjectDeletedWithReferences", 0x10D, drv().name, deviceId(),
                        "WdfObjectDelete on " + label() + " with " + (references - 1)
                                + " outstanding reference(s); it is destroyed when they are released");
            }
        }
        delete();
    }

    /** The framework deletes the object (or the driver did): cleanup of the subtree, then release. */
    void delete() {
        synchronized (drv().treeLock) {
            if (deleteRequested) {
                return;
            }
            deleteRequested = true;
        }
        cleanupTree();
        release();
    }

    private void cleanupTree() {
        for (FxObject child : childrenSnapshot()) {
            synchronized (drv().treeLock) {
                child.deleteRequested = true;
            }
            child.cleanupTree();
        }
        boolean run;
        synchronized (drv().treeLock) {
            run = !cleanedUp;
            cleanedUp = true;
        }
        if (run) {
            onCleanup();
            if (attributes.evtCleanupCallback != null) {
                drv().port.callbacks.callVoid(drv().name, deviceId(), "EvtCleanupCallback",
                        TraceEvent.argMap("object", label()), () -> attributes.evtCleanupCallback.evtCleanupCallback(this));
            }
        }
    }

    /** What the framework itself does when the object is cleaned up (before the driver's callback). */
    void onCleanup() {
    }

    private void release() {
        boolean destroy;
        synchronized (drv().treeLock) {
            references--;
            destroy = references == 0 && !destroyed;
        }
        if (destroy) {
            destroyTree();
        }
    }

    private void destroyTree() {
        for (FxObject child : childrenSnapshot()) {
            child.release();
        }
        synchronized (drv().treeLock) {
            if (destroyed) {
                return;
            }
            destroyed = true;
            if (parent != null) {
                parent.children.remove(this);
            }
        }
        if (attributes.evtDestroyCallback != null) {
            drv().port.callbacks.callVoid(drv().name, deviceId(), "EvtDestroyCallback",
                    TraceEvent.argMap("object", label()), () -> attributes.evtDestroyCallback.evtDestroyCallback(this));
        }
    }

    @Override
    public void wdfObjectReference() {
        synchronized (drv().treeLock) {
            references++;
        }
    }

    @Override
    public void wdfObjectDereference() {
        boolean destroy;
        synchronized (drv().treeLock) {
            if (references <= 0) {
                drv().port.verifier.report("WdfObjectOverDereferenced", 0x10D, drv().name, deviceId(),
                        "WdfObjectDereference on " + label() + " with no reference left");
                return;
            }
            references--;
            destroy = references == 0 && deleteRequested && !destroyed;
        }
        if (destroy) {
            destroyTree();
        }
    }

    @Override
    public String toString() {
        return label();
    }
}
