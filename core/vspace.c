/* SPDX-License-Identifier: MIT */
/*
 * Frames, page tables and VSpaces, arch-neutral. Decoders check the caps and rights here; the
 * backend Kconfig picked (vspace_mmu.c, vspace_mpu.c, vspace_none.c) checks addresses and does the
 * mapping, changing nothing when it fails.
 *
 * A Frame cap maps at most once: a mapped cap records (VSpace tag, vaddr) in (extra, data); a copy
 * of it starts unmapped (cap_derive), so mapping a frame twice takes two caps, as in seL4. Deleting
 * a mapped Frame cap, final or not, removes its mapping, so revoking a frame or its Untyped leaves
 * nothing mapped. A PageTable cap records the same plus the level it was linked at.
 */
#include "cap.h"
#include "invocation.h"
#include "sched.h"
#include "smp.h"
#include "tcb.h"
#include "vm.h"
#include "vspace.h"

/* Per ASID: the VSpace holding it, and how many VSpaces held it before (the tag's upper bits). */
static struct {
    void *vs;
    word_t gen;
} asid_table[VSPACE_ASIDS];
static word_t asid_next = 1;
static word_t asids_used;

bool vspace_asids_available(word_t n)
{
    return n <= VSPACE_ASIDS - 1 - asids_used;
}

/* Round robin, so that a freed ASID is reused as late as possible (the TLB keeps less of it). */
static word_t asid_alloc(void)
{
    kassert(asids_used < VSPACE_ASIDS - 1);
    while (asid_table[asid_next].vs)
        asid_next = asid_next + 1 < VSPACE_ASIDS ? asid_next + 1 : 1;
    asids_used++;
    return asid_next;
}

void *vspace_lookup(word_t tag)
{
    word_t asid = vspace_asid(tag);

    if (!asid || asid_table[asid].gen != tag >> VSPACE_ASID_BITS)
        return NULL;
    return asid_table[asid].vs;
}

void vspace_create(struct cap *c, void *kva)
{
    word_t asid = asid_alloc();

    asid_table[asid].vs = kva;
    c->data = (asid_table[asid].gen << VSPACE_ASID_BITS) | asid;
    vspace_backend_init(kva, asid);
}

void vspace_destroy(const struct cap *c)
{
    word_t asid = vspace_asid(c->data);

    if (vspace_lookup(c->data) != cap_ptr(c))
        return;
    /* No CPU may keep running on tables that are about to become free memory. Another CPU may run
     * a thread in it (its TCB's VSpace cap can go first, in a revoke): stopped there, it moves to
     * the kernel-only tables while it waits for the lock (smp.h). */
    for (unsigned i = 0; i < CONFIG_NR_CPUS; i++) {
        if (cpus[i].vspace_active == (c->obj | 1)) {
            if (i != hal_cpu_id())
                smp_stall_cpu(i);
            cpus[i].vspace_active = 1;
            if (i == hal_cpu_id())
                vspace_backend_activate(NULL, 0);
        }
    }
    vspace_backend_destroy(cap_ptr(c), asid);
    asid_table[asid].vs = NULL;
    /* Caps still tagged with the old generation now find nothing, whoever gets the ASID next. */
    asid_table[asid].gen = (asid_table[asid].gen + 1) & (~(word_t)0 >> VSPACE_ASID_BITS);
    asids_used--;
}

static void frame_unmap(struct cap *f)
{
    void *vs = vspace_lookup(f->extra);

    if (vs)
        vspace_backend_unmap(vs, vspace_asid(f->extra), f->data, f->obj, f->size_bits);
    f->flags &= (uint8_t)~CAP_FLAG_MAPPED;
    f->data = f->extra = 0;
}

void vspace_frame_cap_deleted(const struct cap *c)
{
    struct cap f = *c;

    if (f.flags & CAP_FLAG_MAPPED)
        frame_unmap(&f);
}

static void page_table_unmap(struct cap *pt)
{
    vspace_backend_unmap_table(vspace_lookup(pt->extra), vspace_asid(pt->extra), pt->data,
                               pt->level, hal_virt_to_phys(cap_ptr(pt)));
    pt->flags &= (uint8_t)~CAP_FLAG_MAPPED;
    pt->data = pt->extra = 0;
    pt->level = 0;
}

void vspace_page_table_destroy(const struct cap *c)
{
    struct cap pt = *c;

    if (pt.flags & CAP_FLAG_MAPPED)
        page_table_unmap(&pt);
}

int vspace_map_frame(const struct cap *vs, struct cap *f, word_t vaddr, unsigned rights,
                     unsigned attr, unsigned *missing)
{
    int err = vspace_backend_map(cap_ptr(vs), vspace_asid(vs->data), vaddr, f->obj, f->size_bits,
                                 rights, attr, missing);

    if (err)
        return err;
    f->flags |= CAP_FLAG_MAPPED;
    f->data = vaddr;
    f->extra = vs->data;
    return MICA_OK;
}

int vspace_map_table(const struct cap *vs, struct cap *pt, word_t vaddr, unsigned *level)
{
    int err = vspace_backend_map_table(cap_ptr(vs), vaddr, hal_virt_to_phys(cap_ptr(pt)), level);

    if (err)
        return err;
    pt->flags |= CAP_FLAG_MAPPED;
    /* The table covers the aligned block around vaddr; Unmap walks to it through any address in
     * it, so vaddr itself is enough to find it again. */
    pt->data = vaddr;
    pt->extra = vs->data;
    pt->level = (uint8_t)*level;
    return MICA_OK;
}

/*
 * Mapping rights must be a valid combination (vm_check_rights) and covered by the cap: read or
 * execute needs READ on the cap, write needs WRITE (seL4 masks silently; Mica refuses, so a
 * caller never gets less than it asked for without knowing).
 */
static int frame_check_rights(const struct cap *f, word_t rights, word_t attr)
{
    int err;

    if (rights > VM_RIGHTS_ALL || attr > MICA_VM_DEVICE)
        return MICA_ERR_INVALID_ARGUMENT;
    if ((err = vm_check_rights((unsigned)rights, (unsigned)attr)))
        return err;
    if ((rights & MICA_VM_WRITE) && !(f->rights & MICA_RIGHT_WRITE))
        return MICA_ERR_INVALID_CAPABILITY;
    if (!(f->rights & MICA_RIGHT_READ))
        return MICA_ERR_INVALID_CAPABILITY;
    return MICA_OK;
}

static int frame_decode_map(struct inv *inv, struct cap *f)
{
    struct cte *vs;
    unsigned missing = 0;
    int err;

    if (inv->len < 3)
        return MICA_ERR_TRUNCATED_MESSAGE;
    if ((err = inv_cap_typed(inv, 0, MICA_OBJ_VSPACE, false, &vs)))
        return err;
    if (f->flags & CAP_FLAG_MAPPED)
        return MICA_ERR_ILLEGAL_OPERATION;
    if ((err = frame_check_rights(f, inv->mr[1], inv->mr[2])))
        return err;
    err = vspace_map_frame(&vs->cap, f, inv->mr[0], (unsigned)inv->mr[1], (unsigned)inv->mr[2],
                           &missing);
    if (err == MICA_ERR_FAILED_LOOKUP)
        inv_ret(inv, 0, missing);
    return err;
}

static int frame_decode_remap(struct inv *inv, struct cap *f)
{
    void *vs;
    int err;

    if (inv->len < 2)
        return MICA_ERR_TRUNCATED_MESSAGE;
    if (!(f->flags & CAP_FLAG_MAPPED))
        return MICA_ERR_ILLEGAL_OPERATION;
    if ((err = frame_check_rights(f, inv->mr[0], inv->mr[1])))
        return err;
    /* The VSpace was deleted under the mapping: nothing left to change. */
    if (!(vs = vspace_lookup(f->extra)))
        return MICA_ERR_FAILED_LOOKUP;
    return vspace_backend_remap(vs, vspace_asid(f->extra), f->data, f->obj, f->size_bits,
                                (unsigned)inv->mr[0], (unsigned)inv->mr[1]);
}

static int page_table_decode(struct inv *inv, struct cte *slot)
{
    struct cap *pt = &slot->cap;
    struct cte *vs;
    unsigned level;
    int err;

    switch (inv->label) {
    case MICA_PAGE_TABLE_MAP:
        if (!vspace_backend_tables)
            return MICA_ERR_ILLEGAL_OPERATION;
        if (inv->len < 1)
            return MICA_ERR_TRUNCATED_MESSAGE;
        if ((err = inv_cap_typed(inv, 0, MICA_OBJ_VSPACE, false, &vs)))
            return err;
        if (pt->flags & CAP_FLAG_MAPPED)
            return MICA_ERR_DELETE_FIRST;
        return vspace_map_table(&vs->cap, pt, inv->mr[0], &level);
    case MICA_PAGE_TABLE_UNMAP:
        if (!vspace_backend_tables)
            return MICA_ERR_ILLEGAL_OPERATION;
        /* Copies of a mapped cap all say "mapped here": only the last one may unmap. */
        if (!cap_is_final(slot))
            return MICA_ERR_REVOKE_FIRST;
        if (pt->flags & CAP_FLAG_MAPPED)
            page_table_unmap(pt);
        return MICA_OK;
    default: return MICA_ERR_ILLEGAL_OPERATION;
    }
}

int frame_decode(struct inv *inv)
{
    struct cap *f = &inv->slot->cap;

    if (f->type == MICA_OBJ_PAGE_TABLE)
        return page_table_decode(inv, inv->slot);
    switch (inv->label) {
    case MICA_FRAME_GET_ADDRESS: inv_ret(inv, 0, f->obj); return MICA_OK;
    case MICA_FRAME_MAP:
        if (!vspace_backend_present)
            return MICA_ERR_ILLEGAL_OPERATION;
        return frame_decode_map(inv, f);
    case MICA_FRAME_REMAP:
        if (!vspace_backend_present)
            return MICA_ERR_ILLEGAL_OPERATION;
        return frame_decode_remap(inv, f);
    case MICA_FRAME_UNMAP:
        if (!vspace_backend_present)
            return MICA_ERR_ILLEGAL_OPERATION;
        if (f->flags & CAP_FLAG_MAPPED)
            frame_unmap(f);
        return MICA_OK;
    default: return MICA_ERR_ILLEGAL_OPERATION;
    }
}
