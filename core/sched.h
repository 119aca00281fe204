/* SPDX-License-Identifier: MIT */
/* The scheduler: per-CPU ready queues, one per priority, found in O(1) by a two-level bitmap. */
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
    struct tcb *cur; /* the thread whose timeslice is running, or NULL */
    bool new_slice;  /* cur yielded or used up its slice: give the next pick a fresh one */
    uint32_t l1;     /* bit i: l2[i] != 0 */
    uint32_t l2[SCHED_L2_WORDS];
    struct ready_queue ready[MICA_NUM_PRIORITIES];
    uint64_t slice_start; /* when cur was switched in (for SchedContext_Consumed) */
};

extern struct cpu cpus[CONFIG_NR_CPUS];

void sched_enqueue(struct tcb *t);     /* at the tail of its priority */
void sched_dequeue(struct tcb *t);     /* t must be queued */
struct tcb *sched_pick(struct cpu *c); /* highest-priority ready thread, or NULL */
void sched_rotate(struct tcb *t);      /* to the tail of its priority (Yield, slice end) */
void sched_set_prio(struct tcb *t, unsigned prio);
/* Charge the time since the last call (or switch) to the running thread's scheduling context. */
void sched_account(struct cpu *c);

/* Make t runnable with err as its syscall result / take t off the CPU into a blocked state. */
void sched_wake(struct tcb *t, int err);
void sched_block(struct tcb *t, enum thread_state state, void *on);

#endif
