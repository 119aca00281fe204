/* SPDX-License-Identifier: MIT */
/*
 * RV64 boot in C: read the firmware's platform description (core/platform.c) into boot_params,
 * add what only the arch knows (the kernel image, the boot hart), start the console the firmware
 * asked for, bring up the platform (final page tables, trap vector, timer, PLIC) and enter the
 * core. Also the CPU index and the per-hart setup shared with secondary harts (smp.c).
 */
#include <string.h>

#include "fdt.h"
#include "kconfig.h"
#include "klog.h"
#include "platform.h"
#include "riscv.h"
#include "uart/uart.h"

static struct boot_params boot_params;

/* CPU index -> hart id: the boot hart is CPU 0 whatever its id (OpenSBI picks it by lottery). */
word_t riscv_hartid[CONFIG_NR_CPUS];
unsigned riscv_ncpus = 1;

_Noreturn void riscv_boot(const struct mica_platform *platform);
void arch_early_trap(word_t cause, word_t epc, word_t tval);

/* CPU indexes 1.. go to the other enabled harts in devicetree order, as far as NR_CPUS allows. */
static unsigned number_cpus(const void *dtb, word_t boot_hartid)
{
    unsigned n = 1;
    uint64_t hwid;

    riscv_hartid[0] = boot_hartid;
    for (unsigned i = 0; dtb && fdt_cpu_hwid(dtb, i, &hwid) == 0; i++) {
        if (hwid == boot_hartid)
            continue;
        if (n == CONFIG_NR_CPUS) {
            klog_info("mica: hart %lu and later ones left off (CONFIG_NR_CPUS=%u)\n",
                      (unsigned long)hwid, (unsigned)CONFIG_NR_CPUS);
            break;
        }
        riscv_hartid[n++] = hwid;
    }
    return n;
}

/* Is pa in one of the firmware's own ranges? Then it is the firmware's device, not the kernel's. */
static bool firmware_owns(const struct boot_params *bp, paddr_t pa)
{
    for (unsigned i = 0; i < bp->nfirmware; i++)
        if (pa >= bp->firmware[i].base && pa - bp->firmware[i].base < bp->firmware[i].size)
            return true;
    return false;
}

/*
 * From entry.S, on the boot table (the low 4 GiB at their kernel addresses and at their own), with
 * the physical address of the firmware's description. A description the kernel cannot use is
 * reported once there is a console: the firmware's, or the UART when it asked for that.
 */
_Noreturn void riscv_boot(const struct mica_platform *platform)
{
    struct boot_params *bp = &boot_params;
    const struct mica_platform *p = hal_phys_to_virt((paddr_t)(uintptr_t)platform);
    paddr_t test, image = riscv_image_phys[0], image_end = riscv_image_phys[1];
    char why[160];
    int bad = platform_read(p, bp, why, sizeof(why));

    bp->ncpus = bp->ncpus ? bp->ncpus : 1;
    if (!bad && bp->nreserved == ARCH_MAX_RAM_RANGES)
        bad = ksnprintf(why, sizeof(why), "no room left to reserve the kernel image");
    else if (!bad)
        bp->reserved[bp->nreserved++] = (struct mem_range){image, image_end - image};
    if (platform_cb.flags & MICA_PLATFORM_OWN_CONSOLE)
        uart_console_init(bp->dtb);
    if (bp->dtb && fdt_find_compatible(bp->dtb, "sifive,test0", &test, NULL) == 0 &&
        !firmware_owns(bp, test))
        riscv_halt_init(test);
    if (bad)
        kpanic("mica_start: %s", why);
    riscv_ncpus = number_cpus(bp->dtb, (word_t)p->boot_cpu_id);
    if (riscv_ncpus < bp->ncpus)
        bp->ncpus = riscv_ncpus; /* CONFIG_NR_CPUS caps what we use */
    kernel_main(bp);
}

void arch_early_trap(word_t cause, word_t epc, word_t tval)
{
    unsigned cpu;

    /* The final tables (riscv_mmu_init) are on before the trap vector is (riscv_cpu_init). */
    if ((cause == 13 || cause == 15) && riscv_stack_guard(tval, &cpu))
        kpanic("kernel stack overflow on CPU %u (sepc %lx)", cpu, (unsigned long)epc);
    kpanic("trap before the kernel was ready: scause %lx sepc %lx stval %lx", cause, epc, tval);
}

/*
 * Per hart: traps go to trap.S with sscratch = 0 (kernel); sstatus.SIE stays 0 in the kernel,
 * SPP = 0 so that sret enters U-mode, SUM = 0 so that kernel accesses to user pages fault
 * (4.1.1.2), FS = Off so that user FP instructions are illegal; timer, external and software
 * interrupts are enabled in sie so that U-mode takes them and hal_idle's WFI wakes for them.
 */
void riscv_cpu_init(void)
{
    csr_write(stvec, riscv_trap_vector);
    csr_write(sscratch, 0);
    csr_clear(sstatus, SSTATUS_SIE | SSTATUS_SPP | SSTATUS_SUM | SSTATUS_FS);
    csr_write(sie, SIE_SSIE | SIE_STIE | SIE_SEIE);
    riscv_timer_cpu_init();
    riscv_irq_cpu_init();
}

/* The devices the kernel itself drives, mapped into the kernel half next to the RAM. */
static unsigned kernel_devices(const void *dtb, struct mem_range *dev)
{
    static const char *const compat[] = {"riscv,plic0", "sifive,plic-1.0.0", "sifive,test0"};
    unsigned n = 0;
    paddr_t base, size;

    if (fdt_stdout_uart(dtb, &base) == 0)
        dev[n++] = (struct mem_range){base, 1};
    for (unsigned i = 0; i < sizeof(compat) / sizeof(compat[0]); i++)
        if (fdt_find_compatible(dtb, compat[i], &base, &size) == 0)
            dev[n++] = (struct mem_range){base, size};
    return n;
}

void hal_platform_init(struct boot_params *bp)
{
    struct mem_range dev[4];

    if (!bp->dtb)
        kpanic("riscv64 needs a devicetree");
    if (IS_ENABLED(CONFIG_RISCV_ZBB) && !riscv_isa_has(bp->dtb, "zbb"))
        kpanic("built with CONFIG_RISCV_ZBB, but the hart has no Zbb");
    riscv_mmu_init(bp, dev, kernel_devices(bp->dtb, dev));
    riscv_timer_init(bp->dtb);
    riscv_irq_init(bp->dtb);
    riscv_irq_devices(bp);
    riscv_cpu_init();
}

/*
 * riscv,isa (RISC-V ISA string, "ISA Extension Naming Conventions"): "rv64imac" then multi-letter
 * extensions separated by underscores, e.g. "rv64imafdch_zicsr_sstc". Matches a whole extension.
 */
bool riscv_isa_has(const void *dtb, const char *ext)
{
    const char *isa;
    size_t len = strlen(ext);

    if (fdt_cpu_string(dtb, riscv_hartid[hal_cpu_id()], "riscv,isa", &isa))
        return false;
    for (const char *p = isa; *p; p++)
        if (*p == '_' && strncmp(p + 1, ext, len) == 0 && (p[1 + len] == '_' || !p[1 + len]))
            return true;
    return false;
}
