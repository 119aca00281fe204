/* SPDX-License-Identifier: MIT */
/*
 * RV64 boot in C: describe what entry.S was handed (the devicetree, the kernel image) in
 * boot_params and enter the core. Also platform bring-up, the CPU index and the address
 * translation that holds before the MMU is on.
 */
#include "hal.h"
#include "klog.h"
#include "uart/uart.h"

extern char __kernel_start[], __kernel_end[];

static struct boot_params boot_params;

/* The hart id OpenSBI started us on; SBI HSM calls name harts by it (smp.c). */
word_t riscv64_boot_hartid;

_Noreturn void arch_boot(word_t hartid, paddr_t dtb);
void arch_early_trap(word_t cause, word_t epc, word_t tval);

/*
 * Defaults for a board without a devicetree (CONFIG_FDT=n): the Kconfig RAM and one CPU. With a
 * devicetree, kernel_main replaces them with what it describes.
 */
_Noreturn void arch_boot(word_t hartid, paddr_t dtb)
{
    struct boot_params *bp = &boot_params;

    riscv64_boot_hartid = hartid;
    bp->dtb = (const void *)(uintptr_t)dtb;
    bp->ram[0].base = CONFIG_BOARD_RAM_BASE;
    bp->ram[0].size = CONFIG_BOARD_RAM_SIZE;
    bp->nram = 1;
    bp->reserved[0].base = (paddr_t)(uintptr_t)__kernel_start;
    bp->reserved[0].size = (paddr_t)(__kernel_end - __kernel_start);
    bp->nreserved = 1;
    bp->ncpus = 1;
    kernel_main(bp);
}

void arch_early_trap(word_t cause, word_t epc, word_t tval)
{
    kpanic("trap before the kernel was ready: scause %lx sepc %lx stval %lx", cause, epc, tval);
}

/* Only the console so far; the interrupt controller and timer join it later. */
void hal_platform_init(struct boot_params *bp)
{
    uart_console_init(bp->dtb);
}

unsigned hal_cpu_id(void)
{
    word_t tp;

    __asm__("mv %0, tp" : "=r"(tp));
    return (unsigned)tp;
}

/* The MMU is off: kernel-virtual addresses are physical ones (mmu.c takes these over). */
void *hal_phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)pa;
}

paddr_t hal_virt_to_phys(const void *kva)
{
    return (paddr_t)(uintptr_t)kva;
}
