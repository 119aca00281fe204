/* SPDX-License-Identifier: MIT */
/*
 * Stopping a RV64 QEMU virt machine with an exit status, through the sifive_test device: writing
 * 0x5555 exits with status 0, (code << 16) | 0x3333 with status code. SBI system reset would
 * always exit with 0, whatever the reason.
 */
#include <stdint.h>

#include "hal.h"

#define SIFIVE_TEST      0x100000
#define SIFIVE_TEST_PASS 0x5555
#define SIFIVE_TEST_FAIL 0x3333

_Noreturn void hal_halt(int status)
{
    volatile uint32_t *test = (volatile uint32_t *)SIFIVE_TEST;

    *test = status == 0 ? SIFIVE_TEST_PASS : ((uint32_t)status << 16) | SIFIVE_TEST_FAIL;
    for (;;)
        __asm__ volatile("wfi");
}
