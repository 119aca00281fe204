/* SPDX-License-Identifier: MIT */
/*
 * Ready queues and budget enforcement. 256 priorities; l1 has a bit per group of 32 priorities,
 * l2 a bit per priority, so the highest ready priority is two count-leading-zeros away (seL4's
 * two-level bitmap). One ready thread per CPU, normally the running one, is kept out of the lists
 * (SQ_FRONT, cpu.front): it stands at the head of its priority's queue without being linked in, so
 * that it blocks without touching a list or the bitmap, and a thread woken to a priority with an
 * empty list takes its place (seL4 keeps ksCurThread out of the ready queues for the same reason).
 * Blocking dequeues it, Yield and the end of a timeslice rotate it to the tail. Only threads whose
 * scheduling context has budget now are in a ready queue; those waiting for a refill wait in the
 * CPU's release queue, and threads without one (passive) in neither. Time is charged to the CPU's
 * current scheduling context when it changes or its budget runs out, as seL4's commitTime; the
 * timer is one-shot and armed only for an event that needs it (tickless).
 */
#include "ktime.h"
#include "sched.h"
#include "sched_context.h"
#include "smp.h"

struct cpu cpus[CONFIG_NR_CPUS];
unsigned sched_ncpus = 1;

uint64_t sched_slice;

void sched_init(void)
{
    sched_slice = ktime_us_to_ticks(CONFIG_TIMESLICE_US);
#ifdef CONFIG_SMP
    for (unsigned i = 0; i < CONFIG_NR_CPUS; i++)
        cpus[i].lock = &kernel_lock;
#endif
}

static void bitmap_set(struct cpu *c, unsigned prio)
{
    c->l2[prio / 32] |= 1u << (prio % 32);
    c->l1 |= 1u << (prio / 32);
    if (prio + 1 > c->top)
        c->top = prio + 1;
}

static void bitmap_clear(struct cpu *c, unsigned prio)
{
    c->l2[prio / 32] &= ~(1u << (prio % 32));
    if (!c->l2[prio / 32])
        c->l1 &= ~(1u << (prio / 32));
    if (prio + 1 == c->top) {
        /* The two count-leading-zeros of seL4's bitmap, once per change of the top. */
        unsigned hi = 31 - (unsigned)__builtin_clz(c->l1 | 1);
        c->top = c->l1 ? hi * 32 + 32 - (unsigned)__builtin_clz(c->l2[hi]) : 0;
    }
}

static void ready_insert(struct cpu *c, struct tcb *t)
{
    struct ready_queue *q = &c->ready[t->prio];

    t->sched_next = NULL;
    t->sched_prev = q->tail;
    if (q->tail)
        q->tail->sched_next = t;
    else
        q->head = t;
    q->tail = t;
    t->queue = SQ_READY;
    bitmap_set(c, t->prio);
}

static void ready_remove(struct cpu *c, struct tcb *t)
{
    struct ready_queue *q = &c->ready[t->prio];

    if (t->sched_prev)
        t->sched_prev->sched_next = t->sched_next;
    else
        q->head = t->sched_next;
    if (t->sched_next)
        t->sched_next->sched_prev = t->sched_prev;
    else
        q->tail = t->sched_prev;
    if (!q->head)
        bitmap_clear(c, t->prio);
}

/* A thread goes back to the head of its list (the front thread, overtaken by a higher priority). */
static void ready_insert_head(struct cpu *c, struct tcb *t)
{
    struct ready_queue *q = &c->ready[t->prio];

    t->sched_prev = NULL;
    t->sched_next = q->head;
    if (q->head)
        q->head->sched_prev = t;
    else
        q->tail = t;
    q->head = t;
    t->queue = SQ_READY;
    bitmap_set(c, t->prio);
}

/* To the tail of its priority. If nothing is queued at t's priority (the head and the tail are
 * then the same place) and the CPU's front thread, if any, has a lower priority, t becomes the
 * front thread and that one goes back to the head of its list; else t joins the list. */
static void ready_add(struct cpu *c, struct tcb *t)
{
    struct tcb *f = c->front;

    if (!c->ready[t->prio].head && (!f || f->prio < t->prio)) {
        if (f)
            ready_insert_head(c, f);
        t->sched_next = t->sched_prev = NULL;
        t->queue = SQ_FRONT;
        c->front = t;
    } else {
        ready_insert(c, t);
    }
}

/* To the head of its priority (sched_enqueue_partner): the front thread if the front is empty or
 * lower (that one goes back to the head of its list), else the head of its list. */
static void ready_add_head(struct cpu *c, struct tcb *t)
{
    struct tcb *f = c->front;

    if (f && f->prio >= t->prio) {
        ready_insert_head(c, t);
        return;
    }
    if (f)
        ready_insert_head(c, f);
    t->sched_next = t->sched_prev = NULL;
    t->queue = SQ_FRONT;
    c->front = t;
}

/* The release queue is sorted by the time the head refill becomes usable. */
static void release_insert(struct cpu *c, struct tcb *t)
{
    uint64_t when = refill_head(t->sc)->time;
    struct tcb **p = &c->release, *prev = NULL;

    while (*p && refill_head((*p)->sc)->time <= when) {
        prev = *p;
        p = &(*p)->sched_next;
    }
    t->sched_next = *p;
    t->sched_prev = prev;
    if (*p)
        (*p)->sched_prev = t;
    *p = t;
    t->queue = SQ_RELEASE;
}

static void release_remove(struct cpu *c, struct tcb *t)
{
    if (t->sched_prev)
        t->sched_prev->sched_next = t->sched_next;
    else
        c->release = t->sched_next;
    if (t->sched_next)
        t->sched_next->sched_prev = t->sched_prev;
}

static void enqueue(struct tcb *t, bool head)
{
    struct cpu *c = sched_cpu(t);

    t->sched_next = t->sched_prev = NULL;
    t->queue = SQ_NONE;
    if (!t->sc || !t->sc->configured)
        return;
    if (!sc_round_robin(t->sc) && !refill_ready(t->sc, hal_time_now()))
        release_insert(c, t);
    else if (head)
        ready_add_head(c, t);
    else
        ready_add(c, t);
}

void sched_enqueue_slow(struct tcb *t)
{
    enqueue(t, false);
}

void sched_enqueue_head_slow(struct tcb *t)
{
    enqueue(t, true);
}

void sched_dequeue_slow(struct tcb *t)
{
    struct cpu *c = sched_cpu(t);

    if (t->queue == SQ_FRONT)
        c->front = NULL;
    else if (t->queue == SQ_READY)
        ready_remove(c, t);
    else if (t->queue == SQ_RELEASE)
        release_remove(c, t);
    t->sched_next = t->sched_prev = NULL;
    t->queue = SQ_NONE;
}

struct tcb *sched_pick(struct cpu *c)
{
    struct tcb *f = c->front;

    if (!c->l1)
        return f;
    unsigned p = sched_highest_prio(c);
    return f && f->prio >= p ? f : c->ready[p].head;
}

/* The head of priority p's list becomes the front thread; the one it replaces goes back to the
 * head of its list. */
static __attribute__((noinline)) struct tcb *promote(struct cpu *c, unsigned p)
{
    struct tcb *f = c->front, *t = c->ready[p].head;

    ready_remove(c, t);
    if (f)
        ready_insert_head(c, f);
    t->sched_next = t->sched_prev = NULL;
    t->queue = SQ_FRONT;
    c->front = t;
    return t;
}

/* sched_pick, and the thread picked becomes the front thread. (promote is out of line: an IPC
 * switch finds its thread at the front already.) */
static inline struct tcb *pick_front(struct cpu *c)
{
    struct tcb *f = c->front;

    if (!c->l1)
        return f;
    unsigned p = sched_highest_prio(c);
    if (f && f->prio >= p)
        return f;
    return promote(c, p);
}

void sched_rotate(struct tcb *t)
{
    struct cpu *c = sched_cpu(t);

    if (t->queue == SQ_FRONT) {
        /* Alone at its priority, the tail is where it stands. */
        if (c->ready[t->prio].head) {
            c->front = NULL;
            ready_insert(c, t);
        }
        return;
    }
    if (t->queue != SQ_READY)
        return;
    ready_remove(c, t);
    ready_insert(c, t);
}

void sched_set_prio(struct tcb *t, unsigned prio)
{
    struct cpu *c = sched_cpu(t);

    if (t->queue == SQ_FRONT) {
        c->front = NULL;
        t->prio = (uint8_t)prio;
        ready_add(c, t);
    } else if (t->queue == SQ_READY) {
        ready_remove(c, t);
        t->prio = (uint8_t)prio;
        ready_add(c, t);
    } else {
        t->prio = (uint8_t)prio;
    }
    /* Running or ready there, it may now preempt or be preempted: that CPU picks again. */
    if (t->queue != SQ_NONE)
        smp_kick(t->cpu);
}

#ifdef CONFIG_SMP
void sched_enqueue_remote(struct tcb *t, bool head)
{
    enqueue(t, head);
    if (t->queue != SQ_NONE)
        smp_kick(t->cpu);
}

void sched_migrate(struct tcb *t, unsigned cpu)
{
    struct cpu *old = sched_cpu(t);

    smp_stall(t);
    sched_dequeue(t);
    if (old->cur == t) {
        /* Its time so far is charged where it ran; that CPU picks another thread. */
        sched_commit(old);
        old->cur = NULL;
        old->cur_sc = NULL;
        old->resched = true;
        smp_kick(t->cpu);
    }
    t->cpu = cpu;
    if (t->state == TS_READY)
        sched_enqueue(t);
}
#endif

void sched_wake(struct tcb *t, int err)
{
    hal_ctx_set(&t->ctx, MICA_REG_ARG7, (word_t)err);
    t->blocked_on = NULL;
    t->state = TS_READY;
    sched_unblock(t);
}

void sched_commit(struct cpu *c)
{
    sched_commit_at(c, hal_time_now());
}

uint64_t sched_uncommitted(const struct sched_context *sc)
{
    for (unsigned i = 0; i < CONFIG_NR_CPUS; i++)
        if (cpus[i].cur_sc == sc)
            return hal_time_now() - cpus[i].commit_time;
    return 0;
}

/* A ready thread whose context has no budget now goes to the release queue (sched_enqueue
 * decides): out of line, as it is rare wherever it happens. */
static __attribute__((noinline)) void requeue(struct tcb *t)
{
    sched_dequeue(t);
    sched_enqueue(t);
}

void sched_slice_yield(struct tcb *t)
{
    struct cpu *c = sched_cpu(t);
    uint64_t now = hal_time_now();

    sched_commit_at(c, now);
    c->resched = true;
    if (t->sc && sc_round_robin(t->sc))
        sc_new_slice(t->sc);
    if (t->sc && !refill_ready(t->sc, now)) {
        /* The charge used up the head refill: like any thread out of budget, it waits for the
         * next one in the release queue (it was at the front before: Yield escaped budgets). */
        requeue(t);
        return;
    }
    sched_rotate(t);
}

/* cur_sc's head refill is used up: a round-robin context starts a new slice at the tail of its
 * priority; a sporadic one waits for its next refill, and its thread is left for the kernel loop
 * to send a timeout fault if it has a timeout handler (kernel.c). */
static __attribute__((noinline)) void budget_expired(struct cpu *c, struct sched_context *sc)
{
    struct tcb *t = sc->tcb;

    sched_commit(c);
    c->resched = true;
    if (!t || t->state != TS_READY)
        return;
    if (sc_round_robin(sc)) {
        sched_rotate(t);
        return;
    }
    requeue(t);
    c->timeout = t;
}

static bool others_at_prio(const struct cpu *c, const struct tcb *t)
{
    const struct ready_queue *q = &c->ready[t->prio];

    if (t->queue == SQ_FRONT)
        return q->head != NULL;
    return t->queue == SQ_READY && (q->head != q->tail || (c->front && c->front->prio == t->prio));
}

/* Returns the time the rest of the kernel's work on this trap goes by (next()): the clock is read
 * once per trap, as seL4 reads it once per kernel entry, unless budget_expired charged up to a
 * later reading (time a charge covered must not be charged again). */
static inline __attribute__((always_inline)) uint64_t after_trap(struct cpu *c)
{
    uint64_t now = hal_time_now();
    struct sched_context *sc = c->cur_sc;

    if (sc && sc->configured && now - c->commit_time >= refill_head(sc)->amount) {
        budget_expired(c, sc);
        return c->commit_time;
    }
    if (c->cur && others_at_prio(c, c->cur) && now - c->slice_start >= sched_slice) {
        sched_rotate(c->cur);
        c->resched = true;
    }
    return now;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* seL4's awaken(): threads whose refill came due become ready. */
static __attribute__((noinline)) void awaken(struct cpu *c, uint64_t now)
{
    while (c->release && refill_ready(c->release->sc, now)) {
        struct tcb *t = c->release;
        release_remove(c, t);
        ready_add(c, t);
    }
}

static inline __attribute__((always_inline)) struct tcb *next(struct cpu *c, uint64_t now)
{
    uint64_t deadline = UINT64_MAX;

    if (c->release)
        awaken(c, now);
    struct tcb *t = pick_front(c);
    if (t != c->cur || c->resched || (t && t->sc != c->cur_sc)) {
        struct sched_context *out = c->cur_sc;
        sched_commit_at(c, now);
        /* The charge can use up a refill (a remnant under the minimum budget counts as used:
         * sched_context.c) whose thread stays ready: it waits for its next refill like any
         * other, and if it was the one picked, another is. */
        if (out && out->tcb && !sc_round_robin(out) && out->tcb->state == TS_READY &&
            !refill_ready(out, now)) {
            requeue(out->tcb);
            if (out->tcb == t)
                t = pick_front(c);
        }
        if (t != c->cur || c->resched)
            c->slice_start = now;
        c->cur = t;
        c->cur_sc = t ? t->sc : NULL;
        c->resched = false;
    }
    /* Tickless: the timer is armed for the earliest event that changes what runs. A round-robin
     * context alone at its priority needs none: its slice would only come back to it. */
    struct sched_context *sc = c->cur_sc;
    bool shared = t && others_at_prio(c, t);
    if (sc && sc->configured && (shared || !sc_round_robin(sc)))
        deadline = c->commit_time + refill_head(sc)->amount;
    if (shared)
        deadline = min64(deadline, c->slice_start + sched_slice);
    if (c->release)
        deadline = min64(deadline, refill_head(c->release->sc)->time);
    /* Programming the timer can be costly (an SBI call on RISC-V without Sstc): only on change. */
    if (deadline != c->armed) {
        hal_timer_set(deadline);
        c->armed = deadline;
    }
    return t;
}

void sched_after_trap(struct cpu *c)
{
    after_trap(c);
}

struct tcb *sched_next_after(struct cpu *c, bool trapped)
{
    return next(c, trapped ? after_trap(c) : hal_time_now());
}
