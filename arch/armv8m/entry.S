/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M reset: the board's startup code. The core resets in Secure state and reads its initial
 * stack pointer and reset vector from the table at VTOR_S (0x10000000 on the MPS2 AN505), which
 * link.ld places at the start of the image. The reset handler sets the stack limit, clears .bss
 * and calls arch_boot() in boot.c; QEMU loads the ELF directly, so .data needs no copying. The
 * table sends every exception to the kernel's handlers in trap.S.
 */
#include <arch.h>

    .syntax unified
    .thumb

    /* Armv8-M ARM B3.30: SP_main, Reset, the system exceptions 2..15, then the NVIC's lines. */
    .section .vectors, "a"
    .globl  vectors
vectors:
    .word   boot_stack_top
    .word   reset
    .word   armv8m_exception        /* 2 NMI */
    .word   armv8m_exception        /* 3 HardFault */
    .word   armv8m_exception        /* 4 MemManage */
    .word   armv8m_exception        /* 5 BusFault */
    .word   armv8m_exception        /* 6 UsageFault */
    .word   armv8m_exception        /* 7 SecureFault */
    .word   armv8m_exception        /* 8-10 reserved */
    .word   armv8m_exception
    .word   armv8m_exception
    .word   armv8m_svc              /* 11 SVCall */
    .word   armv8m_exception        /* 12 DebugMonitor */
    .word   armv8m_exception        /* 13 reserved */
    .word   armv8m_pendsv           /* 14 PendSV */
    .word   armv8m_exception        /* 15 SysTick */
    .rept   ARCH_IRQ_LINES
    .word   armv8m_exception
    .endr

    .section .text.entry, "ax"
    .globl  reset
    .type   reset, %function
    .thumb_func
reset:
    /* A stack overflow faults (MSPLIM) instead of running into .bss. */
    ldr     r0, =boot_stack
    msr     msplim, r0
    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    movs    r2, #0
1:  cmp     r0, r1
    bhs     2f
    str     r2, [r0], #4
    b       1b
2:
    bl      arch_boot
3:  wfi
    b       3b
    .size   reset, . - reset

    .section .bss.stack, "aw", %nobits
    .balign 8
    .globl  boot_stack, boot_stack_top
boot_stack:
    .space  CONFIG_KERNEL_STACK_SIZE
boot_stack_top:
