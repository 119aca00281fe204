/* SPDX-License-Identifier: MIT */
/*
 * RV64 root-task start. The kernel enters _start in U-mode with a0 = the boot-info address, tp =
 * the IPC buffer address (hal_ctx_set_ipc_buffer) and sp = the stack it mapped, if any; without
 * one (sp = 0) we use our own, in .bss. mica_main's return value goes to MICA_SYS_DEBUG_HALT,
 * which stops the machine with it as the exit status.
 */
#define CRT0_STACK_SIZE     16384
#define SYS_DEBUG_HALT      34 /* MICA_SYS_DEBUG_HALT in include/mica/abi.h (syscall.S checks) */

    .section .text.start, "ax"
    .globl _start
_start:
    bnez    sp, 1f
    la      sp, crt0_stack + CRT0_STACK_SIZE
1:  call    mica_main
    li      a7, SYS_DEBUG_HALT
    ecall
    /* Without CONFIG_DEBUG_SYSCALLS the halt is an unknown syscall: there is nothing left to do. */
2:  j       2b

    .section .bss.crt0_stack, "aw", @nobits
    .balign 16
crt0_stack:
    .space  CRT0_STACK_SIZE
