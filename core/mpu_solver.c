/* SPDX-License-Identifier: MIT */
/*
 * MPU region solver and the PMSAv8 region rules. PMSAv8 (Armv8-M) describes a region by a base
 * (MPU_RBAR.BASE, address bits [31:5]) and an inclusive limit (MPU_RLAR.LIMIT, bits [31:5], the
 * low five bits taken as ones): an address matches when BASE:'00000' <= address <=
 * LIMIT:'11111' (Armv8-M ARM DDI 0553, MPU_RBAR and MPU_RLAR; Arm "Armv8-M Memory Model and MPU
 * User Guide" 100699, "Protected Memory System Architecture"). Unlike PMSAv7 there are no
 * power-of-two sizes and no subregions, and regions must not overlap: an access that hits two
 * enabled regions is a MemManage fault, not a priority choice.
 */
#include "mpu_solver.h"
#include "vm.h"

#include <mica/abi.h>

void mpu_solver_sort(struct mpu_region *regions, unsigned n)
{
    unsigned i, j;

    for (i = 1; i < n; i++) {
        struct mpu_region r = regions[i];
        for (j = i; j > 0 && regions[j - 1].base > r.base; j--)
            regions[j] = regions[j - 1];
        regions[j] = r;
    }
}

/* True if [base, base + size) runs past the top of paddr_t. size must be non-zero. */
static bool mpu_wraps(paddr_t base, paddr_t size)
{
    return size - 1 > (paddr_t) ~(paddr_t)0 - base;
}

static bool mpu_mergeable(const struct mpu_region *a, const struct mpu_region *b)
{
    return a->base + a->size == b->base && a->vm_rights == b->vm_rights && a->attr == b->attr;
}

static int mpu_check_frame(const struct mpu_region *f)
{
    if (f->size == 0)
        return MICA_ERR_INVALID_ARGUMENT;
    if (mpu_wraps(f->base, f->size))
        return MICA_ERR_RANGE;
    return vm_check_rights(f->vm_rights, f->attr);
}

int mpu_solve(struct mpu_region *frames, unsigned n, struct mpu_region *out, unsigned max,
              unsigned *nregions, struct arch_mpu_state *state)
{
    struct mpu_region cur;
    unsigned i, count = 0;
    int err;

    *nregions = 0;
    for (i = 0; i < n; i++) {
        err = mpu_check_frame(&frames[i]);
        if (err)
            return err;
    }
    mpu_solver_sort(frames, n);
    if (n == 0)
        return hal_mpu_encode(out, 0, state);
    cur = frames[0];
    for (i = 1; i < n; i++) {
        /* Sorted and so far disjoint: only the region being built can overlap frames[i]. */
        if (frames[i].base - cur.base < cur.size)
            return MICA_ERR_DELETE_FIRST;
        if (mpu_mergeable(&cur, &frames[i])) {
            cur.size += frames[i].size;
            continue;
        }
        if (count < max)
            out[count] = cur;
        count++;
        cur = frames[i];
    }
    if (count < max)
        out[count] = cur;
    count++;
    *nregions = count;
    if (count > max)
        return MICA_ERR_RANGE;
    return hal_mpu_encode(out, count, state);
}

static bool mpu_overlap(const struct mpu_region *a, const struct mpu_region *b)
{
    /* Inclusive limits, as the hardware compares them; neither wraps (checked first). */
    return a->base <= b->base + (b->size - 1) && b->base <= a->base + (a->size - 1);
}

int mpu_solver_check(const struct mpu_region *regions, unsigned n, unsigned max_regions,
                     paddr_t granule)
{
    unsigned i, j;

    if (granule == 0 || (granule & (granule - 1)))
        return MICA_ERR_INVALID_ARGUMENT;
    if (n > max_regions)
        return MICA_ERR_RANGE;
    for (i = 0; i < n; i++) {
        const struct mpu_region *r = &regions[i];
        if (r->size == 0)
            return MICA_ERR_INVALID_ARGUMENT;
        /* BASE and LIMIT hold address bits [31:5]: both ends sit on the 32-byte granule. */
        if ((r->base & (granule - 1)) || (r->size & (granule - 1)))
            return MICA_ERR_ALIGNMENT;
        if (mpu_wraps(r->base, r->size))
            return MICA_ERR_RANGE;
    }
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            if (mpu_overlap(&regions[i], &regions[j]))
                return MICA_ERR_DELETE_FIRST;
    return 0;
}
