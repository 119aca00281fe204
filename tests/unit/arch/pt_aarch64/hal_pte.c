/* SPDX-License-Identifier: MIT */
/*
 * AArch64-like descriptor encoding for the walker tests (Arm ARM DDI 0487, "VMSAv8-64 translation
 * table format descriptors", 4KB granule): bits[1:0] = 0b11 is a table at levels 0-2 and a page
 * at level 3, 0b01 a block at levels 1-2; output address in bits[47:12]; AttrIndx[4:2],
 * AP[2:1] in bits[7:6], SH[9:8], AF bit 10, nG bit 11, PXN bit 53, UXN bit 54.
 */
#include "hal.h"

#include <mica/objects.h>

#define DESC_VALID      (1ull << 0)
#define DESC_TYPE_TABLE (1ull << 1) /* also "page" at level 3 */
#define DESC_TYPE_MASK  3ull
#define DESC_OA_MASK    0x0000fffffffff000ull
#define DESC_ATTRIDX(n) ((pte_t)(n) << 2)
#define DESC_ATTR_MASK  DESC_ATTRIDX(7)
#define DESC_AP_RW_ALL  (1ull << 6) /* AP[2:1] = 01: EL1 and EL0 read/write */
#define DESC_AP_RO_ALL  (3ull << 6) /* AP[2:1] = 11: EL1 and EL0 read-only */
#define DESC_AP_MASK    (3ull << 6)
#define DESC_SH_INNER   (3ull << 8)
#define DESC_AF         (1ull << 10)
#define DESC_NG         (1ull << 11)
#define DESC_PXN        (1ull << 53)
#define DESC_UXN        (1ull << 54)

/* MAIR_EL1 slots this test arch would program: 0 normal write-back, 1 Device-nGnRE. */
#define ATTR_NORMAL 0
#define ATTR_DEVICE 1

pte_t hal_pte_table(paddr_t table)
{
    return (table & DESC_OA_MASK) | DESC_TYPE_TABLE | DESC_VALID;
}

pte_t hal_pte_page(paddr_t pa, unsigned level, unsigned vm_rights, unsigned attr)
{
    pte_t pte = (pa & DESC_OA_MASK) | DESC_VALID | DESC_AF | DESC_NG | DESC_SH_INNER | DESC_PXN;

    if (level == HAL_PT_LEVELS - 1)
        pte |= DESC_TYPE_TABLE; /* 0b11 is a page at level 3; 0b01 a block above it */
    if (vm_rights & MICA_VM_WRITE)
        pte |= DESC_AP_RW_ALL;
    else if (vm_rights & MICA_VM_READ)
        pte |= DESC_AP_RO_ALL;
    if (!(vm_rights & MICA_VM_EXEC))
        pte |= DESC_UXN;
    pte |= DESC_ATTRIDX(attr == MICA_VM_DEVICE ? ATTR_DEVICE : ATTR_NORMAL);
    return pte;
}

enum hal_pte_kind hal_pte_kind(pte_t pte, unsigned level)
{
    pte_t type = pte & DESC_TYPE_MASK;

    if (!(pte & DESC_VALID))
        return HAL_PTE_INVALID;
    if (level == HAL_PT_LEVELS - 1)
        return type == 3 ? HAL_PTE_PAGE : HAL_PTE_INVALID; /* 0b01 is reserved at level 3 */
    if (type == 3)
        return HAL_PTE_TABLE;
    return level == 0 ? HAL_PTE_INVALID : HAL_PTE_PAGE; /* no level-0 blocks with 4KB */
}

paddr_t hal_pte_addr(pte_t pte)
{
    return pte & DESC_OA_MASK;
}

unsigned test_pte_rights(pte_t pte)
{
    unsigned rights = (pte & DESC_UXN) ? 0 : MICA_VM_EXEC;

    if ((pte & DESC_AP_MASK) == DESC_AP_RW_ALL)
        rights |= MICA_VM_READ | MICA_VM_WRITE;
    else if ((pte & DESC_AP_MASK) == DESC_AP_RO_ALL)
        rights |= MICA_VM_READ;
    return rights;
}

unsigned test_pte_attr(pte_t pte)
{
    return (pte & DESC_ATTR_MASK) == DESC_ATTRIDX(ATTR_DEVICE) ? MICA_VM_DEVICE : MICA_VM_CACHED;
}
