/* SPDX-License-Identifier: MIT */
/*
 * Address spaces: mapping frames with page tables created on demand (MMU boards: the kernel
 * reports the missing level, we map a PageTable and retry), frames mapped at their physical
 * address (MPU boards: one frame of the next power-of-two size per allocation, which the kernel
 * makes one region), and a window of virtual addresses handed out in order. The same calls work
 * on the caller's own VSpace and on one it builds for another process.
 */
#ifndef MICA_VSPACE_H
#define MICA_VSPACE_H

#include <stdbool.h>
#include <stddef.h>

#include <mica/alloc.h>

struct mica_vspace {
    mica_cptr_t cap;          /* the VSpace cap, in alloc's CSpace */
    struct mica_alloc *alloc; /* page tables and frames come from here */
    mica_word_t flags;        /* boot info's MICA_BOOT_FLAG_* */
    mica_word_t next, end;    /* the window mica_vspace_reserve hands out (MMU) */
    bool own;                 /* the caller runs in this VSpace */
};

/* A block of memory from mica_vspace_alloc: nframes frames of 2^frame_bits from the slot frames
 * on, mapped at vaddr; ptr is where the caller reaches it when the VSpace is its own (on hosted,
 * whose mappings are bookkeeping, the frames' host address), else NULL. */
struct mica_mem {
    mica_word_t vaddr;
    void *ptr;
    mica_cptr_t frames;
    mica_word_t nframes;
    unsigned frame_bits;
    mica_word_t size;
};

void mica_vspace_init(struct mica_vspace *vs, mica_cptr_t cap, struct mica_alloc *alloc,
                      mica_word_t flags, mica_word_t window_lo, mica_word_t window_hi, bool own);

/* Map frame at vaddr (on MPU boards vaddr must be the frame's physical address). With neither
 * MMU nor MPU there is nothing to map and this succeeds. */
mica_error_t mica_vspace_map(struct mica_vspace *vs, mica_cptr_t frame, mica_word_t vaddr,
                             mica_word_t rights, mica_word_t attr);
/* n frames of 2^frame_bits in consecutive slots, at consecutive addresses from vaddr. */
mica_error_t mica_vspace_map_frames(struct mica_vspace *vs, mica_cptr_t first, mica_word_t n,
                                    unsigned frame_bits, mica_word_t vaddr, mica_word_t rights,
                                    mica_word_t attr);
/* bytes of the window (rounded up to pages), 0 when it is used up. */
mica_word_t mica_vspace_reserve(struct mica_vspace *vs, mica_word_t bytes);

/* Fresh zeroed memory of at least `bytes`, mapped with rights; `guard` leaves one unmapped page
 * below it (MMU; a stack's overflow then faults). */
mica_error_t mica_vspace_alloc(struct mica_vspace *vs, mica_word_t bytes, mica_word_t rights,
                               bool guard, struct mica_mem *m);
/* Unmap and delete its frames (the window is not reused). */
void mica_vspace_free(struct mica_vspace *vs, struct mica_mem *m);

/* Where the caller reaches frame f of its own VSpace mapped at vaddr: vaddr itself where
 * mappings are real, the host address on hosted. */
void *mica_vspace_ptr(const struct mica_vspace *vs, mica_cptr_t frame, mica_word_t vaddr);

#endif
