/* SPDX-License-Identifier: MIT */
/* The kernel's main loop (kernel.c). */
#ifndef MICA_KERNEL_H
#define MICA_KERNEL_H

/* Run threads forever on this CPU: pick, hal_user_run, handle the trap. */
_Noreturn void kernel_run(void);

#endif
