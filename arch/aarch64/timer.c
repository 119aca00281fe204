/* SPDX-License-Identifier: MIT */
/*
 * AArch64 time: the generic timer's virtual counter (CNTVCT_EL0) at CNTFRQ_EL0 Hz, and one-shot
 * deadlines on the EL1 virtual timer (CNTV_CVAL_EL0 / CNTV_CTL_EL0, Arm ARM D11.2). The timer's
 * condition is CNTVCT >= CVAL, a level that stays up while the timer is enabled, so a deadline in
 * the past fires at once and a 64-bit comparison never fires early. It reaches the GIC as a PPI
 * (the devicetree's arm,armv8-timer, third interrupt: virtual timer, 27 on QEMU virt).
 */
#include "aarch64.h"
#include "compiler.h"
#include "fdt.h"
#include "klog.h"

#define GIC_PPI_BASE   16
#define VIRT_TIMER_PPI 2 /* the /timer interrupts: secure phys, phys, virt, hyp (DT binding) */

static uint64_t counter_hz;
uint32_t aarch64_timer_irq;

BOOT_CODE void aarch64_timer_init(const void *dtb)
{
    uint32_t type, ppi;

    counter_hz = sysreg_read(cntfrq_el0);
    if (counter_hz == 0)
        kpanic("CNTFRQ_EL0 is 0: firmware did not set the counter frequency");
    /* Each interrupt is <type number flags>, type 1 = PPI (arm,gic binding). */
    if (fdt_compatible_u32(dtb, "arm,armv8-timer", "interrupts", 3 * VIRT_TIMER_PPI, &type) ||
        fdt_compatible_u32(dtb, "arm,armv8-timer", "interrupts", 3 * VIRT_TIMER_PPI + 1, &ppi) ||
        type != 1 || ppi >= 16)
        kpanic("no virtual timer PPI in the devicetree's arm,armv8-timer");
    aarch64_timer_irq = GIC_PPI_BASE + ppi;
}

/* Per CPU: EL0 may read the virtual counter (CNTKCTL_EL1.EL0VCTEN), nothing else; no deadline. */
BOOT_CODE void aarch64_timer_cpu_init(void)
{
    sysreg_write(cntkctl_el1, CNTKCTL_EL0VCTEN);
    hal_timer_set(UINT64_MAX);
}

uint64_t hal_time_freq(void)
{
    return counter_hz;
}

/* The comparator first, then the enable, so that the old value never fires. */
void hal_timer_set(uint64_t deadline)
{
    if (deadline == UINT64_MAX) {
        sysreg_write(cntv_ctl_el0, 0);
        return;
    }
    sysreg_write(cntv_cval_el0, deadline);
    sysreg_write(cntv_ctl_el0, CNTV_CTL_ENABLE);
}

/* The deadline passed and is being reported: one-shot, so disable, which drops the PPI's level;
 * the ISB makes that happen before the GIC sees the end of the interrupt (irq.c). */
void aarch64_timer_expired(void)
{
    sysreg_write(cntv_ctl_el0, 0);
    isb();
}
