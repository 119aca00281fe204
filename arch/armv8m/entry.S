/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M kernel entry: mica_start (include/mica/kernel.h), which the firmware calls in privileged
 * Thread mode with r0 = its platform description (addresses are physical: there is no MMU). It
 * masks interrupts (PRIMASK: the firmware's vector table is not checked yet), zeroes the kernel's
 * .bss (its own sections only, mica.ld's __mica_bss_*), moves to the kernel's stack on MSP with
 * MSPLIM below it (an overflow faults instead of running into .bss) and calls arch_boot() in
 * boot.c, which enters the kernel's Handler mode through PendSV. Boot-only code.
 */
#include <arch.h>

    .syntax unified
    .thumb

    .section .boot.text.mica_start, "ax"
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
2:  movs    r0, #0
    msr     msplim, r0          /* MSP may lie below the old limit for a moment */
    ldr     r0, =boot_stack_top
    msr     msp, r0
    ldr     r0, =boot_stack
    msr     msplim, r0
    movs    r0, #0
    msr     control, r0         /* MSP, privileged */
    isb
    mov     r0, r4
    bl      arch_boot
3:  wfi
    b       3b
    .size   mica_start, . - mica_start

    /* The kernel stack: the reset thread's, then the Handler mode's the kernel runs in (trap.S
     * starts every entry from its top). */
    .section .bss.stack, "aw", %nobits
    .balign 8
    .globl  boot_stack, boot_stack_top
boot_stack:
    .space  CONFIG_KERNEL_STACK_SIZE
boot_stack_top:
