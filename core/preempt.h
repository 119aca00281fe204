/* SPDX-License-Identifier: MIT */
/*
 * Preemption points of long operations (preempt.c). The kernel is not preemptible, so an operation
 * whose work grows with sizes user space chose (deleting a big CNode or a chain of them, Revoke,
 * Retype zeroing memory) checks between bounded steps whether it must stop. It then leaves its
 * objects in a consistent state that records its progress and returns SYSCALL_PREEMPTED: the
 * caller's syscall is restarted (hal_ctx_restart_syscall) and, run again, carries on where it
 * stopped, with the same result as if it had run through. docs/architecture.md, "Long
 * operations", says how each one records its progress.
 */
#ifndef MICA_PREEMPT_H
#define MICA_PREEMPT_H

#include <stdbool.h>

/* A syscall handler's result when it stopped at a preemption point (cf. SYSCALL_BLOCKED). */
#define SYSCALL_PREEMPTED (-2)

/* Called after each bounded step of a long operation: true if it must stop now, because an
 * interrupt is pending (hal_irq_pending) or, with CONFIG_PREEMPT_EVERY = N (a test option),
 * because N steps have passed since the last stop. */
bool preempt_point(void);

#endif
