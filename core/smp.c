/* SPDX-License-Identifier: MIT */
/*
 * The big kernel lock's exit and the stall of a thread running on another CPU (smp.h). Only with
 * CONFIG_SMP.
 */
#include "smp.h"
#include "vspace.h"

struct ticket_lock kernel_lock;

bool smp_wait(struct cpu *c, enum smp_entry kind, uint32_t draw)
{
    vspace_idle();
    __atomic_store_n(&c->entered, (uint8_t)kind, __ATOMIC_RELEASE);
    smp_spin(draw);
    __atomic_store_n(&c->entered, (uint8_t)SMP_ENTRY_NONE, __ATOMIC_RELAXED);
    if (!c->dropped)
        return false;
    c->dropped = false;
    return true;
}

void smp_send_ipis(uint64_t mask)
{
    for (unsigned i = 0; mask; i++, mask >>= 1)
        if (mask & 1)
            hal_ipi_send(i);
}

void smp_stall(struct tcb *t)
{
    /* Only t's own CPU can run it (t->cpu changes only under the lock, after a stall). */
    struct cpu *c = sched_cpu(t);
    uint8_t kind;

    if (c->user != t || c == smp_this_cpu())
        return;
    kind = __atomic_load_n(&c->entered, __ATOMIC_ACQUIRE);
    if (kind == SMP_ENTRY_NONE) {
        /* In user mode, or between its release of the lock and the return there: the IPI makes it
         * trap, the trap saves the context, and it says so when it finds the lock taken (by this
         * CPU: smp_wait). */
        hal_ipi_send(t->cpu);
        while ((kind = __atomic_load_n(&c->entered, __ATOMIC_ACQUIRE)) == SMP_ENTRY_NONE)
            ;
    }
    /* The syscall it trapped with is undone (it runs again when the thread next does), so that
     * whatever the caller changes applies before it, as if the thread had been stopped in user
     * mode. */
    if (kind == SMP_ENTRY_SYSCALL)
        hal_ctx_restart_syscall(&t->ctx);
    c->dropped = true;
    c->user = NULL;
}
