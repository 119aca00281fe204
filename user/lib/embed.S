/* SPDX-License-Identifier: MIT */
/*
 * A file as read-only data of a user program: the build assembles this with EMBED_FILE naming the
 * file and EMBED_NAME the symbol prefix (NAME_start, NAME_end). Page-aligned, so that its pages
 * can be mapped into another address space on their own. Plain data, the same on every arch.
 */
#define CAT(a, b) a##b
#define SYM(a, b) CAT(a, b)

    .section .rodata.embed, "a"
    .balign 4096
    .globl SYM(EMBED_NAME, _start), SYM(EMBED_NAME, _end)
SYM(EMBED_NAME, _start):
    .incbin EMBED_FILE
SYM(EMBED_NAME, _end):
    .balign 4096
