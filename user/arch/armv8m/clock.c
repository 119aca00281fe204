/* SPDX-License-Identifier: MIT */
/*
 * mica_clock on Armv8-M. The architecture's cycle counter (DWT CYCCNT) is not implemented on
 * QEMU's Cortex-M33, and SysTick is privileged, so the clock is a 32-bit down counter in a device
 * frame the program mapped and started itself (tests/bench: a CMSDK timer at the 20 MHz system
 * clock), named by mica_clock_counter. Under QEMU -icount shift=0 a virtual nanosecond is one
 * instruction, so one tick is 50 instructions: mica_clock counts instructions in steps of 50, and
 * averaging over many operations gives the fractions.
 */
#include <mica/user.h>

#define INSTR_PER_TICK 50 /* 1 GHz of -icount shift=0 over a 20 MHz timer */

const char mica_clock_unit[] = "instr";
volatile const uint32_t *mica_clock_counter;

uint64_t mica_clock(void)
{
    static uint32_t last, wraps;
    uint32_t v;

    if (!mica_clock_counter)
        return 0;
    v = ~*mica_clock_counter; /* counts down */
    if (v < last)
        wraps++;
    last = v;
    return (((uint64_t)wraps << 32) | v) * INSTR_PER_TICK;
}
