/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M device interrupts through the NVIC (drivers/intc/nvic.c). Every line has the same
 * priority as every other exception, so none preempts the kernel; a line is reported from
 * hal_user_run or hal_idle, masked there (disabled in the NVIC) and unmasked by IRQHandler_Ack. A
 * device that still asserts its line when it is unmasked makes it pending again, as a level
 * interrupt should. The clock's line belongs to the kernel: its wraps are counted, never reported.
 */
#include "armv8m.h"
#include "intc/nvic.h"

static unsigned nvic_nlines;

void armv8m_irq_init(void)
{
    nvic_nlines = nvic_lines();
    nvic_init(0);
    nvic_enable(armv8m_board.clock_irq, true);
}

bool armv8m_irq_take(word_t irq)
{
    if (irq == armv8m_board.clock_irq) {
        (void)hal_time_now(); /* counts the wrap, if it is still there */
        return false;
    }
    nvic_enable(irq, false);
    return true;
}

bool hal_irq_valid(word_t irq)
{
    return irq < nvic_nlines && irq != armv8m_board.clock_irq;
}

void hal_irq_mask(word_t irq)
{
    if (hal_irq_valid(irq))
        nvic_enable(irq, false);
}

void hal_irq_unmask(word_t irq)
{
    if (hal_irq_valid(irq))
        nvic_enable(irq, true);
}
