package org.drvsim.ndis;

import java.util.List;

/**
 * SCATTER_GATHER_LIST: the physical fragments of a NET_BUFFER's data as the NIC must reach them, in order. NDIS builds
 * it in {@link NdisDmaHandle#ndisMAllocateNetBufferSGList} and passes it to MiniportProcessSGList. Documentation:
 * "SCATTER_GATHER_LIST structure (wdm.h)".
 *
 * @param elements the SCATTER_GATHER_ELEMENTs (NumberOfElements = {@code elements.size()})
 * @since 3.1
 */
public record ScatterGatherList(List<Element> elements) {
    public ScatterGatherList {
        elements = List.copyOf(elements);
    }

    /**
     * SCATTER_GATHER_ELEMENT.
     *
     * @param address the fragment's physical (logical) address for the NIC's DMA engine
     * @param length  the fragment's length in bytes
     */
    public record Element(long address, int length) {
    }

    /** @return the total length of the fragments in bytes */
    public int totalLength() {
        return elements.stream().mapToInt(Element::length).sum();
    }
}
