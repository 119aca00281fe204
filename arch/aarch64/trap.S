/* SPDX-License-Identifier: MIT */
/*
 * The user/kernel boundary. While a thread runs in EL0, SP_EL1 points at its struct arch_ctx, so
 * an exception from EL0 stores the user registers straight into it with no scratch register; then
 * it takes this CPU's kernel stack from its top (the CPU block, TPIDR_EL1) and calls the core
 * (core/hal.h), which returns the context to run next: .Lexit loads it, leaves SP_EL1 at it and
 * erets. Nothing lives on the kernel stack between traps, so no kernel registers are saved or
 * restored around EL0 (seL4's restore_user_context). An SVC whose number (x7) is Call or ReplyRecv
 * goes straight to the fast path's entry, any other SVC to kernel_syscall, every other exception
 * to C (ctx.c, irq.c).
 *
 * So the kernel keeps nothing in the user's registers or stack, and no user value is trusted: the
 * ctx is the kernel's own memory.
 *
 * The kernel runs with interrupts masked (DAIF) and never takes one; an exception taken in EL1
 * is a kernel bug or a stack overflow and runs on the CPU's emergency stack (aarch64_kernel_trap).
 */
#include <arch.h>

    .arch_extension fp
    .arch_extension simd

/* For tools/stackcheck.py: the C an EL0 exception runs, from the top of the kernel stack.
 * stack-usage: aarch64_vectors 0
 * stack-calls: aarch64_vectors kernel_syscall kernel_fastpath_call kernel_fastpath_reply_recv aarch64_sync aarch64_irq aarch64_serror
 * stack-usage: hal_user_enter 0 */
#define EC_SVC64         0x15 /* ESR_EL1.EC of an SVC from AArch64 (Arm ARM D19.2.37) */
#define SYS_CALL         1    /* MICA_SYS_CALL and MICA_SYS_REPLY_RECV (mica/abi.h); ctx.c checks */
#define SYS_REPLY_RECV   2
#define CPACR_FPEN_ON    (3 << 20)
#define KTRAP_FRAME      272 /* struct aarch64_kframe: x0-x30, elr, spsr, sp */

/* Save the user's registers into the ctx SP_EL1 points at (arch.h layout). Leaves x0/x1 free. */
.macro save_user
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    mrs     x0, sp_el0
    stp     x30, x0, [sp, #ARCH_CTX_X(30)]
    mrs     x0, elr_el1
    mrs     x1, spsr_el1
    stp     x0, x1, [sp, #ARCH_CTX_PC]
    mrs     x0, tpidr_el0
    str     x0, [sp, #ARCH_CTX_TPIDR]
.endm

/* A thread that uses FP/SIMD: save its registers into the ctx at sp and trap FP again, so that
 * neither the kernel nor the next thread can touch what is left in them. Uses x9-x11. */
.macro save_fp
    ldr     x9, [sp, #ARCH_CTX_FP_USED]
    cbz     x9, 1f
    mov     x9, sp
    bl      fp_save
1:
.endm

/* The top of this CPU's kernel stack, from the CPU block, as SP; x0 = the ctx. */
.macro kernel_entry
    mov     x0, sp
    mrs     x9, tpidr_el1
    ldr     x1, [x9, #AARCH64_CPU_KSP]
    mov     sp, x1
.endm

    .section .text.trap, "ax"
    /* _Noreturn void hal_user_enter(struct arch_ctx *ctx) */
    .globl hal_user_enter
hal_user_enter:
    mrs     x9, tpidr_el1
    ldr     x1, [x9, #AARCH64_CPU_KSP]
    mov     sp, x1

    /* x0 = the ctx to run. SPSR_EL1 is the thread's (hal_ctx_set keeps it EL0t with DAIF clear). */
.Lexit:
    ldp     x2, x3, [x0, #ARCH_CTX_PC]
    ldr     x4, [x0, #ARCH_CTX_SP]
    ldp     x5, x6, [x0, #ARCH_CTX_TPIDR]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    msr     sp_el0, x4
    msr     tpidr_el0, x5
    cbnz    x6, .Lfp_restore
.Lrestore:
    mov     sp, x0
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    ldr     x30, [sp, #ARCH_CTX_X(30)]
    ldp     x0, x1, [sp, #16 * 0]
    eret

    /* The thread uses FP/SIMD: let it (and the kernel's restore) at the registers, then load
     * them. The ISB makes the CPACR write take effect for the loads below (Arm ARM D19.2.30). */
.Lfp_restore:
    mov     x2, #CPACR_FPEN_ON
    msr     cpacr_el1, x2
    isb
    add     x2, x0, #ARCH_CTX_V
    ldp     q0, q1, [x2, #32 * 0]
    ldp     q2, q3, [x2, #32 * 1]
    ldp     q4, q5, [x2, #32 * 2]
    ldp     q6, q7, [x2, #32 * 3]
    ldp     q8, q9, [x2, #32 * 4]
    ldp     q10, q11, [x2, #32 * 5]
    ldp     q12, q13, [x2, #32 * 6]
    ldp     q14, q15, [x2, #32 * 7]
    ldp     q16, q17, [x2, #32 * 8]
    ldp     q18, q19, [x2, #32 * 9]
    ldp     q20, q21, [x2, #32 * 10]
    ldp     q22, q23, [x2, #32 * 11]
    ldp     q24, q25, [x2, #32 * 12]
    ldp     q26, q27, [x2, #32 * 13]
    ldp     q28, q29, [x2, #32 * 14]
    ldp     q30, q31, [x2, #32 * 15]
    ldr     x3, [x0, #ARCH_CTX_FPSR]
    msr     fpsr, x3
    lsr     x4, x3, #32
    msr     fpcr, x4
    b       .Lrestore

    /* x9 = ctx; FP is on (the thread ran with it). Returns with it trapping again. */
fp_save:
    add     x10, x9, #ARCH_CTX_V
    stp     q0, q1, [x10, #32 * 0]
    stp     q2, q3, [x10, #32 * 1]
    stp     q4, q5, [x10, #32 * 2]
    stp     q6, q7, [x10, #32 * 3]
    stp     q8, q9, [x10, #32 * 4]
    stp     q10, q11, [x10, #32 * 5]
    stp     q12, q13, [x10, #32 * 6]
    stp     q14, q15, [x10, #32 * 7]
    stp     q16, q17, [x10, #32 * 8]
    stp     q18, q19, [x10, #32 * 9]
    stp     q20, q21, [x10, #32 * 10]
    stp     q22, q23, [x10, #32 * 11]
    stp     q24, q25, [x10, #32 * 12]
    stp     q26, q27, [x10, #32 * 13]
    stp     q28, q29, [x10, #32 * 14]
    stp     q30, q31, [x10, #32 * 15]
    mrs     x10, fpsr
    mrs     x11, fpcr
    bfi     x10, x11, #32, #32
    str     x10, [x9, #ARCH_CTX_FPSR]
    msr     cpacr_el1, xzr
    ret

    /* An SVC (the syscall path): the PC already points past it (Arm ARM D1.10.1, "preferred
     * return address"); the syscall number is still in x7. */
.Lsyscall:
    save_fp
    kernel_entry
    cmp     x7, #SYS_CALL
    b.eq    .Lcall
    cmp     x7, #SYS_REPLY_RECV
    b.eq    .Lreply_recv
    bl      kernel_syscall
    b       .Lexit
.Lcall:
    bl      kernel_fastpath_call
    b       .Lexit
.Lreply_recv:
    bl      kernel_fastpath_reply_recv
    b       .Lexit

    /* Any other synchronous exception from EL0: aarch64_sync(ctx, esr, far) in C (ctx.c). */
.Lsync_slow:
    save_fp
    kernel_entry
    mrs     x1, esr_el1
    mrs     x2, far_el1
    bl      aarch64_sync
    b       .Lexit

    /* An interrupt while EL0 ran: aarch64_irq(ctx) acknowledges it at the GIC (irq.c). */
.Lirq:
    save_fp
    kernel_entry
    bl      aarch64_irq
    b       .Lexit

    /* An SError (asynchronous abort) while EL0 ran: reported as the thread's fault (ctx.c). */
.Lserror:
    save_fp
    kernel_entry
    mrs     x1, esr_el1
    bl      aarch64_serror
    b       .Lexit

/*
 * An exception taken in EL1: the kernel stack may be what overflowed, so switch to the CPU's
 * emergency stack without using it. SP_EL0 is free in the kernel (the user's was saved), so it
 * holds x0 while x0 and SP swap by arithmetic; the old SP goes just below the emergency top and x0
 * carries the vector number to el1_common.
 */
.macro el1_entry n
    .balign 128
    msr     sp_el0, x0
    mrs     x0, tpidr_el1
    ldr     x0, [x0, #AARCH64_CPU_EMERGENCY]
    add     sp, sp, x0
    sub     x0, sp, x0
    sub     sp, sp, x0
    str     x0, [sp, #-8]
    mov     x0, #\n
    b       el1_common
.endm

    /* The vector table (Arm ARM D1.10.2): 16 entries of 128 bytes, 2 KiB aligned. */
    .balign 2048
    .globl aarch64_vectors
aarch64_vectors:
    /* Current EL with SP_EL0 (never used: the kernel runs on SP_EL1), then with SP_EL1. */
    el1_entry 0
    el1_entry 1
    el1_entry 2
    el1_entry 3
    el1_entry 4
    el1_entry 5
    el1_entry 6
    el1_entry 7
    /* Lower EL, AArch64: synchronous. */
    .balign 128
    save_user
    mrs     x0, esr_el1
    lsr     x1, x0, #26
    cmp     x1, #EC_SVC64
    b.eq    .Lsyscall
    b       .Lsync_slow
    /* IRQ, FIQ (nothing is routed to FIQ; the GIC has the last word either way), SError. */
    .balign 128
    save_user
    b       .Lirq
    .balign 128
    save_user
    b       .Lirq
    .balign 128
    save_user
    b       .Lserror
    /* Lower EL, AArch32: EL0 never runs AArch32 (SPSR.M[4] is always 0). */
    el1_entry 12
    el1_entry 13
    el1_entry 14
    el1_entry 15

el1_common:
    sub     sp, sp, #KTRAP_FRAME
    stp     x1, x2, [sp, #8 * 1]
    stp     x3, x4, [sp, #8 * 3]
    stp     x5, x6, [sp, #8 * 5]
    stp     x7, x8, [sp, #8 * 7]
    stp     x9, x10, [sp, #8 * 9]
    stp     x11, x12, [sp, #8 * 11]
    stp     x13, x14, [sp, #8 * 13]
    stp     x15, x16, [sp, #8 * 15]
    stp     x17, x18, [sp, #8 * 17]
    stp     x19, x20, [sp, #8 * 19]
    stp     x21, x22, [sp, #8 * 21]
    stp     x23, x24, [sp, #8 * 23]
    stp     x25, x26, [sp, #8 * 25]
    stp     x27, x28, [sp, #8 * 27]
    stp     x29, x30, [sp, #8 * 29]
    mrs     x1, sp_el0
    str     x1, [sp, #8 * 0]
    mrs     x1, elr_el1
    mrs     x2, spsr_el1
    stp     x1, x2, [sp, #8 * 31]
    mov     x1, x0
    mov     x0, sp
    bl      aarch64_kernel_trap
    /* Only a fault the kernel expected (aarch64_kernel_trap) comes back: resume there. */
    ldp     x1, x2, [sp, #8 * 31]
    msr     elr_el1, x1
    msr     spsr_el1, x2
    ldr     x1, [sp, #8 * 0]
    msr     sp_el0, x1
    ldp     x1, x2, [sp, #8 * 1]
    ldp     x3, x4, [sp, #8 * 3]
    ldp     x5, x6, [sp, #8 * 5]
    ldp     x7, x8, [sp, #8 * 7]
    ldp     x9, x10, [sp, #8 * 9]
    ldp     x11, x12, [sp, #8 * 11]
    ldp     x13, x14, [sp, #8 * 13]
    ldp     x15, x16, [sp, #8 * 15]
    ldp     x17, x18, [sp, #8 * 17]
    ldp     x19, x20, [sp, #8 * 19]
    ldp     x21, x22, [sp, #8 * 21]
    ldp     x23, x24, [sp, #8 * 23]
    ldp     x25, x26, [sp, #8 * 25]
    ldp     x27, x28, [sp, #8 * 27]
    ldp     x29, x30, [sp, #8 * 29]
    ldr     x0, [sp, #8 * 33]
    mov     sp, x0
    mrs     x0, sp_el0
    eret
