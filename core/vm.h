/* SPDX-License-Identifier: MIT */
/*
 * Mapping rights and attributes as the ABI defines them (MICA_VM_*), checked the same way by the
 * MMU page-table walker (pt.c) and the MPU region solver (mpu_solver.c).
 */
#ifndef MICA_VM_H
#define MICA_VM_H

#include <mica/objects.h>

#define VM_RIGHTS_ALL (MICA_VM_READ | MICA_VM_WRITE | MICA_VM_EXEC)

/*
 * 0, or MICA_ERR_INVALID_ARGUMENT when rights/attr name something no arch can map: unknown bits,
 * no access at all, or write without read. Sv39 reserves W=1,R=0 leaves (RISC-V Privileged ISA,
 * Sv32/Sv39 PTE "R/W/X" table) and neither the AArch64 AP[2:1] nor the PMSAv8 AP[2:1] field has a
 * write-only encoding, so the core refuses it everywhere instead of letting arches disagree.
 * Execute-only is accepted; an arch without it widens to read+execute (its rounding, not ours).
 */
static inline int vm_check_rights(unsigned rights, unsigned attr)
{
    if (rights & ~VM_RIGHTS_ALL)
        return MICA_ERR_INVALID_ARGUMENT;
    if (!(rights & (MICA_VM_READ | MICA_VM_EXEC)))
        return MICA_ERR_INVALID_ARGUMENT;
    if ((rights & MICA_VM_WRITE) && !(rights & MICA_VM_READ))
        return MICA_ERR_INVALID_ARGUMENT;
    if (attr != MICA_VM_CACHED && attr != MICA_VM_DEVICE)
        return MICA_ERR_INVALID_ARGUMENT;
    return 0;
}

#endif
