/* SPDX-License-Identifier: MIT */
/*
 * The firmware of the kernel's own AN505 image: the smallest Armv8-M user of include/mica/kernel.h.
 * The core resets in Secure state and takes its stack pointer and reset vector from the table at
 * VTOR_S (CONFIG_BOARD_CODE_BASE), which board.ld puts first; the reset handler describes the
 * platform (RAM from Kconfig: there is no devicetree) and calls mica_start, which installs the
 * kernel's own vectors. Kept out of libmica.a, as a vendor's startup code is.
 */
#include <mica/kernel.h>

static const struct mica_range board_ram[] = {{CONFIG_BOARD_RAM_BASE, CONFIG_BOARD_RAM_SIZE}};
static const struct mica_platform board = {
    .version = MICA_PLATFORM_VERSION,
    .flags = MICA_PLATFORM_OWN_CONSOLE,
    .ram = board_ram,
    .nram = 1,
};

static char board_stack[1024] __attribute__((aligned(8)));

__attribute__((noreturn)) void board_reset(void);
static void board_fault(void);

/* Armv8-M ARM B3.30: SP_main, Reset, then the system exceptions 2..15; until mica_start moves
 * VTOR, a fault here is the firmware's and just stops. */
__attribute__((section(".vectors"), used)) static void (*const board_vectors[16])(void) = {
    [0] = (void (*)(void))(board_stack + sizeof(board_stack)),
    [1] = board_reset,
    [2 ... 15] = board_fault,
};

static void board_fault(void)
{
    for (;;)
        __asm__ volatile("wfi");
}

void board_reset(void)
{
    mica_start(&board);
}
