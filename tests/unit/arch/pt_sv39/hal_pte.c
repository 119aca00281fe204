/* SPDX-License-Identifier: MIT */
/*
 * Sv39-like PTE encoding for the walker tests (RISC-V Privileged ISA, "Sv39" and "Svpbmt"):
 * V R W X U G A D in bits 0-7, PPN from bit 10, PBMT in bits 62:61. A valid PTE with R=W=X=0
 * points to the next level; any of R/X set makes it a leaf (a superpage above the last level).
 */
#include "hal.h"

#include <mica/objects.h>

#define PTE_V           (1ull << 0)
#define PTE_R           (1ull << 1)
#define PTE_W           (1ull << 2)
#define PTE_X           (1ull << 3)
#define PTE_U           (1ull << 4)
#define PTE_A           (1ull << 6)
#define PTE_D           (1ull << 7)
#define PTE_PPN_SHIFT   10
#define PTE_PPN_MASK    ((1ull << 44) - 1)
#define PTE_PBMT_IO     (2ull << 61)
#define PTE_PBMT_MASK   (3ull << 61)
#define PTE_LEAF_RIGHTS (PTE_R | PTE_W | PTE_X)

static pte_t ppn(paddr_t pa)
{
    return (pa >> 12) << PTE_PPN_SHIFT;
}

pte_t hal_pte_table(paddr_t table)
{
    return ppn(table) | PTE_V;
}

pte_t hal_pte_page(paddr_t pa, unsigned level, unsigned vm_rights, unsigned attr)
{
    pte_t pte = ppn(pa) | PTE_V | PTE_U | PTE_A | PTE_D;

    (void)level; /* a superpage has the same format, only its PPN alignment differs */
    if (vm_rights & MICA_VM_READ)
        pte |= PTE_R;
    if (vm_rights & MICA_VM_WRITE)
        pte |= PTE_W;
    if (vm_rights & MICA_VM_EXEC)
        pte |= PTE_X;
    if (attr == MICA_VM_DEVICE)
        pte |= PTE_PBMT_IO;
    return pte;
}

enum hal_pte_kind hal_pte_kind(pte_t pte, unsigned level)
{
    if (!(pte & PTE_V))
        return HAL_PTE_INVALID;
    if (pte & PTE_LEAF_RIGHTS)
        return HAL_PTE_PAGE;
    /* A pointer in a last-level PTE is a page fault for the hardware, so not a table here. */
    return level < HAL_PT_LEVELS - 1 ? HAL_PTE_TABLE : HAL_PTE_INVALID;
}

paddr_t hal_pte_addr(pte_t pte)
{
    return ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << 12;
}

unsigned test_pte_rights(pte_t pte)
{
    return ((pte & PTE_R) ? MICA_VM_READ : 0) | ((pte & PTE_W) ? MICA_VM_WRITE : 0) |
           ((pte & PTE_X) ? MICA_VM_EXEC : 0);
}

unsigned test_pte_attr(pte_t pte)
{
    return (pte & PTE_PBMT_MASK) == PTE_PBMT_IO ? MICA_VM_DEVICE : MICA_VM_CACHED;
}
