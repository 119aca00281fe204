/* SPDX-License-Identifier: MIT */
/*
 * Stopping an AArch64 QEMU machine with an exit status, through semihosting SYS_EXIT (Arm
 * semihosting spec 2.0, 6.5): x0 = 0x18, x1 points at {ADP_Stopped_ApplicationExit, code}, then
 * hlt #0xf000. QEMU must run with -semihosting-config enable=on; PSCI SYSTEM_OFF would always
 * exit with 0.
 */
#include <stdint.h>

#include "hal.h"

#define SYS_EXIT                    0x18
#define ADP_STOPPED_APPLICATIONEXIT 0x20026

_Noreturn void hal_halt(int status)
{
    uint64_t block[2] = {ADP_STOPPED_APPLICATIONEXIT, (uint64_t)(int64_t)status};
    register uint64_t x0 __asm__("x0") = SYS_EXIT;
    register uint64_t *x1 __asm__("x1") = block;

    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    /* Semihosting is off: hlt traps (early_vectors) or, if it returns, wait forever. */
    for (;;)
        __asm__ volatile("wfi");
}
