/* SPDX-License-Identifier: MIT */
/*
 * The MPS2 AN505 as QEMU 7.2 models it (hw/arm/mps2-tz.c, the SSE-200's hw/arm/armsse.c), in the
 * Secure alias: the SSE-200's TIMER1 keeps the kernel's clock (NVIC line 4) and TIMER0 its
 * deadlines (line 3); user drivers may map the dual timer (line 5) and the APB expansion window
 * from UART0 up: UART0-4 and the FPGA peripherals, with unused slots up to 0x50210000 that give a
 * BusFault. UART0 is also the kernel's console, which only polls TXFULL and writes DATA: as on
 * QEMU virt (docs/porting.md, "The console") a user driver may own its receive side (the demo's
 * UART driver does). All clocks run at the 20 MHz system clock.
 *
 * Behind the MPU there is a second gate: the SSE-200's peripheral protection controllers turn
 * unprivileged Secure accesses into reads of zero and ignored writes unless the Secure Privilege
 * Control block allows them per peripheral (Arm CoreLink SSE-200 TRM, APBSPPPC0 and
 * APBSPPPCEXP1). armv8m_board_init allows exactly the peripherals above: the dual timer (not the
 * kernel's timers), and every port of the expansion PPC (QEMU's hw/arm/mps2-tz.c: ports 0-4 SPI,
 * 5 UART0, 6-9 UART1-4, 10-13 I2C).
 */
#include "armv8m.h"

#define SPCTRL_APBSPPPC0    (*(volatile uint32_t *)0x500800b0u)
#define SPCTRL_APBSPPPCEXP1 (*(volatile uint32_t *)0x500800c4u)

const struct armv8m_board armv8m_board = {
    .clock_timer = 0x50001000, /* TIMER1 */
    .clock_irq = 4,
    .timer = 0x50000000, /* TIMER0 */
    .timer_irq = 3,
    .sysclk_hz = 20000000,
    .ndevice = 2,
    .device =
        {
            {0x50002000, 0x1000},  /* DUALTIMER */
            {0x50200000, 0x10000}, /* UART0-4, FPGA peripherals, unused slots */
        },
};

void armv8m_board_init(void)
{
    SPCTRL_APBSPPPC0 = 1u << 2;    /* DUALTIMER */
    SPCTRL_APBSPPPCEXP1 = 0x3fffu; /* SPI, UART0-4, I2C */
}
