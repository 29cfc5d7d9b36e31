package org.drvsim.wdf;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A framework object handle (WDFOBJECT and every WDFxxx): it has a parent (the WDFDRIVER is the root), a
 * reference count that starts at 1, an optional context, and EvtCleanupCallback/EvtDestroyCallback from its
 * attributes. Deleting an object deletes its children first: every child's cleanup before its parent's, and
 * destroys once the reference counts reach 0 (spec/wdf-lifecycle.md section 2).
 */
@ProviderType
public interface WdfObject {
    /** @return the WDK type name, for example {@code WDFDEVICE} */
    String wdfType();

    /** @return the parent object, or null for the WDFDRIVER */
    WdfObject parent();

    /** @return the object's context (what the attributes' context factory made), or null */
    Object context();

    /** @return the current reference count */
    int referenceCount();

    /**
     * Models WdfObjectDelete (IRQL &lt;= DISPATCH_LEVEL): deletes the object and its children. An object the
     * driver may not delete (a WDFDRIVER, a PnP WDFDEVICE, a WDFINTERRUPT, a default queue) or one already
     * deleted is a verifier violation and nothing happens.
     */
    void wdfObjectDelete();

    /** Models WdfObjectReference. */
    void wdfObjectReference();

    /** Models WdfObjectDereference: never deletes by itself; a deleted object goes when the count reaches 0. */
    void wdfObjectDereference();
}
