/* SPDX-License-Identifier: MIT */
/*
 * mica_clock on aarch64: the PMU cycle counter PMCCNTR_EL0, read from EL0 (the kernel sets
 * PMUSERENR_EL0.CR and starts it). Under QEMU -icount shift=0 it counts exactly one per
 * instruction, at every exception level.
 */
#include <mica/user.h>

const char mica_clock_unit[] = "instr";

uint64_t mica_clock(void)
{
    uint64_t n;

    __asm__ volatile("mrs %0, pmccntr_el0" : "=r"(n));
    return n;
}
