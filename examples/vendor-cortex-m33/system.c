/* SPDX-License-Identifier: MIT */
/*
 * The vendor's SystemInit, as CMSIS's system_<device>.c has it: the board setup that must come
 * before anything else runs. On the AN505 (QEMU models no clock tree: everything runs at the
 * 20 MHz system clock) that is the SSE-200's peripheral protection: unprivileged Secure accesses
 * to a peripheral read zero and are ignored unless the Secure Privilege Control block allows them
 * (Arm CoreLink SSE-200 TRM, APBSPPPC0). The root task drives the dual timer unprivileged, so the
 * firmware allows that one peripheral and no other.
 */
#include <stdint.h>

#define SPCTRL_APBSPPPC0 (*(volatile uint32_t *)0x500800b0u)
#define PPC0_DUALTIMER   (1u << 2)

/* Initialised data, not .bss: SystemInit runs before the C runtime clears .bss. */
uint32_t SystemCoreClock = 20000000;

void SystemInit(void);

void SystemInit(void)
{
    SPCTRL_APBSPPPC0 = PPC0_DUALTIMER;
}
