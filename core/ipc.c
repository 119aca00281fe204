/* SPDX-License-Identifier: MIT */
/*
 * Endpoint IPC: synchronous rendezvous with FIFO queues of senders or receivers, badges, message
 * registers (MR0..3 in the ARG2..5 registers, the rest in the IPC buffers), capability transfer
 * with the Grant right, and MCS reply objects for Call. ipc_send/ipc_recv are the slow path; a
 * Call/ReplyRecv fast path can short-circuit them when both sides are ready and the message fits
 * in registers, with the same effect.
 */
#include "cap.h"
#include "cnode.h"
#include "delete.h"
#include "fault.h"
#include "ipc.h"
#include "notify.h"
#include "sched.h"
#include "sched_context.h"
#include "tcb.h"

static struct tcb *ep_pop(struct endpoint *ep)
{
    struct tcb *t = ep->queue.head;

    tcbq_remove(&ep->queue, t);
    if (!ep->queue.head)
        ep->state = EP_IDLE;
    return t;
}

/* The receive slot r named in its IPC buffer, if it is empty and valid. */
static struct cte *recv_slot(struct tcb *r)
{
    struct mica_ipc_buffer *b = tcb_ipc_buf(r);
    struct cte *cn, *slot;

    if (!b || b->recv_depth == 0)
        return NULL;
    if (cnode_lookup(r, b->recv_cnode, &cn) || cn->cap.type != MICA_OBJ_CNODE)
        return NULL;
    if (cnode_lookup_slot(&cn->cap, b->recv_index, b->recv_depth, &slot))
        return NULL;
    return slot->cap.type == MICA_CAP_NULL ? slot : NULL;
}

/*
 * Transfer the extra caps of s's message. As in seL4, a cap to the endpoint the message came
 * through is unwrapped (its badge goes to caps[i]); at most one other cap is copied into the
 * receive slot; the first cap that cannot be handled ends the transfer. Returns the count handled
 * and sets *unwrapped.
 */
static unsigned transfer_caps(struct tcb *s, struct tcb *r, unsigned ncaps,
                              const struct endpoint *ep, unsigned *unwrapped)
{
    struct mica_ipc_buffer *sb = tcb_ipc_buf(s);
    struct mica_ipc_buffer *rb = tcb_ipc_buf(r);
    bool copied = false;
    unsigned i;

    *unwrapped = 0;
    if (!sb || !rb)
        return 0;
    for (i = 0; i < ncaps; i++) {
        struct cte *src, *dest;
        struct cap c;

        if (cnode_lookup(s, sb->caps[i], &src) || src->cap.type == MICA_CAP_NULL)
            break;
        if (ep && src->cap.type == MICA_OBJ_ENDPOINT && cap_ptr(&src->cap) == ep) {
            rb->caps[i] = src->cap.data;
            *unwrapped |= 1u << i;
            continue;
        }
        if (copied || !(dest = recv_slot(r)) || cap_derive(src, MICA_RIGHTS_ALL, &c))
            break;
        cap_insert(dest, &c, src);
        copied = true;
    }
    return i;
}

/* Copy s's message (info) to r and complete r's receive: badge in ARG0, info in ARG1. */
static void transfer(struct tcb *s, struct tcb *r, word_t info, word_t badge, bool grant,
                     const struct endpoint *ep)
{
    unsigned len = mica_msginfo_len(info);
    unsigned ncaps = grant ? mica_msginfo_caps(info) : 0;
    unsigned unwrapped = 0;

    if (s->fault) {
        fault_message(s, r, badge);
        return;
    }
    if (len > MICA_MSG_MAX_LEN)
        len = MICA_MSG_MAX_LEN;
    struct mica_ipc_buffer *sb = tcb_ipc_buf(s);
    struct mica_ipc_buffer *rb = tcb_ipc_buf(r);
    if (len > MICA_MSG_REGS && (!sb || !rb))
        len = MICA_MSG_REGS;
    for (unsigned i = 0; i < len && i < MICA_MSG_REGS; i++)
        tcb_set_reg(r, MICA_REG_ARG0 + 2 + i, tcb_reg(s, MICA_REG_ARG0 + 2 + i));
    for (unsigned i = MICA_MSG_REGS; i < len; i++)
        rb->mr[i] = sb->mr[i];
    if (ncaps)
        ncaps = transfer_caps(s, r, ncaps, ep, &unwrapped);
    tcb_set_reg(r, MICA_REG_ARG0, badge);
    tcb_set_reg(r, MICA_REG_ARG0 + 1,
                mica_msginfo(mica_msginfo_label(info), unwrapped, ncaps, len));
    tcb_set_reg(r, MICA_REG_ARG7, MICA_OK);
}

/* Detach r from whoever used it (a waiting caller or receiver): they wake with CANCELLED. */
static void reply_clear(struct reply *r)
{
    if (r->caller)
        ipc_abort(r->caller, MICA_ERR_CANCELLED);
    if (r->receiver)
        ipc_abort(r->receiver, MICA_ERR_CANCELLED);
}

/*
 * After a Call's message reached its receiver: block the caller on the receiver's reply object,
 * or fail the Call if the receiver gave none. A passive receiver (no scheduling context) runs on
 * the caller's, which the Reply returns (seL4 MCS donation); a timeout fault does not donate:
 * its context has nothing left.
 */
static int call_bind_reply(struct tcb *caller, struct reply *reply, struct tcb *receiver)
{
    if (!reply)
        return MICA_ERR_CANCELLED;
    reply->caller = caller;
    caller->reply = reply;
    /* Blocked first, so that the donation moves pointers and requeues neither thread (the
     * receiver is not ready yet either: send() queues it after). */
    sched_block(caller, TS_BLOCKED_REPLY, reply);
    if (!receiver->sc && caller->sc && caller->fault != MICA_FAULT_TIMEOUT)
        sched_context_call(caller->sc, reply, receiver);
    return SYSCALL_BLOCKED;
}

/* seL4: a blocking send names its extra caps up front; one that does not resolve is a
 * capability fault (rather than a message that silently arrives without it). */
static bool extra_caps_resolve(struct tcb *t, word_t info)
{
    struct mica_ipc_buffer *b = tcb_ipc_buf(t);
    struct cte *slot;

    for (unsigned i = 0; b && i < mica_msginfo_caps(info) && i < MICA_MSG_MAX_CAPS; i++) {
        if (cnode_lookup(t, b->caps[i], &slot)) {
            tcb_set_reg(t, MICA_REG_ARG7, MICA_ERR_FAILED_LOOKUP);
            fault_raise(t, MICA_FAULT_CAPABILITY, b->caps[i], MICA_ERR_FAILED_LOOKUP);
            return false;
        }
    }
    return true;
}

static int send(struct tcb *t, const struct cap *ep_cap, word_t info, bool block, bool call)
{
    struct endpoint *ep = cap_ptr(ep_cap);
    bool grant = (ep_cap->rights & MICA_RIGHT_GRANT) && !t->fault;

    if (ep->state == EP_RECV) {
        struct tcb *r = ep_pop(ep);
        struct reply *reply = r->reply;

        transfer(t, r, info, ep_cap->data, grant, ep);
        r->reply = NULL;
        if (reply)
            reply->receiver = NULL;
        r->blocked_on = NULL;
        if (!call) {
            r->state = TS_READY;
            sched_unblock(r);
            return MICA_OK;
        }
        /* A Call hands over to the receiver (on the caller's context if it has none), which then
         * goes ahead of its peers; without a Reply object the Call fails and it just wakes. */
        int err = call_bind_reply(t, reply, r);
        r->state = TS_READY;
        if (err == SYSCALL_BLOCKED)
            sched_unblock_partner(r);
        else
            sched_unblock(r);
        return err;
    }
    if (!block)
        return MICA_ERR_WOULD_BLOCK;
    t->ipc_badge = ep_cap->data;
    t->ipc_flags = (uint8_t)((call ? IPC_FLAG_CALL : 0) | (grant ? IPC_FLAG_GRANT : 0) |
                             (t->fault ? IPC_FLAG_FAULT : 0));
    tcbq_append(&ep->queue, t);
    ep->state = EP_SEND;
    sched_block(t, TS_BLOCKED_SEND, ep);
    return SYSCALL_BLOCKED;
}

int ipc_send(struct tcb *t, const struct cap *ep_cap, word_t info, bool block, bool call)
{
    if (!(ep_cap->rights & MICA_RIGHT_WRITE))
        return MICA_ERR_INVALID_CAPABILITY;
    if (call && !(ep_cap->rights & (MICA_RIGHT_GRANT | MICA_RIGHT_GRANT_REPLY)))
        return MICA_ERR_INVALID_CAPABILITY;
    if (block && mica_msginfo_caps(info) && !extra_caps_resolve(t, info))
        return SYSCALL_BLOCKED;
    return send(t, ep_cap, info, block, call);
}

void ipc_send_fault(struct tcb *t, const struct cap *ep_cap)
{
    if (send(t, ep_cap, 0, true, true) != SYSCALL_BLOCKED) {
        /* The handler's Recv had no Reply object to answer through: nobody can resume t. */
        t->fault = MICA_FAULT_NONE;
        sched_dequeue(t);
        t->state = TS_INACTIVE;
    }
}

int ipc_recv(struct tcb *t, const struct cap *ep_cap, struct reply *reply, bool block)
{
    struct endpoint *ep = cap_ptr(ep_cap);

    if (!(ep_cap->rights & MICA_RIGHT_READ))
        return MICA_ERR_INVALID_CAPABILITY;
    /* A pending signal on the bound notification is delivered first (seL4). */
    if (t->bound && ntfn_active(t->bound)) {
        notify_take(t, t->bound);
        return MICA_OK;
    }
    if (reply && (reply->caller || (reply->receiver && reply->receiver != t)))
        reply_clear(reply);
    if (ep->state == EP_SEND) {
        struct tcb *s = ep_pop(ep);
        bool grant = s->ipc_flags & IPC_FLAG_GRANT;

        transfer(s, t, tcb_reg(s, MICA_REG_ARG0 + 1), s->ipc_badge, grant, ep);
        s->blocked_on = NULL;
        s->state = TS_INACTIVE; /* not queued anywhere until bound or woken below */
        if (s->ipc_flags & IPC_FLAG_CALL) {
            if (call_bind_reply(s, reply, t) != SYSCALL_BLOCKED)
                ipc_abort(s, MICA_ERR_CANCELLED);
        } else {
            sched_wake(s, MICA_OK);
        }
        return MICA_OK;
    }
    if (!block)
        return MICA_ERR_WOULD_BLOCK;
    /* A context lent by the bound notification goes back while we wait (seL4). */
    sched_context_take_back(t->bound, t);
    t->reply = reply;
    if (reply)
        reply->receiver = t;
    tcbq_append(&ep->queue, t);
    ep->state = EP_RECV;
    sched_block(t, TS_BLOCKED_RECV, ep);
    return SYSCALL_BLOCKED;
}

void ipc_reply(struct tcb *t, const struct cap *reply_cap, word_t info)
{
    struct reply *r = cap_ptr(reply_cap);
    struct tcb *caller = r->caller;

    if (!caller)
        return;
    r->caller = NULL;
    caller->reply = NULL;
    caller->blocked_on = NULL;
    sched_context_return(r, caller);
    if (caller->fault) {
        fault_reply(caller, t, info);
        return;
    }
    /* seL4 MCS: the Reply cap's Grant right decides whether the reply may carry caps. */
    transfer(t, caller, info, 0, reply_cap->rights & MICA_RIGHT_GRANT, NULL);
    caller->state = TS_READY;
    /* The caller resumes ahead of its peers (sched_enqueue_partner). */
    sched_enqueue_partner(caller);
}

void ipc_cancel(struct tcb *t)
{
    switch (t->state) {
    case TS_BLOCKED_SEND:
    case TS_BLOCKED_RECV: {
        struct endpoint *ep = t->blocked_on;
        tcbq_remove(&ep->queue, t);
        if (!ep->queue.head)
            ep->state = EP_IDLE;
        if (t->reply)
            t->reply->receiver = NULL;
        break;
    }
    case TS_BLOCKED_REPLY:
        t->reply->caller = NULL;
        sched_context_return(t->reply, t);
        break;
    case TS_BLOCKED_NTFN: tcbq_remove(&((struct notification *)t->blocked_on)->waiters, t); break;
    default: return;
    }
    t->reply = NULL;
    t->blocked_on = NULL;
    t->state = TS_INACTIVE;
}

void ipc_abort(struct tcb *t, int err)
{
    ipc_cancel(t);
    if (t->fault) {
        t->fault = MICA_FAULT_NONE;
        t->state = TS_INACTIVE;
        return;
    }
    sched_wake(t, err);
}

int ipc_endpoint_finalise_step(struct endpoint *ep)
{
    if (!ep->queue.head)
        return STEP_DONE;
    ipc_abort(ep->queue.head, MICA_ERR_CANCELLED);
    return STEP_MORE;
}

void ipc_reply_destroy(struct reply *r)
{
    reply_clear(r);
}
