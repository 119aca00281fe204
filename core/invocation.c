/* SPDX-License-Identifier: MIT */
/*
 * Invocations: a Call on an object's capability becomes an inv (invocation.h) with its label and
 * message registers read once, and goes to the decoder of the object's type, which checks
 * everything and only then invokes. Also the accessors decoders read arguments and write results
 * with.
 */
#include "cnode.h"
#include "invocation.h"
#include "preempt.h"
#include "tcb.h"

#define ARG(n) (MICA_REG_ARG0 + (n))

word_t inv_mr(const struct inv *inv, unsigned i)
{
    if (i < MICA_MSG_REGS)
        return tcb_reg(inv->t, ARG(2 + i));
    struct mica_ipc_buffer *b = tcb_ipc_buf(inv->t);
    return b ? b->mr[i] : 0;
}

int inv_cap(const struct inv *inv, unsigned i, struct cte **slot)
{
    struct mica_ipc_buffer *b = tcb_ipc_buf(inv->t);

    if (i >= inv->ncaps || !b)
        return MICA_ERR_TRUNCATED_MESSAGE;
    if (b->caps[i] == 0) {
        *slot = NULL;
        return MICA_OK;
    }
    return cnode_lookup(inv->t, b->caps[i], slot);
}

int inv_cap_typed(const struct inv *inv, unsigned i, unsigned type, bool allow_null,
                  struct cte **slot)
{
    int err = inv_cap(inv, i, slot);

    if (err)
        return err;
    if (*slot && (*slot)->cap.type == MICA_CAP_NULL)
        *slot = NULL;
    if (!*slot)
        return allow_null ? MICA_OK : MICA_ERR_INVALID_CAPABILITY;
    return (*slot)->cap.type == type ? MICA_OK : MICA_ERR_INVALID_CAPABILITY;
}

void inv_ret(struct inv *inv, unsigned i, word_t v)
{
    if (i < MICA_MSG_REGS) {
        tcb_set_reg(inv->t, ARG(2 + i), v);
    } else {
        struct mica_ipc_buffer *b = tcb_ipc_buf(inv->t);
        if (!b)
            return;
        b->mr[i] = v;
    }
    if (i + 1 > inv->nret)
        inv->nret = i + 1;
}

int invocation_handle(struct tcb *t, struct cte *slot, word_t info)
{
    struct inv inv = {
        .t = t,
        .slot = slot,
        .label = mica_msginfo_label(info),
        .len = mica_msginfo_len(info),
        .ncaps = mica_msginfo_caps(info),
    };
    int err;

    if (inv.len > MICA_MSG_MAX_LEN)
        inv.len = MICA_MSG_MAX_LEN;
    if (inv.len > MICA_MSG_REGS && !tcb_ipc_buf(t))
        inv.len = MICA_MSG_REGS;
    for (unsigned i = 0; i < inv.len && i < INV_MAX_MR; i++)
        inv.mr[i] = inv_mr(&inv, i);
    switch (slot->cap.type) {
    case MICA_OBJ_UNTYPED: err = untyped_decode(&inv); break;
    case MICA_OBJ_CNODE: err = cnode_decode(&inv); break;
    case MICA_OBJ_TCB: err = tcb_decode(&inv); break;
    case MICA_OBJ_SCHED_CONTEXT:
    case MICA_CAP_SCHED_CONTROL: err = sched_context_decode(&inv); break;
    case MICA_OBJ_FRAME:
    case MICA_OBJ_PAGE_TABLE: err = frame_decode(&inv); break;
    case MICA_CAP_IRQ_CONTROL:
    case MICA_CAP_IRQ_HANDLER: err = irq_decode(&inv); break;
    default: err = MICA_ERR_ILLEGAL_OPERATION; break;
    }
    /* A preempted invocation is run again from the start: its arguments must stay as they are. */
    if (err != SYSCALL_PREEMPTED)
        tcb_set_reg(t, ARG(1), mica_msginfo(0, 0, 0, inv.nret));
    return err;
}
