/* SPDX-License-Identifier: MIT */
/*
 * The kernel's main loop. Each CPU runs the highest-priority ready thread with hal_user_run until
 * it traps, handles the trap, and picks again: the kernel is a plain loop around the arch's "run
 * user code until something happens" (Tock's switch_to_process).
 */
#include "fault.h"
#include "invariants.h"
#include "irq.h"
#include "kernel.h"
#include "sched.h"
#include "syscall.h"
#include "vspace.h"

static inline __attribute__((always_inline)) void kernel_trap(struct cpu *c, struct tcb *t,
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

_Noreturn void kernel_run(void)
{
    struct cpu *c = &cpus[hal_cpu_id()];
    struct hal_trap trap;
    struct tcb *t = sched_next(c);

    for (;;) {
        if (!t) {
            if (CONFIG_LOG_LEVEL >= KLOG_DEBUG)
                invariants_dump();
            hal_idle(&trap);
            kernel_trap(c, NULL, &trap);
            t = kernel_next(c);
            continue;
        }
        vspace_switch(t);
        hal_user_run(&t->ctx, &trap);
        kernel_trap(c, t, &trap);
        t = kernel_next(c);
    }
}
