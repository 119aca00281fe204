/* SPDX-License-Identifier: MIT */
/*
 * PMSAv8 region rules and encoding. A region is a base (MPU_RBAR.BASE, address bits [31:5]) and
 * an inclusive limit (MPU_RLAR.LIMIT, bits [31:5], the low five bits taken as ones): an address
 * matches when BASE:'00000' <= address <= LIMIT:'11111' (Armv8-M ARM DDI 0553, MPU_RBAR and
 * MPU_RLAR; Arm "Armv8-M Memory Model and MPU User Guide" 100699). Unlike PMSAv7 there are no
 * power-of-two sizes and no subregions, and regions must not overlap.
 */
#include <mica/abi.h>
#include <mica/objects.h>

#include "mpu/pmsav8.h"

/* True if [base, base + size) runs past the top of paddr_t. size must be non-zero. */
static bool pmsav8_wraps(paddr_t base, paddr_t size)
{
    return size - 1 > (paddr_t) ~(paddr_t)0 - base;
}

static bool pmsav8_overlap(const struct mpu_region *a, const struct mpu_region *b)
{
    /* Inclusive limits, as the hardware compares them; neither wraps (checked first). */
    return a->base <= b->base + (b->size - 1) && b->base <= a->base + (a->size - 1);
}

int pmsav8_check(const struct mpu_region *regions, unsigned n, unsigned max_regions)
{
    unsigned i, j;

    if (n > max_regions)
        return MICA_ERR_RANGE;
    for (i = 0; i < n; i++) {
        const struct mpu_region *r = &regions[i];
        if (r->size == 0)
            return MICA_ERR_INVALID_ARGUMENT;
        if ((r->base & (PMSAV8_GRANULE - 1)) || (r->size & (PMSAV8_GRANULE - 1)))
            return MICA_ERR_ALIGNMENT;
        if (pmsav8_wraps(r->base, r->size))
            return MICA_ERR_RANGE;
    }
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            if (pmsav8_overlap(&regions[i], &regions[j]))
                return MICA_ERR_DELETE_FIRST;
    return 0;
}

int pmsav8_encode(const struct mpu_region *regions, unsigned n, unsigned max_regions,
                  word_t (*pair)[2])
{
    int err = pmsav8_check(regions, n, max_regions);

    if (err)
        return err;
    for (unsigned i = 0; i < max_regions; i++) {
        if (i >= n) {
            pair[i][0] = pair[i][1] = 0;
            continue;
        }
        const struct mpu_region *r = &regions[i];
        pair[i][0] =
            r->base |
            ((r->vm_rights & MICA_VM_WRITE) ? PMSAV8_RBAR_AP_RW_ANY : PMSAV8_RBAR_AP_RO_ANY) |
            ((r->vm_rights & MICA_VM_EXEC) ? 0 : PMSAV8_RBAR_XN);
        pair[i][1] = ((r->base + r->size - 1) & ~(paddr_t)(PMSAV8_GRANULE - 1)) |
                     PMSAV8_RLAR_ATTRIDX(r->attr == MICA_VM_DEVICE ? PMSAV8_ATTR_DEVICE
                                                                   : PMSAV8_ATTR_NORMAL) |
                     PMSAV8_RLAR_EN;
    }
    return 0;
}
