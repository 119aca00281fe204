/* SPDX-License-Identifier: MIT */
/*
 * The IPC fast path (seL4's fastpath_call / fastpath_reply_recv): a Call to a waiting server and
 * a ReplyRecv answering a caller while no client waits, with a message that fits in registers,
 * switching straight to the partner. The arch's trap entry calls kernel_fastpath_call or
 * kernel_fastpath_reply_recv for those two syscall numbers (hal.h); each checks every condition
 * under which the slow path (ipc.c, then the scheduler) would do something else and, only if all
 * hold, does what the slow path would leave behind: the message copied, the caller blocked on the
 * Reply or the server on the endpoint, a passive server's context moved with a few stores (the
 * same bookkeeping as sched_context_call / sched_context_return), and the partner made the CPU's
 * running front thread directly (sched_switch_ok, sched_switch: no clock read or charge unless
 * the scheduling context changes, no timer change). If one does not hold, nothing was changed and
 * the syscall takes the slow path. Fault messages are left to the slow path.
 */
#include "cnode.h"
#include "invariants.h"
#include "ipc.h"
#include "kernel.h"
#include "sched.h"
#include "sched_context.h"
#include "smp.h"
#include "tcb.h"
#include "vspace.h"

#define ARG(n) (MICA_REG_ARG0 + (n))

/* The slot a syscall register names in a one-level CSpace (the usual shape: a root CNode whose
 * guard covers the rest of the word), or NULL: a deeper CSpace takes the slow path, so that
 * the fast path calls nothing and keeps no stack frame. */
static inline __attribute__((always_inline)) struct cte *fp_cap(struct tcb *t, unsigned reg)
{
    const struct cap *root = &t->slots[TCB_CSPACE].cap;
    struct cte *slot;

    if (!cnode_one_level(root) || cnode_lookup_one_level(root, tcb_reg(t, reg), &slot))
        return NULL;
    return slot;
}

/* The partner's address space can be switched to inline: on an MMU, a VSpace of its own (a
 * thread without one runs in the kernel-only space, which the slow path sets up). */
static inline bool fp_vspace_ok(const struct tcb *p)
{
#ifdef CONFIG_MMU
    return p->slots[TCB_VSPACE].cap.type == MICA_OBJ_VSPACE;
#else
    (void)p;
    return true;
#endif
}

/* A blocked thread p that takes the context t ran on runs on t's CPU (sched_context_call and
 * sched_context_return move it there with sched_migrate). Blocked, p is in no queue and is no
 * CPU's cur or user (invariants.c), so the move is its CPU number alone, stored whether or not it
 * changes: cheaper than the comparison. */
static inline __attribute__((always_inline)) void fp_move_here(struct tcb *p, const struct tcb *t)
{
    if (CONFIG_NR_CPUS > 1)
        p->cpu = t->cpu;
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

/* A Call whose receiver r waits on the endpoint: t's switch to r, or NULL for the slow path. */
static inline __attribute__((always_inline)) struct tcb *fp_call(struct cpu *cpu, struct tcb *t)
{
    word_t info = tcb_reg(t, ARG(1));
    struct cte *slot;

    if (!fp_msg_ok(info) || !(slot = fp_cap(t, ARG(0))))
        return NULL;
    /* ipc_send's checks: an endpoint cap with Write and a Grant right for the reply. */
    const struct cap *c = &slot->cap;
    if (c->type != MICA_OBJ_ENDPOINT || !(c->rights & MICA_RIGHT_WRITE) ||
        !(c->rights & (MICA_RIGHT_GRANT | MICA_RIGHT_GRANT_REPLY)))
        return NULL;
    /* A receiver waits with a Reply object (without one the Call fails: slow path); t is not
     * sending a fault (whose timeout kind would not donate). r runs on its own context, which
     * must be on this CPU, or, passive, on t's, here. */
    struct endpoint *ep = cap_ptr(c);
    struct tcb *r = ep->queue.head;
    if (ep->state != EP_RECV || !r->reply || t->fault || !fp_vspace_ok(r))
        return NULL;
    struct sched_context *sc = r->sc ? r->sc : t->sc;
    uint64_t now = 0;
    if (r->sc ? !sched_switch_ok_other(cpu, t, r, sc, &now) : !sched_switch_ok_same(cpu, t, r))
        return NULL;

    /* ipc_send: r leaves the endpoint with the message ... */
    struct reply *reply = r->reply;
    tcbq_pop(&ep->queue, r);
    if (!ep->queue.head)
        ep->state = EP_IDLE;
    fp_transfer(t, r, info, c->data);
    r->reply = NULL;
    reply->receiver = NULL;
    r->blocked_on = NULL;
    r->state = TS_READY;
    /* ... and call_bind_reply: t waits on r's Reply object ... */
    reply->caller = t;
    t->reply = reply;
    t->state = TS_BLOCKED_REPLY;
    t->blocked_on = reply;
    /* ... lending a passive r its context (sched_context_call: pushed on the context's call
     * stack; neither thread is queued, so there is nothing to requeue). */
    if (!r->sc) {
        sc_reply_push(sc, reply);
        sc->tcb = r;
        r->sc = sc;
        t->sc = NULL;
        fp_move_here(r, t);
    } else {
        sched_switch_context(cpu, t->sc, sc, now);
    }
    sched_switch(cpu, t, r);
    return r;
}

/* A ReplyRecv that answers a caller and then waits with no client queued: t's switch to the
 * caller, or NULL for the slow path. */
static inline __attribute__((always_inline)) struct tcb *fp_reply_recv(struct cpu *cpu,
                                                                       struct tcb *t)
{
    word_t info = tcb_reg(t, ARG(1));
    struct cte *slot, *rslot;

    if (!fp_msg_ok(info) || !(slot = fp_cap(t, ARG(0))) || !(rslot = fp_cap(t, ARG(6))))
        return NULL;
    /* sys_reply_recv's checks: an endpoint cap with Read, a Reply cap. */
    const struct cap *c = &slot->cap;
    if (c->type != MICA_OBJ_ENDPOINT || !(c->rights & MICA_RIGHT_READ) ||
        rslot->cap.type != MICA_OBJ_REPLY)
        return NULL;
    /* The Reply object has a caller (else the reply is a no-op: slow path) and no other
     * receiver (ipc_recv would cancel it); the caller waits for a reply, not for its fault to be
     * handled; no client waits on the endpoint (the receive would complete at once: slow path);
     * the bound notification, if any, has no pending signal (ipc_recv would deliver it instead
     * of blocking) and no context it could have lent t (which ipc_recv takes back). */
    struct reply *reply = cap_ptr(&rslot->cap);
    struct tcb *caller = reply->caller;
    struct endpoint *ep = cap_ptr(c);
    if (!caller || reply->receiver || caller->fault || ep->state == EP_SEND ||
        !fp_vspace_ok(caller) || (t->bound && (ntfn_active(t->bound) || t->bound->sc)))
        return NULL;
    /* The context the caller runs on afterwards: the one it lent t, coming back the simple way
     * (sched_context_return: from the top of its call stack, not dying, to a caller without
     * one), here; or its own, which must be on this CPU. */
    struct sched_context *sc = reply->sc;
    uint64_t now = 0;
    if (sc) {
        if (sc != t->sc || sc->reply != reply || sc->dying || caller->sc ||
            !sched_switch_ok_same(cpu, t, caller))
            return NULL;
    } else {
        sc = caller->sc;
        if (!sc || !sched_switch_ok_other(cpu, t, caller, sc, &now))
            return NULL;
    }

    /* ipc_reply, the context coming back with a few stores ... */
    reply->caller = NULL;
    caller->reply = NULL;
    caller->blocked_on = NULL;
    if (reply->sc) {
        sc->reply = reply->prev;
        if (reply->prev)
            reply->prev->next = NULL;
        reply->sc = NULL;
        reply->prev = NULL;
        sc->tcb = caller;
        caller->sc = sc;
        t->sc = NULL;
        fp_move_here(caller, t);
    } else {
        sched_switch_context(cpu, t->sc, sc, now);
    }
    fp_transfer(t, caller, info, 0);
    caller->state = TS_READY;
    /* ... and ipc_recv, blocking. */
    t->reply = reply;
    reply->receiver = t;
    tcbq_append(&ep->queue, t);
    ep->state = EP_RECV;
    t->state = TS_BLOCKED_RECV;
    t->blocked_on = ep;
    sched_switch(cpu, t, caller);
    return caller;
}

/* What the slow path does last before a return to user mode, minus the scheduler: the invariant
 * check, if built in, the partner's address space, and (SMP) the release of lock l, whose ticket
 * the entry drew as draw. */
static inline __attribute__((always_inline)) struct arch_ctx *
fp_run(struct cpu *c, struct tcb *p, struct ticket_lock *l, uint32_t draw)
{
    if (IS_ENABLED(CONFIG_INVARIANTS))
        invariants_check();
#ifdef CONFIG_MMU
    vspace_switch_mmu(c, p);
#else
    vspace_switch(c, p);
#endif
    smp_exit_local(c, p, l, draw);
    return &p->ctx;
}

/*
 * The entry both fast paths share: the lock (SMP, l: a ticket drawn as *draw), then the running
 * thread's invariants if built in. False: the lock is taken; the caller hands the syscall to the
 * slow path, which waits (kernel_syscall_contended, smp.h's smp_ticket_on), as a tail call, so
 * that the fast path keeps no stack frame for the wait.
 */
static inline __attribute__((always_inline)) bool fp_enter(struct ticket_lock *l,
                                                           struct arch_ctx *ctx, uint32_t *draw)
{
    if (!smp_ticket_on(l, draw))
        return false;
    if (IS_ENABLED(CONFIG_INVARIANTS))
        invariants_running(tcb_of(ctx));
    return true;
}

/* c is this CPU, computed once: with SMP the partner must be on the caller's CPU, so every per-CPU
 * access of the fast path is to c. */
struct arch_ctx *kernel_fastpath_call(struct arch_ctx *ctx)
{
    struct cpu *c = smp_this_cpu();
    struct ticket_lock *l = smp_cpu_lock(c);
    uint32_t draw;

    if (!fp_enter(l, ctx, &draw))
        return kernel_syscall_contended(ctx, draw);
    struct tcb *p = fp_call(c, tcb_of(ctx));

    return p ? fp_run(c, p, l, draw) : kernel_syscall_slow(ctx);
}

struct arch_ctx *kernel_fastpath_reply_recv(struct arch_ctx *ctx)
{
    struct cpu *c = smp_this_cpu();
    struct ticket_lock *l = smp_cpu_lock(c);
    uint32_t draw;

    if (!fp_enter(l, ctx, &draw))
        return kernel_syscall_contended(ctx, draw);
    struct tcb *p = fp_reply_recv(c, tcb_of(ctx));

    return p ? fp_run(c, p, l, draw) : kernel_syscall_slow(ctx);
}
