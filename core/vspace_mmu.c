/* SPDX-License-Identifier: MIT */
/*
 * The MMU backend of vspace.h: a VSpace object is the root table of a page-table tree that the
 * generic walker (pt.c) edits through the HAL's PTE hooks; PageTable objects are the lower
 * tables. A thread without a VSpace runs on kernel_root, a root with only the kernel's entries.
 */
#include "pt.h"
#include "vspace.h"

compile_assert(vspace_holds_root, PT_TABLE_BYTES <= ((word_t)1 << MICA_VSPACE_BITS));
compile_assert(page_table_holds_table, PT_TABLE_BYTES <= ((word_t)1 << MICA_PAGE_TABLE_BITS));
compile_assert(frames_are_pages, HAL_PAGE_BITS == MICA_PAGE_BITS);

const bool vspace_backend_present = true;
const bool vspace_backend_tables = true;
const word_t vspace_backend_user_top = HAL_USER_TOP;
const word_t vspace_backend_regions = 0;

static pte_t kernel_root[PT_ENTRIES] __attribute__((aligned(PT_TABLE_BYTES)));
static bool kernel_root_ready;

/* Per ASID: what hal_vspace_load takes to make the VSpace holding it current, worked out when
 * the VSpace is created (its root and ASID do not change while it lives). */
word_t vspace_asid_token[VSPACE_ASIDS];

void vspace_backend_init(void *vs, word_t asid)
{
    hal_vspace_init(vs);
    vspace_asid_token[asid] = hal_vspace_token(hal_virt_to_phys(vs), asid);
}

int vspace_backend_map(void *vs, word_t asid, word_t vaddr, paddr_t pa, unsigned frame_bits,
                       unsigned rights, unsigned attr, unsigned *missing)
{
    (void)frame_bits; /* always HAL_PAGE_BITS: Retype makes no other frames with an MMU */
    return pt_map_page(vs, asid, vaddr, pa, rights, attr, missing);
}

int vspace_backend_remap(void *vs, word_t asid, word_t vaddr, paddr_t pa, unsigned frame_bits,
                         unsigned rights, unsigned attr)
{
    (void)frame_bits;
    return pt_remap_page(vs, asid, vaddr, pa, rights, attr);
}

void vspace_backend_unmap(void *vs, word_t asid, word_t vaddr, paddr_t pa, unsigned frame_bits)
{
    (void)frame_bits;
    /* FAILED_LOOKUP: the table it was mapped through is gone and was emptied; nothing to do. */
    (void)pt_unmap_page(vs, asid, vaddr, pa);
}

int vspace_backend_map_table(void *vs, word_t vaddr, paddr_t table, unsigned *level)
{
    return pt_map_table(vs, vaddr, table, level);
}

void vspace_backend_unmap_table(void *vs, word_t asid, word_t vaddr, unsigned level, paddr_t table)
{
    if (vs) {
        /* FAILED_LOOKUP only says it was detached already; pt emptied it either way. */
        (void)pt_unmap_table(vs, asid, vaddr, level, table);
        return;
    }
    /* Its VSpace is gone: just empty it, so nothing it mapped comes back if it is reused. */
    memset(hal_phys_to_virt(table), 0, PT_TABLE_BYTES);
}

void vspace_backend_destroy(void *vs, word_t asid)
{
    (void)vs;
    /* The ASID may go to another VSpace next: none of this one's translations may survive. */
    hal_tlb_flush_asid(asid);
}

/* The kernel-only space, initialised the first time a thread without a VSpace runs (out of line:
 * the common switch, to a VSpace, then needs no stack frame). */
static __attribute__((noinline)) void kernel_root_activate(void)
{
    if (!kernel_root_ready) {
        hal_vspace_init(kernel_root);
        kernel_root_ready = true;
    }
    hal_vspace_load(hal_vspace_token(hal_virt_to_phys(kernel_root), 0));
}

void vspace_backend_activate(void *vs, word_t asid)
{
    if (!vs) {
        kernel_root_activate();
        return;
    }
    hal_vspace_load(vspace_asid_token[asid]);
}
