/* SPDX-License-Identifier: MIT */
/*
 * Stopping a RV64 machine with an exit status: the firmware's halt callback if it gave one, else
 * the sifive_test device that the devicetree names ("sifive,test0") unless it is the firmware's:
 * writing 0x5555 exits QEMU with status 0, (code << 16) | 0x3333 with status code. Without one,
 * SBI system reset, which cannot carry the status (QEMU exits with 0).
 */
#include "platform.h"
#include "riscv.h"

#define SIFIVE_TEST_PASS 0x5555
#define SIFIVE_TEST_FAIL 0x3333

static volatile uint32_t *sifive_test;

void riscv_halt_init(paddr_t test_base)
{
    sifive_test = hal_phys_to_virt(test_base);
}

_Noreturn void hal_halt(int status)
{
    platform_halt(status);
    if (sifive_test)
        *sifive_test = status == 0 ? SIFIVE_TEST_PASS : ((uint32_t)status << 16) | SIFIVE_TEST_FAIL;
    sbi_call(SBI_EXT_SRST, SBI_SRST_SHUTDOWN, status ? SBI_SRST_SYSTEM_FAIL : SBI_SRST_NO_REASON, 0,
             0);
    for (;;)
        __asm__ volatile("wfi");
}
