/* SPDX-License-Identifier: MIT */
/*
 * Deleting and revoking capabilities (delete.c): without recursion, in time linear in what is
 * deleted, and preemptible. Both return MICA_OK or SYSCALL_PREEMPTED (preempt.h); after a
 * preemption the slot holds a zombie that the next Delete (or a Revoke reaching it) continues.
 */
#ifndef MICA_DELETE_H
#define MICA_DELETE_H

#include "object.h"

/* Empty slot. If it held the last cap to its object, the object is destroyed: at once when that
 * is a bounded amount of work, else step by step through a zombie, with preemption points.
 * Children of the cap take its place in the derivation tree. An empty slot is left as it is. */
int cap_delete(struct cte *slot);

/* Delete every descendant of slot, each with cap_delete, one preemption point per cap; then an
 * Untyped is reset (watermark 0, its memory no longer known to be zero). */
int cap_revoke(struct cte *slot);

/* One step of tearing down a zombie's object (object.c dispatches to the type's file). */
enum finalise_step {
    STEP_MORE, /* a bounded amount of work done, more left */
    STEP_SLOT, /* the object holds a cap in *slot that must go first (a CNode's or TCB's slot) */
    STEP_DONE, /* the object is gone: its memory may be reused once the zombie is removed */
};

#endif
