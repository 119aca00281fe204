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

#define PTE_V         (1ul << 0)
#define PTE_R         (1ul << 1)
#define PTE_W         (1ul << 2)
#define PTE_X         (1ul << 3)
#define PTE_U         (1ul << 4)
#define PTE_A         (1ul << 6)
#define PTE_D         (1ul << 7)
#define PTE_LEAF      (PTE_R | PTE_W | PTE_X)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK  ((1ul << 44) - 1)
/* Sv39 leaves this bit to software (RSW, bits 8-9); hosted marks device mappings with it. */
#define PTE_DEVICE (1ul << 8)

static paddr_t active_root;
static word_t active_asid;

pte_t hal_pte_table(paddr_t table)
{
    return ((table >> HAL_PAGE_BITS) << PTE_PPN_SHIFT) | PTE_V;
}

pte_t hal_pte_page(paddr_t pa, unsigned level, unsigned vm_rights, unsigned attr)
{
    pte_t pte = ((pa >> HAL_PAGE_BITS) << PTE_PPN_SHIFT) | PTE_V | PTE_U | PTE_A;

    (void)level;
    if (vm_rights & MICA_VM_READ)
        pte |= PTE_R;
    if (vm_rights & MICA_VM_WRITE)
        pte |= PTE_W | PTE_D;
    if (vm_rights & MICA_VM_EXEC)
        pte |= PTE_X;
    if (attr == MICA_VM_DEVICE)
        pte |= PTE_DEVICE;
    return pte;
}

enum hal_pte_kind hal_pte_kind(pte_t pte, unsigned level)
{
    if (!(pte & PTE_V))
        return HAL_PTE_INVALID;
    if (pte & PTE_LEAF)
        return HAL_PTE_PAGE;
    return level < HAL_PT_LEVELS - 1 ? HAL_PTE_TABLE : HAL_PTE_INVALID;
}

paddr_t hal_pte_addr(pte_t pte)
{
    return ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << HAL_PAGE_BITS;
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
