/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M time, on two CMSDK APB timers the board names (CMSDK TRM, "APB timer": CTRL +0, VALUE
 * +4, RELOAD +8, INTSTATUS/INTCLEAR +0xc), both at the system clock. The clock timer runs free
 * down from 0xffffffff; arch.h's hal_time_now counts its wraps. The deadline timer is one-shot:
 * VALUE = ticks to the deadline, RELOAD = 0xffffffff, its interrupt reported as HAL_TRAP_TIMER.
 * It counts 32 bits, so a deadline further away than 2^32 ticks (over three minutes at 20 MHz)
 * fires early, at the limit, and the core arms the timer again (hal.h allows that).
 *
 * Why not SysTick: it can only start counting from 0 (a write to CVR clears it), and QEMU 7.2
 * under -icount delivers such a count, and a CMSDK timer whose first count equals its reload,
 * twice as late as asked when the CPU waits in WFI (measured: 20000 ticks asked, 40000 seen by
 * the other timer; busy, both agree). A first count different from the reload is on time.
 */
#include "armv8m.h"
#include "compiler.h"
#include "intc/nvic.h"

#define TIMER_CTRL     0
#define TIMER_VALUE    1
#define TIMER_RELOAD   2
#define TIMER_INTCLEAR 3
#define CTRL_EN        0x1
#define CTRL_IRQEN     0x8
#define TIMER_MAX      0xffffffffu

volatile uint32_t *armv8m_clock;
uint32_t armv8m_clock_wraps;
static volatile uint32_t *deadline_timer;

/* The clock starts at 0 and its interrupt (every 2^32 ticks) stays enabled in the NVIC, so a wrap
 * is counted even when no thread traps for minutes; irq.c keeps both lines for the kernel. */
BOOT_CODE void armv8m_timer_init(void)
{
    volatile uint32_t *t = hal_phys_to_virt(armv8m_board.clock_timer);

    t[TIMER_CTRL] = 0;
    t[TIMER_RELOAD] = TIMER_MAX;
    t[TIMER_VALUE] = TIMER_MAX;
    t[TIMER_INTCLEAR] = 1;
    t[TIMER_CTRL] = CTRL_EN | CTRL_IRQEN;
    armv8m_clock = t;
    deadline_timer = hal_phys_to_virt(armv8m_board.timer);
    hal_timer_set(UINT64_MAX);
}

uint64_t hal_time_freq(void)
{
    return armv8m_board.sysclk_hz;
}

/* A fire still pending from an earlier deadline is dropped: only the last call counts. A deadline
 * already due pends the timer's line, which the next return to a thread (or hal_idle) takes. */
void hal_timer_set(uint64_t deadline)
{
    volatile uint32_t *t = deadline_timer;

    t[TIMER_CTRL] = 0;
    t[TIMER_INTCLEAR] = 1;
    nvic_clear_pending(armv8m_board.timer_irq);
    if (deadline == UINT64_MAX)
        return;
    uint64_t now = hal_time_now();
    if (deadline <= now) {
        nvic_set_pending(armv8m_board.timer_irq);
        return;
    }
    uint64_t d = deadline - now;
    t[TIMER_RELOAD] = TIMER_MAX;
    t[TIMER_VALUE] = d > TIMER_MAX ? TIMER_MAX : (uint32_t)d;
    t[TIMER_CTRL] = CTRL_EN | CTRL_IRQEN;
}

/* The deadline (or the timer's limit) passed and is being reported: one-shot, so disarm. */
void armv8m_timer_expired(void)
{
    deadline_timer[TIMER_CTRL] = 0;
    deadline_timer[TIMER_INTCLEAR] = 1;
}
