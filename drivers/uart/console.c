/* SPDX-License-Identifier: MIT */
/*
 * The kernel console on a UART, for every board that has one: which UART (devicetree or Kconfig)
 * and the newline translation; the board's driver (ns16550.c, pl011.c, cmsdk.c) moves the bytes.
 * The firmware's console callback, when it gave one, takes the bytes instead (core/platform.c);
 * the UART is only used when the firmware asked for it (MICA_PLATFORM_OWN_CONSOLE: uart_init is
 * called, otherwise uart_putc drops).
 */
#include "compiler.h"
#include "hal.h"
#include "platform.h"
#include "uart.h"
#ifdef CONFIG_FDT
#include "fdt.h"
#endif

BOOT_CODE void uart_console_init(const void *dtb)
{
    paddr_t base = CONFIG_UART_BASE;

#ifdef CONFIG_FDT
    paddr_t found;
    if (dtb && fdt_stdout_uart(dtb, &found) == 0)
        base = found;
#else
    (void)dtb;
#endif
    uart_init(hal_phys_to_virt(base));
}

void hal_console_putc(char c)
{
    if (platform_putc(c))
        return;
    /* Terminals expect CR LF; the kernel writes LF. */
    if (c == '\n')
        uart_putc('\r');
    uart_putc(c);
}
