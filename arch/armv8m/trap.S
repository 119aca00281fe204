/* SPDX-License-Identifier: MIT */
/*
 * The user/kernel boundary on Armv8-M. The kernel runs in Handler mode, inside whichever exception
 * brought it in; threads run unprivileged in Thread mode on PSP. hal_user_run pushes the kernel's
 * callee-saved registers on the main stack, writes the thread's hardware frame onto its stack,
 * loads r4-r11 and does an exception return; the next exception from the thread saves r4-r11 and
 * the frame the hardware stacked back into the thread's struct arch_ctx and pops the kernel frame,
 * so a trap looks like hal_user_run returning. hal_idle does the same for a privileged Thread-mode
 * idle loop: WFI in Handler mode would not wake for an interrupt of the handler's own priority.
 *
 * Every exception has the same priority (boot.c), so nothing preempts the kernel: a fault in
 * kernel code escalates to HardFault, which stops the machine with a report. The kernel runs with
 * the MPU off and turns it on (with PRIVDEFENA, for its last few instructions) only to return to
 * a thread: then no user region's permissions ever apply to a kernel access, such as a write to
 * an IPC buffer that the current address space maps read-only.
 *
 * The frame on the thread's stack is user memory. The hardware stacks it with the thread's
 * (unprivileged) rights, so after a clean entry it is the thread's to read; before writing one
 * back, hal_user_run checks with TTT that the thread itself could write all 32 bytes, so an SP
 * pointing at kernel memory can never make the kernel overwrite itself. The SVC path is the
 * syscall fast path: no C, no decoding beyond the frame copy.
 */
#include <arch.h>

#define MPU_CTRL          0xe000ed94
#define MPU_CTRL_USER     5 /* ENABLE | PRIVDEFENA */
#define TT_RW             0x80000 /* TT result bit 19: read-write for the privilege asked */
#define HAL_TRAP_SYSCALL  0 /* enum hal_trap_kind in core/hal.h; ctx.c checks */
#define EXC_RETURN_FROM   0xc /* EXC_RETURN Mode (Thread) | SPSEL (PSP): from a thread or idle */
#define IDLE_STACK        256

/* The kernel frame of hal_user_run and hal_idle: ctx (NULL for idle), trap, pad, r4-r11, lr.
 * For tools/stackcheck.py: those frames, the C an exception from the thread or the idle loop runs
 * below them (on the main stack: the hardware stacks the thread's frame on PSP), and the 32 bytes
 * the hardware stacks on the main stack when boot enters the kernel through PendSV.
 * stack-usage: hal_user_run 48
 * stack-usage: hal_idle 48
 * stack-usage: armv8m_pendsv 32
 * stack-calls: hal_user_run armv8m_trap armv8m_bad_stack
 * stack-calls: hal_idle armv8m_idle_trap */
#define KF_CTX  0
#define KF_TRAP 4

    .syntax unified
    .thumb

    .macro mpu_ctrl reg, tmp, value
    movw    \reg, #:lower16:MPU_CTRL
    movt    \reg, #:upper16:MPU_CTRL
    movs    \tmp, #\value
    str     \tmp, [\reg]
    dsb
    isb
    .endm

    .section .text.hal_user_run, "ax"
    /* void hal_user_run(struct arch_ctx *ctx, struct hal_trap *trap) */
    .globl  hal_user_run
    .type   hal_user_run, %function
    .thumb_func
hal_user_run:
    push    {r0-r2, r4-r11, lr}
.Lenter:
    /* r0 = ctx. The thread's regions were loaded by vspace_switch; from here on they apply. */
    mpu_ctrl r2, r3, MPU_CTRL_USER
    ldr     r12, [r0, #ARCH_CTX_SP]
    bic     r1, r12, #7
    subs    r1, #32                 /* the frame goes 8-byte aligned below SP (B3.19) */
    ttt     r2, r1
    adds    r3, r1, #31
    ttt     r3, r3
    ands    r2, r3
    tst     r2, #TT_RW
    beq     .Lbad_stack
    ldr     r2, [r0, #ARCH_CTX_PSPLIM]
    msr     psplim, r2
    msr     psp, r1
    add     r2, r0, #ARCH_CTX_FRAME
    ldm     r2, {r4-r11}            /* r0-r3, r12, lr, pc, xpsr */
    tst     r12, #4
    it      ne
    orrne   r11, r11, #XPSR_SPREALIGN
    stm     r1, {r4-r11}
    ldm     r0, {r4-r11}
    movs    r0, #1                  /* CONTROL.nPRIV: Thread mode runs unprivileged */
    msr     control, r0
    mvn     lr, #2                  /* EXC_RETURN 0xfffffffd: Secure, Thread, PSP, no FP frame */
    bx      lr

    /* The thread could not write its own frame: it does not run; ctx.c reports the fault. */
.Lbad_stack:
    mpu_ctrl r2, r3, 0
    mov     r2, r1
    ldr     r1, [sp, #KF_TRAP]
    bl      armv8m_bad_stack
.Lkernel_return:
    pop     {r0-r2, r4-r11, pc}
    .size   hal_user_run, . - hal_user_run

    /* void hal_idle(struct hal_trap *trap): the idle loop runs privileged in Thread mode on a
     * stack of its own, with interrupts enabled; its first exception returns from here. */
    .globl  hal_idle
    .type   hal_idle, %function
    .thumb_func
hal_idle:
    mov     r1, r0
    movs    r0, #0
    push    {r0-r2, r4-r11, lr}
.Lidle_enter:
    ldr     r0, =idle_stack + IDLE_STACK - 32
    movs    r4, #0
    movs    r5, #0
    movs    r6, #0
    movs    r7, #0
    movs    r8, #0
    movs    r9, #0
    ldr     r10, =armv8m_idle_loop
    bic     r10, r10, #1
    mov     r11, #XPSR_T
    stm     r0, {r4-r11}
    msr     psplim, r4
    msr     psp, r0
    msr     control, r4             /* privileged */
    mvn     lr, #2
    bx      lr
    .size   hal_idle, . - hal_idle

    .type   armv8m_idle_loop, %function
    .thumb_func
armv8m_idle_loop:
    wfi
    b       armv8m_idle_loop
    .size   armv8m_idle_loop, . - armv8m_idle_loop

    /*
     * SVCall: a syscall. Only a thread executes svc, and if stacking its frame had failed the
     * MemManage or UsageFault that reports it would have been taken first (lower exception number,
     * equal priority), so the frame is the thread's.
     */
    .section .text.armv8m_svc, "ax"
    .globl  armv8m_svc
    .type   armv8m_svc, %function
    .thumb_func
armv8m_svc:
    ldr     r12, [sp, #KF_CTX]
    mrs     r0, psp
    stm     r12, {r4-r11}
    ldm     r0!, {r4-r11}           /* r0 is now the SP above the frame */
    tst     r11, #XPSR_SPREALIGN
    itt     ne
    addne   r0, #4
    bicne   r11, r11, #XPSR_SPREALIGN
    str     r0, [r12, #ARCH_CTX_SP]
    add     r12, #ARCH_CTX_FRAME
    stm     r12, {r4-r11}
    ldr     r1, [sp, #KF_TRAP]
    movs    r0, #HAL_TRAP_SYSCALL
    str     r0, [r1]
    mpu_ctrl r2, r3, 0
    pop     {r0-r2, r4-r11, pc}
    .size   armv8m_svc, . - armv8m_svc

    /*
     * Every other exception. From a thread: save r4-r11 and let armv8m_trap (ctx.c) copy and
     * decode the rest; it returns false when there was nothing to report (the clock's wrap, a
     * spurious PendSV), and the thread runs on. From the idle loop: armv8m_idle_trap. From Handler
     * mode or the main stack: the kernel itself, which is a bug.
     */
    .section .text.armv8m_exception, "ax"
    .globl  armv8m_exception
    .type   armv8m_exception, %function
    .thumb_func
armv8m_exception:
    and     r12, lr, #EXC_RETURN_FROM
    cmp     r12, #EXC_RETURN_FROM
    bne     armv8m_kernel_exception
    mpu_ctrl r2, r3, 0
    ldr     r12, [sp, #KF_CTX]
    cmp     r12, #0
    beq     .Lfrom_idle
    stm     r12, {r4-r11}
    mov     r0, r12
    ldr     r1, [sp, #KF_TRAP]
    mrs     r2, ipsr
    mrs     r3, psp
    bl      armv8m_trap
    cmp     r0, #0
    bne     .Lkernel_return
    ldr     r0, [sp, #KF_CTX]
    b       .Lenter
.Lfrom_idle:
    ldr     r0, [sp, #KF_TRAP]
    mrs     r1, ipsr
    bl      armv8m_idle_trap
    cmp     r0, #0
    bne     .Lkernel_return
    b       .Lidle_enter
    .size   armv8m_exception, . - armv8m_exception

    /* PendSV: once, to enter the kernel in Handler mode from the reset thread (boot.c), which
     * runs on the main stack; never used after that. */
    .globl  armv8m_pendsv
    .type   armv8m_pendsv, %function
    .thumb_func
armv8m_pendsv:
    tst     lr, #4
    bne     armv8m_exception
    b       armv8m_boot_handler
    .size   armv8m_pendsv, . - armv8m_pendsv

    /*
     * An exception in the kernel (or before it was ready). Report it on a stack of its own, with
     * the stack limit off: the kernel stack may be what overflowed (MSPLIM), and then the
     * hardware stacked nothing and MSP sits at the limit.
     */
    .type   armv8m_kernel_exception, %function
    .thumb_func
armv8m_kernel_exception:
    mrs     r0, ipsr
    mov     r1, lr
    mrs     r2, msp
    movs    r3, #0
    msr     msplim, r3
    ldr     r3, =trap_panic_stack + 1024
    mov     sp, r3
    bl      armv8m_kernel_trap
1:  b       1b
    .size   armv8m_kernel_exception, . - armv8m_kernel_exception

    .section .bss.idle_stack, "aw", %nobits
    .balign 8
idle_stack:
    .space  IDLE_STACK

    .section .bss.trap_panic_stack, "aw", %nobits
    .balign 8
trap_panic_stack:
    .space  1024
