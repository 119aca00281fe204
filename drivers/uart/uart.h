/* SPDX-License-Identifier: MIT */
/*
 * The console UART driver interface. Kconfig compiles exactly one driver per board
 * (CONFIG_UART_NS16550, CONFIG_UART_PL011 or CONFIG_UART_CMSDK); the arch's console code calls it.
 */
#ifndef MICA_UART_H
#define MICA_UART_H

#include <arch.h>

/* Use the UART whose registers the kernel reaches at regs (hal_phys_to_virt of its physical base:
 * the same address on arches that run with the MMU off) and make it able to transmit. */
void uart_init(void *regs);

/* Send one byte, polling until the transmitter has room. Dropped before uart_init. */
void uart_putc(char c);

/* drivers/uart/console.c, shared by all boards with a UART console (it also provides
 * hal_console_putc): start the console on the UART that the devicetree's /chosen/stdout-path
 * names, or at CONFIG_UART_BASE when dtb is NULL, CONFIG_FDT is off or the path is unusable. */
void uart_console_init(const void *dtb);

#endif
