/* SPDX-License-Identifier: MIT */
/*
 * Arm CMSDK APB UART (MPS2 boards), transmit only. Out of reset the transmitter is disabled and
 * a write to DATA would leave STATE.TXFULL set forever, so uart_init enables it (CTRL.TXEN) and
 * sets the smallest legal baud divider, 16 (CMSDK TRM, "UART").
 */
#include <stdint.h>

#include "compiler.h"
#include "uart.h"

#define DATA         0x00
#define STATE        0x04
#define CTRL         0x08
#define BAUDDIV      0x10
#define STATE_TXFULL 0x1
#define CTRL_TXEN    0x1

static volatile uint32_t *regs;

BOOT_CODE void uart_init(void *base)
{
    regs = base;
    regs[BAUDDIV / 4] = 16;
    regs[CTRL / 4] |= CTRL_TXEN;
}

void uart_putc(char c)
{
    if (!regs)
        return;
    while (regs[STATE / 4] & STATE_TXFULL)
        ;
    regs[DATA / 4] = (uint8_t)c;
}
