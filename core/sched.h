/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: per-CPU ready queues, one per priority, found in O(1) by a two-level bitmap; a
 * release queue of threads waiting for a refill; budget accounting against scheduling contexts
 * and the one-shot timer that enforces it.
 */
#ifndef MICA_SCHED_H
#define MICA_SCHED_H

#include "object.h"
#include "sched_context.h"

#ifndef CONFIG_NR_CPUS
#define CONFIG_NR_CPUS 1
#endif

#define SCHED_L2_WORDS (MICA_NUM_PRIORITIES / 32)

struct ready_queue {
    struct tcb *head;
    struct tcb *tail;
};

struct ticket_lock;

/* Per-CPU scheduler state. front is a ready thread (normally cur) that stands at the head of its
 * priority's ready queue without being linked into it (sched.c). The ready queues come last, so
 * that every other field is a small offset from the struct (one load each on RISC-V, whose
 * immediates reach 2 KiB). */
struct cpu {
    struct tcb *cur;              /* the thread whose timeslice is running, or NULL */
    struct tcb *front;            /* the SQ_FRONT thread, or NULL */
    struct sched_context *cur_sc; /* the scheduling context being charged, or NULL */
    bool resched;                 /* pick again and start a fresh timeslice */
    uint32_t l1;                  /* bit i: l2[i] != 0 */
    uint32_t top;                 /* the highest priority in the lists + 1; 0: they are empty */
    struct tcb *release;          /* threads waiting for a refill, earliest first */
    uint64_t slice_start;         /* when cur was switched in (round robin within a priority) */
    uint64_t commit_time;         /* cur_sc has been charged up to this time */
    uint64_t armed;               /* the deadline last given to hal_timer_set; 0 = not known */
    struct tcb *timeout;          /* its budget ran out: a timeout fault to raise (kernel.c) */
    /* The VSpace last made current here, as its address | 1 (1 alone: the kernel-only space; 0:
     * nothing activated yet), so that one comparison says whether a switch is needed (vspace.h). */
    word_t vspace_active;
#ifdef CONFIG_SMP
    /* smp.h, at small offsets too. Read and written by other CPUs under the kernel lock, but
     * entered, which this CPU sets while it waits for the lock (smp_wait) and a CPU holding the
     * lock waits for (smp_stall). */
    struct tcb *user; /* the thread this CPU left the kernel towards, until it enters again */
    struct ticket_lock *lock; /* &kernel_lock, one load from here (the fast path's entry) */
    uint64_t ipi;             /* CPUs to interrupt when this entry leaves the kernel (smp_kick) */
    uint8_t entered;          /* enum smp_entry: trapped from user mode, waiting for the lock */
    bool dropped; /* a stall overtook the trap in flight: do not handle the thread's part */
#endif
    uint32_t l2[SCHED_L2_WORDS];
    struct ready_queue ready[MICA_NUM_PRIORITIES];
};

extern struct cpu cpus[CONFIG_NR_CPUS];
/* CPUs the kernel runs on, 1..CONFIG_NR_CPUS (boot sets it); the others' state stays empty. */
extern unsigned sched_ncpus;

static inline struct cpu *sched_cpu(const struct tcb *t)
{
    return &cpus[CONFIG_NR_CPUS == 1 ? 0 : t->cpu];
}

/* The general cases of sched_enqueue, sched_enqueue_partner and sched_dequeue (sched.c). */
void sched_enqueue_slow(struct tcb *t);
/* A thread of another CPU: queued there, and that CPU interrupted to pick again (SMP only). */
void sched_enqueue_remote(struct tcb *t, bool head);
/* Move t to CPU cpu's queues, stopping it first if it runs elsewhere (SMP only; sched.c). */
void sched_migrate(struct tcb *t, unsigned cpu);
void sched_enqueue_head_slow(struct tcb *t);
void sched_dequeue_slow(struct tcb *t);

/* Put a TS_READY thread where it belongs: the ready queue if its scheduling context has budget
 * now, the release queue if it waits for a refill, nowhere if it has none (passive). Inline for
 * the IPC paths' common case: a round-robin context, nothing queued at t's priority and no front
 * thread, so t becomes the front thread (sched.c's ready_add). */
static inline __attribute__((always_inline)) void sched_enqueue(struct tcb *t)
{
    struct cpu *c = sched_cpu(t);
    struct sched_context *sc = t->sc;

    if (CONFIG_NR_CPUS > 1 && t->cpu != hal_cpu_id()) {
        sched_enqueue_remote(t, false);
        return;
    }
    if (sc && sc->configured && sc_round_robin(sc) && !c->front && !c->ready[t->prio].head) {
        t->sched_next = t->sched_prev = NULL;
        t->queue = SQ_FRONT;
        c->front = t;
        return;
    }
    sched_enqueue_slow(t);
}

/* The same for a thread the running thread's IPC handed over to (a Call's receiver, a Reply's
 * caller): it goes to the head of its priority, ahead of its peers, so that it runs next if it is
 * the highest priority (seL4's possibleSwitchTo and tcbSchedEnqueue). Same-priority fairness comes
 * from timeslices and budgets, not from requeueing on every IPC. */
static inline __attribute__((always_inline)) void sched_enqueue_partner(struct tcb *t)
{
    struct cpu *c = sched_cpu(t);
    struct sched_context *sc = t->sc;

    if (CONFIG_NR_CPUS > 1 && t->cpu != hal_cpu_id()) {
        sched_enqueue_remote(t, true);
        return;
    }
    if (sc && sc->configured && sc_round_robin(sc) && !c->front) {
        t->sched_next = t->sched_prev = NULL;
        t->queue = SQ_FRONT;
        c->front = t;
        return;
    }
    sched_enqueue_head_slow(t);
}

/* Off whichever queue it is in (none is fine). The front thread is in no list (its links are
 * NULL), so taking it off is two stores. */
static inline __attribute__((always_inline)) void sched_dequeue(struct tcb *t)
{
    if (t->queue == SQ_FRONT) {
        sched_cpu(t)->front = NULL;
        t->queue = SQ_NONE;
        return;
    }
    sched_dequeue_slow(t);
}

struct tcb *sched_pick(struct cpu *c); /* highest-priority ready thread, or NULL */
void sched_rotate(struct tcb *t);      /* to the tail of its priority (Yield, slice end) */
void sched_set_prio(struct tcb *t, unsigned prio);

/* Make t runnable with err as its syscall result / take t off the CPU into a blocked state. A
 * thread that was blocked gets seL4's refill_unblock_check on its own scheduling context (which
 * changes nothing for a round-robin one). */
void sched_wake(struct tcb *t, int err);

static inline __attribute__((always_inline)) void sched_unblock(struct tcb *t)
{
    struct sched_context *sc = t->sc;

    if (sc && sc != sched_cpu(t)->cur_sc && !sc_round_robin(sc))
        refill_unblock(sc, hal_time_now());
    sched_enqueue(t);
}

static inline __attribute__((always_inline)) void sched_unblock_partner(struct tcb *t)
{
    struct sched_context *sc = t->sc;

    if (sc && sc != sched_cpu(t)->cur_sc && !sc_round_robin(sc))
        refill_unblock(sc, hal_time_now());
    sched_enqueue_partner(t);
}

static inline void sched_block(struct tcb *t, enum thread_state state, void *on)
{
    sched_dequeue(t);
    t->state = (uint8_t)state;
    t->blocked_on = on;
}

/* The highest priority with a thread in c's lists (only when c->l1 != 0): kept up to date by
 * the bitmap's updates (sched.c), so that the IPC fast path reads it instead of searching. */
static inline unsigned sched_highest_prio(const struct cpu *c)
{
    return c->top - 1;
}

/* CONFIG_TIMESLICE_US in clock ticks (sched_init). */
extern uint64_t sched_slice;
/* Once at boot, after the clock is known. */
void sched_init(void);

/* Charge cur_sc up to now (no earlier than the last charge): seL4's commitTime. */
static inline __attribute__((always_inline)) void sched_commit_at(struct cpu *c, uint64_t now)
{
    struct sched_context *sc = c->cur_sc;

    if (sc && sc->configured && now > c->commit_time)
        sc_charge(sc, now - c->commit_time);
    c->commit_time = now;
}

/*
 * The IPC fast path's direct switch (seL4's fastpath: the partner runs at once, "running, not
 * queued", without the generic scheduler). t, c's running front thread, is about to block, and p,
 * blocked now, would run next: on t's context, passed by donation (sched_switch_ok_same), or on
 * another one, its own or one coming back through a Reply (sched_switch_ok_other). True if the
 * slow path would pick p and keep the timer as it is, so that the switch may skip it:
 *  - p's priority is at least that of every other ready thread on c (equal: it goes ahead of its
 *    peers, as sched_enqueue_partner puts it);
 *  - the context can run now: the same one (charged later), or a round-robin one (always ready; a
 *    periodic or sporadic one would need refill_unblock and may be out of budget: slow path)
 *    taking over from a round-robin one (whose charge is a subtraction, sc_charge_rr: a periodic
 *    or sporadic context's goes through its refill queue, on the slow path);
 *  - the timer deadline the slow path would work out for p is not earlier than the one armed
 *    (a later one only costs a timer trap that finds nothing due). The release queue's head is in
 *    the armed deadline already and the switch does not touch the queue. c->armed is never 0
 *    here: the last return to user mode armed it, and only a timer trap, which goes through the
 *    slow path, clears it.
 * Nothing is changed.
 */

/* p's priority against the other ready threads: false if one is higher; *shared if one has the
 * same priority (its timeslice then matters). */
static inline __attribute__((always_inline)) bool
sched_switch_prio_ok(const struct cpu *c, const struct tcb *t, const struct tcb *p, bool *shared)
{
    /* t is c's front thread, as every thread running in user mode is (the slow path makes the
     * thread it picks the front, and so does this switch): blocking it leaves the front empty,
     * for p. top is 0 when no other thread is ready. */
    (void)t;
    if (p->prio >= c->top) {
        *shared = false;
        return true;
    }
    *shared = true;
    return p->prio + 1u == c->top;
}

/* A shared priority's deadline: the budget's or the timeslice's end, against the armed one. */
static inline __attribute__((always_inline)) bool sched_switch_deadline_ok(const struct cpu *c,
                                                                           uint64_t deadline)
{
    if (c->slice_start + sched_slice < deadline)
        deadline = c->slice_start + sched_slice;
    return deadline >= c->armed;
}

static inline __attribute__((always_inline)) bool
sched_switch_ok_same(const struct cpu *c, const struct tcb *t, const struct tcb *p)
{
    struct sched_context *sc = c->cur_sc;
    bool shared;

    /* t ran on the context, so it is configured; charged later, from commit_time. */
    if (!sched_switch_prio_ok(c, t, p, &shared))
        return false;
    if (!shared && sc_round_robin(sc))
        return true;
    uint64_t deadline = c->commit_time + refill_head(sc)->amount;
    return shared ? sched_switch_deadline_ok(c, deadline) : deadline >= c->armed;
}

/* sc is not NULL; *now is the clock, for sched_switch's charge. */
static inline __attribute__((always_inline)) bool
sched_switch_ok_other(const struct cpu *c, const struct tcb *t, const struct tcb *p,
                      struct sched_context *sc, uint64_t *now)
{
    bool shared;

    /* (round_robin is set by configuring: an unconfigured context has it clear. t->sc is
     * c->cur_sc: t is running.) With SMP p must also be on this CPU: p runs on its own context sc,
     * so p->cpu is sc->cpu (invariants.c), and t's context is on this CPU. Both contexts' round
     * robin and CPU compared as one halfword say both at once. */
#if CONFIG_NR_CPUS > 1
    uint16_t rr_cpu = sc_rr_cpu(c->cur_sc);
    if (sc_rr_cpu(sc) != rr_cpu || !sc_rr_cpu_round_robin(rr_cpu))
        return false;
#else
    if (!sc_round_robin(sc) || !sc_round_robin(t->sc))
        return false;
#endif
    if (!sched_switch_prio_ok(c, t, p, &shared))
        return false;
    *now = hal_time_now();
    return !shared || sched_switch_deadline_ok(c, *now + sc->refills[0].amount);
}

/* The switch itself, after sched_switch_ok_* and after t blocked (its state set; it was the front
 * thread, which p now is) and p became ready. The timeslice goes on (slice_start is not reset:
 * the IPC partner continues the caller's turn). */
static inline __attribute__((always_inline)) void sched_switch(struct cpu *c, struct tcb *t,
                                                               struct tcb *p)
{
    t->queue = SQ_NONE;
    p->queue = SQ_FRONT;
    c->front = p;
    c->cur = p;
}

/* After sched_switch_ok_other: the outgoing context out (round robin) is charged up to now, and
 * sc is charged from now on. (The clock never goes back past commit_time, an earlier reading.) */
static inline __attribute__((always_inline)) void sched_switch_context(struct cpu *c,
                                                                       struct sched_context *out,
                                                                       struct sched_context *sc,
                                                                       uint64_t now)
{
    sc_charge_rr(out, now - c->commit_time);
    c->commit_time = now;
    c->cur_sc = sc;
}

/* Charge the time since the last charge to the CPU's current scheduling context. */
void sched_commit(struct cpu *c);
/* Ticks sc has run since its last charge (0 unless it is some CPU's current context). */
uint64_t sched_uncommitted(const struct sched_context *sc);
/* Yield: charge, restart the timeslice (and a round-robin budget), go to the tail. */
void sched_slice_yield(struct tcb *t);
/* The kernel loop's steps: after a trap, enforce budget and timeslice; before running, move
 * released threads to the ready queues, switch, and program the timer. */
void sched_after_trap(struct cpu *c);
/* The pick, after the after-trap step when trapped: one copy of the scheduler's pick for both
 * callers below (a copy each cost 0.8 KB of code on Armv8-M). */
struct tcb *sched_next_after(struct cpu *c, bool trapped);
static inline struct tcb *sched_next(struct cpu *c)
{
    return sched_next_after(c, false);
}
/* Both in one call (the kernel loop's, when no invariant check runs between them). */
static inline struct tcb *sched_after_trap_next(struct cpu *c)
{
    return sched_next_after(c, true);
}

#endif
