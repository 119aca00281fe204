/* SPDX-License-Identifier: MIT */
/*
 * Frames and page tables. Mapping needs an MMU or MPU backend (a later part); without one (the
 * hosted board) the mapping invocations are illegal and a Frame is only memory with an address.
 */
#include "invocation.h"

int frame_decode(struct inv *inv)
{
    switch (inv->label) {
    case MICA_FRAME_GET_ADDRESS:
        if (inv->slot->cap.type != MICA_OBJ_FRAME)
            return MICA_ERR_ILLEGAL_OPERATION;
        inv_ret(inv, 0, inv->slot->cap.obj);
        return MICA_OK;
    default:
        /* Frame_Map/Remap/Unmap, PageTable_Map/Unmap: no address-space backend yet. */
        return MICA_ERR_ILLEGAL_OPERATION;
    }
}
