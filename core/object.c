/* SPDX-License-Identifier: MIT */
/*
 * Per-type object sizes, creation in freshly zeroed memory, and destruction with the last cap:
 * at once for objects whose teardown is a bounded amount of work, step by step (delete.c's
 * zombies) for the others, which are those holding caps or queues whose length user space
 * chose.
 */
#include "cap.h"
#include "cnode.h"
#include "delete.h"
#include "ipc.h"
#include "irq.h"
#include "notify.h"
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

bool object_size_valid(unsigned type, word_t size_bits)
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

bool object_needs_zombie(const struct cap *c)
{
    switch (c->type) {
    case MICA_OBJ_CNODE:        /* its slots */
    case MICA_OBJ_TCB:          /* its slots */
    case MICA_CAP_IRQ_HANDLER:  /* the notification cap it holds */
    case MICA_OBJ_ENDPOINT:     /* its waiters */
    case MICA_OBJ_NOTIFICATION: /* its waiters */
    case MICA_OBJ_SCHED_CONTEXT: /* its chain of Reply objects */ return true;
    default: return false;
    }
}

void object_destroy(const struct cap *c)
{
    switch (c->type) {
    case MICA_OBJ_REPLY: ipc_reply_destroy(cap_ptr(c)); break;
    case MICA_OBJ_VSPACE: vspace_destroy(c); break;
    case MICA_OBJ_PAGE_TABLE: vspace_page_table_destroy(c); break;
    default: break; /* Untyped, Frame, IRQControl, SchedControl: nothing to undo */
    }
}

uint32_t object_finalise_begin(const struct cap *c)
{
    switch (c->type) {
    case MICA_OBJ_CNODE: return (uint32_t)1 << c->size_bits;
    case MICA_OBJ_TCB: tcb_finalise_begin(cap_ptr(c)); return TCB_NSLOTS;
    case MICA_CAP_IRQ_HANDLER: irq_finalise_begin(c->obj); return 0;
    case MICA_OBJ_SCHED_CONTEXT: sched_context_finalise_begin(cap_ptr(c)); return 0;
    default: return 0;
    }
}

int object_finalise_step(struct cap *z, struct cte **slot)
{
    void *obj = cap_ptr(z);

    switch (z->guard_bits) {
    case MICA_OBJ_CNODE:
    case MICA_OBJ_TCB: {
        /* Last slot first; an empty one is a step of its own, so that a big empty CNode is no
         * longer between two preemption points than a full one. */
        if (!z->left)
            return STEP_DONE;
        struct cte *slots = z->guard_bits == MICA_OBJ_CNODE ? obj : ((struct tcb *)obj)->slots;
        *slot = &slots[--z->left];
        return (*slot)->cap.type == MICA_CAP_NULL ? STEP_MORE : STEP_SLOT;
    }
    case MICA_CAP_IRQ_HANDLER: return irq_finalise_step(z->obj, slot);
    case MICA_OBJ_ENDPOINT: return ipc_endpoint_finalise_step(obj);
    case MICA_OBJ_NOTIFICATION: return notify_finalise_step(obj);
    case MICA_OBJ_SCHED_CONTEXT: return sched_context_finalise_step(obj);
    default: return STEP_DONE;
    }
}

bool object_holds_slot(const struct cap *z, const struct cte *slot)
{
    const struct cte *first;
    word_t n;

    if (z->guard_bits == MICA_OBJ_CNODE) {
        first = cap_ptr(z);
        n = (word_t)1 << z->size_bits;
    } else if (z->guard_bits == MICA_OBJ_TCB) {
        first = ((const struct tcb *)cap_ptr(z))->slots;
        n = TCB_NSLOTS;
    } else {
        return false; /* no slots, or one in kernel memory that is never freed (IRQHandler) */
    }
    return slot >= first && slot < first + n;
}
