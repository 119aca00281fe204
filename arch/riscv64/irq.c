/* SPDX-License-Identifier: MIT */
/*
 * RV64 device interrupts through the PLIC (drivers/intc/plic.c). Every line is routed to the boot
 * hart's S-mode context, which the devicetree names: the PLIC's interrupts-extended lists one
 * (cpu interrupt controller, cause) pair per context, and ours is the boot hart's cause 9 (S-mode
 * external interrupt, privileged spec 4.1.3).
 *
 * Masking uses the PLIC's own handshake: a claimed source forwards no new request until it is
 * completed. So the report (riscv_irq_claim) disables the line and does not complete it yet, and
 * hal_irq_unmask enables it and then completes it. Completing at the report instead would let a
 * level-triggered device that is still asserting pend again at once and cause a spurious
 * interrupt after the unmask; completing a disabled source is silently ignored by the PLIC (spec,
 * "Interrupt Completion"), hence enable first.
 */
#include "fdt.h"
#include "klog.h"
#include "riscv.h"
#include "intc/plic.h"

#define PLIC_MAX_SOURCES 1023 /* the spec's limit: sources 1..1023 */

static unsigned plic_sources;
static unsigned boot_context;
static uint32_t claimed[(PLIC_MAX_SOURCES + 1) / 32];

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
    if (fdt_intc_output(dtb, plic_compat[i], riscv_hartid[0], IRQ_S_EXT, &ctx))
        kpanic("PLIC: no S-mode context for hart %lu", (unsigned long)riscv_hartid[0]);
    plic_sources = ndev;
    boot_context = ctx;
    plic_compat_found = plic_compat[i];
    plic_init(hal_phys_to_virt(base), ndev);
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

/* Only the boot hart takes device interrupts; the others' contexts stay disabled (see above). */
BOOT_CODE void riscv_irq_cpu_init(void)
{
    if (hal_cpu_id() == 0)
        plic_context_init(boot_context);
}

word_t riscv_irq_claim(void)
{
    unsigned irq = plic_claim(boot_context);

    if (irq == 0 || irq > plic_sources)
        return 0;
    plic_enable(boot_context, irq, false);
    claimed[irq / 32] |= 1u << (irq % 32);
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
    if (hal_irq_valid(irq))
        plic_enable(boot_context, (unsigned)irq, false);
}

void hal_irq_unmask(word_t irq)
{
    if (!hal_irq_valid(irq))
        return;
    plic_enable(boot_context, (unsigned)irq, true);
    if (claimed[irq / 32] & (1u << (irq % 32))) {
        claimed[irq / 32] &= ~(1u << (irq % 32));
        plic_complete(boot_context, (unsigned)irq);
    }
}
