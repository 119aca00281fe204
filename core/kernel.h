/* SPDX-License-Identifier: MIT */
/* The kernel's entry and exit (kernel.c); the arch-facing entry points are in hal.h. */
#ifndef MICA_KERNEL_H
#define MICA_KERNEL_H

#include "object.h"

/* The thread whose saved registers ctx is (struct tcb begins with its ctx). */
static inline struct tcb *tcb_of(struct arch_ctx *ctx)
{
    compile_assert(tcb_ctx_first, offsetof(struct tcb, ctx) == 0);
    return (struct tcb *)ctx;
}

/* The syscall ctx's thread trapped with, through the generic path (syscall.c), then the
 * scheduler: what the fast path falls back to. */
struct arch_ctx *kernel_syscall_slow(struct arch_ctx *ctx);

/* What runs next on this CPU, the trap in flight dropped (a stall overtook it: smp.h). */
struct arch_ctx *kernel_dropped(void);

/* The fast path found the kernel lock taken, its ticket drawn (draw): wait for it, then the slow
 * path (or kernel_dropped, if a stall overtook the syscall meanwhile). */
struct arch_ctx *kernel_syscall_contended(struct arch_ctx *ctx, uint32_t draw);

/* Start running threads on this CPU (after boot). */
_Noreturn void kernel_start(void);

#endif
