package org.drvsim.wdf.internal;

import org.drvsim.kernel.CommonBuffer;
import org.drvsim.wdf.WdfCommonBuffer;
import org.drvsim.wdf.WdfObjectAttributes;

/** WDFCOMMONBUFFER over a kernel common buffer in simulated host memory; freed at cleanup. */
final class FxCommonBufferImpl extends FxObject implements WdfCommonBuffer {
    private final FxDeviceImpl device;
    private final CommonBuffer buffer;

    FxCommonBufferImpl(FxDeviceImpl device, CommonBuffer buffer, WdfObjectAttributes attributes) {
        super(device.drv(), "WDFCOMMONBUFFER", attributes, device, true);
        this.device = device;
        this.buffer = buffer;
    }

    @Override String deviceId() { return device.instanceId(); }
    @Override public long wdfCommonBufferGetAlignedLogicalAddress() { return buffer.logicalAddress(); }
    @Override public int wdfCommonBufferGetLength() { return buffer.length(); }
    @Override public void read(int offset, byte[] dst, int dstOffset, int len) { buffer.read(offset, dst, dstOffset, len); }
    @Override public void write(int offset, byte[] src, int srcOffset, int len) { buffer.write(offset, src, srcOffset, len); }

    @Override
    void onCleanup() {
        buffer.free();
    }
}
