/* SPDX-License-Identifier: MIT */
/*
 * RV64 kernel entry. OpenSBI's fw_dynamic jumps here in S-mode on one hart, with a0 = hart id and
 * a1 = physical address of the devicetree, satp = 0 and interrupts off. We take the boot stack,
 * clear .bss and call arch_boot(a0, a1) in boot.c.
 */
#include <arch.h>

    .section .text.entry, "ax"
    .globl _start
_start:
    /* tp holds the CPU index (hal_cpu_id); the boot hart is CPU 0 whatever its hart id. */
    li      tp, 0
    la      sp, boot_stack_top
    /* Until trap.S takes over, any trap is a kernel bug: report it and stop. */
    la      t0, early_trap
    csrw    stvec, t0
    csrw    sie, zero

    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    call    arch_boot
3:  wfi
    j       3b

    /* stvec needs 4-byte alignment in direct mode (privileged spec 4.1.2). */
    .balign 4
early_trap:
    csrr    a0, scause
    csrr    a1, sepc
    csrr    a2, stval
    la      sp, boot_stack_top
    call    arch_early_trap
4:  wfi
    j       4b

    .section .bss.stack, "aw", @nobits
    .balign 16
boot_stack:
    .space  CONFIG_KERNEL_STACK_SIZE
boot_stack_top:
