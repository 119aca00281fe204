/* SPDX-License-Identifier: MIT */
/*
 * The user/kernel boundary. hal_user_run saves the kernel's callee-saved registers on the kernel
 * stack, loads the thread's registers from its struct arch_ctx and srets to U-mode; the trap
 * vector saves them back and returns from hal_user_run, so a trap from user mode looks like a
 * function return. An ecall is described right here (the syscall path: PC + 4, kind SYSCALL);
 * every other cause goes to riscv_trap_decode (ctx.c), which may also send the thread back to
 * user mode when there was nothing to report.
 *
 * sscratch (privileged spec 4.1.6) tells the vector where it came from: it holds the running
 * thread's ctx while U-mode runs and 0 while the kernel runs. The kernel runs with sstatus.SIE = 0
 * and never takes interrupts (hal_idle polls sip), so a trap with sscratch = 0 is a kernel bug.
 * This is the syscall fast path: no branches beyond the one above, no stack switch beyond ksp.
 */
#include <arch.h>

/* The kernel frame of hal_user_run: ra, s0-s11, tp, then its ctx and trap arguments. */
#define KFRAME     128 /* 16 words, a multiple of 16 bytes */
/* For tools/stackcheck.py: hal_user_run's frame, and the C a U-mode trap runs below it.
 * stack-usage: hal_user_run 128
 * stack-calls: hal_user_run riscv_trap_decode */
#define KFRAME_TP  104
#define KFRAME_CTX 112
#define KFRAME_TRAP 120

#define EXC_ECALL_U     8 /* scause of an ecall from U-mode (privileged spec table 4.2) */
#define HAL_TRAP_SYSCALL 0 /* enum hal_trap_kind in core/hal.h; ctx.c checks */

    .section .text.trap, "ax"
    /* void hal_user_run(struct arch_ctx *ctx, struct hal_trap *trap) */
    .globl hal_user_run
    .balign 4
hal_user_run:
    addi    sp, sp, -KFRAME
    sd      ra, 0(sp)
    sd      s0, 8(sp)
    sd      s1, 16(sp)
    sd      s2, 24(sp)
    sd      s3, 32(sp)
    sd      s4, 40(sp)
    sd      s5, 48(sp)
    sd      s6, 56(sp)
    sd      s7, 64(sp)
    sd      s8, 72(sp)
    sd      s9, 80(sp)
    sd      s10, 88(sp)
    sd      s11, 96(sp)
    /* tp is the CPU index in the kernel and the IPC buffer address in user mode. */
    sd      tp, KFRAME_TP(sp)
    sd      a0, KFRAME_CTX(sp)
    sd      a1, KFRAME_TRAP(sp)
.Lenter:
    sd      sp, ARCH_CTX_KSP(a0)
    csrw    sscratch, a0
    ld      t0, ARCH_CTX_PC(a0)
    csrw    sepc, t0
    /* sstatus.SPP is 0 (U) here: riscv_cpu_init cleared it and every trap from U sets it to 0. */
    ld      x1, ARCH_CTX_X(1)(a0)
    ld      x2, ARCH_CTX_X(2)(a0)
    ld      x3, ARCH_CTX_X(3)(a0)
    ld      x4, ARCH_CTX_X(4)(a0)
    ld      x5, ARCH_CTX_X(5)(a0)
    ld      x6, ARCH_CTX_X(6)(a0)
    ld      x7, ARCH_CTX_X(7)(a0)
    ld      x8, ARCH_CTX_X(8)(a0)
    ld      x9, ARCH_CTX_X(9)(a0)
    ld      x11, ARCH_CTX_X(11)(a0)
    ld      x12, ARCH_CTX_X(12)(a0)
    ld      x13, ARCH_CTX_X(13)(a0)
    ld      x14, ARCH_CTX_X(14)(a0)
    ld      x15, ARCH_CTX_X(15)(a0)
    ld      x16, ARCH_CTX_X(16)(a0)
    ld      x17, ARCH_CTX_X(17)(a0)
    ld      x18, ARCH_CTX_X(18)(a0)
    ld      x19, ARCH_CTX_X(19)(a0)
    ld      x20, ARCH_CTX_X(20)(a0)
    ld      x21, ARCH_CTX_X(21)(a0)
    ld      x22, ARCH_CTX_X(22)(a0)
    ld      x23, ARCH_CTX_X(23)(a0)
    ld      x24, ARCH_CTX_X(24)(a0)
    ld      x25, ARCH_CTX_X(25)(a0)
    ld      x26, ARCH_CTX_X(26)(a0)
    ld      x27, ARCH_CTX_X(27)(a0)
    ld      x28, ARCH_CTX_X(28)(a0)
    ld      x29, ARCH_CTX_X(29)(a0)
    ld      x30, ARCH_CTX_X(30)(a0)
    ld      x31, ARCH_CTX_X(31)(a0)
    ld      x10, ARCH_CTX_X(10)(a0)
    sret

    /* stvec in direct mode needs 4-byte alignment (4.1.2). */
    .globl riscv_trap_vector
    .balign 4
riscv_trap_vector:
    csrrw   t6, sscratch, t6
    beqz    t6, .Lkernel_trap
    sd      x1, ARCH_CTX_X(1)(t6)
    sd      x2, ARCH_CTX_X(2)(t6)
    sd      x3, ARCH_CTX_X(3)(t6)
    sd      x4, ARCH_CTX_X(4)(t6)
    sd      x5, ARCH_CTX_X(5)(t6)
    sd      x6, ARCH_CTX_X(6)(t6)
    sd      x7, ARCH_CTX_X(7)(t6)
    sd      x8, ARCH_CTX_X(8)(t6)
    sd      x9, ARCH_CTX_X(9)(t6)
    sd      x10, ARCH_CTX_X(10)(t6)
    sd      x11, ARCH_CTX_X(11)(t6)
    sd      x12, ARCH_CTX_X(12)(t6)
    sd      x13, ARCH_CTX_X(13)(t6)
    sd      x14, ARCH_CTX_X(14)(t6)
    sd      x15, ARCH_CTX_X(15)(t6)
    sd      x16, ARCH_CTX_X(16)(t6)
    sd      x17, ARCH_CTX_X(17)(t6)
    sd      x18, ARCH_CTX_X(18)(t6)
    sd      x19, ARCH_CTX_X(19)(t6)
    sd      x20, ARCH_CTX_X(20)(t6)
    sd      x21, ARCH_CTX_X(21)(t6)
    sd      x22, ARCH_CTX_X(22)(t6)
    sd      x23, ARCH_CTX_X(23)(t6)
    sd      x24, ARCH_CTX_X(24)(t6)
    sd      x25, ARCH_CTX_X(25)(t6)
    sd      x26, ARCH_CTX_X(26)(t6)
    sd      x27, ARCH_CTX_X(27)(t6)
    sd      x28, ARCH_CTX_X(28)(t6)
    sd      x29, ARCH_CTX_X(29)(t6)
    sd      x30, ARCH_CTX_X(30)(t6)
    /* The user's t6 is in sscratch; the kernel runs with sscratch = 0. */
    csrrw   t0, sscratch, zero
    sd      t0, ARCH_CTX_X(31)(t6)
    ld      sp, ARCH_CTX_KSP(t6)
    csrr    t0, sepc
    csrr    a2, scause
    li      t1, EXC_ECALL_U
    bne     a2, t1, .Lslow
    /* sepc points at the ecall itself (4.1.7), which has no compressed form. */
    addi    t0, t0, 4
    sd      t0, ARCH_CTX_PC(t6)
    ld      a1, KFRAME_TRAP(sp)
    li      t1, HAL_TRAP_SYSCALL
    sw      t1, 0(a1)
.Lreturn:
    ld      ra, 0(sp)
    ld      s0, 8(sp)
    ld      s1, 16(sp)
    ld      s2, 24(sp)
    ld      s3, 32(sp)
    ld      s4, 40(sp)
    ld      s5, 48(sp)
    ld      s6, 56(sp)
    ld      s7, 64(sp)
    ld      s8, 72(sp)
    ld      s9, 80(sp)
    ld      s10, 88(sp)
    ld      s11, 96(sp)
    ld      tp, KFRAME_TP(sp)
    addi    sp, sp, KFRAME
    ret

    /* riscv_trap_decode(ctx, trap, scause, stval) in C, with the kernel's tp (hal_cpu_id); if it
     * had nothing to report, back to user mode. */
.Lslow:
    sd      t0, ARCH_CTX_PC(t6)
    mv      a0, t6
    ld      a1, KFRAME_TRAP(sp)
    csrr    a3, stval
    ld      tp, KFRAME_TP(sp)
    call    riscv_trap_decode
    bnez    a0, .Lreturn
    ld      a0, KFRAME_CTX(sp)
    j       .Lenter

    /*
     * A trap in S-mode: a kernel bug (e.g. a kernel access to user memory, which sstatus.SUM = 0
     * turns into a page fault). Restore t6 and sscratch, report on a stack of its own (the kernel
     * stack may be what overflowed) and stop.
     */
.Lkernel_trap:
    csrrw   t6, sscratch, t6
    mv      a3, sp
    la      sp, trap_panic_stack + 4096
    csrr    a0, scause
    csrr    a1, sepc
    csrr    a2, stval
    call    riscv_kernel_trap
1:  wfi
    j       1b

    .section .bss.trap_panic_stack, "aw", @nobits
    .balign 16
    .globl trap_panic_stack
trap_panic_stack:
    .space  4096
