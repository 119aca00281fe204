/* SPDX-License-Identifier: MIT */
/*
 * The root task's ELF image inside the kernel image, where the arch's boot code finds it
 * (boot_params.root_elf): the build assembles this file with ROOT_ELF naming the user ELF, built
 * first. Plain data, the same on every arch, in a section of its own so that `ninja size` tells it
 * from the kernel's.
 */
    .section .root_elf, "a"
    .balign 8
    .globl root_elf_start, root_elf_end
root_elf_start:
    .incbin ROOT_ELF
root_elf_end:
