/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M device interrupts. The vector table is the firmware's (struct mica_platform's vectors,
 * boot.c): the NVIC lines whose entry names mica_exception_handler are Mica's, at Mica's priority
 * (the lowest), every other line the firmware's, which Mica never enables, disables or hands out.
 *
 * Device interrupts go through the NVIC (drivers/intc/nvic.c). A line is reported from a thread's
 * exception (armv8m_trap) or hal_idle, masked there (disabled in the NVIC) and unmasked by
 * IRQHandler_Ack. The lines of the two kernel timers are the kernel's: the clock's wraps are
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

static const armv8m_vector_t *vectors; /* the firmware's table (boot.c checked it) */
static unsigned nvic_nlines;           /* NVIC lines the table covers */

static bool mica_line(word_t irq)
{
    return irq < nvic_nlines && vectors[EXC_IRQ0 + irq] == mica_exception_handler;
}

/* Mica's lines: disabled, not pending, Secure, at Mica's priority; then its timers' on. */
BOOT_CODE void armv8m_irq_init(const armv8m_vector_t *table, unsigned lines, uint8_t prio)
{
    vectors = table;
    nvic_nlines = lines;
    for (unsigned i = 0; i < nvic_nlines; i++)
        if (mica_line(i))
            nvic_take(i, prio);
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
 * could preempt (nothing of Mica's can preempt the kernel), so a masked line never counts. The
 * timers' lines are NVIC lines like the rest. A firmware exception pending at Mica's priority
 * counts too: the kernel then stops at its next preemption point and lets it run. */
bool hal_irq_pending(void)
{
    return (ICSR & ICSR_VECTPENDING) != 0;
}

/* Mica's lines (the firmware's vector table names mica_exception_handler), but its timers'. */
bool hal_irq_valid(word_t irq)
{
    return mica_line(irq) && irq != armv8m_board.clock_irq && irq != armv8m_board.timer_irq;
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

/* One CPU, which takes every line: the core routes only to CPU 0. */
void hal_irq_set_cpu(word_t irq, unsigned cpu)
{
    (void)irq;
    (void)cpu;
}
