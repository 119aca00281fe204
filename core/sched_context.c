/* SPDX-License-Identifier: MIT */
/*
 * Scheduling contexts and SchedControl. A context holds budget and period as a queue of refills
 * whose amounts add up to the budget. With one refill (extra_refills 0) it is a periodic server:
 * the budget comes back whole at each period boundary. With more it is a sporadic server as in
 * seL4 MCS: each stretch of running is charged to the head refill and comes back as a refill one
 * period after the head's release time, so a thread never gets more than budget in any window of
 * period. budget == period is round robin: the budget is a timeslice, never a throttle.
 */
#include "delete.h"
#include "invocation.h"
#include "ktime.h"
#include "preempt.h"
#include "sched.h"
#include "sched_context.h"
#include "smp.h"
#include "tcb.h"

static struct refill *refill_at(struct sched_context *sc, unsigned i)
{
    return &sc->refills[(sc->head + i) % sc->max];
}

static struct refill refill_pop(struct sched_context *sc)
{
    struct refill r = *refill_head(sc);

    sc->head = (uint8_t)((sc->head + 1) % sc->max);
    sc->count--;
    return r;
}

/* seL4 schedule_used: queue a used amount for release, merging when adjacent or full. */
static void schedule_used(struct sched_context *sc, struct refill used)
{
    struct refill *tail = refill_at(sc, sc->count - 1u);

    if (tail->time + tail->amount >= used.time) {
        tail->amount += used.amount;
    } else if (sc->count < sc->max) {
        *refill_at(sc, sc->count) = used;
        sc->count++;
    } else {
        /* Full: merge into the tail, delaying it so that it ends where used would. */
        tail->time = used.time - tail->amount;
        tail->amount += used.amount;
    }
}

uint64_t sc_min_budget;

void refill_charge_slow(struct sched_context *sc, uint64_t usage)
{
    struct refill *h = refill_head(sc);

    uint64_t min = sc_min_budget;
    if (sc->max == 1) {
        if (usage < h->amount && h->amount - usage >= min) {
            h->amount -= usage;
            return;
        }
        /* Used up. An overrun (the budget is checked at kernel entries, and timer interrupts can
         * be late) comes out of the following periods, so the bandwidth holds in the long run. */
        uint64_t debt = usage > h->amount ? usage - h->amount : 0;
        uint64_t step = sc->budget > min ? sc->budget - min : sc->budget;
        h->time += sc->period;
        for (; debt >= step; debt -= step)
            h->time += sc->period;
        h->amount = sc->budget - debt;
        return;
    }
    while (h->amount <= usage) {
        usage -= h->amount;
        if (sc->count == 1) {
            h->time += sc->period;
        } else {
            struct refill used = refill_pop(sc);
            used.time += sc->period;
            schedule_used(sc, used);
        }
        h = refill_head(sc);
    }
    if (usage) {
        struct refill used = {h->time + sc->period, usage};
        h->amount -= usage;
        h->time += usage;
        schedule_used(sc, used);
    }
    /* The head must be worth running: fold a remnant into the next refill (at its time). */
    while (refill_head(sc)->amount < min && sc->count > 1) {
        struct refill r = refill_pop(sc);
        refill_head(sc)->amount += r.amount;
    }
}

void refill_unblock(struct sched_context *sc, uint64_t now)
{
    struct refill *h = refill_head(sc);

    if (!sc->configured || sc_round_robin(sc) || h->time > now)
        return;
    if (sc->max == 1) {
        if (now - h->time >= sc->period) {
            h->time += (now - h->time) / sc->period * sc->period;
            h->amount = sc->budget;
        }
        return;
    }
    h->time = now;
    while (sc->count > 1 && h->time + h->amount >= refill_at(sc, 1)->time) {
        struct refill r = refill_pop(sc);
        h = refill_head(sc);
        h->amount += r.amount;
        h->time = r.time;
    }
}

void sched_context_configure(struct sched_context *sc, uint64_t budget, uint64_t period,
                             unsigned refills, word_t badge)
{
    /* The clock's frequency is fixed: worked out once, before any context can need it. */
    if (!sc_min_budget)
        sc_min_budget = ktime_us_to_ticks(SC_MIN_BUDGET_US);
    /* What a round-robin context used of its slice stays consumed (sc_consumed). */
    if (sc->configured && sc_round_robin(sc))
        sc_new_slice(sc);
    sc->budget = budget;
    sc->period = period;
    sc->round_robin = budget == period;
    sc->badge = badge;
    sc->max = (uint8_t)refills;
    sc->head = 0;
    sc->count = 1;
    sc->refills[0] = (struct refill){hal_time_now(), budget};
    sc->configured = 1;
}

static void requeue(struct tcb *t)
{
    if (t && t->state == TS_READY) {
        sched_dequeue(t);
        sched_enqueue(t);
    }
}

/* requeue, and a thread runs on the CPU of its context (SMP: moved there if it is elsewhere). */
static void requeue_on(struct tcb *t, const struct sched_context *sc)
{
    if (CONFIG_NR_CPUS > 1 && t && t->cpu != sc->cpu) {
        sched_migrate(t, sc->cpu);
        return;
    }
    requeue(t);
}

void sched_context_donate(struct sched_context *sc, struct tcb *to)
{
    struct tcb *from = sc->tcb;

    if (from) {
        /* Running on another CPU, it must stop there before it loses its time. */
        smp_stall(from);
        from->sc = NULL;
        requeue(from);
    }
    sc->tcb = to;
    if (to) {
        to->sc = sc;
        requeue_on(to, sc);
    }
}

void sched_context_call(struct sched_context *sc, struct reply *reply, struct tcb *server)
{
    sc_reply_push(sc, reply);
    sched_context_donate(sc, server);
}

/* Take reply off its context's call stack, wherever it is on it. */
static void reply_unlink(struct sched_context *sc, struct reply *reply)
{
    if (reply->next)
        reply->next->prev = reply->prev;
    else
        sc->reply = reply->prev;
    if (reply->prev)
        reply->prev->next = reply->next;
    reply->sc = NULL;
    reply->prev = reply->next = NULL;
}

void sched_context_return(struct reply *reply, struct tcb *caller)
{
    struct sched_context *sc = reply->sc;

    if (!sc)
        return;
    /* The context goes back only from the top of its call stack (not when someone replied out of
     * order) and not once it is being deleted; a caller that got another context meanwhile keeps
     * it, and this one is left unheld. */
    bool back = sc->reply == reply && !sc->dying;
    reply_unlink(sc, reply);
    if (back)
        sched_context_donate(sc, caller->sc ? NULL : caller);
}

void sched_context_lend(struct notification *n, struct tcb *t)
{
    if (n->sc && n->sc->configured && !n->sc->tcb && !t->sc)
        sched_context_donate(n->sc, t);
}

void sched_context_take_back(struct notification *n, struct tcb *t)
{
    if (n && n->sc && t->sc == n->sc)
        sched_context_donate(n->sc, NULL);
}

/* From its thread and its notification. */
static void unbind(struct sched_context *sc)
{
    sched_context_donate(sc, NULL);
    if (sc->ntfn)
        sc->ntfn->sc = NULL;
    sc->ntfn = NULL;
}

/* SchedContext_Unbind: also off every Reply it was donated through. The call stack is as long as
 * a chain of passive servers user space built: preemptible, one Reply per step (a restart
 * unbinds again, which changes nothing, and carries on with the stack). */
static int unbind_all(struct sched_context *sc)
{
    unbind(sc);
    while (sc->reply) {
        reply_unlink(sc, sc->reply);
        if (sc->reply && preempt_point())
            return SYSCALL_PREEMPTED;
    }
    return MICA_OK;
}

void sched_context_finalise_begin(struct sched_context *sc)
{
    sc->dying = 1;
    unbind(sc);
}

int sched_context_finalise_step(struct sched_context *sc)
{
    if (sc->reply) {
        reply_unlink(sc, sc->reply);
        return STEP_MORE;
    }
    for (unsigned i = 0; i < CONFIG_NR_CPUS; i++)
        if (cpus[i].cur_sc == sc)
            cpus[i].cur_sc = NULL;
    return STEP_DONE;
}

static int sched_control_configure(struct inv *inv)
{
    struct cte *s;
    int err;

    if (inv->len < 4)
        return MICA_ERR_TRUNCATED_MESSAGE;
    if ((err = inv_cap_typed(inv, 0, MICA_OBJ_SCHED_CONTEXT, false, &s)))
        return err;
    word_t budget = inv->mr[0], period = inv->mr[1];
    if (budget < SC_MIN_BUDGET_US || period < budget || period > UINT32_MAX ||
        inv->mr[2] > SC_MAX_REFILLS - 1)
        return MICA_ERR_RANGE;
    struct sched_context *sc = cap_ptr(&s->cap);
    /* Charge what a running context used under the old parameters first. */
    for (unsigned i = 0; i < CONFIG_NR_CPUS; i++)
        if (cpus[i].cur_sc == sc)
            sched_commit(&cpus[i]);
    sched_context_configure(sc, ktime_us_to_ticks(budget), ktime_us_to_ticks(period),
                            1 + (unsigned)inv->mr[2], inv->mr[3]);
    /* The SchedControl cap names its CPU: a context configured through another CPU's takes its
     * thread there. */
    sc->cpu = (uint8_t)inv->slot->cap.obj;
    if (sc->tcb)
        requeue_on(sc->tcb, sc);
    return MICA_OK;
}

static void sched_context_invoke_bind_tcb(struct sched_context *sc, struct tcb *t)
{
    sched_context_donate(sc, t);
    if (t->state == TS_READY) {
        /* It was runnable without time (passive); it starts afresh. */
        sched_dequeue(t);
        sched_unblock(t);
    }
}

static void sched_context_invoke_bind_ntfn(struct sched_context *sc, struct notification *n)
{
    n->sc = sc;
    sc->ntfn = n;
}

static int sched_context_decode_bind(struct inv *inv, struct sched_context *sc)
{
    struct cte *target;
    int err = inv_cap(inv, 0, &target);

    if (err)
        return err;
    if (!target || (target->cap.type != MICA_OBJ_TCB && target->cap.type != MICA_OBJ_NOTIFICATION))
        return MICA_ERR_INVALID_CAPABILITY;
    if (sc->tcb || sc->ntfn)
        return MICA_ERR_ILLEGAL_OPERATION;
    if (target->cap.type == MICA_OBJ_TCB) {
        struct tcb *t = cap_ptr(&target->cap);
        if (t->sc)
            return MICA_ERR_ILLEGAL_OPERATION;
        sched_context_invoke_bind_tcb(sc, t);
        return MICA_OK;
    }
    struct notification *n = cap_ptr(&target->cap);
    if (n->sc)
        return MICA_ERR_ILLEGAL_OPERATION;
    sched_context_invoke_bind_ntfn(sc, n);
    return MICA_OK;
}

int sched_context_decode(struct inv *inv)
{
    if (inv->slot->cap.type == MICA_CAP_SCHED_CONTROL)
        return inv->label == MICA_SCHED_CONTROL_CONFIGURE ? sched_control_configure(inv)
                                                          : MICA_ERR_ILLEGAL_OPERATION;
    struct sched_context *sc = cap_ptr(&inv->slot->cap);
    switch (inv->label) {
    case MICA_SCHED_CONTEXT_BIND: return sched_context_decode_bind(inv, sc);
    case MICA_SCHED_CONTEXT_UNBIND:
        if (sc->tcb && sc->tcb == inv->t)
            return MICA_ERR_ILLEGAL_OPERATION;
        return unbind_all(sc);
    case MICA_SCHED_CONTEXT_CONSUMED: {
        /* Include the running stretch not yet charged; the next charge adds it again, so the
         * counter starts below zero by that much (mod 2^64). */
        uint64_t total = sc_consumed(sc) + sched_uncommitted(sc);
        inv_ret(inv, 0, (word_t)ktime_ticks_to_us(total));
        sc->consumed -= total;
        return MICA_OK;
    }
    default: return MICA_ERR_ILLEGAL_OPERATION;
    }
}
