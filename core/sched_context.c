/* SPDX-License-Identifier: MIT */
/*
 * Scheduling contexts and SchedControl. Part 1 keeps the MCS parameters (budget, period, refills,
 * badge) and the bindings with argument checks as seL4 does; the scheduler does not enforce
 * budgets yet, so a thread runs whether or not it has a scheduling context.
 */
#include "invocation.h"
#include "sched.h"
#include "tcb.h"

#define SC_MAX_REFILLS   8
#define SC_MIN_BUDGET_US 10

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
        inv->mr[2] > SC_MAX_REFILLS)
        return MICA_ERR_RANGE;
    struct sched_context *sc = cap_ptr(&s->cap);
    sc->budget_us = budget;
    sc->period_us = period;
    sc->extra_refills = inv->mr[2];
    sc->badge = inv->mr[3];
    sc->configured = 1;
    return MICA_OK;
}

static int sched_context_bind(struct inv *inv, struct sched_context *sc)
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
        t->sc = sc;
        sc->tcb = t;
    } else {
        sc->ntfn = cap_ptr(&target->cap);
    }
    return MICA_OK;
}

/* Ticks to microseconds without overflowing for any realistic uptime. */
static uint64_t sched_context_us(uint64_t ticks)
{
    uint64_t f = hal_time_freq();

    return ticks / f * 1000000 + ticks % f * 1000000 / f;
}

int sched_context_decode(struct inv *inv)
{
    if (inv->slot->cap.type == MICA_CAP_SCHED_CONTROL)
        return inv->label == MICA_SCHED_CONTROL_CONFIGURE ? sched_control_configure(inv)
                                                          : MICA_ERR_ILLEGAL_OPERATION;
    struct sched_context *sc = cap_ptr(&inv->slot->cap);
    switch (inv->label) {
    case MICA_SCHED_CONTEXT_BIND: return sched_context_bind(inv, sc);
    case MICA_SCHED_CONTEXT_UNBIND:
        if (sc->tcb && sc->tcb == inv->t)
            return MICA_ERR_ILLEGAL_OPERATION;
        if (sc->tcb)
            sc->tcb->sc = NULL;
        sc->tcb = NULL;
        sc->ntfn = NULL;
        return MICA_OK;
    case MICA_SCHED_CONTEXT_CONSUMED:
        sched_account(&cpus[hal_cpu_id()]);
        inv_ret(inv, 0, (word_t)sched_context_us(sc->consumed));
        sc->consumed = 0;
        return MICA_OK;
    default: return MICA_ERR_ILLEGAL_OPERATION;
    }
}
