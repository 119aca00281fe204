/* SPDX-License-Identifier: MIT */
/*
 * Kernel entry and exit. There is no kernel loop and no kernel thread: the arch enters the core
 * on a fresh kernel stack for every trap (hal.h: kernel_trap, kernel_syscall and the fast path's
 * kernel_fastpath_call / kernel_fastpath_reply_recv), the core handles the trap, picks what runs
 * next and returns its context, and the arch restores it and returns to user mode. Nothing is
 * kept on the kernel stack between traps, so no callee-saved registers are saved across user
 * mode (seL4's restore_user_context; one kernel stack per CPU, as seL4 and Maize).
 */
#include "fault.h"
#include "invariants.h"
#include "irq.h"
#include "kernel.h"
#include "klog.h"
#include "sched.h"
#include "smp.h"
#include "syscall.h"
#include "vspace.h"

#define ARG(n) (MICA_REG_ARG0 + (n))

static inline __attribute__((always_inline)) void handle(struct cpu *c, struct tcb *t,
                                                         const struct hal_trap *trap)
{
    switch (trap->kind) {
    case HAL_TRAP_SYSCALL: syscall_handle(t); break;
    case HAL_TRAP_FAULT:
        fault_raise(t, trap->fault_type, trap->fault_addr, trap->fault_detail);
        break;
    case HAL_TRAP_TIMER:
        /* The arch disarmed the one-shot timer, which may have fired early (hal.h):
         * sched_after_trap sees what came due by the clock, and sched_next arms it again. */
        c->armed = 0;
        break;
    case HAL_TRAP_IRQ: irq_handle(trap->irq); break;
#ifdef CONFIG_SMP
    case HAL_TRAP_IPI:
        /* Another CPU changed this one's queues (or stalls its thread): pick again. */
        c->resched = true;
        break;
#else
    default: break; /* HAL_TRAP_IPI comes only with SMP */
#endif
    }
}

/* A context ran out of budget during the last trap and its thread went to wait for the refill:
 * a timeout fault if the thread has a timeout handler (fault.c), then pick again, since that can
 * wake the handler. The scheduler only records it: it knows nothing of faults or IPC. */
static __attribute__((noinline)) struct tcb *kernel_timeout(struct cpu *c)
{
    struct tcb *t = c->timeout;

    c->timeout = NULL;
    fault_timeout(t);
    return sched_next(c);
}

/* After a trap: enforce budget and timeslice, check the invariants, pick what runs next. */
static inline __attribute__((always_inline)) struct tcb *kernel_next(struct cpu *c)
{
    struct tcb *t;

    if (IS_ENABLED(CONFIG_INVARIANTS)) {
        sched_after_trap(c);
        invariants_check();
        t = sched_next(c);
    } else {
        t = sched_after_trap_next(c);
    }
    return c->timeout ? kernel_timeout(c) : t;
}

/* What runs next on c, with its address space current; nothing ready: hal_idle until an
 * interrupt or the timer makes something ready. With SMP the lock is released while idle, and
 * returned to whoever called (smp_exit on the way out). */
static struct tcb *schedule_tcb(struct cpu *c)
{
    struct tcb *t = kernel_next(c);

    while (!t) {
        struct hal_trap trap;
        if (CONFIG_LOG_LEVEL >= KLOG_DEBUG)
            invariants_dump();
        if (IS_ENABLED(CONFIG_SMP)) {
            /* Idle on the kernel-only tables: another CPU may free the VSpace last current here
             * (vspace_destroy). */
            vspace_idle();
            smp_exit(c, NULL);
        }
        hal_idle(&trap);
        smp_enter(c, SMP_ENTRY_NONE);
        handle(c, NULL, &trap);
        t = kernel_next(c);
    }
    vspace_switch(c, t);
    return t;
}

/* The last step of every entry: what runs next, the lock released just before the arch restores
 * it (smp.h). */
static struct arch_ctx *schedule(struct cpu *c)
{
    struct tcb *t = schedule_tcb(c);

    smp_exit(c, t);
    return &t->ctx;
}

static inline struct cpu *this_cpu(void)
{
    return smp_this_cpu();
}

struct arch_ctx *kernel_trap(struct arch_ctx *ctx, const struct hal_trap *trap)
{
    struct cpu *c;

    if (trap->kind == HAL_TRAP_SYSCALL)
        return kernel_syscall(ctx);
    c = this_cpu();
    /* Overtaken by a stall (smp.h), the thread's own trap is dropped: a fault comes back when the
     * thread runs the instruction again; an interrupt is the CPU's and is handled all the same. */
    bool dropped = smp_enter(c, SMP_ENTRY_OTHER);
    if (!dropped || trap->kind != HAL_TRAP_FAULT)
        handle(c, dropped ? NULL : tcb_of(ctx), trap);
    return schedule(c);
}

/* The generic path, entered (under the lock with SMP). */
struct arch_ctx *kernel_syscall_slow(struct arch_ctx *ctx)
{
    syscall_handle(tcb_of(ctx));
    return schedule(this_cpu());
}

struct arch_ctx *kernel_dropped(void)
{
    return schedule(this_cpu());
}

struct arch_ctx *kernel_syscall_contended(struct arch_ctx *ctx, uint32_t draw)
{
    if (smp_wait(this_cpu(), SMP_ENTRY_SYSCALL, draw))
        return kernel_dropped();
    return kernel_syscall_slow(ctx);
}

/* Any syscall but the fast path's two, entered. Overtaken by a stall (smp.h), which restarted
 * the syscall, the thread runs it again later. */
static struct arch_ctx *syscall_generic(struct arch_ctx *ctx)
{
    if (smp_enter(this_cpu(), SMP_ENTRY_SYSCALL))
        return kernel_dropped();
    return kernel_syscall_slow(ctx);
}

struct arch_ctx *kernel_syscall(struct arch_ctx *ctx)
{
    word_t nr = hal_ctx_get(ctx, ARG(7));

    if (nr == MICA_SYS_CALL)
        return kernel_fastpath_call(ctx);
    if (nr == MICA_SYS_REPLY_RECV)
        return kernel_fastpath_reply_recv(ctx);
    return syscall_generic(ctx);
}

#ifndef CONFIG_FASTPATH
/* Built without the fast path: its entry points are the generic path. */
struct arch_ctx *kernel_fastpath_call(struct arch_ctx *ctx)
{
    return syscall_generic(ctx);
}

struct arch_ctx *kernel_fastpath_reply_recv(struct arch_ctx *ctx)
{
    return syscall_generic(ctx);
}
#endif

/* Start running threads on this CPU (after boot: with SMP, the lock is held). */
_Noreturn void kernel_start(void)
{
    hal_user_enter(schedule(this_cpu()));
}
