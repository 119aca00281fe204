/* SPDX-License-Identifier: MIT */
/*
 * Ready queues. 256 priorities; l1 has a bit per group of 32 priorities, l2 a bit per priority,
 * so the highest ready priority is two count-leading-zeros away (seL4's two-level bitmap). The
 * thread running on a CPU stays at the head of its queue: blocking dequeues it, Yield and the end
 * of a timeslice rotate it to the tail.
 */
#include "sched.h"

struct cpu cpus[CONFIG_NR_CPUS];

static void bitmap_set(struct cpu *c, unsigned prio)
{
    c->l2[prio / 32] |= 1u << (prio % 32);
    c->l1 |= 1u << (prio / 32);
}

static void bitmap_clear(struct cpu *c, unsigned prio)
{
    c->l2[prio / 32] &= ~(1u << (prio % 32));
    if (!c->l2[prio / 32])
        c->l1 &= ~(1u << (prio / 32));
}

void sched_enqueue(struct tcb *t)
{
    struct cpu *c = &cpus[t->cpu];
    struct ready_queue *q = &c->ready[t->prio];

    t->sched_next = NULL;
    t->sched_prev = q->tail;
    if (q->tail)
        q->tail->sched_next = t;
    else
        q->head = t;
    q->tail = t;
    bitmap_set(c, t->prio);
}

void sched_dequeue(struct tcb *t)
{
    struct cpu *c = &cpus[t->cpu];
    struct ready_queue *q = &c->ready[t->prio];

    if (t->sched_prev)
        t->sched_prev->sched_next = t->sched_next;
    else
        q->head = t->sched_next;
    if (t->sched_next)
        t->sched_next->sched_prev = t->sched_prev;
    else
        q->tail = t->sched_prev;
    t->sched_next = t->sched_prev = NULL;
    if (!q->head)
        bitmap_clear(c, t->prio);
}

struct tcb *sched_pick(struct cpu *c)
{
    if (!c->l1)
        return NULL;
    unsigned hi = 31 - (unsigned)__builtin_clz(c->l1);
    unsigned lo = 31 - (unsigned)__builtin_clz(c->l2[hi]);
    return c->ready[hi * 32 + lo].head;
}

void sched_rotate(struct tcb *t)
{
    if (t->state != TS_READY)
        return;
    sched_dequeue(t);
    sched_enqueue(t);
}

void sched_set_prio(struct tcb *t, unsigned prio)
{
    if (t->state == TS_READY) {
        sched_dequeue(t);
        t->prio = (uint8_t)prio;
        sched_enqueue(t);
    } else {
        t->prio = (uint8_t)prio;
    }
}

void sched_wake(struct tcb *t, int err)
{
    hal_ctx_set(&t->ctx, MICA_REG_ARG7, (word_t)err);
    t->blocked_on = NULL;
    t->state = TS_READY;
    sched_enqueue(t);
}

void sched_block(struct tcb *t, enum thread_state state, void *on)
{
    if (t->state == TS_READY)
        sched_dequeue(t);
    t->state = (uint8_t)state;
    t->blocked_on = on;
}

void sched_account(struct cpu *c)
{
    uint64_t now = hal_time_now();

    if (c->cur && c->cur->sc)
        c->cur->sc->consumed += now - c->slice_start;
    c->slice_start = now;
}
