/* SPDX-License-Identifier: MIT */
/*
 * Slot and untyped allocators (<mica/alloc.h>). Slots are a bitmap searched first fit, so a
 * fresh allocator hands them out in increasing order; objects are retyped from the first untyped
 * whose copy of the watermark says they fit, and an untyped the kernel says is full is marked
 * so (our copy only sees objects made through this allocator).
 */
#include <mica/alloc.h>
#include <mica/invoke.h>

#define WBITS      (8 * sizeof(mica_word_t))
#define DEPTH      MICA_WORD_BITS
#define MAX_FILLER 64 /* Untyped fillers while skipping to a device address */

static bool slot_used(const struct mica_alloc *a, mica_word_t i)
{
    return a->map[i / WBITS] >> (i % WBITS) & 1;
}

static void slot_mark(struct mica_alloc *a, mica_word_t i, bool used)
{
    mica_word_t bit = (mica_word_t)1 << (i % WBITS);

    if (used)
        a->map[i / WBITS] |= bit;
    else
        a->map[i / WBITS] &= ~bit;
}

bool mica_slot_used(const struct mica_alloc *a, mica_cptr_t slot)
{
    return slot >= a->base && slot - a->base < a->count && slot_used(a, slot - a->base);
}

void mica_alloc_init(struct mica_alloc *a, mica_cptr_t cnode, mica_word_t base, mica_word_t count)
{
    *a = (struct mica_alloc){.cnode = cnode, .base = base};
    a->count = count < MICA_ALLOC_MAX_SLOTS ? count : MICA_ALLOC_MAX_SLOTS;
}

mica_error_t mica_alloc_add_untyped(struct mica_alloc *a, mica_cptr_t cap, mica_word_t paddr,
                                    unsigned bits, bool device)
{
    if (a->nut == MICA_ALLOC_MAX_UT)
        return MICA_ERR_RANGE;
    a->ut[a->nut++] = (struct mica_ut){cap, paddr, 0, (unsigned char)bits, device};
    return MICA_OK;
}

mica_error_t mica_alloc_prefer_untyped(struct mica_alloc *a, mica_cptr_t cap, unsigned bits,
                                       mica_word_t used)
{
    if (a->nut == MICA_ALLOC_MAX_UT)
        return MICA_ERR_RANGE;
    for (unsigned i = a->nut++; i > 0; i--)
        a->ut[i] = a->ut[i - 1];
    a->ut[0] = (struct mica_ut){cap, 0, used, (unsigned char)bits, 0};
    return MICA_OK;
}

void mica_alloc_init_bootinfo(struct mica_alloc *a, const struct mica_bootinfo *bi)
{
    mica_word_t n = bi->untyped.end - bi->untyped.start;
    bool taken[MICA_BOOTINFO_MAX_UNTYPE] = {false};

    mica_alloc_init(a, MICA_INIT_CNODE, bi->empty.start, bi->empty.end - bi->empty.start);
    if (n > MICA_BOOTINFO_MAX_UNTYPE)
        n = MICA_BOOTINFO_MAX_UNTYPE;
    /* RAM, biggest first (fewer, larger retypes), then devices in boot-info order. */
    for (;;) {
        int best = -1;
        for (mica_word_t i = 0; i < n; i++) {
            const struct mica_untyped_desc *d = &bi->untyped_list[i];
            if (!taken[i] && !d->is_device &&
                (best < 0 || d->size_bits > bi->untyped_list[best].size_bits))
                best = (int)i;
        }
        if (best < 0)
            break;
        taken[best] = true;
        const struct mica_untyped_desc *d = &bi->untyped_list[best];
        if (mica_alloc_add_untyped(a, bi->untyped.start + (mica_word_t)best, d->paddr, d->size_bits,
                                   false))
            break;
    }
    for (mica_word_t i = 0; i < n; i++) {
        const struct mica_untyped_desc *d = &bi->untyped_list[i];
        if (d->is_device &&
            mica_alloc_add_untyped(a, bi->untyped.start + i, d->paddr, d->size_bits, true))
            break;
    }
}

mica_cptr_t mica_slot_alloc_range(struct mica_alloc *a, mica_word_t n)
{
    mica_word_t run = 0;

    if (n == 0)
        return 0;
    for (mica_word_t i = 0; i < a->count; i++) {
        run = slot_used(a, i) ? 0 : run + 1;
        if (run == n) {
            mica_word_t first = i + 1 - n;
            for (mica_word_t j = first; j <= i; j++)
                slot_mark(a, j, true);
            a->in_use += n;
            return a->base + first;
        }
    }
    return 0;
}

mica_cptr_t mica_slot_alloc(struct mica_alloc *a)
{
    return mica_slot_alloc_range(a, 1);
}

void mica_slot_free_range(struct mica_alloc *a, mica_cptr_t first, mica_word_t n)
{
    for (mica_word_t s = first; s < first + n; s++) {
        if (s < a->base || s - a->base >= a->count || !slot_used(a, s - a->base))
            continue;
        slot_mark(a, s - a->base, false);
        a->in_use--;
    }
}

static mica_word_t align_up(mica_word_t v, unsigned bits)
{
    mica_word_t m = ((mica_word_t)1 << bits) - 1;

    return (v + m) & ~m;
}

/* log2 of an object's size, for our copy of the watermark (objects.h's sizes). */
static unsigned object_bits(mica_word_t type, mica_word_t size_bits)
{
    switch (type) {
    case MICA_OBJ_TCB: return MICA_TCB_BITS;
    case MICA_OBJ_ENDPOINT: return MICA_ENDPOINT_BITS;
    case MICA_OBJ_NOTIFICATION: return MICA_NOTIFICATION_BITS;
    case MICA_OBJ_REPLY: return MICA_REPLY_BITS;
    case MICA_OBJ_SCHED_CONTEXT: return MICA_SCHED_CONTEXT_BITS;
    case MICA_OBJ_PAGE_TABLE: return MICA_PAGE_TABLE_BITS;
    case MICA_OBJ_VSPACE: return MICA_VSPACE_BITS;
    case MICA_OBJ_CNODE: return (unsigned)size_bits + MICA_SLOT_BITS;
    default: return (unsigned)size_bits; /* Untyped, Frame */
    }
}

/* Retype n objects from u into n slots from `first`, keeping our watermark copy in step. */
static mica_error_t retype(struct mica_alloc *a, struct mica_ut *u, mica_word_t type,
                           mica_word_t size_bits, mica_word_t n, mica_cptr_t first)
{
    unsigned bits = object_bits(type, size_bits);
    mica_word_t start = align_up(u->used, bits);
    mica_word_t size = (mica_word_t)1 << u->bits;

    if (bits >= MICA_WORD_BITS || start > size || n > ((size - start) >> bits))
        return MICA_ERR_NOT_ENOUGH_MEMORY;
    mica_error_t err = mica_untyped_retype(u->cap, type, size_bits, a->cnode, 0, 0, first, n);
    if (err == MICA_OK)
        u->used = start + (n << bits);
    else if (err == MICA_ERR_NOT_ENOUGH_MEMORY)
        u->used = size; /* the kernel knows better: something else made objects from it */
    return err;
}

mica_error_t mica_alloc_objects(struct mica_alloc *a, mica_word_t type, mica_word_t size_bits,
                                mica_word_t n, mica_cptr_t *first)
{
    mica_cptr_t s = mica_slot_alloc_range(a, n);
    mica_error_t err = MICA_ERR_NOT_ENOUGH_MEMORY;

    if (!s)
        return MICA_ERR_RANGE;
    for (unsigned i = 0; i < a->nut; i++) {
        if (a->ut[i].device)
            continue;
        err = retype(a, &a->ut[i], type, size_bits, n, s);
        if (err != MICA_ERR_NOT_ENOUGH_MEMORY)
            break;
    }
    if (err) {
        mica_slot_free_range(a, s, n);
        return err;
    }
    *first = s;
    return MICA_OK;
}

/* Carve u's memory from its watermark up to offset `to` into Untyped fillers (largest aligned
 * blocks first), their slots in fill[]. The caller deletes them once the object it wants exists:
 * an untyped without children starts again from 0 at the next Retype. */
static mica_error_t skip_to(struct mica_alloc *a, struct mica_ut *u, mica_word_t to,
                            mica_cptr_t *fill, unsigned *nfill)
{
    mica_error_t err = MICA_OK;

    while (u->used < to && !err) {
        unsigned bits = MICA_MIN_UNTYPED_BITS;
        while (bits + 1 < u->bits && !(u->used & (((mica_word_t)1 << (bits + 1)) - 1)) &&
               u->used + ((mica_word_t)1 << (bits + 1)) <= to)
            bits++;
        mica_cptr_t s = *nfill < MAX_FILLER ? mica_slot_alloc(a) : 0;
        if (!s)
            return MICA_ERR_RANGE;
        fill[(*nfill)++] = s;
        err = retype(a, u, MICA_OBJ_UNTYPED, bits, 1, s);
    }
    return err;
}

mica_error_t mica_alloc_device_frames(struct mica_alloc *a, mica_word_t paddr,
                                      mica_word_t size_bits, mica_word_t n, mica_cptr_t *first)
{
    for (unsigned i = 0; i < a->nut; i++) {
        struct mica_ut *u = &a->ut[i];
        mica_word_t size = (mica_word_t)1 << u->bits;
        if (!u->device || paddr < u->paddr || paddr - u->paddr >= size)
            continue;
        mica_word_t off = paddr - u->paddr;
        if (off < u->used || (n << size_bits) > size - off)
            return MICA_ERR_NOT_ENOUGH_MEMORY;
        mica_cptr_t fill[MAX_FILLER], s = 0;
        unsigned nfill = 0;
        mica_error_t err = skip_to(a, u, off, fill, &nfill);
        if (!err && !(s = mica_slot_alloc_range(a, n)))
            err = MICA_ERR_RANGE;
        if (!err && (err = retype(a, u, MICA_OBJ_FRAME, size_bits, n, s)))
            mica_slot_free_range(a, s, n);
        for (unsigned f = 0; f < nfill; f++)
            mica_alloc_free(a, fill[f]);
        if (!err)
            *first = s;
        return err;
    }
    return MICA_ERR_FAILED_LOOKUP;
}

mica_error_t mica_alloc_free(struct mica_alloc *a, mica_cptr_t slot)
{
    mica_error_t err = mica_cnode_delete(a->cnode, slot, DEPTH);

    if (!err)
        mica_slot_free(a, slot);
    return err;
}

mica_cptr_t mica_alloc_mint(struct mica_alloc *a, mica_cptr_t src, mica_word_t rights,
                            mica_word_t badge)
{
    mica_cptr_t s = mica_slot_alloc(a);

    if (s && mica_cnode_mint(a->cnode, s, DEPTH, a->cnode, src, DEPTH, rights, badge)) {
        mica_slot_free(a, s);
        s = 0;
    }
    return s;
}

mica_error_t mica_alloc_sub_from(struct mica_alloc *sub, struct mica_alloc *parent, mica_cptr_t ut,
                                 mica_word_t paddr, unsigned ut_bits, mica_word_t nslots)
{
    mica_cptr_t base = mica_slot_alloc_range(parent, nslots);

    if (!base)
        return MICA_ERR_RANGE;
    mica_alloc_init(sub, parent->cnode, base, nslots);
    sub->parent = parent;
    sub->own_ut = ut;
    return mica_alloc_add_untyped(sub, ut, paddr, ut_bits, false);
}

mica_error_t mica_alloc_sub(struct mica_alloc *sub, struct mica_alloc *parent, unsigned ut_bits,
                            mica_word_t nslots)
{
    mica_cptr_t ut;
    mica_error_t err = mica_alloc_object(parent, MICA_OBJ_UNTYPED, ut_bits, &ut);

    if (err)
        return err;
    /* The physical address only matters for device memory; RAM sub-allocators do not use it. */
    if ((err = mica_alloc_sub_from(sub, parent, ut, 0, ut_bits, nslots)))
        mica_alloc_free(parent, ut);
    sub->owns_ut = !err;
    return err;
}

mica_error_t mica_alloc_sub_reset(struct mica_alloc *sub)
{
    mica_error_t err = mica_cnode_revoke(sub->cnode, sub->own_ut, DEPTH);

    for (mica_word_t i = 0; i < sub->count; i++)
        if (slot_used(sub, i))
            mica_cnode_delete(sub->cnode, sub->base + i, DEPTH);
    for (unsigned i = 0; i < sub->nut; i++)
        sub->ut[i].used = 0;
    for (mica_word_t i = 0; i < sizeof(sub->map) / sizeof(sub->map[0]); i++)
        sub->map[i] = 0;
    sub->in_use = 0;
    return err;
}

mica_error_t mica_alloc_sub_destroy(struct mica_alloc *sub)
{
    mica_error_t err = mica_alloc_sub_reset(sub);

    if (sub->parent) {
        mica_slot_free_range(sub->parent, sub->base, sub->count);
        if (!err && sub->owns_ut)
            err = mica_alloc_free(sub->parent, sub->own_ut);
    }
    sub->nut = 0;
    sub->count = 0;
    return err;
}

bool mica_untyped_is_empty(struct mica_alloc *a, mica_cptr_t ut, unsigned bits)
{
    mica_cptr_t s = mica_slot_alloc(a);
    bool empty;

    if (!s)
        return false;
    empty = mica_untyped_retype(ut, MICA_OBJ_UNTYPED, bits, a->cnode, 0, 0, s, 1) == MICA_OK;
    if (empty)
        mica_cnode_delete(a->cnode, s, DEPTH);
    mica_slot_free(a, s);
    return empty;
}
