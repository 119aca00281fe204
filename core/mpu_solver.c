/* SPDX-License-Identifier: MIT */
/*
 * MPU region solver: frames to the fewest regions. What the hardware can do with them (how many,
 * the granule, overlaps) is the arch's, in hal_mpu_encode (PMSAv8: drivers/mpu/pmsav8.c).
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
