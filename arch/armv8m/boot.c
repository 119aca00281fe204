/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M boot in C: the firmware's platform description (there is no devicetree: RAM comes from
 * the description) into boot_params, plus the kernel image. Also platform bring-up, the CPU index
 * and the (identity) address translation of an MPU system.
 */
#include "hal.h"
#include "klog.h"
#include "platform.h"
#include "uart/uart.h"

extern char __mica_phys_start[], __mica_phys_end[];

static struct boot_params boot_params;

_Noreturn void arch_boot(const struct mica_platform *platform);
void arch_early_trap(word_t exception, word_t pc);

_Noreturn void arch_boot(const struct mica_platform *platform)
{
    struct boot_params *bp = &boot_params;
    char why[160];
    int bad = platform_read(platform, bp, why, sizeof(why));

    if (platform_cb.flags & MICA_PLATFORM_OWN_CONSOLE)
        uart_console_init(NULL);
    if (bad)
        kpanic("mica_start: %s", why);
    if (bp->nreserved == ARCH_MAX_RAM_RANGES)
        kpanic("mica_start: no room left to reserve the kernel image");
    bp->reserved[bp->nreserved++] = (struct mem_range){
        (paddr_t)(uintptr_t)__mica_phys_start, (paddr_t)(__mica_phys_end - __mica_phys_start)};
    bp->ncpus = 1;
    kernel_main(bp);
}

void arch_early_trap(word_t exception, word_t pc)
{
    kpanic("exception %lu before the kernel was ready, pc %lx", (unsigned long)exception,
           (unsigned long)pc);
}

/* Only the console so far (arch_boot), the NVIC and timer join it later. */
void hal_platform_init(struct boot_params *bp)
{
    (void)bp;
}

/* No MMU: the firmware's memory is where it is, for privileged code. */
word_t hal_firmware_enter(void)
{
    return 0;
}

void hal_firmware_leave(word_t token)
{
    (void)token;
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
