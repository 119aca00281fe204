/* SPDX-License-Identifier: MIT */
/*
 * RV64 device interrupts through the PLIC (drivers/intc/plic.c). Each CPU has its hart's S-mode
 * context, which the devicetree names: the PLIC's interrupts-extended lists one (cpu interrupt
 * controller, cause) pair per context, and ours are the ones with cause 9 (S-mode external
 * interrupt, privileged spec 4.1.3). A line is enabled in at most one context, its route's
 * (hal_irq_set_cpu). Each hart sets up its own context when it arrives (riscv_irq_cpu_init):
 * OpenSBI's warm boot of a hart, which HSM hart_start runs, disables every source in the hart's S
 * context and raises its threshold to the maximum, so a set-up by the boot hart would be undone.
 * The core routes nothing to a CPU before it arrived (core/boot.c waits for it).
 *
 * Masking uses the PLIC's own handshake: a claimed source forwards no new request until it is
 * completed. So the report (riscv_irq_claim) claims the line and does not complete it yet, and
 * hal_irq_unmask enables it and then completes it. Completing at the report instead would let a
 * level-triggered device that is still asserting pend again at once and cause a spurious
 * interrupt after the unmask; completing a source that is not enabled for the context written is
 * silently ignored by the PLIC (spec, "Interrupt Completion"), hence enable first. The gateway
 * that waits for the completion is the source's, not the context's, and the spec has any context
 * the source is enabled for take the completion: so the unmask completes through the context the
 * line is routed to now, whichever hart claimed it and whichever hart runs the unmask.
 *
 * The claim runs on the trapping hart before it has the kernel lock: it touches no enable bit
 * (the claim alone holds the line back) and records the claim in a byte of its own, which no
 * other hart writes until the core, under the lock, unmasks the line.
 */
#include "fdt.h"
#include "klog.h"
#include "riscv.h"
#include "intc/plic.h"

#define PLIC_MAX_SOURCES 1023 /* the spec's limit: sources 1..1023 */

static unsigned plic_sources;
static unsigned context[CONFIG_NR_CPUS];      /* each CPU's S-mode context */
static uint8_t route[PLIC_MAX_SOURCES + 1];   /* the CPU each source goes to */
static uint8_t claimed[PLIC_MAX_SOURCES + 1]; /* claimed and not yet completed */

static const char *const plic_compat[] = {"riscv,plic0", "sifive,plic-1.0.0"};
static const char *plic_compat_found;

BOOT_CODE void riscv_irq_init(const void *dtb)
{
    paddr_t base, size;
    uint32_t ndev;
    unsigned ctx, i;

    for (i = 0; i < sizeof(plic_compat) / sizeof(plic_compat[0]); i++)
        if (fdt_find_compatible(dtb, plic_compat[i], &base, &size) == 0)
            break;
    if (i == sizeof(plic_compat) / sizeof(plic_compat[0]))
        kpanic("no PLIC in the devicetree");
    if (fdt_compatible_u32(dtb, plic_compat[i], "riscv,ndev", 0, &ndev) || ndev == 0 ||
        ndev > PLIC_MAX_SOURCES)
        kpanic("PLIC: missing or bad riscv,ndev");
    plic_sources = ndev;
    plic_compat_found = plic_compat[i];
    plic_init(hal_phys_to_virt(base), ndev);
    for (unsigned cpu = 0; cpu < riscv_ncpus; cpu++) {
        if (fdt_intc_output(dtb, plic_compat[i], riscv_hartid[cpu], IRQ_S_EXT, &ctx))
            kpanic("PLIC: no S-mode context for hart %lu", (unsigned long)riscv_hartid[cpu]);
        context[cpu] = ctx;
    }
}

/*
 * Device untypeds: the registers of every device that interrupts through the PLIC, rounded out to
 * pages (fdt_device_untypeds, which leaves out the console UART's page), and then the console
 * UART's page too: it is the only UART QEMU virt has, and the kernel drives only its transmit side
 * (it polls the line status and writes the transmit register), so a user driver may own receiving
 * and the interrupt enable register, and both may transmit (docs/porting.md, "The console").
 * The PLIC itself, the CLINT and sifive_test are not among them, so user space can map none of
 * those.
 */
BOOT_CODE void riscv_irq_devices(struct boot_params *bp)
{
    const paddr_t page = (paddr_t)1 << HAL_PAGE_BITS;
    paddr_t console;

    if (fdt_device_untypeds(bp->dtb, plic_compat_found, page, bp))
        klog_warn("riscv64: could not list all of the PLIC's devices; %u device untypeds\n",
                  bp->ndevice);
    if (fdt_stdout_uart(bp->dtb, &console) == 0 && bp->ndevice < ARCH_MAX_RAM_RANGES)
        bp->device[bp->ndevice++] = (struct mem_range){console & ~(page - 1), page};
}

/* Every source disabled, threshold 0: see above for why each hart does its own. */
BOOT_CODE void riscv_irq_cpu_init(void)
{
    plic_context_init(context[hal_cpu_id()]);
}

word_t riscv_irq_claim(void)
{
    unsigned irq = plic_claim(context[hal_cpu_id()]);

    if (irq == 0 || irq > plic_sources)
        return 0;
    __atomic_store_n(&claimed[irq], 1, __ATOMIC_RELAXED);
    return irq;
}

/* Source 0 does not exist (PLIC spec: "interrupt ID 0 means no interrupt"). The timer is not a
 * PLIC source on RISC-V, so every PLIC line is the user's to claim. */
/* SEIP only rises for lines the PLIC enables, STIP once the deadline passed, SSIP for an IPI. */
bool hal_irq_pending(void)
{
    return csr_read(sip) & csr_read(sie) & (SIE_SEIE | SIE_STIE | SIE_SSIE);
}

bool hal_irq_valid(word_t irq)
{
    return irq >= 1 && irq <= plic_sources;
}

void hal_irq_mask(word_t irq)
{
    if (!hal_irq_valid(irq))
        return;
    plic_enable(context[route[irq]], (unsigned)irq, false);
}

void hal_irq_unmask(word_t irq)
{
    unsigned ctx;

    if (!hal_irq_valid(irq))
        return;
    ctx = context[route[irq]];
    plic_enable(ctx, (unsigned)irq, true);
    if (__atomic_load_n(&claimed[irq], __ATOMIC_RELAXED)) {
        __atomic_store_n(&claimed[irq], 0, __ATOMIC_RELAXED);
        /* The byte is clear before the completion lets the line be claimed again (a claim on
         * another hart then sets it): order the store before the device write (fence w,o). */
        __asm__ volatile("fence w, o" ::: "memory");
        plic_complete(ctx, (unsigned)irq);
    }
}

/* Move the enable bit, if the line is unmasked (enabled in its route's context, the only one it
 * is ever enabled in); a pending request then reaches the new context. A claim that is not yet
 * completed needs nothing: the unmask completes it through the new one. */
void hal_irq_set_cpu(word_t irq, unsigned cpu)
{
    if (!hal_irq_valid(irq) || route[irq] == cpu)
        return;
    if (plic_enabled(context[route[irq]], (unsigned)irq)) {
        plic_enable(context[route[irq]], (unsigned)irq, false);
        plic_enable(context[cpu], (unsigned)irq, true);
    }
    route[irq] = (uint8_t)cpu;
}
