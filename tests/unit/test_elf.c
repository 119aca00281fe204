/* SPDX-License-Identifier: MIT */
/*
 * Host test of core/elf.c: well-formed ELF64 and ELF32 executables are accepted with their
 * segments, and every malformation is rejected with its own error; position-independent ones
 * (ET_DYN) only by elf_check_pie, which also finds their PT_DYNAMIC. Each image is copied into a
 * heap buffer of exactly its size, so reading past the end is an ASan report.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "elf.h"

#define EM_X86_64 62
#define EM_RISCV  243
#define EM_ARM    40
#define LO        0x10000u
#define HI        0x80000000u

/* Little-endian writers. */
static void put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

struct seg {
    uint32_t type;
    uint64_t offset, vaddr, filesz, memsz;
};

/* An executable with the given segments, program headers right after the ELF header, file size
 * `size` (zero-filled). */
static size_t build(uint8_t *img, size_t size, unsigned cls, unsigned machine, uint64_t entry,
                    const struct seg *segs, unsigned n)
{
    bool is64 = cls == 64;
    unsigned w = is64 ? 8 : 4, ehsize = is64 ? 64 : 52, phsize = is64 ? 56 : 32;

    memset(img, 0, size);
    memcpy(img,
           "\x7f"
           "ELF",
           4);
    img[4] = is64 ? 2 : 1;
    img[5] = 1;
    img[6] = 1;
    put(img + 16, 2, 2); /* ET_EXEC */
    put(img + 18, machine, 2);
    put(img + 20, 1, 4);
    put(img + 24, entry, w);
    put(img + (is64 ? 32 : 28), ehsize, w);
    put(img + (is64 ? 54 : 42), phsize, 2);
    put(img + (is64 ? 56 : 44), n, 2);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *ph = img + ehsize + i * phsize;
        put(ph, segs[i].type, 4);
        if (is64) {
            put(ph + 4, 5, 4);
            put(ph + 8, segs[i].offset, 8);
            put(ph + 16, segs[i].vaddr, 8);
            put(ph + 24, segs[i].vaddr, 8);
            put(ph + 32, segs[i].filesz, 8);
            put(ph + 40, segs[i].memsz, 8);
        } else {
            put(ph + 4, segs[i].offset, 4);
            put(ph + 8, segs[i].vaddr, 4);
            put(ph + 12, segs[i].vaddr, 4);
            put(ph + 16, segs[i].filesz, 4);
            put(ph + 20, segs[i].memsz, 4);
            put(ph + 24, 5, 4);
        }
    }
    return size;
}

static struct elf_info info;

/* Check a copy of exactly `size` bytes with elf_check or elf_check_pie. */
static enum elf_error check_with(bool pie, const uint8_t *img, size_t size, unsigned cls,
                                 unsigned machine)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, img, size);
    enum elf_error err = (pie ? elf_check_pie : elf_check)(copy, size, cls, machine, LO, HI, &info);
    free(copy);
    return err;
}

static enum elf_error check(const uint8_t *img, size_t size, unsigned cls, unsigned machine)
{
    return check_with(false, img, size, cls, machine);
}

static enum elf_error check_pie(const uint8_t *img, size_t size, unsigned cls, unsigned machine)
{
    return check_with(true, img, size, cls, machine);
}

static uint8_t img[4096];
static const struct seg good[] = {
    {1, 0x200, 0x10000, 0x100, 0x100},
    {4, 0, 0, 0, 0}, /* PT_NOTE: ignored */
    {1, 0x300, 0x20000, 0x80, 0x1000},
};

static void test_good_elf64(void **state)
{
    (void)state;
    size_t n = build(img, 1024, 64, EM_X86_64, 0x10010, good, 3);
    assert_int_equal(check(img, n, 64, EM_X86_64), ELF_OK);
    assert_int_equal(info.entry, 0x10010);
    assert_int_equal(info.nsegs, 2);
    assert_int_equal(info.segs[1].vaddr, 0x20000);
    assert_int_equal(info.segs[1].filesz, 0x80);
    assert_int_equal(info.segs[1].memsz, 0x1000);
    assert_int_equal(info.segs[1].offset, 0x300);
}

static void test_good_elf32(void **state)
{
    (void)state;
    size_t n = build(img, 1024, 32, EM_ARM, 0x20004, good, 3);
    assert_int_equal(check(img, n, 32, EM_ARM), ELF_OK);
    assert_int_equal(info.entry, 0x20004);
    assert_int_equal(info.nsegs, 2);
    assert_int_equal(info.segs[0].vaddr, 0x10000);
}

static void test_header_errors(void **state)
{
    (void)state;
    size_t n = build(img, 1024, 64, EM_X86_64, 0x10010, good, 3);

    assert_int_equal(check(img, 0, 64, EM_X86_64), ELF_ERR_TRUNCATED);
    assert_int_equal(check(img, 15, 64, EM_X86_64), ELF_ERR_TRUNCATED);
    assert_int_equal(check(img, 40, 64, EM_X86_64), ELF_ERR_TRUNCATED); /* half a header */
    assert_int_equal(check(img, n, 32, EM_X86_64), ELF_ERR_CLASS);
    assert_int_equal(check(img, n, 64, EM_RISCV), ELF_ERR_MACHINE);
    img[1] = 'X';
    assert_int_equal(check(img, n, 64, EM_X86_64), ELF_ERR_MAGIC);
    img[1] = 'E';
    img[5] = 2; /* big endian */
    assert_int_equal(check(img, n, 64, EM_X86_64), ELF_ERR_CLASS);
    img[5] = 1;
    put(img + 16, 3, 2); /* ET_DYN */
    assert_int_equal(check(img, n, 64, EM_X86_64), ELF_ERR_TYPE);
    put(img + 16, 2, 2);
    put(img + 54, 55, 2); /* phentsize */
    assert_int_equal(check(img, n, 64, EM_X86_64), ELF_ERR_PHDR);
    put(img + 54, 56, 2);
    put(img + 56, 0, 2); /* no program headers */
    assert_int_equal(check(img, n, 64, EM_X86_64), ELF_ERR_PHDR);
    assert_int_equal(check(img, n, 64, EM_X86_64) == ELF_OK, 0);
}

static void test_phdrs_out_of_bounds(void **state)
{
    (void)state;
    size_t n = build(img, 1024, 64, EM_X86_64, 0x10010, good, 3);

    /* The table ends past the file: 64 + 3 * 56 = 232 bytes needed. */
    assert_int_equal(check(img, 200, 64, EM_X86_64), ELF_ERR_TRUNCATED);
    put(img + 32, 1000, 8); /* phoff near the end */
    assert_int_equal(check(img, n, 64, EM_X86_64), ELF_ERR_TRUNCATED);
    put(img + 32, UINT64_MAX - 8, 8); /* phoff that would wrap */
    assert_int_equal(check(img, n, 64, EM_X86_64), ELF_ERR_TRUNCATED);
}

static void test_segment_errors(void **state)
{
    (void)state;
    struct seg s[2] = {{1, 0x200, 0x10000, 0x100, 0x100}, {1, 0x300, 0x20000, 0x80, 0x1000}};

    s[1].filesz = 0x2000; /* filesz > memsz */
    assert_int_equal(check(img, build(img, 1024, 64, EM_X86_64, 0x10010, s, 2), 64, EM_X86_64),
                     ELF_ERR_SEGMENT);
    s[1].filesz = 0x200;
    s[1].memsz = 0x200; /* data past the end of a 1024-byte file */
    assert_int_equal(check(img, build(img, 1024, 64, EM_X86_64, 0x10010, s, 2), 64, EM_X86_64),
                     ELF_ERR_TRUNCATED);
    s[1].filesz = 0x80;
    s[1].offset = UINT64_MAX - 0x10; /* offset + filesz wraps */
    assert_int_equal(check(img, build(img, 1024, 64, EM_X86_64, 0x10010, s, 2), 64, EM_X86_64),
                     ELF_ERR_SEGMENT);
    s[1].offset = 0x300;
    s[1].vaddr = UINT64_MAX - 0x10; /* vaddr + memsz wraps */
    assert_int_equal(check(img, build(img, 1024, 64, EM_X86_64, 0x10010, s, 2), 64, EM_X86_64),
                     ELF_ERR_SEGMENT);
    s[1].vaddr = 0x1000; /* below the user range */
    assert_int_equal(check(img, build(img, 1024, 64, EM_X86_64, 0x10010, s, 2), 64, EM_X86_64),
                     ELF_ERR_RANGE);
    s[1].vaddr = HI - 0x100; /* 0x200 bytes: runs past its top */
    assert_int_equal(check(img, build(img, 1024, 64, EM_X86_64, 0x10010, s, 2), 64, EM_X86_64),
                     ELF_ERR_RANGE);
}

static void test_overlap_and_entry(void **state)
{
    (void)state;
    struct seg s[2] = {{1, 0x200, 0x10000, 0x100, 0x100}, {1, 0x300, 0x100f0, 0x80, 0x80}};

    assert_int_equal(check(img, build(img, 1024, 64, EM_X86_64, 0x10010, s, 2), 64, EM_X86_64),
                     ELF_ERR_OVERLAP);
    s[1].vaddr = 0x10100; /* adjacent is fine */
    assert_int_equal(check(img, build(img, 1024, 64, EM_X86_64, 0x10010, s, 2), 64, EM_X86_64),
                     ELF_OK);
    assert_int_equal(check(img, build(img, 1024, 64, EM_X86_64, 0x30000, s, 2), 64, EM_X86_64),
                     ELF_ERR_ENTRY);
    assert_int_equal(check(img, build(img, 1024, 32, EM_ARM, 0x10000, s, 2), 32, EM_ARM), ELF_OK);
    s[0].vaddr = 0x10080; /* 32-bit: overlap is caught too */
    assert_int_equal(check(img, build(img, 1024, 32, EM_ARM, 0x10100, s, 2), 32, EM_ARM),
                     ELF_ERR_OVERLAP);
}

/* A position-independent executable: refused by the kernel's elf_check, taken by elf_check_pie
 * with its PT_DYNAMIC; a fixed-address one is still fine for elf_check_pie. */
static void test_pie(void **state)
{
    (void)state;
    struct seg s[3] = {{1, 0, 0x10000, 0x200, 0x200},
                       {1, 0x200, 0x11000, 0x80, 0x1000},
                       {2, 0x210, 0x11010, 0x40, 0x40}}; /* PT_DYNAMIC inside the data */
    size_t n = build(img, 1024, 32, EM_ARM, 0x10010, s, 3);

    put(img + 16, 3, 2); /* ET_DYN */
    assert_int_equal(check(img, n, 32, EM_ARM), ELF_ERR_TYPE);
    assert_int_equal(check_pie(img, n, 32, EM_ARM), ELF_OK);
    assert_true(info.pie);
    assert_int_equal(info.nsegs, 2);
    assert_int_equal(info.dynamic_offset, 0x210);
    assert_int_equal(info.dynamic_size, 0x40);
    put(img + 16, 2, 2); /* ET_EXEC: PT_DYNAMIC is not looked at */
    assert_int_equal(check_pie(img, n, 32, EM_ARM), ELF_OK);
    assert_false(info.pie);
    assert_int_equal(info.dynamic_size, 0);

    /* Link addresses are checked as in an executable. */
    s[0].vaddr = 0;
    n = build(img, 1024, 32, EM_ARM, 0x11010, s, 3);
    put(img + 16, 3, 2);
    assert_int_equal(check_pie(img, n, 32, EM_ARM), ELF_ERR_RANGE);
    s[0].vaddr = 0x10000;
    s[2].offset = 1000; /* the dynamic table runs past the end of the file */
    n = build(img, 1024, 32, EM_ARM, 0x10010, s, 3);
    put(img + 16, 3, 2);
    assert_int_equal(check_pie(img, n, 32, EM_ARM), ELF_ERR_TRUNCATED);
    s[2].offset = 0xffffffe0; /* offset + size wraps */
    n = build(img, 1024, 32, EM_ARM, 0x10010, s, 3);
    put(img + 16, 3, 2);
    assert_int_equal(check_pie(img, n, 32, EM_ARM), ELF_ERR_TRUNCATED);
    struct seg two[4] = {s[0], s[1], {2, 0x210, 0x11010, 0x40, 0x40}, {2, 0x210, 0x11010, 8, 8}};
    n = build(img, 1024, 32, EM_ARM, 0x10010, two, 4);
    put(img + 16, 3, 2);
    assert_int_equal(check_pie(img, n, 32, EM_ARM), ELF_ERR_PHDR);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_elf64),
        cmocka_unit_test(test_good_elf32),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_phdrs_out_of_bounds),
        cmocka_unit_test(test_segment_errors),
        cmocka_unit_test(test_overlap_and_entry),
        cmocka_unit_test(test_pie),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
