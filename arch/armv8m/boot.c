/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M boot in C: there is no devicetree, so boot_params comes from Kconfig (the board's RAM),
 * the board data (device registers) and the linker (the kernel image and the root task inside
 * it). The kernel runs in Handler mode, so the reset thread pends PendSV to enter kernel_main
 * there. Then platform bring-up: exceptions, MPU, NVIC, clock and timer.
 */
#include "armv8m.h"
#include "klog.h"
#include "uart/uart.h"

extern char __kernel_start[], __kernel_end[], vectors[];
extern const char root_elf_start[], root_elf_end[]; /* core/root_elf.S */

#define CCR_UNALIGN_TRP (1u << 3)

static struct boot_params boot_params;

_Noreturn void arch_boot(void);
_Noreturn void armv8m_boot_handler(void);

/* From the reset handler: Thread mode, privileged, on the main stack. */
_Noreturn void arch_boot(void)
{
    struct boot_params *bp = &boot_params;

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
    for (unsigned i = 0; i < armv8m_board.ndevice; i++)
        bp->device[i] = armv8m_board.device[i];
    bp->ndevice = armv8m_board.ndevice;
    /* Out of reset every exception has priority 0 and PendSV preempts Thread mode at once. */
    ICSR = ICSR_PENDSVSET;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    kpanic("PendSV did not enter the kernel");
}

/* trap.S, on PendSV from the reset thread: the kernel's Handler mode from now on. */
_Noreturn void armv8m_boot_handler(void)
{
    kernel_main(&boot_params);
}

/*
 * Exceptions: all of them at priority 0, so none preempts another (a fault in the kernel
 * escalates to HardFault); the fault exceptions enabled, so that a thread's faults are its own;
 * divide by zero and unaligned accesses trap; a HardFault handler may use the stack below MSPLIM
 * (it switches to one of its own at once). The FPU stays off (CPACR = 0): an FP instruction is a
 * UsageFault (NOCP).
 */
static void armv8m_exceptions_init(void)
{
    VTOR = (word_t)(uintptr_t)vectors;
    SHPR(0) = SHPR(1) = SHPR(2) = 0;
    CCR |= CCR_DIV_0_TRP | CCR_UNALIGN_TRP | CCR_STKOFHFNMIGN;
    SHCSR |= SHCSR_ENABLES;
    CPACR = 0;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

void hal_platform_init(struct boot_params *bp)
{
    (void)bp;
    uart_console_init(NULL);
    armv8m_board_init();
    armv8m_exceptions_init();
    armv8m_mpu_init();
    armv8m_irq_init();
    armv8m_timer_init();
}
