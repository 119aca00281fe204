/* SPDX-License-Identifier: MIT */
/*
 * Slot and untyped allocators: where a program's capabilities go (free slots of its CSpace root)
 * and where its kernel objects come from (Untyped caps it holds). The kernel never frees a single
 * object's memory: an Untyped's memory comes back only when every object retyped from it is gone
 * (Revoke resets it), so memory that must come back, a process's or a restarted service's, lives
 * in a sub-allocator over an Untyped of its own (mica_alloc_sub), which mica_alloc_sub_reset
 * empties in one Revoke.
 *
 * Slots are named the way the root task's are: the CSpace root covers the whole word, so cptr n
 * is slot n, and as an (index, depth) argument it is (n, MICA_WORD_BITS).
 */
#ifndef MICA_ALLOC_H
#define MICA_ALLOC_H

#include <stdbool.h>

#include <mica/mica.h>

#define MICA_ALLOC_MAX_SLOTS 4096                     /* slots one allocator manages */
#define MICA_ALLOC_MAX_UT    MICA_BOOTINFO_MAX_UNTYPE /* untypeds one allocator draws from */

struct mica_ut {
    mica_cptr_t cap;
    mica_word_t paddr;
    mica_word_t used; /* our copy of the kernel's watermark (objects made through us) */
    unsigned char bits;
    unsigned char device;
};

struct mica_alloc {
    mica_cptr_t cnode;       /* the CSpace root holding the slots (cptr n = slot n) */
    mica_word_t base, count; /* the slots [base, base + count) are ours */
    mica_word_t in_use;
    mica_word_t map[MICA_ALLOC_MAX_SLOTS / (8 * sizeof(mica_word_t))];
    unsigned nut;
    struct mica_ut ut[MICA_ALLOC_MAX_UT];
    struct mica_alloc *parent; /* sub-allocators: where the slot range and the untyped came from */
    mica_cptr_t own_ut;        /* sub-allocators: their untyped, a slot of the parent */
    bool owns_ut;              /* sub-allocators: made own_ut (mica_alloc_sub), deletes it */
};

/* An empty allocator over slots [base, base + count) of CSpace root cnode. */
void mica_alloc_init(struct mica_alloc *a, mica_cptr_t cnode, mica_word_t base, mica_word_t count);
/* The root task's: its empty slots and every Untyped boot info lists (RAM first, biggest first). */
void mica_alloc_init_bootinfo(struct mica_alloc *a, const struct mica_bootinfo *bi);
/* Draw objects from this Untyped too; MICA_ERR_RANGE when the table is full. */
mica_error_t mica_alloc_add_untyped(struct mica_alloc *a, mica_cptr_t cap, mica_word_t paddr,
                                    unsigned bits, bool device);

/* Draw objects from this Untyped before all the others: its first `used` bytes are taken already
 * (objects retyped from it directly, e.g. frames placed one by one). MICA_ERR_RANGE when the
 * table is full. */
mica_error_t mica_alloc_prefer_untyped(struct mica_alloc *a, mica_cptr_t cap, unsigned bits,
                                       mica_word_t used);

/* Slots: one, or n consecutive ones (lowest first). 0 when none is left. */
mica_cptr_t mica_slot_alloc(struct mica_alloc *a);
mica_cptr_t mica_slot_alloc_range(struct mica_alloc *a, mica_word_t n);
/* Give slots back (they must be empty: mica_alloc_free deletes first). */
void mica_slot_free_range(struct mica_alloc *a, mica_cptr_t first, mica_word_t n);
static inline void mica_slot_free(struct mica_alloc *a, mica_cptr_t slot)
{
    mica_slot_free_range(a, slot, 1);
}
/* Whether slot is handed out (false for slots outside the allocator's range). */
bool mica_slot_used(const struct mica_alloc *a, mica_cptr_t slot);
/* How many slots are handed out. */
static inline mica_word_t mica_slots_in_use(const struct mica_alloc *a)
{
    return a->in_use;
}

/*
 * Objects. mica_alloc_objects retypes n objects in one call into n consecutive fresh slots
 * (*first is the first), so they are also consecutive in memory: n frames make one contiguous
 * block. RAM untypeds only; MICA_ERR_NOT_ENOUGH_MEMORY when none has room, MICA_ERR_RANGE when
 * there are no slots. size_bits as for Untyped_Retype (ignored by fixed-size types).
 */
mica_error_t mica_alloc_objects(struct mica_alloc *a, mica_word_t type, mica_word_t size_bits,
                                mica_word_t n, mica_cptr_t *first);
static inline mica_error_t mica_alloc_object(struct mica_alloc *a, mica_word_t type,
                                             mica_word_t size_bits, mica_cptr_t *slot)
{
    return mica_alloc_objects(a, type, size_bits, 1, slot);
}
/* Frames of device memory: n frames of 2^size_bits from physical address paddr, from the device
 * untyped that covers it. Memory below paddr in that untyped is skipped (carved into Untyped
 * fillers that are deleted again), so device frames must be asked for in increasing address
 * order within one device untyped; MICA_ERR_FAILED_LOOKUP when no device untyped covers them,
 * MICA_ERR_NOT_ENOUGH_MEMORY when that part was handed out already. */
mica_error_t mica_alloc_device_frames(struct mica_alloc *a, mica_word_t paddr,
                                      mica_word_t size_bits, mica_word_t n, mica_cptr_t *first);
/* Delete the cap in slot (its object goes with its last cap) and free the slot. */
mica_error_t mica_alloc_free(struct mica_alloc *a, mica_cptr_t slot);
/* Copy (Mint) a cap into a fresh slot with rights and badge; 0 on failure. */
mica_cptr_t mica_alloc_mint(struct mica_alloc *a, mica_cptr_t src, mica_word_t rights,
                            mica_word_t badge);

/*
 * A sub-allocator: an Untyped of 2^ut_bits carved from the parent (in a parent slot) and nslots
 * consecutive slots of the parent's. Everything made through it is freed by
 * mica_alloc_sub_reset: Revoke of its Untyped (every object made from it, wherever its caps went)
 * and Delete of every slot of its range (copies of other caps put there). The Untyped is kept,
 * so the parent's memory does not move: a restarted service reuses the same memory.
 * mica_alloc_sub_destroy also gives the slots back and, if mica_alloc_sub made the Untyped,
 * deletes it (its memory then returns to the parent only when the parent's untyped has no other
 * children); an Untyped given to mica_alloc_sub_from stays the caller's.
 */
mica_error_t mica_alloc_sub(struct mica_alloc *sub, struct mica_alloc *parent, unsigned ut_bits,
                            mica_word_t nslots);
/* The same over an Untyped the caller already holds (in a slot of the parent's CSpace). */
mica_error_t mica_alloc_sub_from(struct mica_alloc *sub, struct mica_alloc *parent, mica_cptr_t ut,
                                 mica_word_t paddr, unsigned ut_bits, mica_word_t nslots);
mica_error_t mica_alloc_sub_reset(struct mica_alloc *sub);
mica_error_t mica_alloc_sub_destroy(struct mica_alloc *sub);

/* True if the kernel's watermark of Untyped ut (2^bits bytes) is 0, i.e. nothing made from it
 * is left: a whole-size Untyped can be retyped from it (into a scratch slot of a, deleted
 * again). The check the supervisor runs after each teardown. */
bool mica_untyped_is_empty(struct mica_alloc *a, mica_cptr_t ut, unsigned bits);

#endif
