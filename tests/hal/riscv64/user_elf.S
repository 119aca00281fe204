/* SPDX-License-Identifier: MIT */
/* The self-test's U-mode program (haltest-user.elf, built first) inside the kernel image. */
    .section .rodata.haltest_user_elf, "a"
    .balign 8
    .globl haltest_user_elf, haltest_user_elf_end
haltest_user_elf:
    .incbin "haltest-user.elf"
haltest_user_elf_end:
