/* SPDX-License-Identifier: MIT */
/*
 * Arm PL011 UART (QEMU virt aarch64), transmit only. Firmware or QEMU has enabled it (UARTCR
 * UARTEN|TXE); we poll the flag register and write the data register (PL011 TRM, 3.3).
 */
#include <stdint.h>

#include "compiler.h"
#include "uart.h"

#define DR      0x00 /* data register */
#define FR      0x18 /* flag register */
#define FR_TXFF 0x20 /* transmit FIFO full */

static volatile uint32_t *regs;

BOOT_CODE void uart_init(void *base)
{
    regs = base;
}

void uart_putc(char c)
{
    if (!regs)
        return;
    while (regs[FR / 4] & FR_TXFF)
        ;
    regs[DR / 4] = (uint8_t)c;
}
