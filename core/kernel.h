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

/* With SMP, a syscall's entry takes the kernel lock (kernel.c): NULL, or the context to run if a
 * stall overtook the syscall; and the fast path's exit releases it (smp.h). */
#ifdef CONFIG_SMP
struct arch_ctx *kernel_syscall_enter(struct arch_ctx *ctx);
void kernel_fastpath_exit(struct tcb *t);
#else
static inline struct arch_ctx *kernel_syscall_enter(struct arch_ctx *ctx)
{
    (void)ctx;
    return NULL;
}
static inline void kernel_fastpath_exit(struct tcb *t)
{
    (void)t;
}
#endif

/* Start running threads on this CPU (after boot). */
_Noreturn void kernel_start(void);

#endif
