/* SPDX-License-Identifier: MIT */
/*
 * Address-space helpers (<mica/vspace.h>). On an MMU board Frame_Map fails with
 * MICA_ERR_FAILED_LOOKUP and MR0 = the missing level until every level exists; each failure costs
 * one PageTable from the allocator. On an MPU board a frame maps at its physical address only.
 */
#include <mica/invoke.h>
#include <mica/user.h>
#include <mica/vspace.h>

#define PAGE ((mica_word_t)1 << MICA_PAGE_BITS)
/* Page-table levels below the root on any MMU the kernel supports (Sv39: 2, AArch64 4K: 3). */
#define MAX_LEVELS 4

void mica_vspace_init(struct mica_vspace *vs, mica_cptr_t cap, struct mica_alloc *alloc,
                      mica_word_t flags, mica_word_t window_lo, mica_word_t window_hi, bool own)
{
    *vs = (struct mica_vspace){cap, alloc, flags, window_lo, window_hi, own};
}

static bool has_mmu(const struct mica_vspace *vs)
{
    return vs->flags & MICA_BOOT_FLAG_MMU;
}

static bool has_mpu(const struct mica_vspace *vs)
{
    return vs->flags & MICA_BOOT_FLAG_MPU;
}

mica_error_t mica_vspace_map(struct mica_vspace *vs, mica_cptr_t frame, mica_word_t vaddr,
                             mica_word_t rights, mica_word_t attr)
{
    if (!has_mmu(vs) && !has_mpu(vs))
        return MICA_OK;
    for (int i = 0; i <= MAX_LEVELS; i++) {
        mica_error_t err = mica_frame_map(frame, vs->cap, vaddr, rights, attr);
        if (err != MICA_ERR_FAILED_LOOKUP || !has_mmu(vs))
            return err;
        mica_cptr_t pt;
        if ((err = mica_alloc_object(vs->alloc, MICA_OBJ_PAGE_TABLE, 0, &pt)))
            return err;
        if ((err = mica_page_table_map(pt, vs->cap, vaddr))) {
            mica_alloc_free(vs->alloc, pt);
            return err;
        }
    }
    return MICA_ERR_FAILED_LOOKUP;
}

mica_error_t mica_vspace_map_frames(struct mica_vspace *vs, mica_cptr_t first, mica_word_t n,
                                    unsigned frame_bits, mica_word_t vaddr, mica_word_t rights,
                                    mica_word_t attr)
{
    for (mica_word_t i = 0; i < n; i++) {
        mica_error_t err = mica_vspace_map(vs, first + i, vaddr + (i << frame_bits), rights, attr);
        if (err)
            return err;
    }
    return MICA_OK;
}

mica_word_t mica_vspace_reserve(struct mica_vspace *vs, mica_word_t bytes)
{
    mica_word_t n = (bytes + PAGE - 1) & ~(PAGE - 1), v = vs->next;

    if (n == 0 || v > vs->end || n > vs->end - v)
        return 0;
    vs->next = v + n;
    return v;
}

void *mica_vspace_ptr(const struct mica_vspace *vs, mica_cptr_t frame, mica_word_t vaddr)
{
    mica_word_t pa;

    if ((vs->flags & MICA_BOOT_FLAG_REAL_MEM) || has_mpu(vs))
        return (void *)vaddr;
    /* Hosted: mappings are bookkeeping; the frame's "physical" address is a host address. */
    if (mica_frame_get_address(frame, &pa))
        return 0;
    return (void *)pa;
}

static unsigned log2_up(mica_word_t v)
{
    unsigned b = 0;

    while (((mica_word_t)1 << b) < v)
        b++;
    return b;
}

mica_error_t mica_vspace_alloc(struct mica_vspace *vs, mica_word_t bytes, mica_word_t rights,
                               bool guard, struct mica_mem *m)
{
    mica_error_t err;

    *m = (struct mica_mem){0};
    if (has_mpu(vs)) {
        /* One frame of the next power of two: it maps as one region, at its physical address. */
        m->frame_bits = log2_up(bytes < PAGE ? PAGE : bytes);
        m->nframes = 1;
    } else {
        m->frame_bits = MICA_PAGE_BITS;
        m->nframes = (bytes + PAGE - 1) / PAGE;
    }
    m->size = m->nframes << m->frame_bits;
    if ((err =
             mica_alloc_objects(vs->alloc, MICA_OBJ_FRAME, m->frame_bits, m->nframes, &m->frames)))
        return err;
    if (has_mmu(vs)) {
        m->vaddr = mica_vspace_reserve(vs, m->size + (guard ? PAGE : 0));
        if (!m->vaddr) {
            mica_vspace_free(vs, m);
            return MICA_ERR_RANGE;
        }
        m->vaddr += guard ? PAGE : 0;
    } else if ((err = mica_frame_get_address(m->frames, &m->vaddr))) {
        mica_vspace_free(vs, m);
        return err;
    }
    err = mica_vspace_map_frames(vs, m->frames, m->nframes, m->frame_bits, m->vaddr, rights,
                                 MICA_VM_CACHED);
    if (err) {
        mica_vspace_free(vs, m);
        return err;
    }
    if (vs->own)
        m->ptr = mica_vspace_ptr(vs, m->frames, m->vaddr);
    return MICA_OK;
}

void mica_vspace_free(struct mica_vspace *vs, struct mica_mem *m)
{
    for (mica_word_t i = 0; m->frames && i < m->nframes; i++)
        mica_alloc_free(vs->alloc, m->frames + i);
    *m = (struct mica_mem){0};
}
