/* SPDX-License-Identifier: MIT */
/*
 * Scheduling contexts: refills (sporadic servers, seL4 MCS), and how a context moves between
 * threads: bound, donated along a Call and returned by the Reply, lent by a notification.
 */
#ifndef MICA_SCHED_CONTEXT_H
#define MICA_SCHED_CONTEXT_H

#include "object.h"

#define SC_MIN_BUDGET_US 10

static inline struct refill *refill_head(struct sched_context *sc)
{
    return &sc->refills[sc->head];
}

/* budget == period: never throttled; the budget is only a timeslice (seL4's round robin). */
static inline bool sc_round_robin(const struct sched_context *sc)
{
    return sc->round_robin;
}

/* round_robin and cpu as one value: two contexts' are equal when both are round robin or both
 * not, on the same CPU. */
static inline uint16_t sc_rr_cpu(const struct sched_context *sc)
{
    return sc->rr_cpu;
}

/* The round_robin half of an sc_rr_cpu value. */
static inline bool sc_rr_cpu_round_robin(uint16_t rr_cpu)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (uint8_t)rr_cpu;
#else
    return rr_cpu >> 8;
#endif
}

/* SC_MIN_BUDGET_US in ticks: a head refill with less left is used up (seL4's MIN_BUDGET). */
extern uint64_t sc_min_budget;

/* May the context run at time now (its head refill is due)? */
static inline bool refill_ready(struct sched_context *sc, uint64_t now)
{
    return sc_round_robin(sc) || refill_head(sc)->time <= now;
}

/* sc_charge for periodic and sporadic contexts' refills (sched_context.c). */
void refill_charge_slow(struct sched_context *sc, uint64_t usage);

/*
 * sc_charge for a round-robin context. Its one refill (refills[0]: nothing ever pops it) counts
 * down the timeslice, and budget - amount is what it used of the slice so far, which is part of
 * what SchedContext_Consumed reports (sc_consumed): consumed takes a slice's usage only when the
 * slice ends. So a charge within a slice is one subtraction (the IPC fast path's, on each switch
 * between two contexts); a used up slice starts anew.
 */
static inline void sc_charge_rr(struct sched_context *sc, uint64_t usage)
{
    struct refill *h = &sc->refills[0];

    if (usage < h->amount) {
        h->amount -= usage;
        return;
    }
    sc->consumed += sc->budget - h->amount + usage;
    h->amount = sc->budget;
}

/* Charge usage ticks of running to sc: the head refill (seL4 refill_budget_check) and what
 * SchedContext_Consumed reports. */
static inline void sc_charge(struct sched_context *sc, uint64_t usage)
{
    if (sc_round_robin(sc)) {
        sc_charge_rr(sc, usage);
        return;
    }
    refill_charge_slow(sc, usage);
    sc->consumed += usage;
}

/* A round-robin context starts a new slice (Yield, reconfiguration): what it used of this one
 * counts as consumed. */
static inline void sc_new_slice(struct sched_context *sc)
{
    sc->consumed += sc->budget - sc->refills[0].amount;
    sc->refills[0].amount = sc->budget;
}

/* Ticks charged to sc since the last SchedContext_Consumed (mod 2^64). */
static inline uint64_t sc_consumed(const struct sched_context *sc)
{
    return sc->consumed + (sc_round_robin(sc) ? sc->budget - sc->refills[0].amount : 0);
}

/* The holder was blocked and runs again: an old head refill starts now, overlapping ones merge
 * (seL4 refill_unblock_check); a periodic context starts a new period if one has passed. */
void refill_unblock(struct sched_context *sc, uint64_t now);

/* Configure budget/period (ticks) with refills refills (1: periodic) from now on. */
void sched_context_configure(struct sched_context *sc, uint64_t budget, uint64_t period,
                             unsigned refills, word_t badge);
/* Move sc to thread to (NULL: nobody), taking it from its holder, requeueing both. */
void sched_context_donate(struct sched_context *sc, struct tcb *to);
/* Push reply on top of sc's call stack: a Call lends sc through it (the slow path's
 * sched_context_call and the fast path's passive case). */
static inline void sc_reply_push(struct sched_context *sc, struct reply *reply)
{
    reply->sc = sc;
    reply->prev = sc->reply;
    reply->next = NULL;
    if (sc->reply)
        sc->reply->next = reply;
    sc->reply = reply;
}

/* A Call through reply donated sc to server / the Reply (or its cancellation) gives it back. */
void sched_context_call(struct sched_context *sc, struct reply *reply, struct tcb *server);
void sched_context_return(struct reply *reply, struct tcb *caller);
/* A notification's context is lent to a passive thread it wakes, and taken back when the thread
 * waits on it again. */
void sched_context_lend(struct notification *n, struct tcb *t);
void sched_context_take_back(struct notification *n, struct tcb *t);
/* The last cap to sc is gone: it lets go of its thread and notification at once, then of its
 * call stack one Reply per step (delete.h's enum finalise_step). */
void sched_context_finalise_begin(struct sched_context *sc);
int sched_context_finalise_step(struct sched_context *sc);

#endif
