/* SPDX-License-Identifier: MIT */
/*
 * mica_clock on riscv64: instructions retired, read from U-mode with rdinstret (the kernel sets
 * scounteren.IR). Under QEMU -icount shift=0 it counts exactly one per instruction, in every mode.
 */
#include <mica/user.h>

const char mica_clock_unit[] = "instr";

uint64_t mica_clock(void)
{
    uint64_t n;

    __asm__ volatile("rdinstret %0" : "=r"(n));
    return n;
}
