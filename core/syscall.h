/* SPDX-License-Identifier: MIT */
/* Syscall dispatch (syscall.c). */
#ifndef MICA_SYSCALL_H
#define MICA_SYSCALL_H

#include "object.h"

/* Handle the syscall t trapped with (number and arguments in its ARG registers): the generic
 * path, for every syscall the fast path does not complete. */
void syscall_handle(struct tcb *t);

#endif
