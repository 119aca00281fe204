/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: per-CPU ready queues, one per priority, found in O(1) by a two-level bitmap; a
 * release queue of threads waiting for a refill; budget accounting against scheduling contexts
 * and the one-shot timer that enforces it.
 */
#ifndef MICA_SCHED_H
#define MICA_SCHED_H

#include "object.h"

#ifndef CONFIG_NR_CPUS
#define CONFIG_NR_CPUS 1
#endif

#define SCHED_L2_WORDS (MICA_NUM_PRIORITIES / 32)

struct ready_queue {
    struct tcb *head;
    struct tcb *tail;
};

/* Per-CPU scheduler state. The running thread stays at the head of its ready queue. */
struct cpu {
    struct tcb *cur;              /* the thread whose timeslice is running, or NULL */
    struct sched_context *cur_sc; /* the scheduling context being charged, or NULL */
    bool resched;                 /* pick again and start a fresh timeslice */
    uint32_t l1;                  /* bit i: l2[i] != 0 */
    uint32_t l2[SCHED_L2_WORDS];
    struct ready_queue ready[MICA_NUM_PRIORITIES];
    struct tcb *release;  /* threads waiting for a refill, earliest first */
    uint64_t slice_start; /* when cur was switched in (round robin within a priority) */
    uint64_t commit_time; /* cur_sc has been charged up to this time */
    uint64_t armed;       /* the deadline last given to hal_timer_set; 0 = not known */
};

extern struct cpu cpus[CONFIG_NR_CPUS];

/* Put a TS_READY thread where it belongs: the ready queue if its scheduling context has budget
 * now, the release queue if it waits for a refill, nowhere if it has none (passive). */
void sched_enqueue(struct tcb *t);
void sched_dequeue(struct tcb *t);     /* off whichever queue it is in (none is fine) */
struct tcb *sched_pick(struct cpu *c); /* highest-priority ready thread, or NULL */
void sched_rotate(struct tcb *t);      /* to the tail of its priority (Yield, slice end) */
void sched_set_prio(struct tcb *t, unsigned prio);

/* Make t runnable with err as its syscall result / take t off the CPU into a blocked state. A
 * thread that was blocked gets seL4's refill_unblock_check on its own scheduling context. */
void sched_wake(struct tcb *t, int err);
void sched_unblock(struct tcb *t);
void sched_block(struct tcb *t, enum thread_state state, void *on);

/* Charge the time since the last charge to the CPU's current scheduling context. */
void sched_commit(struct cpu *c);
/* Ticks sc has run since its last charge (0 unless it is some CPU's current context). */
uint64_t sched_uncommitted(const struct sched_context *sc);
/* Yield: charge, restart the timeslice (and a round-robin budget), go to the tail. */
void sched_slice_yield(struct tcb *t);
/* The kernel loop's steps: after a trap, enforce budget and timeslice; before running, move
 * released threads to the ready queues, switch, and program the timer. */
void sched_after_trap(struct cpu *c);
struct tcb *sched_next(struct cpu *c);

#endif
