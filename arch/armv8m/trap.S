/* SPDX-License-Identifier: MIT */
/*
 * The user/kernel boundary on Armv8-M. The kernel runs in Handler mode, inside whichever exception
 * brought it in; threads run unprivileged in Thread mode on PSP. Every exception from a thread
 * saves r4-r11 and the frame the hardware stacked into the thread's struct arch_ctx (armv8m_cur
 * names it while it runs) and calls the core on the main stack (core/hal.h): an svc whose number
 * is Call or ReplyRecv goes straight to the fast path's entry, any other svc to kernel_syscall,
 * everything else to armv8m_trap (ctx.c). The core returns the context to run next; .Lexit writes
 * its frame onto its stack, loads r4-r11 and does an exception return. Nothing lives on the main
 * stack between traps: the hardware stacks a thread's frame on PSP, so the main stack is at its
 * top whenever a thread runs, and every entry starts there (seL4's restore_user_context).
 *
 * hal_idle runs a privileged Thread-mode idle loop the same way, from wherever the core called it:
 * WFI in Handler mode would not wake for an interrupt of the handler's own priority. Its first
 * exception returns from hal_idle through the frame hal_idle left on the main stack.
 *
 * Every exception has the same priority (boot.c), so nothing preempts the kernel: a fault in
 * kernel code escalates to HardFault, which stops the machine with a report. The kernel runs with
 * the MPU off and turns it on (with PRIVDEFENA, for its last few instructions) only to return to
 * a thread: then no user region's permissions ever apply to a kernel access, such as a write to
 * an IPC buffer that the current address space maps read-only.
 *
 * The frame on the thread's stack is user memory. The hardware stacks it with the thread's
 * (unprivileged) rights, so after a clean entry it is the thread's to read; before writing one
 * back, .Lexit checks with TTT that the thread itself could write all 32 bytes, so an SP pointing
 * at kernel memory can never make the kernel overwrite itself (armv8m_bad_stack reports it).
 */
#include <arch.h>

#define MPU_CTRL          0xe000ed94
#define MPU_CTRL_USER     5 /* ENABLE | PRIVDEFENA */
#define TT_RW             0x80000 /* TT result bit 19: read-write for the privilege asked */
#define EXC_RETURN_FROM   0xc /* EXC_RETURN Mode (Thread) | SPSEL (PSP): from a thread or idle */
#define IDLE_STACK        256
#define SYS_CALL          1 /* MICA_SYS_CALL and MICA_SYS_REPLY_RECV (mica/abi.h); ctx.c checks */
#define SYS_REPLY_RECV    2
#define CTX_R7            12 /* r4_11[3]: the syscall number */

/* hal_idle's frame on the main stack: trap, r4-r11, lr.
 * For tools/stackcheck.py: the C a thread's exception runs from the top of the main stack (the
 * hardware stacks the thread's frame on PSP), hal_idle's frame and the C its exceptions run below
 * it, and the 32 bytes the hardware stacks on the main stack when boot enters the kernel through
 * PendSV.
 * stack-calls: mica_svc_handler kernel_syscall kernel_fastpath_call kernel_fastpath_reply_recv
 * stack-calls: mica_exception_handler armv8m_trap
 * stack-usage: hal_idle 40
 * stack-calls: hal_idle armv8m_idle_trap
 * stack-usage: mica_pendsv_handler 32 */
#define IF_TRAP 0

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

    .section .text.hal_user_enter, "ax"
    /* _Noreturn void hal_user_enter(struct arch_ctx *ctx): the main stack from its top, then as a
     * return from a trap. */
    .globl  hal_user_enter
    .type   hal_user_enter, %function
    .thumb_func
hal_user_enter:
    ldr     r1, =boot_stack_top
    mov     sp, r1

    /* r0 = the ctx to run, sp = the top of the main stack. The thread's regions were loaded by
     * vspace_switch; from here on they apply. */
.Lexit:
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
    ldr     r2, =armv8m_cur
    str     r0, [r2]
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

    /* The thread could not write its own frame: it does not run; ctx.c reports the fault and
     * enters the core. */
.Lbad_stack:
    mpu_ctrl r2, r3, 0
    bl      armv8m_bad_stack
    b       .Lexit
    .size   hal_user_enter, . - hal_user_enter

    /* void hal_idle(struct hal_trap *trap): the idle loop runs privileged in Thread mode on a
     * stack of its own, with interrupts enabled; its first exception returns from here. */
    .globl  hal_idle
    .type   hal_idle, %function
    .thumb_func
hal_idle:
    push    {r0, r4-r11, lr}
    movs    r4, #0
    ldr     r0, =armv8m_cur         /* no thread runs */
    str     r4, [r0]
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
     * equal priority), so the frame is the thread's. No C before the core's entry.
     */
    .section .text.mica_svc_handler, "ax"
    .globl  mica_svc_handler
    .type   mica_svc_handler, %function
    .thumb_func
mica_svc_handler:
    ldr     r12, =armv8m_cur
    ldr     r12, [r12]
    mrs     r0, psp
    stm     r12, {r4-r11}
    ldm     r0!, {r4-r11}           /* r0 is now the SP above the frame */
    tst     r11, #XPSR_SPREALIGN
    itt     ne
    addne   r0, #4
    bicne   r11, r11, #XPSR_SPREALIGN
    str     r0, [r12, #ARCH_CTX_SP]
    add     r0, r12, #ARCH_CTX_FRAME
    stm     r0, {r4-r11}
    mpu_ctrl r2, r3, 0
    mov     r0, r12
    ldr     r1, [r12, #CTX_R7]
    cmp     r1, #SYS_CALL
    beq     .Lcall
    cmp     r1, #SYS_REPLY_RECV
    beq     .Lreply_recv
    bl      kernel_syscall
    b       .Lexit
.Lcall:
    bl      kernel_fastpath_call
    b       .Lexit
.Lreply_recv:
    bl      kernel_fastpath_reply_recv
    b       .Lexit
    .size   mica_svc_handler, . - mica_svc_handler

    /*
     * Every other exception. From a thread: save r4-r11 and let armv8m_trap (ctx.c) copy and
     * decode the rest and enter the core (or, for the clock's wrap or a spurious PendSV, return
     * the same thread). From the idle loop: armv8m_idle_trap, and back out of hal_idle. From
     * Handler mode or the main stack: the kernel itself, which is a bug.
     */
    .section .text.mica_exception_handler, "ax"
    .globl  mica_exception_handler
    .type   mica_exception_handler, %function
    .thumb_func
mica_exception_handler:
    and     r12, lr, #EXC_RETURN_FROM
    cmp     r12, #EXC_RETURN_FROM
    bne     armv8m_kernel_exception
    mpu_ctrl r2, r3, 0
    ldr     r12, =armv8m_cur
    ldr     r12, [r12]
    cmp     r12, #0
    beq     .Lfrom_idle
    stm     r12, {r4-r11}
    mov     r0, r12
    mrs     r1, ipsr
    mrs     r2, psp
    bl      armv8m_trap
    b       .Lexit
.Lfrom_idle:
    ldr     r0, [sp, #IF_TRAP]
    mrs     r1, ipsr
    bl      armv8m_idle_trap
    cmp     r0, #0
    beq     .Lidle_enter
    pop     {r0, r4-r11, pc}        /* return from hal_idle */
    .size   mica_exception_handler, . - mica_exception_handler

    /* PendSV: once, to enter the kernel in Handler mode from the reset thread (boot.c), which
     * runs on the main stack; never used after that. */
    .globl  mica_pendsv_handler
    .type   mica_pendsv_handler, %function
    .thumb_func
mica_pendsv_handler:
    tst     lr, #4
    bne     mica_exception_handler
    b       armv8m_boot_handler
    .size   mica_pendsv_handler, . - mica_pendsv_handler

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

    .section .bss.armv8m_cur, "aw", %nobits
    .balign 4
    .globl  armv8m_cur
armv8m_cur:
    .space  4

    .section .bss.idle_stack, "aw", %nobits
    .balign 8
idle_stack:
    .space  IDLE_STACK

    .section .bss.trap_panic_stack, "aw", %nobits
    .balign 8
trap_panic_stack:
    .space  1024
