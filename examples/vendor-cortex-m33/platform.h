/* SPDX-License-Identifier: MIT */
/*
 * The example vendor's MPS2 AN505 (Cortex-M33, QEMU 7.2), in the Secure alias, where everything
 * runs (the SAU stays off): where the firmware keeps what, as the firmware and its root task both
 * need to know it. Addresses are physical (there is no MMU).
 *
 *   0x10000000  SSRAM1 (code memory, 4 MiB): the vector table (VTOR_S points here at reset), the
 *               firmware (vendor.ld), then Mica (INCLUDE mica.ld)
 *   0x10080000  the root task slot: QEMU's loader puts an ELF there, and it runs in place (the
 *               SDK's user.ld links root tasks' code to this address)
 *   0x30000000  SSE-200 SRAM: canary page B (in no range Mica is told about)
 *   0x38000000  SSRAM2 and SSRAM3: the RAM given to Mica (root tasks' data is linked at its start)
 *   0x38100000  canary page A, reserved inside that RAM
 *   0x50002000  the CMSDK dual timer (NVIC line 5): given to user space as a device range, its
 *               interrupt the firmware's (the root task's doorbell)
 *   0x50200000  UART0, the firmware's (Mica's console goes through the firmware)
 */
#ifndef VENDOR_PLATFORM_H
#define VENDOR_PLATFORM_H

#define VENDOR_CODE       0x10000000ul
#define VENDOR_ROOT_SLOT  0x10080000ul
#define VENDOR_ROOT_MAX   0x80000ul
#define VENDOR_CANARY_B   0x30000000ul
#define VENDOR_RAM        0x38000000ul
#define VENDOR_RAM_SIZE   0x400000ul
#define VENDOR_CANARY_A   0x38100000ul
#define VENDOR_DUAL       0x50002000ul
#define VENDOR_DUAL_IRQ   5
#define VENDOR_MICA_IRQ   40 /* one of the lines the vector table gives Mica (startup.c) */
#define VENDOR_UART       0x50200000ul
#define VENDOR_PAGE       4096ul
#define VENDOR_NVIC_LINES 96 /* the AN505's external interrupts (QEMU 7.2) */

/* Timer 2 of the dual timer (Arm CMSDK TRM): the root task arms it once, one-shot, and the
 * firmware's handler acknowledges it and stops it, which the root task waits for. */
#define DUAL_T2_LOAD    (0x20 / 4)
#define DUAL_T2_CONTROL (0x28 / 4)
#define DUAL_T2_INTCLR  (0x2c / 4)
#define DUAL_ENABLE     0x80u
#define DUAL_ONESHOT    0xa3u /* enable, interrupt, 32-bit, one-shot */

/* What the canary pages hold, word after word: never a pattern Retype's zeroing could leave. */
#define VENDOR_CANARY 0x43414e41u /* "CANA" */

#endif
