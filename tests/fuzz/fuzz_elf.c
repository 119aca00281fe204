/* SPDX-License-Identifier: MIT */
/*
 * The ELF loader's fuzz target: core/elf.c's elf_check and elf_check_pie on the input for every
 * class and machine the kernel builds for, and, when one accepts an image, the promises elf.h
 * makes about it checked here: every segment inside the image and the user range, no two
 * overlapping, the entry in one, a PIE's PT_DYNAMIC inside the image.
 * libFuzzer's input buffer is exactly the input's size, so an over-read is an ASan report.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LO 0x10000u
#define HI ((uint64_t)1 << 38)

static _Noreturn void broken(const char *what, unsigned cls, unsigned machine)
{
    fprintf(stderr, "fuzz_elf: elf_check accepted an image (class %u, machine %u) where %s\n", cls,
            machine, what);
    abort();
}

static void check(const struct elf_info *info, size_t size, unsigned cls, unsigned machine)
{
    bool entry = false;

    if (info->nsegs == 0 || info->nsegs > ELF_MAX_PHDRS)
        broken("the segment count is out of range", cls, machine);
    for (unsigned i = 0; i < info->nsegs; i++) {
        const struct elf_segment *s = &info->segs[i];
        if (s->filesz > s->memsz || s->offset > size || s->filesz > size - s->offset)
            broken("a segment's file bytes are not inside the image", cls, machine);
        if (s->vaddr < LO || s->vaddr > HI || s->memsz > HI - s->vaddr)
            broken("a segment is not inside the user range", cls, machine);
        for (unsigned j = 0; j < i; j++) {
            const struct elf_segment *t = &info->segs[j];
            if (s->memsz && t->memsz && s->vaddr < t->vaddr + t->memsz &&
                t->vaddr < s->vaddr + s->memsz)
                broken("two segments overlap", cls, machine);
        }
        entry |= info->entry >= s->vaddr && info->entry - s->vaddr < s->memsz;
    }
    if (!entry)
        broken("the entry point is in no segment", cls, machine);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* x86_64 (hosted), RISC-V, AArch64, Arm: the machines of the four arches. */
    static const unsigned targets[][2] = {{64, 62}, {64, 243}, {64, 183}, {32, 40}, {32, 243}};
    struct elf_info info;

    for (unsigned i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        if (elf_check(data, size, targets[i][0], targets[i][1], LO, HI, &info) == ELF_OK)
            check(&info, size, targets[i][0], targets[i][1]);
        /* The user library's spawner on MPU boards: position-independent images too, whose
         * PT_DYNAMIC it reads. */
        if (elf_check_pie(data, size, targets[i][0], targets[i][1], LO, HI, &info) == ELF_OK) {
            check(&info, size, targets[i][0], targets[i][1]);
            if (info.dynamic_offset > size || info.dynamic_size > size - info.dynamic_offset)
                broken("PT_DYNAMIC is not inside the image", targets[i][0], targets[i][1]);
        }
    }
    return 0;
}
