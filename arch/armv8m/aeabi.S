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

/*
 * 64-bit shifts (Run-time ABI for the Arm Architecture, 4.2): value in r0:r1, count in r2 (0..63),
 * result in r0:r1. clang calls them when it optimises for size (-Oz) instead of inlining the
 * six-instruction sequences.
 */
    .section .text.__aeabi_llsl, "ax"
    .globl  __aeabi_llsl
    .type   __aeabi_llsl, %function
    .thumb_func
__aeabi_llsl:
    subs    r3, r2, #32
    bpl     1f
    rsb     r3, r2, #32
    lsls    r1, r1, r2
    lsr     r3, r0, r3
    orrs    r1, r3
    lsls    r0, r0, r2
    bx      lr
1:  lsl     r1, r0, r3
    movs    r0, #0
    bx      lr
    .size   __aeabi_llsl, . - __aeabi_llsl

    .section .text.__aeabi_llsr, "ax"
    .globl  __aeabi_llsr
    .type   __aeabi_llsr, %function
    .thumb_func
__aeabi_llsr:
    subs    r3, r2, #32
    bpl     1f
    rsb     r3, r2, #32
    lsrs    r0, r0, r2
    lsl     r3, r1, r3
    orrs    r0, r3
    lsrs    r1, r1, r2
    bx      lr
1:  lsr     r0, r1, r3
    movs    r1, #0
    bx      lr
    .size   __aeabi_llsr, . - __aeabi_llsr

    .section .text.__aeabi_lasr, "ax"
    .globl  __aeabi_lasr
    .type   __aeabi_lasr, %function
    .thumb_func
__aeabi_lasr:
    subs    r3, r2, #32
    bpl     1f
    rsb     r3, r2, #32
    lsrs    r0, r0, r2
    lsl     r3, r1, r3
    orrs    r0, r3
    asrs    r1, r1, r2
    bx      lr
1:  asr     r0, r1, r3
    asrs    r1, r1, #31
    bx      lr
    .size   __aeabi_lasr, . - __aeabi_lasr
