/* SPDX-License-Identifier: MIT */
/* The root task's ELF inside the firmware image, at the place its code is linked to run from
 * (firmware.ld), where firmware.c finds it. */
    .section .root_elf, "a"
    .globl root_start, root_end
root_start:
    .incbin "root.elf"
root_end:
