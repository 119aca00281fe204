/* SPDX-License-Identifier: MIT */
/*
 * The MPU backend of vspace.h: a VSpace object is a set of mapped frames (physical blocks, since a
 * frame maps only at vaddr == paddr) plus the hardware regions mpu_solve made of them, encoded by
 * the arch and loaded on a context switch. Every change is solved into scratch first and kept only
 * if the arch says it fits, so a Map that does not fit changes nothing.
 */
#include "mpu_solver.h"
#include "vspace.h"

#define MPU_VSPACE_FRAMES 64

struct mpu_vspace {
    unsigned nframes;
    struct mpu_region frames[MPU_VSPACE_FRAMES];
    struct arch_mpu_state state;
};
compile_assert(mpu_vspace_fits, sizeof(struct mpu_vspace) <= ((word_t)1 << MICA_VSPACE_BITS));

const bool vspace_backend_present = true;
const bool vspace_backend_tables = false;
const word_t vspace_backend_user_top = ~(word_t)0;
const word_t vspace_backend_regions = HAL_MPU_REGIONS;

/* Scratch for solving; the kernel is not preemptible and one CPU solves at a time. */
static struct mpu_region scratch[MPU_VSPACE_FRAMES];
static struct mpu_region regions[HAL_MPU_REGIONS];
static struct arch_mpu_state scratch_state;
static struct mpu_vspace *active;
static struct arch_mpu_state empty_state;
static bool empty_ready;

/* The encoding of no regions at all: a thread without a VSpace, or the last resort of unmap. */
static const struct arch_mpu_state *mpu_empty(void)
{
    unsigned nregions;

    if (!empty_ready) {
        (void)mpu_solve(NULL, 0, regions, HAL_MPU_REGIONS, &nregions, &empty_state);
        empty_ready = true;
    }
    return &empty_state;
}

static void mpu_load(struct mpu_vspace *v)
{
    if (v == active)
        hal_mpu_activate(&v->state);
}

/* Solve frames[0..n) (reordered) into scratch_state. */
static int mpu_try(struct mpu_region *frames, unsigned n)
{
    unsigned nregions;

    return mpu_solve(frames, n, regions, HAL_MPU_REGIONS, &nregions, &scratch_state);
}

static void mpu_commit(struct mpu_vspace *v, unsigned n)
{
    v->nframes = n;
    memcpy(v->frames, scratch, n * sizeof(scratch[0]));
    v->state = scratch_state;
    mpu_load(v);
}

static int mpu_find(const struct mpu_vspace *v, paddr_t pa)
{
    for (unsigned i = 0; i < v->nframes; i++)
        if (v->frames[i].base == pa)
            return (int)i;
    return -1;
}

void vspace_backend_init(void *vs, word_t asid)
{
    struct mpu_vspace *v = vs;

    (void)asid;

    v->state = *mpu_empty();
}

int vspace_backend_map(void *vs, word_t asid, word_t vaddr, paddr_t pa, unsigned frame_bits,
                       unsigned rights, unsigned attr, unsigned *missing)
{
    struct mpu_vspace *v = vs;
    int err;

    (void)asid, (void)missing;
    /* As on an MMU: alignment to the frame first, then the MPU's own rule. */
    if (vaddr & (((word_t)1 << frame_bits) - 1))
        return MICA_ERR_ALIGNMENT;
    if (vaddr != pa)
        return MICA_ERR_INVALID_ARGUMENT;
    if (v->nframes == MPU_VSPACE_FRAMES)
        return MICA_ERR_RANGE;
    memcpy(scratch, v->frames, v->nframes * sizeof(scratch[0]));
    scratch[v->nframes] = (struct mpu_region){pa, (paddr_t)1 << frame_bits, rights, attr};
    if ((err = mpu_try(scratch, v->nframes + 1)))
        return err;
    mpu_commit(v, v->nframes + 1);
    return 0;
}

int vspace_backend_remap(void *vs, word_t asid, word_t vaddr, paddr_t pa, unsigned frame_bits,
                         unsigned rights, unsigned attr)
{
    struct mpu_vspace *v = vs;
    int i = mpu_find(v, pa), err;

    (void)asid, (void)vaddr, (void)frame_bits;
    if (i < 0)
        return MICA_ERR_FAILED_LOOKUP;
    memcpy(scratch, v->frames, v->nframes * sizeof(scratch[0]));
    scratch[i].vm_rights = rights;
    scratch[i].attr = attr;
    /* New rights can stop a frame merging with its neighbours: it may no longer fit. */
    if ((err = mpu_try(scratch, v->nframes)))
        return err;
    mpu_commit(v, v->nframes);
    return 0;
}

/*
 * Unmapping cannot fail (it also runs when a frame cap is deleted), but taking a frame out of the
 * middle of a merged region splits it and may leave more regions than the hardware has. Then the
 * set is loaded without the regions that do not fit: those frames fault until the set fits again
 * (less access than the caps say, never more).
 */
void vspace_backend_unmap(void *vs, word_t asid, word_t vaddr, paddr_t pa, unsigned frame_bits)
{
    struct mpu_vspace *v = vs;
    int i = mpu_find(v, pa);
    unsigned n;

    (void)asid, (void)vaddr, (void)frame_bits;
    if (i < 0)
        return;
    memcpy(scratch, v->frames, v->nframes * sizeof(scratch[0]));
    scratch[i] = scratch[v->nframes - 1];
    n = v->nframes - 1;
    if (mpu_try(scratch, n) != 0) {
        klog_warn("mica: MPU VSpace %p: unmapping %lx leaves more regions than the MPU has; "
                  "the highest are not loaded\n",
                  vs, (unsigned long)pa);
        if (hal_mpu_encode(regions, HAL_MPU_REGIONS, &scratch_state) != 0)
            scratch_state = *mpu_empty();
    }
    mpu_commit(v, n);
}

int vspace_backend_map_table(void *vs, word_t vaddr, paddr_t table, unsigned *level)
{
    (void)vs, (void)vaddr, (void)table, (void)level;
    return MICA_ERR_ILLEGAL_OPERATION;
}

void vspace_backend_unmap_table(void *vs, word_t asid, word_t vaddr, unsigned level, paddr_t table)
{
    (void)vs, (void)asid, (void)vaddr, (void)level, (void)table;
}

void vspace_backend_destroy(void *vs, word_t asid)
{
    (void)asid;
    if (vs == active)
        active = NULL;
}

void vspace_backend_activate(void *vs, word_t asid)
{
    (void)asid;
    active = vs;
    if (vs) {
        hal_mpu_activate(&active->state);
        return;
    }
    hal_mpu_activate(mpu_empty());
}
