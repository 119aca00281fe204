/* SPDX-License-Identifier: MIT */
/*
 * One page-table walker for every MMU arch. Sv39 (RISC-V Privileged ISA, "Sv39: Page-Based
 * 39-bit Virtual-Memory System": three levels of 512 eight-byte PTEs) and the AArch64 4KB granule
 * (Arm ARM DDI 0487, "VMSAv8-64 translation table format descriptors": four levels of 512
 * descriptors, 9 VA bits per level) are the same radix tree; only the entry encodings differ, and
 * those stay behind hal_pte_*. Tables are reached through hal_phys_to_virt.
 */
#include "klog.h"
#include "pt.h"
#include "vm.h"

#include <mica/abi.h>

compile_assert(pt_levels, HAL_PT_LEVELS >= 2);
compile_assert(pt_va_bits, PT_VA_BITS <= sizeof(word_t) * 8);
/* Each user address needs its own path: no user bits above the tree's reach. (The shift is split
 * because the tree may span the whole word.) */
compile_assert(pt_user_top, ((HAL_USER_TOP - 1) >> (PT_VA_BITS - 1) >> 1) == 0);

unsigned pt_level_shift(unsigned level)
{
    return HAL_PAGE_BITS + (PT_LEAF_LEVEL - level) * HAL_PT_INDEX_BITS;
}

word_t pt_index(word_t vaddr, unsigned level)
{
    return (vaddr >> pt_level_shift(level)) & (PT_ENTRIES - 1);
}

static pte_t *pt_table(paddr_t pa)
{
    return hal_phys_to_virt(pa);
}

unsigned pt_walk(pte_t *root, word_t vaddr, unsigned level, pte_t **slot)
{
    pte_t *table = root;
    unsigned l;

    for (l = 0;; l++) {
        pte_t *pte = &table[pt_index(vaddr, l)];
        if (l == level || hal_pte_kind(*pte, l) != HAL_PTE_TABLE) {
            *slot = pte;
            return l;
        }
        table = pt_table(hal_pte_addr(*pte));
    }
}

/* Range before alignment, so that a kernel address is always MICA_ERR_RANGE. */
static int pt_check_vaddr(word_t vaddr)
{
    if (vaddr >= HAL_USER_TOP)
        return MICA_ERR_RANGE;
    if (vaddr & (PT_PAGE_SIZE - 1))
        return MICA_ERR_ALIGNMENT;
    return 0;
}

int pt_map_table(pte_t *root, word_t vaddr, paddr_t table, unsigned *level)
{
    pte_t *slot;
    unsigned l;
    int err = pt_check_vaddr(vaddr);

    if (err)
        return err;
    if (table & (PT_TABLE_BYTES - 1))
        return MICA_ERR_ALIGNMENT;
    /* Walking to the leaf table's entry stops at the first entry that is not a table. */
    l = pt_walk(root, vaddr, PT_LEAF_LEVEL, &slot);
    if (l == PT_LEAF_LEVEL || hal_pte_kind(*slot, l) != HAL_PTE_INVALID)
        return MICA_ERR_DELETE_FIRST;
    /*
     * No TLB maintenance: every entry of the new table is invalid, so a translation cache that
     * has not seen this store yet can only fault on an address that has no page anyway, and the
     * pt_map_page that follows flushes its address.
     */
    *slot = hal_pte_table(table);
    *level = l + 1;
    return 0;
}

int pt_unmap_table(pte_t *root, word_t asid, word_t vaddr, unsigned level, paddr_t table)
{
    pte_t *slot, *entries;
    word_t i;
    int err = pt_check_vaddr(vaddr);

    if (err)
        return err;
    if (level < 1 || level > PT_LEAF_LEVEL)
        return MICA_ERR_INVALID_ARGUMENT;
    if (table & (PT_TABLE_BYTES - 1))
        return MICA_ERR_ALIGNMENT;
    err = MICA_ERR_FAILED_LOOKUP;
    if (pt_walk(root, vaddr, level - 1, &slot) == level - 1 &&
        hal_pte_kind(*slot, level - 1) == HAL_PTE_TABLE && hal_pte_addr(*slot) == table) {
        *slot = 0;
        /* A whole subtree left: flush the address space, not one page. */
        hal_tlb_flush_asid(asid);
        err = 0;
    }
    entries = pt_table(table);
    for (i = 0; i < PT_ENTRIES; i++)
        entries[i] = 0;
    return err;
}

/*
 * The leaf entry for vaddr, or NULL with *missing = the missing level, or with *missing = 0 when
 * a large page covers vaddr (level 0, the root, is never missing).
 */
static pte_t *pt_leaf(pte_t *root, word_t vaddr, unsigned *missing)
{
    pte_t *slot;
    unsigned l = pt_walk(root, vaddr, PT_LEAF_LEVEL, &slot);

    if (l == PT_LEAF_LEVEL)
        return slot;
    *missing = hal_pte_kind(*slot, l) == HAL_PTE_INVALID ? l + 1 : 0;
    return NULL;
}

int pt_map_page(pte_t *root, word_t asid, word_t vaddr, paddr_t pa, unsigned rights, unsigned attr,
                unsigned *missing)
{
    pte_t *slot;
    unsigned level;
    int err = pt_check_vaddr(vaddr);

    if (err)
        return err;
    if (pa & (PT_PAGE_SIZE - 1))
        return MICA_ERR_ALIGNMENT;
    err = vm_check_rights(rights, attr);
    if (err)
        return err;
    slot = pt_leaf(root, vaddr, &level);
    if (!slot && level == 0)
        return MICA_ERR_DELETE_FIRST; /* a large page covers vaddr */
    if (!slot) {
        *missing = level;
        return MICA_ERR_FAILED_LOOKUP;
    }
    if (hal_pte_kind(*slot, PT_LEAF_LEVEL) != HAL_PTE_INVALID)
        return MICA_ERR_DELETE_FIRST;
    *slot = hal_pte_page(pa, PT_LEAF_LEVEL, rights, attr);
    /* Invalid -> valid: the arch decides what the walker needs to see it (hal.h). */
    hal_tlb_page_mapped(asid, vaddr);
    return 0;
}

/* The leaf entry for vaddr if it maps pa, else NULL. */
static pte_t *pt_leaf_of(pte_t *root, word_t vaddr, paddr_t pa)
{
    unsigned missing;
    pte_t *slot = pt_leaf(root, vaddr, &missing);

    if (!slot || hal_pte_kind(*slot, PT_LEAF_LEVEL) != HAL_PTE_PAGE || hal_pte_addr(*slot) != pa)
        return NULL;
    return slot;
}

int pt_remap_page(pte_t *root, word_t asid, word_t vaddr, paddr_t pa, unsigned rights,
                  unsigned attr)
{
    pte_t *slot;
    int err = pt_check_vaddr(vaddr);

    if (err)
        return err;
    err = vm_check_rights(rights, attr);
    if (err)
        return err;
    slot = pt_leaf_of(root, vaddr, pa);
    if (!slot)
        return MICA_ERR_FAILED_LOOKUP;
    /*
     * Break before make: AArch64 requires a live entry to go through invalid (and a TLB
     * invalidate) before its memory type changes (Arm ARM DDI 0487, "Using break-before-make when
     * updating translation table entries"). The walker cannot decode the old attr, so it always
     * does; on Sv39 it only costs a second SFENCE.VMA.
     */
    *slot = 0;
    hal_tlb_flush_page(asid, vaddr);
    *slot = hal_pte_page(pa, PT_LEAF_LEVEL, rights, attr);
    hal_tlb_page_mapped(asid, vaddr);
    return 0;
}

int pt_unmap_page(pte_t *root, word_t asid, word_t vaddr, paddr_t pa)
{
    pte_t *slot;
    int err = pt_check_vaddr(vaddr);

    if (err)
        return err;
    slot = pt_leaf_of(root, vaddr, pa);
    if (!slot)
        return MICA_ERR_FAILED_LOOKUP;
    *slot = 0;
    hal_tlb_flush_page(asid, vaddr);
    return 0;
}

int pt_lookup(pte_t *root, word_t vaddr, paddr_t *pa)
{
    pte_t *slot;
    unsigned l;
    word_t offset;

    if (vaddr >= HAL_USER_TOP)
        return MICA_ERR_RANGE;
    l = pt_walk(root, vaddr, PT_LEAF_LEVEL, &slot);
    if (hal_pte_kind(*slot, l) != HAL_PTE_PAGE)
        return MICA_ERR_FAILED_LOOKUP;
    /* A page found above the leaf level (a block or superpage) covers 2^shift bytes. */
    offset = vaddr & (((word_t)1 << pt_level_shift(l)) - 1);
    *pa = hal_pte_addr(*slot) + offset;
    return 0;
}
