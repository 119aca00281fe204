/* SPDX-License-Identifier: MIT */
/*
 * The hosted MMU personality (CONFIG_HOSTED_MMU): page tables in Sv39's shape and encoding
 * (RISC-V Privileged ISA, "Sv39": three levels of 512 PTEs, V/R/W/X/U/A/D bits, PPN at bit 10),
 * walked by core/pt.c like on hardware, so every map/unmap/rights error is the one a board gives.
 * Nothing translates user accesses (user code runs in the host process), so activation and TLB
 * maintenance only record what the kernel asked for.
 */
#include <mica/objects.h>

#include "hosted.h"
#include "klog.h"
#include "mmu/sv39.h"

static paddr_t active_root;
static word_t active_asid;

compile_assert(sv39_kind_order, HAL_PTE_INVALID == 0 && HAL_PTE_TABLE == 1 && HAL_PTE_PAGE == 2);

pte_t hal_pte_table(paddr_t table)
{
    return sv39_table(table);
}

/* Device mappings are marked with a bit Sv39 leaves to software (RSW). */
pte_t hal_pte_page(paddr_t pa, unsigned level, unsigned vm_rights, unsigned attr)
{
    (void)level;
    return sv39_user_leaf(pa, vm_rights, attr, SV39_RSW0);
}

enum hal_pte_kind hal_pte_kind(pte_t pte, unsigned level)
{
    return (enum hal_pte_kind)sv39_kind(pte, level);
}

paddr_t hal_pte_addr(pte_t pte)
{
    return sv39_addr(pte);
}

/* No kernel half: the hosted kernel is the host process, not a mapping. */
void hal_vspace_init(pte_t *root)
{
    (void)root;
}

/* Roots are page-aligned and ASIDs below a page's size: the token is root | asid. */
word_t hal_vspace_token(paddr_t root, word_t asid)
{
    kassert(!(root & ((1ul << HAL_PAGE_BITS) - 1)) && asid < (1ul << HAL_PAGE_BITS));
    return root | asid;
}

void hal_vspace_load(word_t token)
{
    active_root = token & ~((1ul << HAL_PAGE_BITS) - 1);
    active_asid = token & ((1ul << HAL_PAGE_BITS) - 1);
}

void hal_tlb_flush_page(word_t asid, word_t vaddr)
{
    (void)asid, (void)vaddr;
}

void hal_tlb_page_mapped(word_t asid, word_t vaddr)
{
    (void)asid, (void)vaddr;
}

void hal_tlb_flush_asid(word_t asid)
{
    (void)asid;
}
