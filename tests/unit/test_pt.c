/* SPDX-License-Identifier: MIT */
/*
 * Host tests for the generic page-table walker (core/pt.c). The same file is built once per test
 * arch (tests/unit/arch/pt_sv39, pt_aarch64, pt_sv32: 3, 4 and 2 levels, 9 or 10 index bits, 8- or
 * 4-byte entries, each with its own PTE encoding) and only uses the HAL's constants, which is the
 * point: one walker, any radix tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pt.h"
#include "vm.h"

#include <mica/objects.h>

/* Tables live in a static arena at a pretend physical address, so the walker must translate. */
#define ARENA_TABLES 16
#define ARENA_PA     ((paddr_t)0x80200000)
#define FRAME_PA     ((paddr_t)0x90000000) /* frames are never dereferenced by the walker */
#define ASID         7
#define RW           (MICA_VM_READ | MICA_VM_WRITE)

static pte_t arena[ARENA_TABLES][PT_ENTRIES] __attribute__((aligned(PT_TABLE_BYTES)));
static unsigned arena_used;

static struct {
    unsigned pages, mapped, asids; /* hal_tlb_flush_page, hal_tlb_page_mapped, hal_tlb_flush_asid */
    word_t asid, vaddr;
    pte_t seen[8]; /* the leaf entry for vaddr at each of the first two, in call order */
} flushes;

static pte_t *root(void);

void *hal_phys_to_virt(paddr_t pa)
{
    assert_true(pa >= ARENA_PA && pa < ARENA_PA + sizeof(arena));
    return (char *)arena + (pa - ARENA_PA);
}

paddr_t hal_virt_to_phys(const void *kva)
{
    return ARENA_PA + (paddr_t)((const char *)kva - (const char *)arena);
}

static void record_page(unsigned *count, word_t asid, word_t vaddr)
{
    pte_t *slot;
    unsigned n = flushes.pages + flushes.mapped;

    if (pt_walk(root(), vaddr, PT_LEAF_LEVEL, &slot) == PT_LEAF_LEVEL && n < 8)
        flushes.seen[n] = *slot;
    (*count)++;
    flushes.asid = asid;
    flushes.vaddr = vaddr;
}

void hal_tlb_flush_page(word_t asid, word_t vaddr)
{
    record_page(&flushes.pages, asid, vaddr);
}

void hal_tlb_page_mapped(word_t asid, word_t vaddr)
{
    record_page(&flushes.mapped, asid, vaddr);
}

void hal_tlb_flush_asid(word_t asid)
{
    flushes.asids++;
    flushes.asid = asid;
}

static pte_t *root(void)
{
    return arena[0];
}

static paddr_t new_table(void)
{
    assert_true(arena_used < ARENA_TABLES);
    return hal_virt_to_phys(arena[arena_used++]);
}

static int setup(void **state)
{
    (void)state;
    memset(arena, 0, sizeof(arena));
    memset(&flushes, 0, sizeof(flushes));
    arena_used = 1; /* arena[0] is the root */
    return 0;
}

/* Map page tables for vaddr until none is missing; they must land at levels 1, 2, ... in order. */
static void map_tables(word_t vaddr)
{
    unsigned level, want;
    pte_t *leaf;

    want = pt_walk(root(), vaddr, PT_LEAF_LEVEL, &leaf) + 1;
    for (; want <= PT_LEAF_LEVEL; want++) {
        assert_int_equal(pt_map_table(root(), vaddr, new_table(), &level), 0);
        assert_int_equal(level, want);
    }
    assert_int_equal(pt_map_table(root(), vaddr, ARENA_PA, &level), MICA_ERR_DELETE_FIRST);
}

/* A user address whose index at every level is different and non-zero. */
static word_t sample_vaddr(void)
{
    word_t va = 0;
    unsigned l;

    for (l = 0; l < HAL_PT_LEVELS; l++)
        va |= (word_t)(l + 1) << pt_level_shift(l);
    assert_true(va < HAL_USER_TOP);
    return va;
}

static void test_geometry(void **state)
{
    word_t va = sample_vaddr();
    unsigned l;

    (void)state;
    assert_int_equal(pt_level_shift(PT_LEAF_LEVEL), HAL_PAGE_BITS);
    assert_int_equal(PT_TABLE_BYTES, 4096);
    for (l = 0; l < HAL_PT_LEVELS; l++)
        assert_int_equal(pt_index(va, l), l + 1);
    /* Every level's index is exactly HAL_PT_INDEX_BITS wide. */
    assert_int_equal(pt_index(~(word_t)0, PT_LEAF_LEVEL), PT_ENTRIES - 1);
    assert_int_equal(pt_index(PT_PAGE_SIZE - 1, PT_LEAF_LEVEL), 0);
}

static void test_map_lookup_unmap(void **state)
{
    word_t va = sample_vaddr();
    unsigned missing = 99;
    paddr_t pa = 0;
    pte_t *leaf;

    (void)state;
    map_tables(va);
    assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, RW, MICA_VM_CACHED, &missing), 0);
    assert_int_equal(missing, 99);
    assert_int_equal(flushes.mapped, 1);
    assert_int_equal(flushes.pages, 0);
    assert_int_equal(flushes.asid, ASID);
    assert_int_equal(flushes.vaddr, va);
    assert_int_equal(hal_pte_kind(flushes.seen[0], PT_LEAF_LEVEL), HAL_PTE_PAGE);

    assert_int_equal(pt_walk(root(), va, PT_LEAF_LEVEL, &leaf), PT_LEAF_LEVEL);
    assert_int_equal(hal_pte_kind(*leaf, PT_LEAF_LEVEL), HAL_PTE_PAGE);
    assert_int_equal(test_pte_rights(*leaf), RW);
    assert_int_equal(test_pte_attr(*leaf), MICA_VM_CACHED);

    assert_int_equal(pt_lookup(root(), va + 0x123, &pa), 0);
    assert_int_equal(pa, FRAME_PA + 0x123);
    /* The neighbouring pages are not mapped. */
    assert_int_equal(pt_lookup(root(), va + PT_PAGE_SIZE, &pa), MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(pt_lookup(root(), va - PT_PAGE_SIZE, &pa), MICA_ERR_FAILED_LOOKUP);

    assert_int_equal(pt_unmap_page(root(), ASID, va, FRAME_PA), 0);
    assert_int_equal(flushes.pages, 1);
    assert_int_equal(flushes.vaddr, va);
    assert_int_equal(hal_pte_kind(flushes.seen[1], PT_LEAF_LEVEL), HAL_PTE_INVALID);
    assert_int_equal(hal_pte_kind(*leaf, PT_LEAF_LEVEL), HAL_PTE_INVALID);
    assert_int_equal(pt_lookup(root(), va, &pa), MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(pt_unmap_page(root(), ASID, va, FRAME_PA), MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(flushes.pages, 1);
}

static void test_missing_level(void **state)
{
    word_t va = sample_vaddr();
    unsigned want, level, missing;
    paddr_t pa;

    (void)state;
    /* Each missing level is reported in turn; the failed map writes nothing. */
    for (want = 1; want <= PT_LEAF_LEVEL; want++) {
        missing = 0;
        assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, RW, 0, &missing),
                         MICA_ERR_FAILED_LOOKUP);
        assert_int_equal(missing, want);
        assert_int_equal(pt_lookup(root(), va, &pa), MICA_ERR_FAILED_LOOKUP);
        assert_int_equal(pt_map_table(root(), va, new_table(), &level), 0);
        assert_int_equal(level, want);
    }
    assert_int_equal(flushes.pages + flushes.mapped, 0);
    assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, RW, 0, &missing), 0);

    /* A page in another top-level slot shares nothing: level 1 is missing again. */
    missing = 0;
    assert_int_equal(
        pt_map_page(root(), ASID, va + ((word_t)1 << pt_level_shift(0)), FRAME_PA, RW, 0, &missing),
        MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(missing, 1);
    /* One slot over at the leaf's parent: only the leaf table is missing. */
    missing = 0;
    assert_int_equal(pt_map_page(root(), ASID,
                                 va + ((word_t)1 << pt_level_shift(PT_LEAF_LEVEL - 1)), FRAME_PA,
                                 RW, 0, &missing),
                     MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(missing, PT_LEAF_LEVEL);
}

static void test_table_slot_taken(void **state)
{
    word_t va = sample_vaddr();
    unsigned level = 99;
    pte_t *leaf;

    (void)state;
    map_tables(va);
    assert_int_equal(pt_map_table(root(), va, new_table(), &level), MICA_ERR_DELETE_FIRST);
    assert_int_equal(level, 99);
    assert_int_equal(pt_walk(root(), va, PT_LEAF_LEVEL, &leaf), PT_LEAF_LEVEL);
}

static void test_page_slot_taken(void **state)
{
    word_t va = sample_vaddr();
    unsigned missing = 0;
    paddr_t pa;

    (void)state;
    map_tables(va);
    assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, RW, 0, &missing), 0);
    assert_int_equal(
        pt_map_page(root(), ASID, va, FRAME_PA + PT_PAGE_SIZE, MICA_VM_READ, 0, &missing),
        MICA_ERR_DELETE_FIRST);
    assert_int_equal(pt_lookup(root(), va, &pa), 0);
    assert_int_equal(pa, FRAME_PA);
    assert_int_equal(flushes.mapped, 1);
    assert_int_equal(flushes.pages, 0);
    /* Unmapping with the wrong frame leaves the mapping alone. */
    assert_int_equal(pt_unmap_page(root(), ASID, va, FRAME_PA + PT_PAGE_SIZE),
                     MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(pt_lookup(root(), va, &pa), 0);
    assert_int_equal(pa, FRAME_PA);
}

static void test_unaligned(void **state)
{
    word_t va = sample_vaddr();
    unsigned missing, level;

    (void)state;
    map_tables(va);
    assert_int_equal(pt_map_page(root(), ASID, va + 8, FRAME_PA, RW, 0, &missing),
                     MICA_ERR_ALIGNMENT);
    assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA + 0x800, RW, 0, &missing),
                     MICA_ERR_ALIGNMENT);
    assert_int_equal(pt_map_table(root(), va + PT_PAGE_SIZE / 2, new_table(), &level),
                     MICA_ERR_ALIGNMENT);
    assert_int_equal(
        pt_map_table(root(), va + ((word_t)1 << pt_level_shift(0)), ARENA_PA + 64, &level),
        MICA_ERR_ALIGNMENT);
    assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, RW, 0, &missing), 0);
    assert_int_equal(pt_remap_page(root(), ASID, va + 1, FRAME_PA, MICA_VM_READ, 0),
                     MICA_ERR_ALIGNMENT);
    assert_int_equal(pt_unmap_page(root(), ASID, va + 1, FRAME_PA), MICA_ERR_ALIGNMENT);
    assert_int_equal(pt_unmap_table(root(), ASID, va + 1, PT_LEAF_LEVEL, ARENA_PA),
                     MICA_ERR_ALIGNMENT);
    assert_int_equal(flushes.mapped, 1);
    assert_int_equal(flushes.pages, 0);
    assert_int_equal(flushes.asids, 0);
}

static void test_out_of_range(void **state)
{
    static pte_t before[ARENA_TABLES][PT_ENTRIES];
    const word_t kernel[] = {HAL_USER_TOP, HAL_USER_TOP + PT_PAGE_SIZE,
                             ~(word_t)0 & ~(PT_PAGE_SIZE - 1), ~(word_t)0 << 38};
    unsigned i, missing = 0, level = 0;
    paddr_t pa;

    (void)state;
    memcpy(before, arena, sizeof(arena));
    for (i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++) {
        word_t va = kernel[i];
        assert_int_equal(pt_map_table(root(), va, ARENA_PA + PT_TABLE_BYTES, &level),
                         MICA_ERR_RANGE);
        assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, RW, 0, &missing), MICA_ERR_RANGE);
        assert_int_equal(pt_remap_page(root(), ASID, va, FRAME_PA, RW, 0), MICA_ERR_RANGE);
        assert_int_equal(pt_unmap_page(root(), ASID, va, FRAME_PA), MICA_ERR_RANGE);
        assert_int_equal(pt_unmap_table(root(), ASID, va, 1, ARENA_PA + PT_TABLE_BYTES),
                         MICA_ERR_RANGE);
        assert_int_equal(pt_lookup(root(), va, &pa), MICA_ERR_RANGE);
        /* Unaligned and in the kernel: range wins. */
        assert_int_equal(pt_map_page(root(), ASID, va | 1, FRAME_PA, RW, 0, &missing),
                         MICA_ERR_RANGE);
    }
    assert_memory_equal(before, arena, sizeof(arena));
    assert_int_equal(flushes.pages + flushes.mapped + flushes.asids, 0);

    /* The last user page and page 0 are fine. */
    map_tables(HAL_USER_TOP - PT_PAGE_SIZE);
    assert_int_equal(
        pt_map_page(root(), ASID, HAL_USER_TOP - PT_PAGE_SIZE, FRAME_PA, RW, 0, &missing), 0);
    assert_int_equal(pt_lookup(root(), HAL_USER_TOP - 1, &pa), 0);
    assert_int_equal(pa, FRAME_PA + PT_PAGE_SIZE - 1);
    map_tables(0);
    assert_int_equal(pt_map_page(root(), ASID, 0, FRAME_PA + PT_PAGE_SIZE, RW, 0, &missing), 0);
    assert_int_equal(pt_lookup(root(), 0, &pa), 0);
    assert_int_equal(pa, FRAME_PA + PT_PAGE_SIZE);
}

static void test_remap(void **state)
{
    word_t va = sample_vaddr();
    unsigned missing;
    pte_t *leaf;
    paddr_t pa;

    (void)state;
    map_tables(va);
    assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, RW, MICA_VM_CACHED, &missing), 0);
    assert_int_equal(
        pt_remap_page(root(), ASID, va, FRAME_PA, MICA_VM_READ | MICA_VM_EXEC, MICA_VM_DEVICE), 0);
    assert_int_equal(flushes.vaddr, va);
    pt_walk(root(), va, PT_LEAF_LEVEL, &leaf);
    /* Break before make: flushed while invalid, then the new entry published. */
    assert_int_equal(flushes.pages, 1);
    assert_int_equal(flushes.mapped, 2);
    assert_int_equal(hal_pte_kind(flushes.seen[1], PT_LEAF_LEVEL), HAL_PTE_INVALID);
    assert_int_equal(flushes.seen[2], *leaf);
    assert_int_equal(test_pte_rights(*leaf), MICA_VM_READ | MICA_VM_EXEC);
    assert_int_equal(test_pte_attr(*leaf), MICA_VM_DEVICE);
    assert_int_equal(pt_lookup(root(), va, &pa), 0);
    assert_int_equal(pa, FRAME_PA);

    /* Refused: W without R, another frame, an unmapped address. Nothing changes. */
    assert_int_equal(pt_remap_page(root(), ASID, va, FRAME_PA, MICA_VM_WRITE, 0),
                     MICA_ERR_INVALID_ARGUMENT);
    assert_int_equal(pt_remap_page(root(), ASID, va, FRAME_PA + PT_PAGE_SIZE, RW, 0),
                     MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(pt_remap_page(root(), ASID, va + PT_PAGE_SIZE, FRAME_PA, RW, 0),
                     MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(test_pte_rights(*leaf), MICA_VM_READ | MICA_VM_EXEC);
    assert_int_equal(flushes.pages, 1);
    assert_int_equal(flushes.mapped, 2);
}

static void test_unmap_table(void **state)
{
    word_t va = sample_vaddr();
    word_t other = va + ((word_t)1 << pt_level_shift(0)); /* a different top-level slot */
    paddr_t leaf_table, pa;
    unsigned missing, level, i;
    pte_t *parent, *entries;

    (void)state;
    map_tables(va);
    assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, RW, 0, &missing), 0);
    assert_int_equal(pt_walk(root(), va, PT_LEAF_LEVEL - 1, &parent), PT_LEAF_LEVEL - 1);
    leaf_table = hal_pte_addr(*parent);

    /* Wrong level, wrong table: refused or not found, and the real table stays put. */
    assert_int_equal(pt_unmap_table(root(), ASID, va, 0, leaf_table), MICA_ERR_INVALID_ARGUMENT);
    assert_int_equal(pt_unmap_table(root(), ASID, va, HAL_PT_LEVELS, leaf_table),
                     MICA_ERR_INVALID_ARGUMENT);
    assert_int_equal(pt_unmap_table(root(), ASID, va, PT_LEAF_LEVEL, new_table()),
                     MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(flushes.asids, 0);
    assert_int_equal(pt_lookup(root(), va, &pa), 0);

    assert_int_equal(pt_unmap_table(root(), ASID, va, PT_LEAF_LEVEL, leaf_table), 0);
    assert_int_equal(flushes.asids, 1);
    assert_int_equal(flushes.asid, ASID);
    assert_int_equal(hal_pte_kind(*parent, PT_LEAF_LEVEL - 1), HAL_PTE_INVALID);
    assert_int_equal(pt_lookup(root(), va, &pa), MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, RW, 0, &missing),
                     MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(missing, PT_LEAF_LEVEL);
    /* The table was emptied, so mapping it elsewhere does not resurrect the old page. */
    entries = hal_phys_to_virt(leaf_table);
    for (i = 0; i < PT_ENTRIES; i++)
        assert_int_equal(entries[i], 0);
    map_tables(other);
    assert_int_equal(pt_unmap_table(root(), ASID, va, PT_LEAF_LEVEL, leaf_table),
                     MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(flushes.asids, 1);

    /* Unmapping a level-1 table cuts off everything below it. */
    assert_int_equal(pt_map_table(root(), va, leaf_table, &level), 0);
    assert_int_equal(level, PT_LEAF_LEVEL);
    assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, RW, 0, &missing), 0);
    pt_walk(root(), va, 0, &parent);
    assert_int_equal(pt_unmap_table(root(), ASID, va, 1, hal_pte_addr(*parent)), 0);
    assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, RW, 0, &missing),
                     MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(missing, 1);
}

static void test_rights(void **state)
{
    static const unsigned bad[] = {0, MICA_VM_WRITE, MICA_VM_WRITE | MICA_VM_EXEC, 8,
                                   MICA_VM_READ | 0x10};
    word_t va = sample_vaddr();
    unsigned i, missing;
    pte_t *leaf;

    (void)state;
    map_tables(va);
    pt_walk(root(), va, PT_LEAF_LEVEL, &leaf);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, bad[i], 0, &missing),
                         MICA_ERR_INVALID_ARGUMENT);
    assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, MICA_VM_READ, 2, &missing),
                     MICA_ERR_INVALID_ARGUMENT);
    assert_int_equal(*leaf, 0);

    assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, MICA_VM_EXEC, 0, &missing), 0);
    assert_int_equal(test_pte_rights(*leaf), MICA_VM_EXEC);
    assert_int_equal(pt_remap_page(root(), ASID, va, FRAME_PA, MICA_VM_READ, 0), 0);
    assert_int_equal(test_pte_rights(*leaf), MICA_VM_READ);
    assert_int_equal(pt_remap_page(root(), ASID, va, FRAME_PA, VM_RIGHTS_ALL, 0), 0);
    assert_int_equal(test_pte_rights(*leaf), VM_RIGHTS_ALL);
}

/* A large page (as boot code might install) is a mapping in the way, not a table to walk. */
static void test_large_page_in_the_way(void **state)
{
    unsigned block = PT_LEAF_LEVEL - 1, missing = 0, level = 0, l;
    word_t va = sample_vaddr(), span = (word_t)1 << pt_level_shift(block);
    paddr_t big = (paddr_t)1 << 32, pa;
    pte_t *slot;

    (void)state;
    for (l = 1; l <= block; l++) {
        assert_int_equal(pt_map_table(root(), va, new_table(), &level), 0);
        assert_int_equal(level, l);
    }
    assert_int_equal(pt_walk(root(), va, block, &slot), block);
    *slot = hal_pte_page(big, block, MICA_VM_READ, 0);
    assert_int_equal(hal_pte_kind(*slot, block), HAL_PTE_PAGE);

    assert_int_equal(pt_map_table(root(), va, new_table(), &level), MICA_ERR_DELETE_FIRST);
    assert_int_equal(pt_map_page(root(), ASID, va, FRAME_PA, RW, 0, &missing),
                     MICA_ERR_DELETE_FIRST);
    assert_int_equal(pt_lookup(root(), va + PT_PAGE_SIZE + 5, &pa), 0);
    assert_int_equal(pa, big + ((va + PT_PAGE_SIZE + 5) & (span - 1)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_geometry, setup),
        cmocka_unit_test_setup(test_map_lookup_unmap, setup),
        cmocka_unit_test_setup(test_missing_level, setup),
        cmocka_unit_test_setup(test_table_slot_taken, setup),
        cmocka_unit_test_setup(test_page_slot_taken, setup),
        cmocka_unit_test_setup(test_unaligned, setup),
        cmocka_unit_test_setup(test_out_of_range, setup),
        cmocka_unit_test_setup(test_remap, setup),
        cmocka_unit_test_setup(test_unmap_table, setup),
        cmocka_unit_test_setup(test_rights, setup),
        cmocka_unit_test_setup(test_large_page_in_the_way, setup),
    };
    return cmocka_run_group_tests_name(TEST_ARCH_NAME, tests, NULL, NULL);
}
