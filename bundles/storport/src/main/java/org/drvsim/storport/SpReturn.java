package org.drvsim.storport;

/** What VirtualHwStorFindAdapter returns (storport.h SP_RETURN_*; spec/storport-lifecycle.md section 2.1). */
public enum SpReturn {
    SP_RETURN_NOT_FOUND,
    SP_RETURN_FOUND,
    SP_RETURN_ERROR,
    SP_RETURN_BAD_CONFIG
}
