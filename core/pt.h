/* SPDX-License-Identifier: MIT */
/*
 * The generic radix-tree page-table walker shared by every MMU arch (Sv39, AArch64 4K granule).
 * It knows only the shape the HAL declares (HAL_PT_LEVELS tables of 2^HAL_PT_INDEX_BITS entries,
 * HAL_PAGE_BITS pages) and reads/writes entries through hal_pte_*; it never allocates. The VSpace
 * and PageTable objects decide which tables and frames it is given.
 */
#ifndef MICA_PT_H
#define MICA_PT_H

#include "hal.h"

/*
 * Levels count from the root: level 0 is the root table, PT_LEAF_LEVEL the table whose entries
 * map HAL_PAGE_BITS pages. "Level n is missing for vaddr" means no table of level n covers vaddr:
 * the level n-1 entry for vaddr is invalid. The caller fixes it by mapping a PageTable there, so
 * the missing level is what Frame_Map reports in MR0 with MICA_ERR_FAILED_LOOKUP.
 *
 * Tables must be zeroed before they are mapped (Untyped_Retype zeroes), and a zero pte_t must be
 * HAL_PTE_INVALID at every level (true of Sv39's V bit and AArch64's descriptor bit 0).
 *
 * Every function returns 0 or an enum mica_error (positive, as in the rest of core/). Addresses are
 * user virtual: at or above HAL_USER_TOP is MICA_ERR_RANGE (kernel memory is never mappable) and
 * an address that is not page aligned is MICA_ERR_ALIGNMENT. Range is checked before alignment.
 */
#define PT_LEAF_LEVEL  (HAL_PT_LEVELS - 1)
#define PT_ENTRIES     ((word_t)1 << HAL_PT_INDEX_BITS)
#define PT_PAGE_SIZE   ((word_t)1 << HAL_PAGE_BITS)
#define PT_TABLE_BYTES (sizeof(pte_t) << HAL_PT_INDEX_BITS)
#define PT_VA_BITS     (HAL_PAGE_BITS + HAL_PT_LEVELS * HAL_PT_INDEX_BITS)

/* log2 of the bytes one entry of a level-`level` table covers (HAL_PAGE_BITS at the leaf). */
unsigned pt_level_shift(unsigned level);

/* Index of vaddr's entry in a level-`level` table. */
word_t pt_index(word_t vaddr, unsigned level);

/*
 * Walk from root towards vaddr's entry in the level-`level` table, following HAL_PTE_TABLE entries
 * only. Returns the level of the entry stored in *slot: `level` when every table on the way is
 * there, or a smaller level whose entry is not a table (invalid: level+1 is missing; a page: a
 * large mapping covers vaddr). No range check: callers pass user addresses.
 */
unsigned pt_walk(pte_t *root, word_t vaddr, unsigned level, pte_t **slot);

/*
 * Hook the zeroed table at physical address table (PT_TABLE_BYTES aligned) into the highest
 * missing level for vaddr and store that level (1..PT_LEAF_LEVEL) in *level. Errors: RANGE,
 * ALIGNMENT (vaddr or table), DELETE_FIRST when no level is missing (or a page covers vaddr).
 */
int pt_map_table(pte_t *root, word_t vaddr, paddr_t table, unsigned *level);

/*
 * Detach the level-`level` table at physical address table from vaddr's path (clearing its parent
 * entry and flushing asid's TLB), then empty it so that mappings made through it cannot come back
 * if it is mapped again. The table is emptied even when it was no longer attached there, in which
 * case the result is MICA_ERR_FAILED_LOOKUP. Errors: RANGE, ALIGNMENT, INVALID_ARGUMENT (level).
 */
int pt_unmap_table(pte_t *root, word_t asid, word_t vaddr, unsigned level, paddr_t table);

/*
 * Map the page at pa at vaddr with rights (MICA_VM_*) and attr, then flush vaddr for asid.
 * Errors: RANGE, ALIGNMENT (vaddr or pa), INVALID_ARGUMENT (vm_check_rights), FAILED_LOOKUP with
 * *missing = the missing level, DELETE_FIRST when vaddr's slot is taken.
 */
int pt_map_page(pte_t *root, word_t asid, word_t vaddr, paddr_t pa, unsigned rights, unsigned attr,
                unsigned *missing);

/*
 * Change rights and attr of the existing mapping of pa at vaddr: the entry goes invalid, vaddr is
 * flushed, the new entry is written and vaddr flushed again (break-before-make).
 * Errors: RANGE, ALIGNMENT, INVALID_ARGUMENT, FAILED_LOOKUP when vaddr does not map pa.
 */
int pt_remap_page(pte_t *root, word_t asid, word_t vaddr, paddr_t pa, unsigned rights,
                  unsigned attr);

/*
 * Remove the mapping of pa at vaddr, then flush vaddr for asid. pa guards against a stale caller
 * (the frame's page table was unmapped and reused): another frame's mapping is left alone.
 * Errors: RANGE, ALIGNMENT, FAILED_LOOKUP when vaddr does not map pa.
 */
int pt_unmap_page(pte_t *root, word_t asid, word_t vaddr, paddr_t pa);

/* Translate any user address vaddr (no alignment needed). Errors: RANGE, FAILED_LOOKUP. */
int pt_lookup(pte_t *root, word_t vaddr, paddr_t *pa);

#endif
