/* SPDX-License-Identifier: MIT */
/* The Call / ReplyRecv fast path (fastpath.c, CONFIG_FASTPATH). */
#ifndef MICA_FASTPATH_H
#define MICA_FASTPATH_H

#include "object.h"

/*
 * Handle t's Call / ReplyRecv completely if it is the common case (see fastpath.c and
 * docs/architecture.md for the conditions) and return true; t has blocked and its partner is
 * ready, exactly as the slow path leaves them. false: nothing changed, take the slow path.
 */
#ifdef CONFIG_FASTPATH
bool fastpath_call(struct tcb *t);
bool fastpath_reply_recv(struct tcb *t);
#else
static inline bool fastpath_call(struct tcb *t)
{
    (void)t;
    return false;
}
static inline bool fastpath_reply_recv(struct tcb *t)
{
    (void)t;
    return false;
}
#endif

#endif
