/* SPDX-License-Identifier: MIT */
/* The invariant checker (invariants.c), run after every trap with CONFIG_INVARIANTS. */
#ifndef MICA_INVARIANTS_H
#define MICA_INVARIANTS_H

/* Walk the derivation tree, every thread and queue reachable from it, and panic with a message
 * naming the first broken invariant. */
void invariants_check(void);

/* t is running in user mode and trapped into the IPC fast path: it is its CPU's current and
 * front thread on the current context, and the timer is armed (what the fast path's direct
 * switch relies on instead of checking). */
struct tcb;
void invariants_running(const struct tcb *t);

/* Print every thread reachable from the derivation tree (debugging a deadlock). */
void invariants_dump(void);

#endif
