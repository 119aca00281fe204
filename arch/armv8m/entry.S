/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M kernel entry: mica_start (include/mica/kernel.h), which the firmware calls in privileged
 * Thread or Handler mode with r0 = its platform description (addresses are physical: there is no
 * MMU). It masks interrupts, zeroes the kernel's .bss (its own sections only, mica.ld's
 * __mica_bss_*), moves to the kernel's stack with MSPLIM below it (an overflow faults instead of
 * running into .bss), points VTOR at the kernel's early vector table and calls arch_boot().
 */
#include <arch.h>

    .syntax unified
    .thumb

    .section .entry, "ax"
    .globl  mica_start
    .type   mica_start, %function
    .thumb_func
mica_start:
    cpsid   i
    mov     r4, r0
    ldr     r0, =__mica_bss_start
    ldr     r1, =__mica_bss_end
    movs    r2, #0
1:  cmp     r0, r1
    bhs     2f
    str     r2, [r0], #4
    b       1b
2:  ldr     r0, =boot_stack
    msr     msplim, r0
    ldr     r0, =boot_stack_top
    msr     msp, r0
    mov     r0, #0
    msr     control, r0         /* MSP, privileged */
    isb
    ldr     r0, =0xe000ed08     /* VTOR */
    ldr     r1, =early_vectors
    str     r1, [r0]
    dsb
    isb
    mov     r0, r4
    bl      arch_boot
3:  wfi
    b       3b
    .size   mica_start, . - mica_start
    .ltorg

    /* Until trap code installs the real handlers, any exception is a kernel bug: report its number
     * (IPSR) and the stacked PC, then stop. VTOR needs 128-byte alignment for 16 entries. */
    .section .rodata.early_vectors, "a"
    .balign 128
early_vectors:
    .word   boot_stack_top
    .rept   15
    .word   early_exception
    .endr

    .section .text.early_exception, "ax"
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
