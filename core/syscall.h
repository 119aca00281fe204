/* SPDX-License-Identifier: MIT */
/* Syscall dispatch and the kernel's main loop (syscall.c). */
#ifndef MICA_SYSCALL_H
#define MICA_SYSCALL_H

#include "object.h"

/* Handle the syscall t trapped with (number and arguments in its ARG registers). */
void syscall_handle(struct tcb *t);
/* The generic path alone: the fast path's way out when its conditions do not hold. */
void syscall_slow_path(struct tcb *t);

/* Run threads forever: pick, hal_user_run, handle the trap. */
_Noreturn void kernel_run(void);

#endif
