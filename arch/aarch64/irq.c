/* SPDX-License-Identifier: MIT */
/*
 * AArch64 interrupts through the GIC (drivers/intc: gicv2.c, gicv3.c), whichever the devicetree
 * describes and Kconfig built. SPIs (32 and up) are the user's lines, each routed to one CPU
 * (GICv2 GICD_ITARGETSR, GICv3 GICD_IROUTER; the boot CPU until hal_irq_set_cpu); the virtual
 * timer's PPI and SGI 0 (the IPI) are the kernel's.
 *
 * A report acknowledges the interrupt, masks the line and ends it (priority drop and
 * deactivation, EOImode 0) at once: the GIC forwards nothing for a disabled line, so a
 * level-triggered device that still asserts stays pending, and hal_irq_unmask's enable delivers it
 * again. Ending it only at the unmask, as the PLIC does, would leave the CPU interface's running
 * priority raised while user code runs. So nothing of a taken SPI stays with the CPU interface
 * that took it: mask, unmask (the distributor's enable bit) and a new route may come from any CPU,
 * and a route changed while the line is pending moves the pending interrupt (IHI 0048B 4.3.12,
 * IHI 0069H 12.9.22).
 */
#include "aarch64.h"
#include "compiler.h"
#include "fdt.h"
#include "kconfig.h"
#include "klog.h"
#include "intc/gic.h"

#define IPI_SGI 0 /* hal_ipi_send */

enum gic_version { GIC_NONE, GIC_V2, GIC_V3 };

static enum gic_version gic;
static const char *gic_compat;
static unsigned gic_lines;
static uint8_t v2_target[CONFIG_NR_CPUS]; /* GICv2 CPU interface bit per CPU index */

BOOT_CODE void aarch64_irq_init(const void *dtb)
{
    paddr_t d, r, rsize;

    if (IS_ENABLED(CONFIG_GIC_V3) && fdt_compatible_reg(dtb, GICV3_COMPAT, 0, &d, NULL) == 0 &&
        fdt_compatible_reg(dtb, GICV3_COMPAT, 1, &r, &rsize) == 0) {
        gic = GIC_V3;
        gic_compat = GICV3_COMPAT;
        gic_lines =
            gicv3_init(hal_phys_to_virt(d), hal_phys_to_virt(r), rsize, aarch64_cpus[0].mpidr);
    } else if (IS_ENABLED(CONFIG_GIC_V2) &&
               fdt_compatible_reg(dtb, GICV2_COMPAT, 0, &d, NULL) == 0 &&
               fdt_compatible_reg(dtb, GICV2_COMPAT, 1, &r, NULL) == 0) {
        gic = GIC_V2;
        gic_compat = GICV2_COMPAT;
        gic_lines = gicv2_init(hal_phys_to_virt(d), hal_phys_to_virt(r));
    } else {
        kpanic("no GIC in the devicetree that this kernel has a driver for (%s%s)",
               IS_ENABLED(CONFIG_GIC_V2) ? "v2 " : "", IS_ENABLED(CONFIG_GIC_V3) ? "v3" : "");
    }
    klog_info("irq: GICv%d, %u interrupt IDs\n", gic == GIC_V3 ? 3 : 2, gic_lines);
}

/* The GIC in use; a constant when Kconfig built only one driver, so that the other's calls are
 * not even compiled (a macro, not a function: clang folds a constant condition at any -O). */
#define v3() (IS_ENABLED(CONFIG_GIC_V3) && (!IS_ENABLED(CONFIG_GIC_V2) || gic == GIC_V3))

static void enable(unsigned intid, bool on)
{
    if (v3())
        gicv3_enable(hal_cpu_id(), intid, on);
    else
        gicv2_enable(intid, on);
}

/* Per CPU: its banked registers or redistributor, then the timer's PPI and the IPI. */
BOOT_CODE void aarch64_irq_cpu_init(void)
{
    unsigned cpu = hal_cpu_id();

    if (v3()) {
        gicv3_cpu_init(cpu, aarch64_cpus[cpu].mpidr);
    } else {
        gicv2_cpu_init();
        v2_target[cpu] = gicv2_cpu_mask();
    }
    enable(aarch64_timer_irq, true);
    enable(IPI_SGI, true);
}

/* ISR_EL1.I (Arm ARM D19.2.61): the GIC signals an IRQ to this PE (pending, enabled and of a
 * high enough priority), whatever PSTATE.I, which the kernel keeps set. */
bool hal_irq_pending(void)
{
    return sysreg_read(isr_el1) & (1u << 7);
}

static uint32_t ack(void)
{
    return v3() ? gicv3_ack() : gicv2_ack();
}

static void eoi(uint32_t iar)
{
    if (v3())
        gicv3_eoi(iar);
    else
        gicv2_eoi(iar);
}

/*
 * The highest-priority pending interrupt, acknowledged: the timer (disarmed: one-shot), an IPI
 * (reported as the timer: the core only needs to pick again, and the HAL has no kind of its own
 * for it), or an SPI (masked, then ended). False for nothing pending (1020-1023: spurious, or
 * taken by another CPU) and for a PPI nobody enabled.
 */
bool aarch64_irq_take(struct hal_trap *trap)
{
    uint32_t iar = ack();
    uint32_t intid = iar & 0x3ff;

    if (intid >= GIC_MAX_INTID)
        return false;
    if (intid == aarch64_timer_irq) {
        aarch64_timer_expired();
        eoi(iar);
        trap->kind = HAL_TRAP_TIMER;
        return true;
    }
    if (intid < GIC_FIRST_SPI) {
        eoi(iar);
        if (intid != IPI_SGI) {
            enable(intid, false);
            return false;
        }
        trap->kind = HAL_TRAP_IPI;
        return true;
    }
    enable(intid, false);
    eoi(iar);
    trap->kind = HAL_TRAP_IRQ;
    trap->irq = intid;
    return true;
}

void aarch64_irq_send_sgi(unsigned cpu, unsigned sgi)
{
    if (v3())
        gicv3_send_sgi(aarch64_cpus[cpu].mpidr, sgi);
    else
        gicv2_send_sgi(v2_target[cpu], sgi);
}

/* SPIs only: SGIs and PPIs are per CPU and the kernel's (timer, IPI) or nobody's. */
bool hal_irq_valid(word_t irq)
{
    return irq >= GIC_FIRST_SPI && irq < gic_lines;
}

void hal_irq_mask(word_t irq)
{
    if (hal_irq_valid(irq))
        enable((unsigned)irq, false);
}

void hal_irq_unmask(word_t irq)
{
    if (hal_irq_valid(irq))
        enable((unsigned)irq, true);
}

void hal_irq_set_cpu(word_t irq, unsigned cpu)
{
    if (!hal_irq_valid(irq))
        return;
    if (v3())
        gicv3_route(irq, aarch64_cpus[cpu].mpidr);
    else
        gicv2_route(irq, v2_target[cpu]);
}

/*
 * Device untypeds: the registers of every device that interrupts through the GIC, rounded out to
 * pages and merged (fdt_device_untypeds, which leaves out the console UART's page), and then the
 * console UART's page too: it is the only UART QEMU virt has, and the kernel drives only its
 * transmit side (it polls the flag register and writes the data register), so a user driver may
 * own receiving and the interrupt mask, and both may transmit (docs/porting.md, "The console").
 * The GIC itself is not among them, so user space can map none of it.
 */
BOOT_CODE void aarch64_irq_devices(struct boot_params *bp)
{
    const paddr_t page = (paddr_t)1 << HAL_PAGE_BITS;
    paddr_t console;

    if (fdt_device_untypeds(bp->dtb, gic_compat, page, bp))
        klog_warn("aarch64: could not list all of the GIC's devices; %u device untypeds\n",
                  bp->ndevice);
    if (fdt_stdout_uart(bp->dtb, &console) == 0 && bp->ndevice < ARCH_MAX_RAM_RANGES)
        bp->device[bp->ndevice++] = (struct mem_range){console & ~(page - 1), page};
}
