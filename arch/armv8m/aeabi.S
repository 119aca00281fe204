/* SPDX-License-Identifier: MIT */
/*
 * __aeabi_uldivmod (Run-time ABI for the Arm Architecture, 4.2): numerator in r0:r1, denominator
 * in r2:r3; returns the quotient in r0:r1 and the remainder in r2:r3, which no C function can
 * do, so this wraps armv8m_udivmod64() in aeabi.c and loads the remainder it stored.
 */
    .syntax unified
    .thumb

    .section .text.__aeabi_uldivmod, "ax"
    .globl  __aeabi_uldivmod
    .type   __aeabi_uldivmod, %function
    .thumb_func
__aeabi_uldivmod:
    push    {r4, lr}
    sub     sp, sp, #16         /* [sp] = 5th argument (&rem), [sp + 8] = rem; 8-byte aligned */
    add     r4, sp, #8
    str     r4, [sp]
    bl      armv8m_udivmod64
    ldrd    r2, r3, [sp, #8]
    add     sp, sp, #16
    pop     {r4, pc}
    .size   __aeabi_uldivmod, . - __aeabi_uldivmod
