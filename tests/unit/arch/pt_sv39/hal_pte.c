/* SPDX-License-Identifier: MIT */
/*
 * The Sv39 PTE encoding for the walker tests: the kernel's own (drivers/mmu/sv39.h), with
 * Svpbmt's IO type for device memory.
 */
#include "hal.h"

#include <mica/objects.h>

#include "compiler.h"
#include "mmu/sv39.h"

compile_assert(sv39_kind_order, HAL_PTE_INVALID == 0 && HAL_PTE_TABLE == 1 && HAL_PTE_PAGE == 2);

pte_t hal_pte_table(paddr_t table)
{
    return sv39_table(table);
}

pte_t hal_pte_page(paddr_t pa, unsigned level, unsigned vm_rights, unsigned attr)
{
    (void)level; /* a superpage has the same format, only its PPN alignment differs */
    return sv39_user_leaf(pa, vm_rights, attr, SV39_PBMT_IO);
}

enum hal_pte_kind hal_pte_kind(pte_t pte, unsigned level)
{
    return (enum hal_pte_kind)sv39_kind(pte, level);
}

paddr_t hal_pte_addr(pte_t pte)
{
    return sv39_addr(pte);
}

unsigned test_pte_rights(pte_t pte)
{
    return ((pte & SV39_R) ? MICA_VM_READ : 0) | ((pte & SV39_W) ? MICA_VM_WRITE : 0) |
           ((pte & SV39_X) ? MICA_VM_EXEC : 0);
}

unsigned test_pte_attr(pte_t pte)
{
    return (pte & SV39_PBMT_MASK) == SV39_PBMT_IO ? MICA_VM_DEVICE : MICA_VM_CACHED;
}
