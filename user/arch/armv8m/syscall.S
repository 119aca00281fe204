/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M system calls for the user runtime (<mica/user.h>): svc with the ABI's ARG0..ARG7 in
 * r0..r7 both ways (include/mica/abi.h); the kernel preserves every other register. The IPC
 * buffer's address lives in r9, where the kernel puts it (arch/armv8m hal_ctx_set_ipc_buffer);
 * user code is built with -ffixed-r9 so that the compiler leaves it alone.
 */
    .syntax unified
    .thumb

    .section .text.mica_syscall, "ax"
    /* mica_error_t mica_syscall(struct mica_regs *regs): regs->r[0..7] in and out. */
    .globl  mica_syscall
    .type   mica_syscall, %function
    .thumb_func
mica_syscall:
    push    {r0, r4-r7, lr}
    ldm     r0, {r0-r7}
    svc     #0
    ldr     lr, [sp]
    stm     lr, {r0-r7}
    mov     r0, r7
    pop     {r1, r4-r7, pc}
    .size   mica_syscall, . - mica_syscall

    .section .text.mica_ipc_buffer, "ax"
    /* struct mica_ipc_buffer *mica_ipc_buffer(void) */
    .globl  mica_ipc_buffer
    .type   mica_ipc_buffer, %function
    .thumb_func
mica_ipc_buffer:
    mov     r0, r9
    bx      lr
    .size   mica_ipc_buffer, . - mica_ipc_buffer
