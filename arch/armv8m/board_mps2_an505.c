/* SPDX-License-Identifier: MIT */
/*
 * The MPS2 AN505 as QEMU 7.2 models it (hw/arm/mps2-tz.c, the SSE-200's hw/arm/armsse.c), in the
 * Secure alias: the SSE-200's TIMER1 keeps the kernel's clock (NVIC line 4); user drivers may map
 * TIMER0 (line 3), the dual timer (line 5) and the APB expansion window after UART0, the console:
 * UART1-4 and the FPGA peripherals, with unused slots up to 0x50210000 that give a BusFault. All
 * clocks run at the 20 MHz system clock.
 */
#include "armv8m.h"

const struct armv8m_board armv8m_board = {
    .clock_timer = 0x50001000,
    .clock_irq = 4,
    .sysclk_hz = 20000000,
    .ndevice = 3,
    .device =
        {
            {0x50000000, 0x1000}, /* TIMER0 */
            {0x50002000, 0x1000}, /* DUALTIMER */
            {0x50201000, 0xf000}, /* UART1-4, FPGA peripherals, unused slots */
        },
};
