/* SPDX-License-Identifier: MIT */
/*
 * The firmware of the kernel's own AN505 images (mica.elf, test.elf, bench.elf, haltest.elf): the
 * smallest Armv8-M user of include/mica/kernel.h. The core resets in Secure state and takes its
 * stack pointer and reset vector from the table at VTOR_S (CONFIG_BOARD_CODE_BASE), which board.ld
 * puts first. That table is the one Mica runs with: every exception and line is Mica's. The reset
 * handler lets unprivileged code reach the peripherals user drivers get (the board's own setup,
 * a vendor's SystemInit), describes the platform (RAM from Kconfig: there is no devicetree; the
 * root task linked in at the place it runs from, board.ld) and calls mica_start. Kept out of
 * libmica.a, as a vendor's startup code is.
 */
#include <mica/kernel.h>

/*
 * The SSE-200's peripheral protection controllers turn unprivileged Secure accesses into reads of
 * zero and ignored writes unless the Secure Privilege Control block allows them per peripheral
 * (Arm CoreLink SSE-200 TRM, APBSPPPC0 and APBSPPPCEXP1): allow exactly the devices below, the dual
 * timer (not the kernel's timers), and every port of the expansion PPC (QEMU's hw/arm/mps2-tz.c:
 * ports 0-4 SPI, 5 UART0, 6-9 UART1-4, 10-13 I2C). UART0 is also the kernel's console, which only
 * polls TXFULL and writes DATA: as on QEMU virt a user driver may own its receive side (the demo's
 * UART driver does).
 */
#define SPCTRL_APBSPPPC0    (*(volatile uint32_t *)0x500800b0u)
#define SPCTRL_APBSPPPCEXP1 (*(volatile uint32_t *)0x500800c4u)
#define NVIC_LINES          96 /* the AN505's NVIC as QEMU 7.2 models it (ICTR) */

extern const char root_elf_start[], root_elf_end[]; /* core/root_elf.S, placed by board.ld */

static const struct mica_range board_ram[] = {{CONFIG_BOARD_RAM_BASE, CONFIG_BOARD_RAM_SIZE}};
/* The dual timer (line 5), and UART0-4, the FPGA peripherals and the unused slots up to 0x50210000
 * that give a BusFault: user drivers may map them. */
static const struct mica_range board_devices[] = {{0x50002000, 0x1000}, {0x50200000, 0x10000}};

static char board_stack[1024] __attribute__((aligned(8)));

typedef void (*vector_t)(void);

__attribute__((noreturn)) void board_reset(void);

/* Armv8-M ARM B3.30: SP_main, Reset, the system exceptions 2..15, then the NVIC's lines. A table
 * of 112 words is aligned to 512 bytes (board.ld puts it first). */
static const vector_t board_vectors[16 + NVIC_LINES] __attribute__((section(".vectors"), used)) = {
    [0] = (vector_t)(board_stack + sizeof(board_stack)),
    [1] = board_reset,
    [2 ... 10] = mica_exception_handler,
    [11] = mica_svc_handler,
    [12 ... 13] = mica_exception_handler,
    [14] = mica_pendsv_handler,
    [15 ... 16 + NVIC_LINES - 1] = mica_exception_handler,
};

static struct mica_platform board = {
    .version = MICA_PLATFORM_VERSION,
    .flags = MICA_PLATFORM_OWN_CONSOLE,
    .ram = board_ram,
    .nram = sizeof(board_ram) / sizeof(board_ram[0]),
    .devices = board_devices,
    .ndevices = sizeof(board_devices) / sizeof(board_devices[0]),
    .vectors = board_vectors,
    .nvectors = sizeof(board_vectors) / sizeof(board_vectors[0]),
};

void board_reset(void)
{
    SPCTRL_APBSPPPC0 = 1u << 2;    /* DUALTIMER */
    SPCTRL_APBSPPPCEXP1 = 0x3fffu; /* SPI, UART0-4, I2C */
    board.root_image = root_elf_start;
    board.root_image_size = (uint64_t)(root_elf_end - root_elf_start);
    mica_start(&board);
}
