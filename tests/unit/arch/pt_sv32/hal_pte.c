/* SPDX-License-Identifier: MIT */
/*
 * Sv32-like PTE encoding for the walker tests (RISC-V Privileged ISA, "Sv32"): V R W X U G A D in
 * bits 0-7, the two RSW bits 8-9, a 22-bit PPN from bit 10. Sv32 has no PBMT, so cacheability is
 * the platform's PMAs; this test encoding remembers a device attr in RSW bit 8, which the hardware
 * ignores, so that the walker's handling of attr can still be checked.
 */
#include "hal.h"

#include <mica/objects.h>

#define PTE_V           (1u << 0)
#define PTE_R           (1u << 1)
#define PTE_W           (1u << 2)
#define PTE_X           (1u << 3)
#define PTE_U           (1u << 4)
#define PTE_A           (1u << 6)
#define PTE_D           (1u << 7)
#define PTE_RSW_DEVICE  (1u << 8)
#define PTE_PPN_SHIFT   10
#define PTE_LEAF_RIGHTS (PTE_R | PTE_W | PTE_X)

static pte_t ppn(paddr_t pa)
{
    return (pte_t)((pa >> 12) << PTE_PPN_SHIFT);
}

pte_t hal_pte_table(paddr_t table)
{
    return ppn(table) | PTE_V;
}

pte_t hal_pte_page(paddr_t pa, unsigned level, unsigned vm_rights, unsigned attr)
{
    pte_t pte = ppn(pa) | PTE_V | PTE_U | PTE_A | PTE_D;

    (void)level;
    if (vm_rights & MICA_VM_READ)
        pte |= PTE_R;
    if (vm_rights & MICA_VM_WRITE)
        pte |= PTE_W;
    if (vm_rights & MICA_VM_EXEC)
        pte |= PTE_X;
    if (attr == MICA_VM_DEVICE)
        pte |= PTE_RSW_DEVICE;
    return pte;
}

enum hal_pte_kind hal_pte_kind(pte_t pte, unsigned level)
{
    if (!(pte & PTE_V))
        return HAL_PTE_INVALID;
    if (pte & PTE_LEAF_RIGHTS)
        return HAL_PTE_PAGE;
    return level < HAL_PT_LEVELS - 1 ? HAL_PTE_TABLE : HAL_PTE_INVALID;
}

paddr_t hal_pte_addr(pte_t pte)
{
    return (paddr_t)(pte >> PTE_PPN_SHIFT) << 12;
}

unsigned test_pte_rights(pte_t pte)
{
    return ((pte & PTE_R) ? MICA_VM_READ : 0) | ((pte & PTE_W) ? MICA_VM_WRITE : 0) |
           ((pte & PTE_X) ? MICA_VM_EXEC : 0);
}

unsigned test_pte_attr(pte_t pte)
{
    return (pte & PTE_RSW_DEVICE) ? MICA_VM_DEVICE : MICA_VM_CACHED;
}
