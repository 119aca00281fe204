/* SPDX-License-Identifier: MIT */
/* Notifications (notify.c). */
#ifndef MICA_NOTIFY_H
#define MICA_NOTIFY_H

#include "object.h"

int notify_signal(const struct cap *c);
int notify_wait(struct tcb *t, const struct cap *c, bool block);
/* Hand t the pending bits of active n (badge in ARG0) and make n idle. */
void notify_take(struct tcb *t, struct notification *n);
void notify_bind(struct notification *n, struct tcb *t);
void notify_unbind(struct tcb *t);
/* The last cap to n is gone: one waiter wakes with MICA_ERR_CANCELLED per step, then n lets go of
 * its bound thread and scheduling context (delete.h's enum finalise_step). */
int notify_finalise_step(struct notification *n);

#endif
