/* SPDX-License-Identifier: MIT */
/*
 * The firmware of the kernel's own board image (mica.elf, test.elf, bench.elf, haltest.elf): the
 * smallest user of include/mica/kernel.h. OpenSBI's fw_dynamic enters _start at its physical
 * address in S-mode with a0 = hart id, a1 = the devicetree. It describes the platform from the
 * devicetree and its own link (board.ld) and calls mica_start, as vendor firmware does
 * (docs/embedding.md): RAM and CPUs from the devicetree, the image reserved, the root task linked
 * in beside it (core/root_elf.S), and the kernel's own UART driver for the console. Built like
 * firmware: the public header only, no kernel options, linked at its physical address.
 */
#include <mica/kernel.h>

extern char __board_start[], __board_end[];         /* board.ld: this file and the root task */
extern const char root_elf_start[], root_elf_end[]; /* core/root_elf.S */

/* Static and initialised, so that nothing here needs zeroed memory or a memset. */
static struct mica_range board_reserved[] = {{0, 0}};
static struct mica_platform board = {
    .version = MICA_PLATFORM_VERSION,
    .flags = MICA_PLATFORM_OWN_CONSOLE,
    .reserved = board_reserved,
    .nreserved = 1,
};

/* A stack for board_main only: mica_start takes the hart over with stacks of its own. */
__attribute__((used)) static char board_stack[1024] __attribute__((aligned(16)));

__attribute__((noreturn)) void board_main(unsigned long hartid, const void *dtb);

__asm__(".section .text.board_start, \"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "    lla     sp, board_stack + 1024\n"
        "    j       board_main\n");

void board_main(unsigned long hartid, const void *dtb)
{
    board_reserved[0].base = (uintptr_t)__board_start;
    board_reserved[0].size = (uintptr_t)(__board_end - __board_start);
    board.devicetree = dtb;
    board.root_image = root_elf_start;
    board.root_image_size = (uint64_t)(root_elf_end - root_elf_start);
    board.boot_cpu_id = hartid;
    mica_start(&board);
}
