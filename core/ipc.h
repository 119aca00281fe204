/* SPDX-License-Identifier: MIT */
/* Endpoint IPC with reply objects (ipc.c), and the thread queues IPC and notifications use. */
#ifndef MICA_IPC_H
#define MICA_IPC_H

#include "object.h"

/* A syscall handler's result when the caller blocked: its ARG registers are set on wake-up. */
#define SYSCALL_BLOCKED (-1)

/* Send / NBSend / Call through endpoint cap ep_cap. Returns an error, MICA_OK or
 * SYSCALL_BLOCKED. */
int ipc_send(struct tcb *t, const struct cap *ep_cap, word_t info, bool block, bool call);
/* Send t's pending fault (fault.c) as a Call through handler endpoint cap ep_cap. */
void ipc_send_fault(struct tcb *t, const struct cap *ep_cap);
/* Recv / NBRecv on endpoint cap ep_cap; reply (may be NULL) is bound to a caller received. */
int ipc_recv(struct tcb *t, const struct cap *ep_cap, struct reply *reply, bool block);
/* Reply through the Reply object of reply_cap with t's message (info), carrying caps only if
 * the cap has GRANT; nothing happens if the Reply object has no caller. */
void ipc_reply(struct tcb *t, const struct cap *reply_cap, word_t info);
/* Take t off whatever endpoint, notification or reply it is blocked on (its state is left);
 * a scheduling context it donated along a Call comes back to it. */
void ipc_cancel(struct tcb *t);
/* ipc_cancel, then wake t with err; a thread waiting for its fault to be handled stays stopped
 * (Inactive) instead, since there is no syscall to fail. */
void ipc_abort(struct tcb *t, int err);
/* The last cap to ep is gone: one waiter wakes with MICA_ERR_CANCELLED per step (delete.h's
 * enum finalise_step: a queue's length is user space's choice). */
int ipc_endpoint_finalise_step(struct endpoint *ep);
/* The last cap to r is gone: whoever waits on it wakes with MICA_ERR_CANCELLED. */
void ipc_reply_destroy(struct reply *r);

/* FIFO of blocked threads (ipc_next/ipc_prev links). Inline: the IPC paths' list operations. */
static inline void tcbq_append(struct tcb_queue *q, struct tcb *t)
{
    t->ipc_next = NULL;
    t->ipc_prev = q->tail;
    if (q->tail)
        q->tail->ipc_next = t;
    else
        q->head = t;
    q->tail = t;
}

/* The head off the queue (t == q->head, whose ipc_prev is NULL): tcbq_remove for the IPC fast
 * path's receiver. */
static inline void tcbq_pop(struct tcb_queue *q, struct tcb *t)
{
    q->head = t->ipc_next;
    if (t->ipc_next)
        t->ipc_next->ipc_prev = NULL;
    else
        q->tail = NULL;
    t->ipc_next = NULL;
}

static inline void tcbq_remove(struct tcb_queue *q, struct tcb *t)
{
    if (t->ipc_prev)
        t->ipc_prev->ipc_next = t->ipc_next;
    else
        q->head = t->ipc_next;
    if (t->ipc_next)
        t->ipc_next->ipc_prev = t->ipc_prev;
    else
        q->tail = t->ipc_prev;
    t->ipc_next = t->ipc_prev = NULL;
}

#endif
