/* SPDX-License-Identifier: MIT */
/*
 * The user/kernel boundary. Every trap from U-mode saves the thread's registers into its struct
 * arch_ctx, takes this CPU's kernel stack from its top and calls the core (core/hal.h), which
 * returns the context to run next; .Lexit restores that one and srets. Nothing lives on the kernel
 * stack between traps, so no kernel registers are saved or restored around user mode (seL4's
 * restore_user_context). An ecall whose number is Call or ReplyRecv goes straight to the fast
 * path's entry, any other ecall to kernel_syscall; every other cause to riscv_trap (ctx.c).
 *
 * sscratch (privileged spec 4.1.6) tells the vector where it came from: it holds the running
 * thread's ctx while U-mode runs and 0 while the kernel runs. The kernel runs with sstatus.SIE = 0
 * and never takes interrupts (hal_idle polls sip), so a trap with sscratch = 0 is a kernel bug.
 * The ctx's ksp field holds the top of the kernel stack that the trap enters on, which is where the
 * CPU's record lies (arch.h): tp points at it in the kernel (the user's tp is the IPC buffer).
 */
#include <arch.h>

/* For tools/stackcheck.py: the C a U-mode trap runs, from the top of the kernel stack (the
 * record the top 16 bytes hold is below every frame: counted as the vector's own).
 * stack-usage: riscv_trap_vector 16
 * stack-calls: riscv_trap_vector kernel_syscall kernel_fastpath_call kernel_fastpath_reply_recv riscv_trap
 * stack-usage: hal_user_enter 16 */

#define EXC_ECALL_U        8 /* scause of an ecall from U-mode (privileged spec table 4.2) */
#define SYS_CALL           1 /* MICA_SYS_CALL and MICA_SYS_REPLY_RECV (mica/abi.h); ctx.c checks */
#define SYS_REPLY_RECV     2

    .section .text.trap, "ax"
    /* _Noreturn void hal_user_enter(struct arch_ctx *ctx): this CPU's kernel stack from its top,
     * below its record (tp, arch.h), then as a return from a trap. */
    .globl hal_user_enter
    .balign 4
hal_user_enter:
    mv      sp, tp

    /* a0 = the ctx to run, sp = the top of this CPU's kernel stack (where the C returned). */
.Lexit:
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
    mv      tp, sp
    csrr    t0, sepc
    csrr    t1, scause
    li      t2, EXC_ECALL_U
    bne     t1, t2, .Lexception
    /* sepc points at the ecall itself (4.1.7), which has no compressed form. The syscall number
     * is still in a7. */
    addi    t0, t0, 4
    sd      t0, ARCH_CTX_PC(t6)
    mv      a0, t6
    li      t2, SYS_CALL
    beq     a7, t2, .Lcall
    li      t2, SYS_REPLY_RECV
    beq     a7, t2, .Lreply_recv
    call    kernel_syscall
    j       .Lexit
.Lcall:
    call    kernel_fastpath_call
    j       .Lexit
.Lreply_recv:
    call    kernel_fastpath_reply_recv
    j       .Lexit

    /* riscv_trap(ctx, scause, stval) in C describes it and enters the core (ctx.c). */
.Lexception:
    sd      t0, ARCH_CTX_PC(t6)
    mv      a0, t6
    mv      a1, t1
    csrr    a2, stval
    call    riscv_trap
    j       .Lexit

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
