/* SPDX-License-Identifier: MIT */
/* The root task's ELF inside the firmware image, where firmware.c finds it. */
    .section .rodata.root, "a"
    .balign 8
    .globl root_start, root_end
root_start:
    .incbin "root.elf"
root_end:
