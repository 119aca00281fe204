/* SPDX-License-Identifier: MIT */
/* Per-type object sizes, creation in freshly zeroed memory, and destruction with the last cap. */
#include "cap.h"
#include "ipc.h"
#include "irq.h"
#include "sched_context.h"
#include "tcb.h"
#include "vspace.h"

unsigned object_size_bits(unsigned type, unsigned size_bits)
{
    switch (type) {
    case MICA_OBJ_TCB: return MICA_TCB_BITS;
    case MICA_OBJ_ENDPOINT: return MICA_ENDPOINT_BITS;
    case MICA_OBJ_NOTIFICATION: return MICA_NOTIFICATION_BITS;
    case MICA_OBJ_REPLY: return MICA_REPLY_BITS;
    case MICA_OBJ_SCHED_CONTEXT: return MICA_SCHED_CONTEXT_BITS;
    case MICA_OBJ_CNODE: return size_bits + MICA_SLOT_BITS;
    case MICA_OBJ_PAGE_TABLE: return MICA_PAGE_TABLE_BITS;
    case MICA_OBJ_VSPACE: return MICA_VSPACE_BITS;
    default: return size_bits; /* Untyped, Frame */
    }
}

bool object_size_valid(unsigned type, unsigned size_bits)
{
    switch (type) {
    case MICA_OBJ_UNTYPED:
        return size_bits >= MICA_MIN_UNTYPED_BITS && size_bits <= MICA_MAX_UNTYPED_BITS;
    case MICA_OBJ_CNODE:
        return size_bits >= MICA_MIN_CNODE_SLOTS && size_bits <= MICA_MAX_CNODE_SLOTS;
    case MICA_OBJ_FRAME:
        if (IS_ENABLED(CONFIG_MMU))
            return size_bits == MICA_PAGE_BITS;
        return size_bits >= MICA_MIN_FRAME_BITS && size_bits <= MICA_MAX_UNTYPED_BITS;
    default: return true;
    }
}

struct cap object_create(unsigned type, unsigned size_bits, void *kva, bool device)
{
    struct cap c = {.type = (uint8_t)type, .rights = MICA_RIGHTS_ALL, .obj = (word_t)kva};

    switch (type) {
    case MICA_OBJ_UNTYPED:
    case MICA_OBJ_FRAME:
        c.size_bits = (uint8_t)size_bits;
        c.flags = device ? CAP_FLAG_DEVICE : 0;
        break;
    case MICA_OBJ_CNODE: c.size_bits = (uint8_t)size_bits; break;
    case MICA_OBJ_TCB: tcb_init(kva); break;
    case MICA_OBJ_VSPACE: vspace_create(&c, kva); break;
    default: break;
    }
    return c;
}

void object_destroy(const struct cap *c)
{
    void *obj = cap_ptr(c);

    switch (c->type) {
    case MICA_OBJ_TCB: tcb_destroy(obj); break;
    case MICA_OBJ_ENDPOINT: ipc_endpoint_destroy(obj); break;
    case MICA_OBJ_NOTIFICATION: notify_destroy(obj); break;
    case MICA_OBJ_REPLY: ipc_reply_destroy(obj); break;
    case MICA_OBJ_SCHED_CONTEXT: sched_context_destroy(obj); break;
    case MICA_CAP_IRQ_HANDLER: irq_destroy(c->obj); break;
    case MICA_OBJ_VSPACE: vspace_destroy(c); break;
    case MICA_OBJ_PAGE_TABLE: vspace_page_table_destroy(c); break;
    case MICA_OBJ_CNODE:
        for (word_t i = 0; i < ((word_t)1 << c->size_bits); i++)
            cap_delete(&((struct cte *)obj)[i]);
        break;
    default: break;
    }
}
