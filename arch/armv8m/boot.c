/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M boot in C: there is no devicetree, so boot_params comes from Kconfig (the board's RAM)
 * and the linker (the kernel image). Also platform bring-up, the CPU index and the (identity)
 * address translation of an MPU system.
 */
#include "hal.h"
#include "klog.h"
#include "uart/uart.h"

extern char __kernel_start[], __kernel_end[];

static struct boot_params boot_params;

_Noreturn void arch_boot(void);
void arch_early_trap(word_t exception, word_t pc);

_Noreturn void arch_boot(void)
{
    struct boot_params *bp = &boot_params;

    bp->ram[0].base = CONFIG_BOARD_RAM_BASE;
    bp->ram[0].size = CONFIG_BOARD_RAM_SIZE;
    bp->nram = 1;
    bp->reserved[0].base = (paddr_t)(uintptr_t)__kernel_start;
    bp->reserved[0].size = (paddr_t)(__kernel_end - __kernel_start);
    bp->nreserved = 1;
    bp->ncpus = 1;
    kernel_main(bp);
}

void arch_early_trap(word_t exception, word_t pc)
{
    kpanic("exception %lu before the kernel was ready, pc %lx", (unsigned long)exception,
           (unsigned long)pc);
}

/* Only the console so far; the NVIC and timer join it later. */
void hal_platform_init(struct boot_params *bp)
{
    (void)bp;
    uart_console_init(NULL);
}

/* A single core. */
unsigned hal_cpu_id(void)
{
    return 0;
}

/* No MMU: addresses are physical. */
void *hal_phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)pa;
}

paddr_t hal_virt_to_phys(const void *kva)
{
    return (paddr_t)(uintptr_t)kva;
}
