/* SPDX-License-Identifier: MIT */
/*
 * RV64 boot in C: describe what entry.S was handed (the devicetree, the kernel image) in
 * boot_params, bring up the platform (final page tables, trap vector, timer, PLIC) and enter the
 * core. Also the CPU index and the per-hart setup shared with secondary harts (smp.c).
 */
#include <string.h>

#include "fdt.h"
#include "kconfig.h"
#include "klog.h"
#include "riscv.h"
#include "uart/uart.h"

extern char __kernel_start[], __kernel_end[];
extern const char root_elf_start[], root_elf_end[]; /* core/root_elf.S */

static struct boot_params boot_params;

/* CPU index -> hart id: the boot hart is CPU 0 whatever its id (OpenSBI picks it by lottery). */
word_t riscv_hartid[CONFIG_NR_CPUS];
unsigned riscv_ncpus = 1;

_Noreturn void arch_boot(word_t hartid, paddr_t dtb);
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

/*
 * entry.S's boot tables map the low 4 GiB at their kernel addresses, so the devicetree (below
 * 3 GiB on QEMU virt) and the console are reachable before the final tables exist.
 */
_Noreturn void arch_boot(word_t hartid, paddr_t dtb)
{
    struct boot_params *bp = &boot_params;
    paddr_t test;
    char why[128];

    bp->dtb = dtb ? hal_phys_to_virt(dtb) : NULL;
    bp->ram[0].base = CONFIG_BOARD_RAM_BASE;
    bp->ram[0].size = CONFIG_BOARD_RAM_SIZE;
    bp->nram = 1;
    bp->reserved[0].base = hal_virt_to_phys(__kernel_start);
    bp->reserved[0].size = (paddr_t)(__kernel_end - __kernel_start);
    bp->nreserved = 1;
    bp->ncpus = 1;
    if ((uintptr_t)root_elf_end > (uintptr_t)root_elf_start) {
        bp->root_elf = root_elf_start;
        bp->root_elf_size = (size_t)(root_elf_end - root_elf_start);
    }
    uart_console_init(bp->dtb);
    if (bp->dtb && fdt_find_compatible(bp->dtb, "sifive,test0", &test, NULL) == 0)
        riscv_halt_init(test);
    if (bp->dtb && fdt_scan_boot(bp->dtb, FDT_MAX_SIZE, bp, why, sizeof(why)))
        kpanic("bad devicetree at %p: %s", bp->dtb, why);
    riscv_ncpus = number_cpus(bp->dtb, hartid);
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
