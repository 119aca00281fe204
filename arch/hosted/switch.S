/* SPDX-License-Identifier: MIT */
/*
 * The hosted context switch (System V x86_64 ABI): save the callee-saved registers and the stack
 * pointer of the current context, load another's. Everything else is caller-saved, so a switch
 * is a function call that returns on another stack. No host syscall on this path.
 */
    .text
    .globl hosted_switch
    .type hosted_switch, @function
/* void hosted_switch(void **save_sp, void *new_sp) */
hosted_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size hosted_switch, .-hosted_switch

    .globl hosted_thread_entry
    .type hosted_thread_entry, @function
/* First "return" of a fresh thread: r12 = entry PC, r13 = ARG0 (see ctx.c). */
hosted_thread_entry:
    movq %r12, %rdi
    movq %r13, %rsi
    xorl %ebp, %ebp
    andq $-16, %rsp
    call hosted_thread_start
    ud2
    .size hosted_thread_entry, .-hosted_thread_entry

    .section .note.GNU-stack, "", @progbits
