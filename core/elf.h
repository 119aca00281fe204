/* SPDX-License-Identifier: MIT */
/* The root task's ELF loader (elf.c): validate an ELF32/ELF64 executable, then copy it in. The
 * user library's process spawner uses it too (elf_check_pie). */
#ifndef MICA_ELF_H
#define MICA_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum elf_error {
    ELF_OK = 0,
    ELF_ERR_TRUNCATED, /* the file ends before a header or segment it describes */
    ELF_ERR_MAGIC,     /* not \x7fELF */
    ELF_ERR_CLASS,     /* wrong ELFCLASS, byte order or version */
    ELF_ERR_MACHINE,   /* e_machine is not this arch */
    ELF_ERR_TYPE,      /* not ET_EXEC (elf_check_pie: nor ET_DYN) */
    ELF_ERR_PHDR,      /* bad program header table (entry size, count, offset; two PT_DYNAMIC) */
    ELF_ERR_SEGMENT,   /* filesz > memsz, or offsets/addresses that overflow */
    ELF_ERR_RANGE,     /* a segment outside [user_lo, user_hi) */
    ELF_ERR_OVERLAP,   /* two PT_LOAD segments overlap */
    ELF_ERR_ENTRY,     /* the entry point is in no loaded segment */
};

#define ELF_MAX_PHDRS 64

struct elf_segment {
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t offset;
    uint64_t filesz;
    uint64_t memsz;
    uint32_t flags; /* PF_X 1, PF_W 2, PF_R 4 */
};

struct elf_info {
    uint64_t entry;
    unsigned nsegs; /* PT_LOAD segments */
    struct elf_segment segs[ELF_MAX_PHDRS];
    /* elf_check_pie: a position-independent executable (ET_DYN), and where its PT_DYNAMIC's bytes
     * are in the file (size 0: it has none). Addresses are still its link addresses. */
    bool pie;
    uint64_t dynamic_offset, dynamic_size;
};

/* Check image (size bytes) for class (32/64) and machine (EM_*), with every loaded byte inside
 * [user_lo, user_hi); fill info on success. Never reads outside the image. */
enum elf_error elf_check(const void *image, size_t size, unsigned elf_class, unsigned machine,
                         uint64_t user_lo, uint64_t user_hi, struct elf_info *info);
/* The same, also accepting a position-independent executable (ET_DYN), whose link addresses must
 * lie in [user_lo, user_hi) too and whose PT_DYNAMIC (at most one) must lie inside the image; its
 * relocations are the caller's to read and apply. The kernel never loads one. */
enum elf_error elf_check_pie(const void *image, size_t size, unsigned elf_class, unsigned machine,
                             uint64_t user_lo, uint64_t user_hi, struct elf_info *info);

#endif
