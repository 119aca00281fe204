/* SPDX-License-Identifier: MIT */
/*
 * The vendor's reset code. QEMU's reset ROM jumps here (0x80000000, -bios) in M-mode on every
 * hart with a0 = hart id and a1 = the devicetree. Hart 0 sets up a stack, zeroes the firmware's
 * .bss and runs main (board.c); the others park. Also the firmware's M-mode trap entry, which
 * runs on a stack of its own (mscratch) whatever S-mode and U-mode were doing, and the way down
 * to S-mode, where Mica runs.
 */
    .section .text.reset, "ax"
    .globl _start
_start:
    bnez    a0, park
    lla     sp, boot_stack_top
    lla     t0, __bss_start
    lla     t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    main
park:
    wfi
    j       park

/*
 * M-mode traps: every register a C function may change is saved on the trap stack, then
 * vendor_trap(mcause, mepc) runs and mret goes back to whatever was interrupted.
 */
    .text
    .balign 4
    .globl vendor_trap_entry
vendor_trap_entry:
    csrrw   sp, mscratch, sp
    addi    sp, sp, -128
    sd      ra, 0(sp)
    sd      t0, 8(sp)
    sd      t1, 16(sp)
    sd      t2, 24(sp)
    sd      t3, 32(sp)
    sd      t4, 40(sp)
    sd      t5, 48(sp)
    sd      t6, 56(sp)
    sd      a0, 64(sp)
    sd      a1, 72(sp)
    sd      a2, 80(sp)
    sd      a3, 88(sp)
    sd      a4, 96(sp)
    sd      a5, 104(sp)
    sd      a6, 112(sp)
    sd      a7, 120(sp)
    csrr    a0, mcause
    csrr    a1, mepc
    call    vendor_trap
    ld      ra, 0(sp)
    ld      t0, 8(sp)
    ld      t1, 16(sp)
    ld      t2, 24(sp)
    ld      t3, 32(sp)
    ld      t4, 40(sp)
    ld      t5, 48(sp)
    ld      t6, 56(sp)
    ld      a0, 64(sp)
    ld      a1, 72(sp)
    ld      a2, 80(sp)
    ld      a3, 88(sp)
    ld      a4, 96(sp)
    ld      a5, 104(sp)
    ld      a6, 112(sp)
    ld      a7, 120(sp)
    addi    sp, sp, 128
    csrrw   sp, mscratch, sp
    mret

/*
 * void enter_smode(void (*fn)(const void *), const void *arg): continue at fn(arg) in S-mode with
 * the MMU off (satp = 0), on the current stack; interrupts taken there are S-mode's (delegated)
 * or the firmware's (M-mode, always enabled below M).
 */
    .globl enter_smode
enter_smode:
    li      t0, 3 << 11             /* mstatus.MPP */
    csrc    mstatus, t0
    li      t0, 1 << 11             /* MPP = S */
    csrs    mstatus, t0
    csrw    mepc, a0
    csrw    satp, zero
    mv      a0, a1
    mret

    .section .bss.stacks, "aw", @nobits
    .balign 16
    .space  8192
boot_stack_top:
    .globl trap_stack_top
    .space  4096
trap_stack_top:
