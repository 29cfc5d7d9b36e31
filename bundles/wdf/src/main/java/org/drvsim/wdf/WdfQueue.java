package org.drvsim.wdf;

import org.osgi.annotation.versioning.ProviderType;

/** WDFQUEUE. */
@ProviderType
public interface WdfQueue extends WdfObject {
    /** @return the device the queue belongs to */
    WdfDevice device();

    /** Models WdfIoQueueRetrieveNextRequest for a manual queue: the next request, or null (STATUS_NO_MORE_ENTRIES). */
    WdfRequest wdfIoQueueRetrieveNextRequest();
}
