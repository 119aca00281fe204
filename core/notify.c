/* SPDX-License-Identifier: MIT */
/*
 * Notifications: a word of signal bits. Signal ORs the cap's badge into the word or hands it to
 * the first waiter; Wait takes and clears the word or blocks; Poll takes it without blocking. A
 * notification bound to a TCB also wakes that thread while it waits in Recv on an endpoint.
 */
#include "delete.h"
#include "ipc.h"
#include "notify.h"
#include "sched.h"
#include "sched_context.h"
#include "tcb.h"

static void deliver(struct tcb *t, word_t bits)
{
    tcb_set_reg(t, MICA_REG_ARG0, bits);
    tcb_set_reg(t, MICA_REG_ARG0 + 1, 0);
}

int notify_signal(const struct cap *c)
{
    struct notification *n = cap_ptr(c);

    if (!(c->rights & MICA_RIGHT_WRITE))
        return MICA_ERR_INVALID_CAPABILITY;
    if (n->waiters.head) {
        struct tcb *t = n->waiters.head;
        ipc_cancel(t);
        deliver(t, c->data);
        sched_context_lend(n, t);
        sched_wake(t, MICA_OK);
    } else if (ntfn_bound(n) && ntfn_bound(n)->state == TS_BLOCKED_RECV) {
        struct tcb *t = ntfn_bound(n);
        ipc_cancel(t);
        deliver(t, c->data | n->word);
        n->word = 0;
        ntfn_set_active(n, false);
        sched_context_lend(n, t);
        sched_wake(t, MICA_OK);
    } else {
        n->word |= c->data;
        ntfn_set_active(n, true);
    }
    return MICA_OK;
}

int notify_wait(struct tcb *t, const struct cap *c, bool block)
{
    struct notification *n = cap_ptr(c);

    if (!(c->rights & MICA_RIGHT_READ))
        return MICA_ERR_INVALID_CAPABILITY;
    if (ntfn_bound(n) && ntfn_bound(n) != t)
        return MICA_ERR_ILLEGAL_OPERATION;
    if (ntfn_active(n)) {
        notify_take(t, n);
        return MICA_OK;
    }
    if (!block) {
        deliver(t, 0);
        return MICA_ERR_WOULD_BLOCK;
    }
    sched_context_take_back(n, t);
    tcbq_append(&n->waiters, t);
    sched_block(t, TS_BLOCKED_NTFN, n);
    return SYSCALL_BLOCKED;
}

void notify_take(struct tcb *t, struct notification *n)
{
    deliver(t, n->word);
    n->word = 0;
    ntfn_set_active(n, false);
}

void notify_bind(struct notification *n, struct tcb *t)
{
    ntfn_set_bound(n, t);
    t->bound = n;
}

void notify_unbind(struct tcb *t)
{
    if (t->bound) {
        ntfn_set_bound(t->bound, NULL);
        t->bound = NULL;
    }
}

int notify_finalise_step(struct notification *n)
{
    if (n->waiters.head) {
        ipc_abort(n->waiters.head, MICA_ERR_CANCELLED);
        return STEP_MORE;
    }
    if (ntfn_bound(n))
        notify_unbind(ntfn_bound(n));
    if (n->sc)
        n->sc->ntfn = NULL;
    return STEP_DONE;
}
