/* SPDX-License-Identifier: MIT */
/*
 * The firmware of the kernel's own board image (mica.bin and the test images): the smallest
 * AArch64 user of include/mica/kernel.h. The image starts with the arm64 Linux Image header (Linux
 * Documentation/arch/arm64/booting.rst), so that QEMU's -kernel and boot loaders that boot Linux
 * load it at a 2 MiB-aligned address (CONFIG_BOARD_KERNEL_PHYS: board.ld links it there) and
 * enter it with x0 = the devicetree's physical address, the MMU and data cache off, at EL2 or
 * EL1. It describes the platform from the devicetree and its own link (board.ld) and calls
 * mica_start, as vendor firmware does (docs/embedding.md): RAM and CPUs from the devicetree, the
 * image reserved, the root task linked in beside it (core/root_elf.S), the kernel's own UART
 * driver for the console. Built like firmware: the public header only, linked where it runs.
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

/* A stack for board_main only: mica_start takes the CPU over with stacks of its own. */
__attribute__((used)) static char board_stack[1024] __attribute__((aligned(16)));

__attribute__((noreturn)) void board_main(const void *dtb);

/* The header: code0/code1, text_offset (0: load at the 2 MiB-aligned base), image_size (board.ld:
 * up to the end of the kernel's .bss and stacks), flags (little-endian, 4 KiB pages), 3
 * reserved, magic, reserved. */
__asm__(".section .text.board_header, \"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "    b       1f\n"
        "    .word   0\n"
        "    .quad   0\n"
        "    .quad   __image_size\n"
        "    .quad   0x2\n"
        "    .quad   0, 0, 0\n"
        "    .ascii  \"ARM\\x64\"\n"
        "    .word   0\n"
        "1:  adrp    x1, board_stack + 1024\n"
        "    add     x1, x1, :lo12:board_stack + 1024\n"
        "    mov     sp, x1\n"
        "    b       board_main\n");

void board_main(const void *dtb)
{
    board_reserved[0].base = (uintptr_t)__board_start;
    board_reserved[0].size = (uintptr_t)(__board_end - __board_start);
    board.devicetree = dtb;
    board.root_image = root_elf_start;
    board.root_image_size = (uint64_t)(root_elf_end - root_elf_start);
    mica_start(&board);
}
