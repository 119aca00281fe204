/* SPDX-License-Identifier: MIT */
/*
 * NS16550-compatible UART (QEMU virt riscv64), transmit only, byte-wide registers (reg-shift 0).
 * The firmware (OpenSBI) has already set the line format and baud rate; we only poll and send.
 */
#include <stdint.h>

#include "compiler.h"
#include "uart.h"

#define THR      0x0  /* transmit holding register */
#define LSR      0x5  /* line status register */
#define LSR_THRE 0x20 /* THR empty: room for one more byte */

static volatile uint8_t *regs;

BOOT_CODE void uart_init(void *base)
{
    regs = base;
}

void uart_putc(char c)
{
    if (!regs)
        return;
    while (!(regs[LSR] & LSR_THRE))
        ;
    regs[THR] = (uint8_t)c;
}
