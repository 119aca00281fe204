/* SPDX-License-Identifier: MIT */
/*
 * AArch64 boot in C: read the firmware's platform description (core/platform.c) into
 * boot_params, add what only the arch knows (the kernel image, the boot CPU), build the kernel's
 * page tables, bring up the platform (vectors, timer, GIC, PSCI) and enter the core. Also the
 * per-CPU setup shared with secondary CPUs (smp.c).
 */
#include <stddef.h>
#include <string.h>

#include "aarch64.h"
#include "fdt.h"
#include "kconfig.h"
#include "klog.h"
#include "intc/gic.h"
#include "platform.h"
#include "uart/uart.h"

compile_assert(platform_offsets,
               offsetof(struct mica_platform, ram) == MICA_PLATFORM_RAM &&
                   offsetof(struct mica_platform, reserved) == MICA_PLATFORM_RESERVED &&
                   offsetof(struct mica_platform, devices) == MICA_PLATFORM_DEVICES &&
                   offsetof(struct mica_platform, devicetree) == MICA_PLATFORM_DEVICETREE);

static struct boot_params boot_params;

/* One block per CPU behind TPIDR_EL1 (entry.S sets it), and a stack for exceptions in EL1. */
struct aarch64_cpu aarch64_cpus[CONFIG_NR_CPUS] __attribute__((aligned(64)));
unsigned aarch64_ncpus = 1;
static char emergency_stacks[CONFIG_NR_CPUS][4096] __attribute__((aligned(16)));

/* MPIDR_EL1's affinity fields Aff3 (39:32), Aff2, Aff1, Aff0 (23:0): the devicetree's cpu reg. */
#define MPIDR_AFFINITY 0xff00fffffful

_Noreturn void aarch64_boot(const struct mica_platform *platform);
void arch_early_trap(word_t vector, word_t esr, word_t elr, word_t far);

/* CPU indexes 1.. go to the other enabled CPUs in devicetree order, as far as NR_CPUS allows. */
static unsigned number_cpus(const void *dtb)
{
    unsigned n = 1;
    uint64_t hwid;

    for (unsigned i = 0; dtb && n < CONFIG_NR_CPUS && fdt_cpu_hwid(dtb, i, &hwid) == 0; i++)
        if (hwid != aarch64_cpus[0].mpidr)
            aarch64_cpus[n++].mpidr = hwid;
    for (unsigned i = 0; i < n; i++) {
        aarch64_cpus[i].index = i;
        aarch64_cpus[i].emergency_top = (word_t)(emergency_stacks[i] + sizeof(emergency_stacks[i]));
    }
    return n;
}

/* The interrupt controller's registers, whichever GIC the devicetree has. */
static unsigned gic_regions(const void *dtb, struct mem_range *dev)
{
    static const char *const compat[] = {GICV2_COMPAT, GICV3_COMPAT};
    unsigned n = 0;

    for (unsigned i = 0; i < sizeof(compat) / sizeof(compat[0]); i++)
        for (unsigned r = 0; r < 2; r++)
            if (fdt_compatible_reg(dtb, compat[i], r, &dev[n].base, &dev[n].size) == 0)
                n++;
    return n;
}

/*
 * From entry.S, with the description at its kernel address. The boot tables map the image's, the
 * description's and the devicetree's gigabytes at their kernel addresses and nothing else, so the
 * console waits for the final tables: those need the RAM the description (or the devicetree)
 * gives, which is read first. A description the kernel cannot use is reported once the console is
 * up: the firmware's, or the UART when it asked for that.
 */
_Noreturn void aarch64_boot(const struct mica_platform *p)
{
    struct boot_params *bp = &boot_params;
    paddr_t image = aarch64_image_phys[0], image_end = aarch64_image_phys[1];
    struct mem_range dev[5];
    unsigned ndev = 0;
    char why[160];
    int bad;

    aarch64_cpus[0].mpidr = sysreg_read(mpidr_el1) & MPIDR_AFFINITY;
    bad = platform_read(p, bp, why, sizeof(why));
    bp->ncpus = bp->ncpus ? bp->ncpus : 1;
    if (!bad && bp->nreserved == ARCH_MAX_RAM_RANGES)
        bad = ksnprintf(why, sizeof(why), "no room left to reserve the kernel image");
    else if (!bad)
        bp->reserved[bp->nreserved++] = (struct mem_range){image, image_end - image};
    if (platform_cb.flags & MICA_PLATFORM_OWN_CONSOLE) {
        dev[ndev] = (struct mem_range){CONFIG_UART_BASE, 1};
        if (bp->dtb)
            fdt_stdout_uart(bp->dtb, &dev[ndev].base);
        ndev++;
    }
    if (bp->dtb)
        ndev += gic_regions(bp->dtb, &dev[ndev]);
    aarch64_ncpus = number_cpus(bp->dtb);
    if (aarch64_ncpus < bp->ncpus)
        bp->ncpus = aarch64_ncpus; /* CONFIG_NR_CPUS caps what we use */
    aarch64_mmu_init(bp, dev, ndev);
    if (platform_cb.flags & MICA_PLATFORM_OWN_CONSOLE)
        uart_console_init(bp->dtb);
    if (bad)
        kpanic("mica_start: %s", why);
    kernel_main(bp);
}

void arch_early_trap(word_t vector, word_t esr, word_t elr, word_t far)
{
    if (elr == (word_t)aarch64_semihost_hlt)
        aarch64_power_off(); /* hal_halt without semihosting (halt.c) */
    kpanic("exception before the kernel was ready: vector %lu esr %lx elr %lx far %lx", vector, esr,
           elr, far);
}

/*
 * Per CPU: the vectors; SCTLR_EL1 with the MMU and caches on, SP alignment checks at EL1 and EL0
 * (SA, SA0: a misaligned SP is a fault, not data corruption), EL0 access to CTR_EL0, DC ZVA and
 * cache maintenance by VA (UCT, DZE, UCI: they only touch what the thread may touch anyway), WFI
 * and WFE from EL0 trapped (nTWI = nTWE = 0: a thread must not idle the CPU behind the kernel's
 * back), and with PAN, PSTATE.PAN set on every exception entry (SPAN = 0) and now; FP/SIMD
 * trapping (CPACR_EL1 = 0) until a thread uses it; the user-visible counters; timer; GIC.
 */
void aarch64_cpu_init(void)
{
    word_t sctlr = SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | SCTLR_I | SCTLR_DZE |
                   SCTLR_UCT | SCTLR_UCI;

    sysreg_write(vbar_el1, aarch64_vectors);
    if (!aarch64_has_pan)
        sctlr |= SCTLR_SPAN;
    sysreg_write(sctlr_el1, sctlr);
    sysreg_write(cpacr_el1, 0);
    isb();
    if (aarch64_has_pan)
        __asm__ volatile(".inst 0xd500419f" ::: "memory"); /* msr pan, #1 (Armv8.1) */
    /* PMCCNTR_EL0 counting, readable from EL0 (tests/bench's clock; PMUSERENR_EL0.CR). */
    sysreg_write(pmcr_el0, sysreg_read(pmcr_el0) | PMCR_E_P_C);
    sysreg_write(pmcntenset_el0, PMCNTEN_CYCLE);
    sysreg_write(pmuserenr_el0, PMUSERENR_CR);
    aarch64_timer_cpu_init();
    aarch64_irq_cpu_init();
}

void hal_platform_init(struct boot_params *bp)
{
    if (!bp->dtb)
        kpanic("aarch64 needs a devicetree");
    aarch64_psci_init(bp->dtb);
    aarch64_timer_init(bp->dtb);
    aarch64_irq_init(bp->dtb);
    aarch64_irq_devices(bp);
    aarch64_cpu_init();
}
