/* SPDX-License-Identifier: MIT */
/*
 * Threads: creation, suspend/resume, configuration (CSpace, VSpace, IPC buffer, fault and timeout
 * endpoints, held as caps in the TCB's own slots like seL4's TCB CNode), priorities bounded by an
 * authority's MCP, register access by arch-neutral id, notification binding.
 */
#include "cap.h"
#include "delete.h"
#include "invocation.h"
#include "ipc.h"
#include "notify.h"
#include "sched.h"
#include "sched_context.h"
#include "smp.h"
#include "tcb.h"

void tcb_init(struct tcb *t)
{
    hal_ctx_init(&t->ctx, 0, 0);
    t->state = TS_INACTIVE;
    t->cpu = hal_cpu_id();
}

void tcb_suspend(struct tcb *t)
{
    /* Running on another CPU: stopped there first (smp.h), so that it leaves user mode before it
     * leaves the queues, and its registers are at rest before CANCELLED goes into them. */
    smp_stall(t);
    if (t->state == TS_READY) {
        sched_dequeue(t);
    } else if (t->state != TS_INACTIVE) {
        /* The interrupted syscall returns CANCELLED once the thread is resumed; a thread stopped
         * in a fault keeps its registers (there is no syscall to fail). */
        ipc_cancel(t);
        if (!t->fault)
            tcb_set_reg(t, MICA_REG_ARG7, MICA_ERR_CANCELLED);
    }
    t->fault = MICA_FAULT_NONE;
    t->state = TS_INACTIVE;
}

void tcb_resume(struct tcb *t)
{
    if (t->state != TS_INACTIVE)
        return;
    t->state = TS_READY;
    sched_unblock(t);
}

void tcb_finalise_begin(struct tcb *t)
{
    /* The thread stops and lets go of everything that points at it; the caps in its slots go
     * one step each afterwards (delete.c). */
    tcb_suspend(t);
    notify_unbind(t);
    if (t->sc)
        sched_context_donate(t->sc, NULL);
    for (unsigned i = 0; i < CONFIG_NR_CPUS; i++)
        if (cpus[i].cur == t)
            cpus[i].cur = NULL;
}

void tcb_install(struct tcb *t, enum tcb_slot which, struct cte *src, const struct cap *c)
{
    cap_insert(&t->slots[which], c, src);
    if (which == TCB_IPC_BUFFER) {
        word_t offset = t->ipc_buf_uaddr & (((word_t)1 << c->size_bits) - 1);
        t->ipc_buf = (struct mica_ipc_buffer *)((char *)hal_phys_to_virt(c->obj) + offset);
        hal_ctx_set_ipc_buffer(&t->ctx, t->ipc_buf_uaddr, t->ipc_buf);
    }
}

/* A TCB configuration change, decoded: for each slot, the cap to install (type NULL: leave the
 * slot as it is) and the slot it is derived from. */
struct tcb_slots {
    struct cap cap[TCB_NSLOTS];
    struct cte *src[TCB_NSLOTS];
};

/* Derive what goes into slot `which` from src (NULL: nothing changes there). */
static int tcb_decode_slot(struct tcb_slots *s, enum tcb_slot which, struct cte *src)
{
    s->src[which] = src;
    s->cap[which] = (struct cap){0};
    if (!src)
        return MICA_OK;
    return cap_derive(src, MICA_RIGHTS_ALL, &s->cap[which]) ? MICA_ERR_INVALID_CAPABILITY : MICA_OK;
}

/*
 * Replace the slots s names: delete what they hold (preemptible: a restart decodes again and
 * carries on with the deletion), then install the new caps. Deleting can destroy objects that
 * held the TCB's own cap (tslot) or a source: seL4's checkCapAt, a cap is only installed if its
 * TCB and its source are still there.
 */
static int tcb_invoke_slots(struct tcb *t, const struct cte *tslot, const struct tcb_slots *s,
                            word_t ipc_uaddr)
{
    /* Its address space, IPC buffer or CSpace may go: not while it runs on another CPU. */
    smp_stall(t);
    for (unsigned i = 0; i < TCB_NSLOTS; i++) {
        if (s->src[i]) {
            int err = cap_delete(&t->slots[i]);
            if (err)
                return err;
        }
    }
    if (tslot->cap.type != MICA_OBJ_TCB || cap_ptr(&tslot->cap) != t)
        return MICA_OK;
    for (unsigned i = 0; i < TCB_NSLOTS; i++) {
        if (!s->src[i] || !cap_same_object(&s->src[i]->cap, &s->cap[i]))
            continue;
        if (i == TCB_IPC_BUFFER)
            t->ipc_buf_uaddr = ipc_uaddr;
        tcb_install(t, (enum tcb_slot)i, s->src[i], &s->cap[i]);
    }
    return MICA_OK;
}

static int tcb_decode_configure(struct inv *inv, struct tcb *t)
{
    struct cte *cspace, *vspace, *frame;
    struct tcb_slots s = {0};
    int err;

    if (inv->len < 1)
        return MICA_ERR_TRUNCATED_MESSAGE;
    if ((err = inv_cap_typed(inv, 0, MICA_OBJ_CNODE, true, &cspace)) ||
        (err = inv_cap_typed(inv, 1, MICA_OBJ_VSPACE, true, &vspace)) ||
        (err = inv_cap_typed(inv, 2, MICA_OBJ_FRAME, true, &frame)))
        return err;
    word_t uaddr = inv->mr[0];
    if (frame) {
        if (uaddr & (((word_t)1 << MICA_IPC_BUFFER_BITS) - 1))
            return MICA_ERR_ALIGNMENT;
        if (frame->cap.size_bits < MICA_IPC_BUFFER_BITS || (frame->cap.flags & CAP_FLAG_DEVICE))
            return MICA_ERR_INVALID_ARGUMENT;
        /* The kernel writes received messages into the buffer and sends what is in it: a cap
         * that may not do both may not be an IPC buffer (seL4's lookupIPCBuffer). */
        if ((frame->cap.rights & (MICA_RIGHT_READ | MICA_RIGHT_WRITE)) !=
            (MICA_RIGHT_READ | MICA_RIGHT_WRITE))
            return MICA_ERR_INVALID_CAPABILITY;
    }
    if ((err = tcb_decode_slot(&s, TCB_CSPACE, cspace)) ||
        (err = tcb_decode_slot(&s, TCB_VSPACE, vspace)) ||
        (err = tcb_decode_slot(&s, TCB_IPC_BUFFER, frame)))
        return err;
    return tcb_invoke_slots(t, inv->slot, &s, uaddr);
}

static int tcb_decode_priority(struct inv *inv, struct tcb *t)
{
    struct cte *auth;
    int err;

    if (inv->len < 1)
        return MICA_ERR_TRUNCATED_MESSAGE;
    if ((err = inv_cap_typed(inv, 0, MICA_OBJ_TCB, false, &auth)))
        return err;
    struct tcb *a = cap_ptr(&auth->cap);
    if (inv->mr[0] >= MICA_NUM_PRIORITIES || inv->mr[0] > a->mcp)
        return MICA_ERR_RANGE;
    if (inv->label == MICA_TCB_SET_PRIORITY)
        sched_set_prio(t, (unsigned)inv->mr[0]);
    else
        t->mcp = (uint8_t)inv->mr[0];
    return MICA_OK;
}

static void tcb_invoke_write_registers(struct inv *inv, struct tcb *t, word_t first, word_t count,
                                       bool resume)
{
    smp_stall(t);
    for (unsigned i = 0; i < count; i++)
        tcb_set_reg(t, (unsigned)(first + i), inv_mr(inv, 3 + i));
    if (resume)
        tcb_resume(t);
}

static int tcb_decode_registers(struct inv *inv, struct tcb *t)
{
    bool write = inv->label == MICA_TCB_WRITE_REGISTERS;
    unsigned base = write ? 1 : 0;

    if (inv->len < base + 2)
        return MICA_ERR_TRUNCATED_MESSAGE;
    if (t == inv->t)
        return MICA_ERR_ILLEGAL_OPERATION;
    word_t first = inv->mr[base], count = inv->mr[base + 1];
    if (first > ARCH_NUM_REGS || count > ARCH_NUM_REGS - first)
        return MICA_ERR_RANGE;
    if (!write) {
        /* Registers at rest: a thread running on another CPU is stopped there first. */
        smp_stall(t);
        for (unsigned i = 0; i < count; i++)
            inv_ret(inv, i, tcb_reg(t, (unsigned)(first + i)));
        return MICA_OK;
    }
    if (inv->len < 3 + count)
        return MICA_ERR_TRUNCATED_MESSAGE;
    tcb_invoke_write_registers(inv, t, first, count, inv->mr[0] != 0);
    return MICA_OK;
}

static int tcb_decode_bind(struct inv *inv, struct tcb *t)
{
    struct cte *n;
    int err;

    if ((err = inv_cap_typed(inv, 0, MICA_OBJ_NOTIFICATION, false, &n)))
        return err;
    struct notification *ntfn = cap_ptr(&n->cap);
    if (!(n->cap.rights & MICA_RIGHT_READ))
        return MICA_ERR_INVALID_CAPABILITY;
    if (t->bound || ntfn_bound(ntfn))
        return MICA_ERR_ILLEGAL_OPERATION;
    notify_bind(ntfn, t);
    return MICA_OK;
}

static int tcb_decode_handler(struct inv *inv, struct tcb *t)
{
    enum tcb_slot which = inv->label == MICA_TCB_SET_FAULT_HANDLER ? TCB_FAULT : TCB_TIMEOUT;
    struct tcb_slots s = {0};
    struct cte *ep;
    int err;

    if ((err = inv_cap_typed(inv, 0, MICA_OBJ_ENDPOINT, true, &ep)))
        return err;
    if ((err = tcb_decode_slot(&s, which, ep)))
        return err;
    if (!ep) {
        /* A null cap clears the handler: only the deletion. */
        return cap_delete(&t->slots[which]);
    }
    return tcb_invoke_slots(t, inv->slot, &s, 0);
}

int tcb_decode(struct inv *inv)
{
    struct tcb *t = cap_ptr(&inv->slot->cap);

    switch (inv->label) {
    case MICA_TCB_CONFIGURE: return tcb_decode_configure(inv, t);
    case MICA_TCB_SET_PRIORITY:
    case MICA_TCB_SET_MC_PRIORITY: return tcb_decode_priority(inv, t);
    case MICA_TCB_SUSPEND: tcb_suspend(t); return MICA_OK;
    case MICA_TCB_RESUME: tcb_resume(t); return MICA_OK;
    case MICA_TCB_READ_REGISTERS:
    case MICA_TCB_WRITE_REGISTERS: return tcb_decode_registers(inv, t);
    case MICA_TCB_BIND_NOTIFICATION: return tcb_decode_bind(inv, t);
    case MICA_TCB_UNBIND_NOTIFICATION:
        if (!t->bound)
            return MICA_ERR_ILLEGAL_OPERATION;
        notify_unbind(t);
        return MICA_OK;
    case MICA_TCB_SET_FAULT_HANDLER:
    case MICA_TCB_SET_TIMEOUT_HANDLER: return tcb_decode_handler(inv, t);
    default: return MICA_ERR_ILLEGAL_OPERATION;
    }
}
