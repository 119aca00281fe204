/* SPDX-License-Identifier: MIT */
/*
 * The MPS2 AN505 as QEMU 7.2 models it (hw/arm/mps2-tz.c, the SSE-200's hw/arm/armsse.c), in the
 * Secure alias: the SSE-200's TIMER1 keeps the kernel's clock (NVIC line 4) and TIMER0 its
 * deadlines (line 3), both at the 20 MHz system clock. The firmware's vector table must give both
 * lines to Mica (armv8m_vectors_take). The devices user drivers may map, and the peripheral
 * protection that lets unprivileged code reach them, are the firmware's (arch/armv8m/board.c for
 * the board's own images).
 */
#include "armv8m.h"

const struct armv8m_board armv8m_board = {
    .clock_timer = 0x50001000, /* TIMER1 */
    .clock_irq = 4,
    .timer = 0x50000000, /* TIMER0 */
    .timer_irq = 3,
    .sysclk_hz = 20000000,
};
