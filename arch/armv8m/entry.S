/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M kernel entry. The core resets in Secure state and reads its initial stack pointer and
 * reset vector from the table at VTOR_S (0x10000000 on the MPS2 AN505), which link.ld places at
 * the start of the image. The reset handler sets the stack limit, clears .bss and calls
 * arch_boot() in boot.c. QEMU loads the ELF directly, so .data needs no copying.
 */
#include <arch.h>

    .syntax unified
    .thumb

    /* Armv8-M ARM B3.30: SP_main, Reset, then the fixed exceptions 2..15. */
    .section .vectors, "a"
    .globl vectors
vectors:
    .word   boot_stack_top
    .word   reset
    .rept   14
    .word   early_exception
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

    /* Until trap.S installs the real handlers, any exception is a kernel bug: report its number
     * (IPSR) and the stacked PC, then stop. */
    .type   early_exception, %function
    .thumb_func
early_exception:
    mrs     r0, ipsr
    tst     lr, #4              /* EXC_RETURN.SPSEL: which stack holds the frame */
    ite     eq
    mrseq   r3, msp
    mrsne   r3, psp
    ldr     r1, [r3, #24]       /* the stacked return address */
    ldr     r2, =boot_stack_top
    mov     sp, r2
    bl      arch_early_trap
4:  wfi
    b       4b
    .size   early_exception, . - early_exception

    .section .bss.stack, "aw", %nobits
    .balign 8
boot_stack:
    .space  CONFIG_KERNEL_STACK_SIZE
boot_stack_top:
