/* SPDX-License-Identifier: MIT */
/*
 * ELF executable validation (System V ABI, "Object Files" chapter; ELF32 and ELF64, little
 * endian). Everything the header claims is checked against the image size with overflow-safe
 * arithmetic before it is used, so a malformed image is rejected rather than trusted. The kernel
 * loads fixed-address executables only (elf_check); elf_check_pie also takes position-independent
 * ones for the user-side process spawner, which relocates them (user/lib/process.c).
 */
#include <stdbool.h>
#include <string.h>

#include "elf.h"

#define EI_NIDENT   16
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define ET_DYN      3
#define PT_LOAD     1
#define PT_DYNAMIC  2

/* Little-endian field readers: the image may be unaligned. */
static uint64_t rd(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

struct layout {
    unsigned ehsize, phentsize;
    unsigned entry, phoff, phentsize_at, phnum_at, word;
    /* program header field offsets */
    unsigned p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz;
};

static const struct layout elf32 = {52, 32, 24, 28, 42, 44, 4, 0, 24, 4, 8, 12, 16, 20};
static const struct layout elf64 = {64, 56, 24, 32, 54, 56, 8, 0, 4, 8, 16, 24, 32, 40};

static enum elf_error check_segment(const uint8_t *ph, const struct layout *l, size_t size,
                                    uint64_t lo, uint64_t hi, struct elf_segment *s)
{
    s->offset = rd(ph + l->p_offset, l->word);
    s->vaddr = rd(ph + l->p_vaddr, l->word);
    s->paddr = rd(ph + l->p_paddr, l->word);
    s->filesz = rd(ph + l->p_filesz, l->word);
    s->memsz = rd(ph + l->p_memsz, l->word);
    s->flags = (uint32_t)rd(ph + l->p_flags, 4);
    if (s->filesz > s->memsz)
        return ELF_ERR_SEGMENT;
    if (s->offset + s->filesz < s->offset || s->vaddr + s->memsz < s->vaddr)
        return ELF_ERR_SEGMENT;
    if (s->offset + s->filesz > size)
        return ELF_ERR_TRUNCATED;
    if (s->vaddr < lo || s->vaddr + s->memsz > hi)
        return ELF_ERR_RANGE;
    return ELF_OK;
}

static bool overlaps(const struct elf_segment *a, const struct elf_segment *b)
{
    return a->memsz && b->memsz && a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz;
}

static enum elf_error check(const void *image, size_t size, unsigned elf_class, unsigned machine,
                            uint64_t user_lo, uint64_t user_hi, bool pie, struct elf_info *info)
{
    const uint8_t *p = image;

    if (size < EI_NIDENT)
        return ELF_ERR_TRUNCATED;
    if (memcmp(p,
               "\x7f"
               "ELF",
               4))
        return ELF_ERR_MAGIC;
    unsigned cls = p[4] == ELFCLASS64 ? 64 : p[4] == ELFCLASS32 ? 32 : 0;
    if (cls != elf_class || p[5] != ELFDATA2LSB || p[6] != EV_CURRENT)
        return ELF_ERR_CLASS;
    const struct layout *l = cls == 64 ? &elf64 : &elf32;
    if (size < l->ehsize)
        return ELF_ERR_TRUNCATED;
    uint64_t type = rd(p + 16, 2);
    if (type != ET_EXEC && !(pie && type == ET_DYN))
        return ELF_ERR_TYPE;
    if (rd(p + 18, 2) != machine)
        return ELF_ERR_MACHINE;

    uint64_t phoff = rd(p + l->phoff, l->word);
    uint64_t phentsize = rd(p + l->phentsize_at, 2);
    uint64_t phnum = rd(p + l->phnum_at, 2);
    if (phentsize != l->phentsize || phnum == 0 || phnum > ELF_MAX_PHDRS)
        return ELF_ERR_PHDR;
    if (phoff > size || phnum * phentsize > size - phoff)
        return ELF_ERR_TRUNCATED;

    info->entry = rd(p + l->entry, l->word);
    info->nsegs = 0;
    info->pie = type == ET_DYN;
    info->dynamic_offset = info->dynamic_size = 0;
    bool entry_ok = false, dynamic = false;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = p + phoff + i * phentsize;
        uint64_t ptype = rd(ph + l->p_type, 4);
        if (ptype == PT_DYNAMIC && info->pie) {
            uint64_t off = rd(ph + l->p_offset, l->word), len = rd(ph + l->p_filesz, l->word);
            if (dynamic)
                return ELF_ERR_PHDR;
            if (off > size || len > size - off)
                return ELF_ERR_TRUNCATED;
            info->dynamic_offset = off;
            info->dynamic_size = len;
            dynamic = true;
            continue;
        }
        if (ptype != PT_LOAD)
            continue;
        struct elf_segment *s = &info->segs[info->nsegs];
        enum elf_error err = check_segment(ph, l, size, user_lo, user_hi, s);
        if (err)
            return err;
        for (unsigned j = 0; j < info->nsegs; j++)
            if (overlaps(s, &info->segs[j]))
                return ELF_ERR_OVERLAP;
        if (info->entry >= s->vaddr && info->entry < s->vaddr + s->memsz)
            entry_ok = true;
        info->nsegs++;
    }
    if (info->nsegs == 0)
        return ELF_ERR_PHDR;
    return entry_ok ? ELF_OK : ELF_ERR_ENTRY;
}

enum elf_error elf_check(const void *image, size_t size, unsigned elf_class, unsigned machine,
                         uint64_t user_lo, uint64_t user_hi, struct elf_info *info)
{
    return check(image, size, elf_class, machine, user_lo, user_hi, false, info);
}

enum elf_error elf_check_pie(const void *image, size_t size, unsigned elf_class, unsigned machine,
                             uint64_t user_lo, uint64_t user_hi, struct elf_info *info)
{
    return check(image, size, elf_class, machine, user_lo, user_hi, true, info);
}
