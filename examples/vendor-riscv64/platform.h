/* SPDX-License-Identifier: MIT */
/*
 * The example vendor's QEMU virt board (RISC-V 64, -m 256M): where the firmware keeps what, as
 * the firmware and its root tasks both need to know it. Physical addresses.
 *
 *   0x00100000  sifive_test (the firmware's: it ends QEMU)
 *   0x02000000  CLINT: msip (the doorbell, given to user space), mtimecmp and mtime (firmware's)
 *   0x10000000  ns16550 UART (the firmware's: Mica's console goes through the firmware)
 *   0x80000000  the firmware itself (vendor.ld), then Mica (INCLUDE mica.ld), in RAM range A
 *   0x82000000  canary page A, reserved inside RAM range A
 *   0x84000000  canary page B, in the hole between RAM ranges A and B (not Mica's at all)
 *   0x84010000  the root task slot, in the hole (QEMU's loader puts an ELF there)
 *   0x84100000  RAM range B, up to the devicetree QEMU put near the top of RAM
 */
#ifndef VENDOR_PLATFORM_H
#define VENDOR_PLATFORM_H

#define VENDOR_TEST      0x100000ul
#define VENDOR_CLINT     0x2000000ul
#define VENDOR_DOORBELL  VENDOR_CLINT /* msip of hart 0: a write of 1 interrupts the firmware */
#define VENDOR_MTIMECMP  (VENDOR_CLINT + 0x4000)
#define VENDOR_MTIME     (VENDOR_CLINT + 0xbff8)
#define VENDOR_UART      0x10000000ul
#define VENDOR_RAM_A     0x80000000ul
#define VENDOR_RAM_A_END 0x84000000ul
#define VENDOR_CANARY_A  0x82000000ul
#define VENDOR_CANARY_B  0x84000000ul
#define VENDOR_ROOT_SLOT 0x84010000ul
#define VENDOR_ROOT_MAX  0xf0000ul
#define VENDOR_RAM_B     0x84100000ul
#define VENDOR_RAM_END   0x90000000ul
#define VENDOR_PAGE      4096ul

/* What the canary pages hold, word after word: never a pattern Retype's zeroing could leave. */
#define VENDOR_CANARY 0x43414e4152592121ul /* "CANARY!!" */

#endif
