/* SPDX-License-Identifier: MIT */
/*
 * RV64 time: the time CSR counts at the devicetree's /cpus timebase-frequency; one-shot deadlines
 * go to the stimecmp CSR when the hart has Sstc (its riscv,isa says "sstc"), else to SBI set_timer.
 * Either way the supervisor timer interrupt (sip.STIP) stays pending while time >= the deadline
 * (Sstc spec, and SBI spec 1.0 chapter 6), so a deadline in the past fires at once.
 */
#include "fdt.h"
#include "klog.h"
#include "riscv.h"

static uint64_t timebase_hz;
static bool has_sstc;

BOOT_CODE void riscv_timer_init(const void *dtb)
{
    if (!dtb || fdt_timebase_frequency(dtb, &timebase_hz) || timebase_hz == 0)
        kpanic("no /cpus timebase-frequency in the devicetree");
    /* OpenSBI sets menvcfg.STCE for harts with Sstc; without it stimecmp would trap. */
    has_sstc = riscv_isa_has(dtb, "sstc");
}

/* Per hart: U-mode may read cycle, time and instret (benchmarks), and no deadline is armed. */
BOOT_CODE void riscv_timer_cpu_init(void)
{
    csr_write(scounteren, SCOUNTEREN_CY_TM_IR);
    hal_timer_set(UINT64_MAX);
}

uint64_t hal_time_freq(void)
{
    return timebase_hz;
}

void hal_timer_set(uint64_t deadline)
{
    if (has_sstc)
        csr_write(0x14d, deadline); /* stimecmp (CSR_STIMECMP) */
    else
        sbi_call(SBI_EXT_TIME, 0, deadline, 0, 0);
}

/* The deadline passed and is being reported: one-shot, so disarm (which clears STIP). */
void riscv_timer_expired(void)
{
    hal_timer_set(UINT64_MAX);
}
