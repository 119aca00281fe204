/* SPDX-License-Identifier: MIT */
/*
 * AArch64 root-task start. The kernel enters _start in EL0 with x0 = the boot-info address,
 * TPIDR_EL0 = the IPC buffer address (hal_ctx_set_ipc_buffer) and sp = the stack it mapped, if any;
 * without one (sp = 0) we use our own, in .bss. mica_main's return value goes to
 * MICA_SYS_DEBUG_HALT, which stops the machine with it as the exit status.
 */
#define CRT0_STACK_SIZE     16384
#define SYS_DEBUG_HALT      34 /* MICA_SYS_DEBUG_HALT in include/mica/abi.h (user/lib/abi_check.c) */

    .section .text.start, "ax"
    .globl _start
_start:
    mov     x9, sp
    cbnz    x9, 1f
    adrp    x9, crt0_stack_top
    add     x9, x9, :lo12:crt0_stack_top
    mov     sp, x9
1:  bl      mica_main
    mov     x7, #SYS_DEBUG_HALT
    svc     #0
    /* Without CONFIG_DEBUG_SYSCALLS the halt is an unknown syscall: there is nothing left to do. */
2:  b       2b

    .section .bss.crt0_stack, "aw", %nobits
    .balign 16
    .space  CRT0_STACK_SIZE
crt0_stack_top:
