/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M root-task start. The kernel enters _start unprivileged in Thread mode with r0 = the
 * boot-info address, r9 = the IPC buffer address (hal_ctx_set_ipc_buffer) and sp = the stack it
 * mapped, if any; without one (sp = 0) we use our own, in .bss. mica_main's return value goes to
 * MICA_SYS_DEBUG_HALT, which stops the machine with it as the exit status.
 */
#define CRT0_STACK_SIZE 16384
#define SYS_DEBUG_HALT  34 /* MICA_SYS_DEBUG_HALT in include/mica/abi.h (abi_check.c checks) */

    .syntax unified
    .thumb

    .section .text.start, "ax"
    .globl  _start
    .type   _start, %function
    .thumb_func
_start:
    mov     r1, sp
    cbnz    r1, 1f
    ldr     r1, =crt0_stack + CRT0_STACK_SIZE
    mov     sp, r1
1:  bl      mica_main
    movs    r7, #SYS_DEBUG_HALT
    svc     #0
    /* Without CONFIG_DEBUG_SYSCALLS the halt is an unknown syscall: there is nothing left to do. */
2:  b       2b
    .size   _start, . - _start

    .section .bss.crt0_stack, "aw", %nobits
    .balign 8
crt0_stack:
    .space  CRT0_STACK_SIZE
