/* SPDX-License-Identifier: MIT */
/*
 * RV64 system calls for the user runtime (<mica/user.h>): ecall with the ABI's ARG0..ARG7 in
 * a0..a7 both ways (include/mica/abi.h); the kernel preserves every other register. The IPC
 * buffer's address lives in tp, where the kernel puts it (arch/riscv64 hal_ctx_set_ipc_buffer).
 */
#define MICA_REGS_SIZE 64 /* struct mica_regs: 8 words */

    .section .text.mica_syscall, "ax"
    /* mica_error_t mica_syscall(struct mica_regs *regs): regs->r[0..7] in and out. */
    .globl mica_syscall
mica_syscall:
    mv      t0, a0
    ld      a0, 0(t0)
    ld      a1, 8(t0)
    ld      a2, 16(t0)
    ld      a3, 24(t0)
    ld      a4, 32(t0)
    ld      a5, 40(t0)
    ld      a6, 48(t0)
    ld      a7, 56(t0)
    ecall
    sd      a0, 0(t0)
    sd      a1, 8(t0)
    sd      a2, 16(t0)
    sd      a3, 24(t0)
    sd      a4, 32(t0)
    sd      a5, 40(t0)
    sd      a6, 48(t0)
    sd      a7, 56(t0)
    mv      a0, a7
    ret

    .section .text.mica_ipc_buffer, "ax"
    /* struct mica_ipc_buffer *mica_ipc_buffer(void) */
    .globl mica_ipc_buffer
mica_ipc_buffer:
    mv      a0, tp
    ret
