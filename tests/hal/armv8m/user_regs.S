/* SPDX-License-Identifier: MIT */
/*
 * The armv8m HAL self-test's probes that need every register (user_test.c): registers kept across
 * a fault, and a trap taken with SP pointing at kernel memory. The numbers repeat hal_test.h's
 * (T_EXPECT 103, TEST_REGS_KEPT, TEST_SP_KERNEL) and mica/fault.h's; hal_test.c checks them.
 */
#define T_EXPECT            103
#define TEST_SP_KERNEL      19
#define TEST_REGS_KEPT      20
#define MICA_FAULT_MEMORY   1
#define MICA_FAULT_USER_EXC 3
#define MICA_VM_WRITE       2
#define MICA_EXC_ILLEGAL    1

    .syntax unified
    .thumb

    /*
     * bool regs_kept_probe(void): r0-r12, lr and the N Z C V Q flags hold a pattern across an
     * undefined instruction the kernel side resumes after; returns whether they all came back.
     */
    .section .text.regs_kept_probe, "ax"
    .globl  regs_kept_probe
    .type   regs_kept_probe, %function
    .thumb_func
regs_kept_probe:
    push    {r4-r11, lr}
    movs    r0, #TEST_REGS_KEPT
    movs    r1, #MICA_FAULT_USER_EXC
    movs    r2, #0
    movs    r3, #MICA_EXC_ILLEGAL
    movw    r4, #:lower16:1f        /* not adr: the function may be only 2-byte aligned */
    movt    r4, #:upper16:1f
    movs    r5, #0
    movs    r6, #0
    movs    r7, #T_EXPECT
    svc     #0
    ldr     r0, =0xf8000000         /* N Z C V Q */
    msr     apsr_nzcvq, r0
    movw    r0, #0x100
    movw    r1, #0x101
    movw    r2, #0x102
    movw    r3, #0x103
    movw    r4, #0x104
    movw    r5, #0x105
    movw    r6, #0x106
    movw    r7, #0x107
    movw    r8, #0x108
    movw    r9, #0x109
    movw    r10, #0x10a
    movw    r11, #0x10b
    movw    r12, #0x10c
    movw    lr, #0x10e
    udf     #1
1:  push    {r0-r12, lr}            /* does not touch the flags */
    mrs     r0, apsr
    and     r0, r0, #0xf8000000
    cmp     r0, #0xf8000000
    bne     3f
    movs    r1, #0                  /* saved word index */
    movw    r2, #0x100              /* expected value */
2:  ldr     r3, [sp, r1, lsl #2]
    cmp     r1, #13
    it      eq
    addeq   r2, r2, #1              /* lr is 0x10e: 0x10d is sp's, which is not in the list */
    cmp     r3, r2
    bne     3f
    adds    r1, #1
    adds    r2, #1
    cmp     r1, #14
    blo     2b
    movs    r0, #1
    b       4f
3:  movs    r0, #0
4:  add     sp, sp, #56
    pop     {r4-r11, pc}
    .size   regs_kept_probe, . - regs_kept_probe

    /*
     * void sp_kernel_probe(mica_word_t sp): trap with SP = sp, an address in kernel data. The
     * hardware cannot stack the frame there, and the kernel must not either: the fault comes
     * twice (once for the svc, once for resuming with the same SP), then the kernel side resumes
     * at 1 with the SP saved in r6.
     */
    .section .text.sp_kernel_probe, "ax"
    .globl  sp_kernel_probe
    .type   sp_kernel_probe, %function
    .thumb_func
sp_kernel_probe:
    push    {r4-r11, lr}
    mov     r8, r0
    bic     r2, r0, #7
    subs    r2, #32                 /* where the frame would go */
    movs    r0, #TEST_SP_KERNEL
    movs    r1, #MICA_FAULT_MEMORY
    movs    r3, #MICA_VM_WRITE
    movw    r4, #:lower16:1f        /* not adr: the function may be only 2-byte aligned */
    movt    r4, #:upper16:1f
    mov     r5, sp
    movs    r6, #2
    movs    r7, #T_EXPECT
    svc     #0
    mov     sp, r8
    svc     #0
1:  pop     {r4-r11, pc}
    .size   sp_kernel_probe, . - sp_kernel_probe
