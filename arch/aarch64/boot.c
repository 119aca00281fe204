/* SPDX-License-Identifier: MIT */
/*
 * AArch64 boot in C: describe what entry.S was handed (the devicetree, the kernel image) in
 * boot_params and enter the core. Also platform bring-up, the CPU index and the address
 * translation that holds before the MMU is on.
 */
#include "hal.h"
#include "klog.h"
#include "uart/uart.h"

extern char __kernel_start[], __kernel_end[];

static struct boot_params boot_params;

_Noreturn void arch_boot(paddr_t dtb);
void arch_early_trap(word_t vector, word_t esr, word_t elr, word_t far);

/*
 * Defaults for a board without a devicetree (CONFIG_FDT=n, or booted as an ELF, which QEMU enters
 * with x0 = 0): the Kconfig RAM and one CPU. With a devicetree, kernel_main replaces them.
 */
_Noreturn void arch_boot(paddr_t dtb)
{
    struct boot_params *bp = &boot_params;

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

void arch_early_trap(word_t vector, word_t esr, word_t elr, word_t far)
{
    kpanic("exception before the kernel was ready: vector %lu esr %lx elr %lx far %lx", vector, esr,
           elr, far);
}

/* Only the console so far; the interrupt controller and timer join it later. */
void hal_platform_init(struct boot_params *bp)
{
    uart_console_init(bp->dtb);
}

unsigned hal_cpu_id(void)
{
    word_t id;

    __asm__ volatile("mrs %0, tpidr_el1" : "=r"(id));
    return (unsigned)id;
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
