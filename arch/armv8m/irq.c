/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M device interrupts through the NVIC (drivers/intc/nvic.c). Every line has the same
 * priority as every other exception, so none preempts the kernel; a line is reported from
 * a thread's exception (armv8m_trap) or hal_idle, masked there (disabled in the NVIC) and unmasked
 * by IRQHandler_Ack. The lines of the two kernel timers are the kernel's: the clock's wraps are
 * counted, never reported, and the deadline timer's line is HAL_TRAP_TIMER.
 *
 * The NVIC latches a line's pending state on a rising edge and again when its exception returns
 * while the line is still asserted (Armv8-M ARM B3.27). The kernel reports a line from inside its
 * exception and returns with the device still asserting, so by the time the driver has serviced
 * the device and acknowledges, the line is pending for nothing. Unmasking therefore clears the
 * pending state first: a clear does not take while the line is still asserted (it stays pending,
 * as a level-sensitive line must), so only the stale latch goes, and a device that asserts again
 * interrupts again.
 */
#include "compiler.h"
#include "armv8m.h"
#include "intc/nvic.h"

static unsigned nvic_nlines;

BOOT_CODE void armv8m_irq_init(void)
{
    nvic_nlines = nvic_lines();
    nvic_init(0);
    nvic_enable(armv8m_board.clock_irq, true);
    nvic_enable(armv8m_board.timer_irq, true);
}

bool armv8m_irq_take(word_t irq, struct hal_trap *trap)
{
    if (irq == armv8m_board.timer_irq) {
        armv8m_timer_expired();
        trap->kind = HAL_TRAP_TIMER;
        return true;
    }
    if (irq == armv8m_board.clock_irq) {
        (void)hal_time_now(); /* counts the wrap, if it is still there */
        return false;
    }
    nvic_enable(irq, false);
    trap->kind = HAL_TRAP_IRQ;
    trap->irq = irq;
    return true;
}

/* ICSR.VECTPENDING: the highest-priority exception that is pending and enabled, whether or not it
 * could preempt (nothing can preempt the kernel), so a masked line never counts. The timers'
 * lines are NVIC lines like the rest. */
bool hal_irq_pending(void)
{
    return (ICSR & ICSR_VECTPENDING) != 0;
}

bool hal_irq_valid(word_t irq)
{
    return irq < nvic_nlines && irq != armv8m_board.clock_irq && irq != armv8m_board.timer_irq;
}

void hal_irq_mask(word_t irq)
{
    if (hal_irq_valid(irq))
        nvic_enable(irq, false);
}

void hal_irq_unmask(word_t irq)
{
    if (!hal_irq_valid(irq))
        return;
    nvic_clear_pending(irq);
    nvic_enable(irq, true);
}
