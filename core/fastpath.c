/* SPDX-License-Identifier: MIT */
/*
 * The IPC fast path (seL4's fastpath_call / fastpath_reply_recv): a Call to a waiting server and
 * a ReplyRecv answering a caller while no client waits, with a message that fits in registers.
 * Each function checks every condition under which the slow path (ipc.c) would do something else
 * and, only if all hold, does exactly what the slow path does, minus the generic decoding
 * (fp_call, fp_reply_recv); if one does not hold, nothing was changed and the syscall takes the
 * slow path (syscall_slow_path), called from here so that the kernel loop needs no frame of its
 * own around the fast path. Scheduling
 * context donation (to a passive server, back through the Reply) goes through the same
 * sched_context calls as on the slow path; fault messages are left to the slow path.
 */
#include "cnode.h"
#include "fastpath.h"
#include "ipc.h"
#include "sched.h"
#include "sched_context.h"
#include "tcb.h"

#define ARG(n) (MICA_REG_ARG0 + (n))

/* The cap a syscall register names, or NULL if it does not resolve. */
static struct cte *fp_cap(struct tcb *t, unsigned reg)
{
    struct cte *slot;

    return cnode_lookup(t, tcb_reg(t, reg), &slot) ? NULL : slot;
}

/* The caps ARG0 and ARG6 name (false if either does not resolve); the CSpace root's shape is
 * checked once for both. */
static inline bool fp_cap2(struct tcb *t, struct cte **slot0, struct cte **slot6)
{
    const struct cap *root = &t->slots[TCB_CSPACE].cap;

    if (cnode_one_level(root))
        return !cnode_lookup_one_level(root, tcb_reg(t, ARG(0)), slot0) &&
               !cnode_lookup_one_level(root, tcb_reg(t, ARG(6)), slot6);
    return (*slot0 = fp_cap(t, ARG(0))) && (*slot6 = fp_cap(t, ARG(6)));
}

/* A message the fast path can carry: registers only (length <= MICA_MSG_REGS) and no caps, so
 * the slow path's transfer() would neither touch the IPC buffers nor transfer caps. */
static bool fp_msg_ok(word_t info)
{
    return mica_msginfo_len(info) <= MICA_MSG_REGS && mica_msginfo_caps(info) == 0;
}

/* transfer() for such a message: MR0..len-1, badge, info (no caps, none unwrapped), OK. */
static inline __attribute__((always_inline)) void fp_transfer(struct tcb *s, struct tcb *r,
                                                              word_t info, word_t badge)
{
    unsigned len = mica_msginfo_len(info);

    /* len <= MICA_MSG_REGS (fp_msg_ok), unrolled: each register is one load and one store. */
    compile_assert(fp_four_msg_regs, MICA_MSG_REGS == 4);
    if (len > 0)
        tcb_set_reg(r, ARG(2), tcb_reg(s, ARG(2)));
    if (len > 1)
        tcb_set_reg(r, ARG(3), tcb_reg(s, ARG(3)));
    if (len > 2)
        tcb_set_reg(r, ARG(4), tcb_reg(s, ARG(4)));
    if (len > 3)
        tcb_set_reg(r, ARG(5), tcb_reg(s, ARG(5)));
    tcb_set_reg(r, ARG(0), badge);
    tcb_set_reg(r, ARG(1), mica_msginfo(mica_msginfo_label(info), 0, 0, len));
    tcb_set_reg(r, ARG(7), MICA_OK);
}

static inline __attribute__((always_inline)) bool fp_call(struct tcb *t)
{
    word_t info = tcb_reg(t, ARG(1));
    struct cte *slot;

    if (!fp_msg_ok(info) || !(slot = fp_cap(t, ARG(0))))
        return false;
    /* ipc_send's checks: an endpoint cap with Write and a Grant right for the reply. */
    const struct cap *c = &slot->cap;
    if (c->type != MICA_OBJ_ENDPOINT || !(c->rights & MICA_RIGHT_WRITE) ||
        !(c->rights & (MICA_RIGHT_GRANT | MICA_RIGHT_GRANT_REPLY)))
        return false;
    /* A receiver waits with a Reply object (without one the Call fails: slow path), on this
     * CPU's queues. */
    struct endpoint *ep = cap_ptr(c);
    struct tcb *r = ep->queue.head;
    if (ep->state != EP_RECV || !r->reply || r->cpu != t->cpu || t->fault)
        return false;

    struct reply *reply = r->reply;
    tcbq_remove(&ep->queue, r);
    if (!ep->queue.head)
        ep->state = EP_IDLE;
    fp_transfer(t, r, info, c->data);
    r->reply = NULL;
    reply->receiver = NULL;
    r->blocked_on = NULL;
    r->state = TS_READY;
    /* call_bind_reply: the caller waits on the receiver's Reply object; a passive receiver
     * gets the caller's scheduling context, one with its own is unblocked on it. */
    struct sched_context *own = r->sc;
    reply->caller = t;
    t->reply = reply;
    if (!r->sc && t->sc)
        sched_context_call(t->sc, reply, r);
    sched_block(t, TS_BLOCKED_REPLY, reply);
    if (r->sc == own)
        sched_unblock(r);
    return true;
}

static inline __attribute__((always_inline)) bool fp_reply_recv(struct tcb *t)
{
    word_t info = tcb_reg(t, ARG(1));
    struct cte *slot, *rslot;

    if (!fp_msg_ok(info) || tcb_reg(t, ARG(6)) == 0 || !fp_cap2(t, &slot, &rslot))
        return false;
    /* sys_reply_recv's checks: an endpoint cap with Read, a Reply cap. */
    const struct cap *c = &slot->cap;
    if (c->type != MICA_OBJ_ENDPOINT || !(c->rights & MICA_RIGHT_READ) ||
        rslot->cap.type != MICA_OBJ_REPLY)
        return false;
    /* The Reply object has a caller (else the reply is a no-op: slow path) and no other
     * receiver (ipc_recv would cancel it); the caller waits for a reply, not for its fault to be
     * handled; no client waits on the endpoint (the receive would complete at once: slow path);
     * the bound notification, if any, has no pending signal (ipc_recv would deliver it instead
     * of blocking) and no context it could have lent t (which ipc_recv takes back). */
    struct reply *reply = cap_ptr(&rslot->cap);
    struct tcb *caller = reply->caller;
    struct endpoint *ep = cap_ptr(c);
    if (!caller || reply->receiver || caller->fault || ep->state == EP_SEND ||
        caller->cpu != t->cpu || (t->bound && (ntfn_active(t->bound) || t->bound->sc)))
        return false;

    /* ipc_reply, returning a donated context */
    reply->caller = NULL;
    caller->reply = NULL;
    caller->blocked_on = NULL;
    if (reply->sc)
        sched_context_return(reply, caller);
    fp_transfer(t, caller, info, 0);
    /* ipc_recv, blocking; before the caller is made ready (the slow path's order, swapped: the
     * two touch different threads), so that the caller can take t's place at the front of the
     * ready queue (sched.c) instead of being linked into a list. */
    t->reply = reply;
    reply->receiver = t;
    tcbq_append(&ep->queue, t);
    ep->state = EP_RECV;
    sched_block(t, TS_BLOCKED_RECV, ep);
    caller->state = TS_READY;
    sched_enqueue(caller);
    return true;
}

void fastpath_call(struct tcb *t)
{
    if (!fp_call(t))
        syscall_slow_path(t);
}

void fastpath_reply_recv(struct tcb *t)
{
    if (!fp_reply_recv(t))
        syscall_slow_path(t);
}
