/* SPDX-License-Identifier: MIT */
/* The Call / ReplyRecv fast path (fastpath.c, CONFIG_FASTPATH). */
#ifndef MICA_FASTPATH_H
#define MICA_FASTPATH_H

#include "object.h"
#include "syscall.h"

/*
 * Handle t's Call / ReplyRecv (the syscall number is already known): completely if it is the
 * common case (see fastpath.c and docs/architecture.md for the conditions), so that t has
 * blocked and its partner is ready exactly as the slow path leaves them; otherwise, with nothing
 * changed, through the slow path (syscall_slow_path), which it calls itself, so that
 * syscall_handle reaches either with a tail call and no frame of its own.
 */
#ifdef CONFIG_FASTPATH
void fastpath_call(struct tcb *t);
void fastpath_reply_recv(struct tcb *t);
#else
static inline void fastpath_call(struct tcb *t)
{
    syscall_slow_path(t);
}
static inline void fastpath_reply_recv(struct tcb *t)
{
    syscall_slow_path(t);
}
#endif

#endif
