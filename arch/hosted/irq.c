/* SPDX-License-Identifier: MIT */
/*
 * Hosted interrupts: 63 lines (1..63) raised by hosted_irq_inject, as a device would, seen by the
 * kernel at its next entry. A reported line is masked until the kernel unmasks it (IRQHandler_Ack),
 * like a level-triggered line behind a PLIC or GIC.
 */
#include "hosted.h"
#include "hosted_machine.h"
#include "klog.h"

#define HOSTED_NUM_IRQS 64

static uint64_t pending_irqs;
static uint64_t masked_irqs;

void hosted_irq_inject(unsigned irq)
{
    if (irq > 0 && irq < HOSTED_NUM_IRQS)
        pending_irqs |= (uint64_t)1 << irq;
}

bool hal_irq_valid(word_t irq)
{
    return irq > 0 && irq < HOSTED_NUM_IRQS;
}

void hal_irq_mask(word_t irq)
{
    masked_irqs |= (uint64_t)1 << irq;
}

void hal_irq_unmask(word_t irq)
{
    masked_irqs &= ~((uint64_t)1 << irq);
}

/* One CPU, which takes every line: the core routes only to CPU 0. */
void hal_irq_set_cpu(word_t irq, unsigned cpu)
{
    (void)irq;
    (void)cpu;
}

static bool irq_take(struct hal_trap *trap)
{
    uint64_t ready = pending_irqs & ~masked_irqs;

    if (!ready)
        return false;
    unsigned irq = (unsigned)__builtin_ctzll(ready);
    pending_irqs &= ~((uint64_t)1 << irq);
    hal_irq_mask(irq);
    *trap = (struct hal_trap){.kind = HAL_TRAP_IRQ, .irq = irq};
    return true;
}

bool hal_irq_pending(void)
{
    return (pending_irqs & ~masked_irqs) || hosted_timer_due();
}

bool hosted_pending_event(struct hal_trap *trap)
{
    return irq_take(trap) || hosted_timer_expired(trap);
}

void hal_idle(struct hal_trap *trap)
{
    if (irq_take(trap) || hosted_timer_skip(trap))
        return;
    kprintf("deadlock: no runnable thread and no timer\n");
    hal_halt(HOSTED_HALT_DEADLOCK);
}
