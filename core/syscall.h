/* SPDX-License-Identifier: MIT */
/* Syscall dispatch (syscall.c). */
#ifndef MICA_SYSCALL_H
#define MICA_SYSCALL_H

#include "object.h"

/* Handle the syscall t trapped with (number and arguments in its ARG registers). */
void syscall_handle(struct tcb *t);
/* The generic path alone: the fast path's way out when its conditions do not hold. */
void syscall_slow_path(struct tcb *t);

#endif
