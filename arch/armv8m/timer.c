/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M time. The clock is a CMSDK APB timer the board names, free running down from 0xffffffff
 * (CMSDK TRM, "APB timer": CTRL +0, VALUE +4, RELOAD +8, INTSTATUS/INTCLEAR +0xc); arch.h's
 * hal_time_now counts its wraps. One-shot deadlines go to SysTick (Armv8-M ARM B11), which
 * counts only 24 bits: a deadline further away than 2^24 ticks fires early, at the limit, and
 * the core arms the timer again (hal.h allows that). Both count the system clock.
 */
#include "compiler.h"
#include "armv8m.h"

#define TIMER_CTRL     0
#define TIMER_RELOAD   2
#define TIMER_INTCLEAR 3
#define CTRL_EN        0x1
#define CTRL_IRQEN     0x8

#define SYST_CSR         SCS_REG(0x010)
#define SYST_RVR         SCS_REG(0x014)
#define SYST_CVR         SCS_REG(0x018)
#define SYST_CSR_ENABLE  0x1
#define SYST_CSR_TICKINT 0x2
#define SYST_CSR_CLKSRC  0x4 /* the processor clock */
#define SYST_MAX         0xffffffu

volatile uint32_t *armv8m_clock;
uint32_t armv8m_clock_wraps;

/* The clock starts at 0 and its interrupt (every 2^32 ticks) stays enabled in the NVIC: irq.c
 * keeps the line for the kernel. */
BOOT_CODE void armv8m_timer_init(void)
{
    volatile uint32_t *t = hal_phys_to_virt(armv8m_board.clock_timer);

    t[TIMER_CTRL] = 0;
    t[TIMER_RELOAD] = 0xffffffffu;
    t[1] = 0xffffffffu; /* VALUE */
    t[TIMER_INTCLEAR] = 1;
    t[TIMER_CTRL] = CTRL_EN | CTRL_IRQEN;
    armv8m_clock = t;
    hal_timer_set(UINT64_MAX);
}

uint64_t hal_time_freq(void)
{
    return armv8m_board.sysclk_hz;
}

/*
 * SysTick counts from RVR down to 0 and then raises its exception (reloading, which is why the
 * exception disarms it). Clearing CVR makes the next clock load RVR, so RVR = d - 1 fires d ticks
 * from now. A fire still pending from an earlier deadline is dropped: only the last call counts.
 */
void hal_timer_set(uint64_t deadline)
{
    SYST_CSR = 0;
    ICSR = ICSR_PENDSTCLR;
    if (deadline == UINT64_MAX)
        return;
    uint64_t now = hal_time_now();
    if (deadline <= now + 1) {
        ICSR = ICSR_PENDSTSET;
        return;
    }
    uint64_t d = deadline - now;
    SYST_RVR = d > SYST_MAX + 1 ? SYST_MAX : (uint32_t)(d - 1);
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSRC;
}

/* The deadline (or SysTick's limit) passed and is being reported: one-shot, so disarm. */
void armv8m_timer_expired(void)
{
    SYST_CSR = 0;
}
