/* SPDX-License-Identifier: MIT */
/*
 * Stopping an Armv8-M QEMU machine with an exit status: the firmware's halt callback if it gave
 * one, else semihosting SYS_EXIT_EXTENDED (Arm semihosting spec 2.0, 6.6): r0 = 0x20, r1 points
 * at {ADP_Stopped_ApplicationExit, code}, then bkpt 0xab. QEMU must run with -semihosting-config
 * enable=on (otherwise bkpt locks up the core and QEMU aborts).
 */
#include <stdint.h>

#include "hal.h"
#include "platform.h"

#define SYS_EXIT_EXTENDED           0x20
#define ADP_STOPPED_APPLICATIONEXIT 0x20026

_Noreturn void hal_halt(int status)
{
    platform_halt(status);
    uint32_t block[2] = {ADP_STOPPED_APPLICATIONEXIT, (uint32_t)status};
    register uint32_t r0 __asm__("r0") = SYS_EXIT_EXTENDED;
    register uint32_t *r1 __asm__("r1") = block;

    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    for (;;)
        __asm__ volatile("wfi");
}
