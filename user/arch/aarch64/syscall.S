/* SPDX-License-Identifier: MIT */
/*
 * AArch64 system calls for the user runtime (<mica/user.h>): svc #0 with the ABI's ARG0..ARG7 in
 * x0..x7 both ways (include/mica/abi.h); the kernel preserves every other register. The IPC
 * buffer's address lives in TPIDR_EL0, where the kernel puts it (arch/aarch64
 * hal_ctx_set_ipc_buffer).
 */
    .section .text.mica_syscall, "ax"
    /* mica_error_t mica_syscall(struct mica_regs *regs): regs->r[0..7] in and out. */
    .globl mica_syscall
mica_syscall:
    mov     x9, x0
    ldp     x0, x1, [x9, #0]
    ldp     x2, x3, [x9, #16]
    ldp     x4, x5, [x9, #32]
    ldp     x6, x7, [x9, #48]
    svc     #0
    stp     x0, x1, [x9, #0]
    stp     x2, x3, [x9, #16]
    stp     x4, x5, [x9, #32]
    stp     x6, x7, [x9, #48]
    mov     x0, x7
    ret

    .section .text.mica_ipc_buffer, "ax"
    /* struct mica_ipc_buffer *mica_ipc_buffer(void) */
    .globl mica_ipc_buffer
mica_ipc_buffer:
    mrs     x0, tpidr_el0
    ret
