/* SPDX-License-Identifier: MIT */
/*
 * Untyped memory: a power-of-two block carved into objects by Retype from its watermark upwards.
 * Objects are children of the Untyped cap in the derivation tree; once it has no children left
 * (all deleted or revoked) the next Retype starts again from the bottom. Device Untypeds hold
 * memory the kernel never touches and become Frames (or smaller device Untypeds) only.
 *
 * Objects start zeroed. Zeroing is the one part of Retype whose work grows with what the caller
 * asks for (a 2^20-slot CNode is 64 MiB), so it is done in chunks with preemption points, and the
 * cap remembers how far it got: cap.data is an offset below which, down to the watermark, the
 * memory is known to be zero. A restarted Retype finds the chunks already done and goes on.
 */
#include "cap.h"
#include "cnode.h"
#include "invocation.h"
#include "preempt.h"
#include "vspace.h"

#define RETYPE_FAN_OUT_LIMIT 256
#define RETYPE_ZERO_CHUNK    4096 /* bytes zeroed between two preemption points */

/* A copy of the Untyped itself shares its memory: Retype must not use it. A copy can only be
 * made while the Untyped has no children, and marks it full (cap_insert), so it is then the
 * only child. */
static bool untyped_has_copy(const struct cte *ut)
{
    return ut->first_child && cap_same_object(&ut->first_child->cap, &ut->cap);
}

/* Offset of the first byte no live object uses. Without children the whole block is free. */
static word_t untyped_used(const struct cte *ut)
{
    return ut->first_child ? ut->cap.extra : 0;
}

/* Make [untyped_used, end) zero, from where the last (preempted) attempt stopped. */
static int untyped_zero(struct cte *ut, word_t end)
{
    /* No children but a watermark: objects lived there and are gone; nothing is known zero. */
    if (!ut->first_child && ut->cap.extra) {
        ut->cap.extra = 0;
        ut->cap.data = 0;
    }
    if (ut->cap.data < untyped_used(ut))
        ut->cap.data = untyped_used(ut);
    while (ut->cap.data < end) {
        word_t n = end - ut->cap.data < RETYPE_ZERO_CHUNK ? end - ut->cap.data : RETYPE_ZERO_CHUNK;
        memset(hal_phys_to_virt(ut->cap.obj + ut->cap.data), 0, (size_t)n);
        ut->cap.data += n;
        if (ut->cap.data < end && preempt_point())
            return SYSCALL_PREEMPTED;
    }
    return MICA_OK;
}

static int untyped_invoke_retype(struct cte *ut, unsigned type, unsigned size_bits,
                                 struct cte *dest, word_t start, unsigned obj_bits, word_t num)
{
    bool device = ut->cap.flags & CAP_FLAG_DEVICE;
    word_t end = start + (num << obj_bits);

    /* No children but a watermark: objects lived there and are gone; nothing is known zero.
     * Whatever type comes first: an Untyped child does not zero, so it would otherwise leave
     * cap.data claiming the old objects' memory above it is zero. */
    if (!ut->first_child && ut->cap.extra) {
        ut->cap.extra = 0;
        ut->cap.data = 0;
    }
    /* Untyped children zero what they make in turn. */
    if (!device && type != MICA_OBJ_UNTYPED) {
        int err = untyped_zero(ut, end);
        if (err)
            return err;
    }
    ut->cap.extra = end;
    if (ut->cap.data < end)
        ut->cap.data = end; /* nothing above the watermark was zeroed yet: an empty range */
    for (word_t i = 0; i < num; i++) {
        paddr_t pa = ut->cap.obj + start + (i << obj_bits);
        struct cap c = object_create(type, size_bits, device ? NULL : hal_phys_to_virt(pa), device);
        if (type == MICA_OBJ_UNTYPED || type == MICA_OBJ_FRAME)
            c.obj = pa;
        cap_insert(&dest[i], &c, ut);
    }
    return MICA_OK;
}

int untyped_decode(struct inv *inv)
{
    struct cte *ut = inv->slot, *root, *node;
    int err;

    if (inv->label != MICA_UNTYPED_RETYPE)
        return MICA_ERR_ILLEGAL_OPERATION;
    if (inv->len < 6)
        return MICA_ERR_TRUNCATED_MESSAGE;
    word_t type = inv->mr[0], size_bits = inv->mr[1], node_offset = inv->mr[4], num = inv->mr[5];
    if ((err = inv_cap_typed(inv, 0, MICA_OBJ_CNODE, false, &root)))
        return err;
    if (type == MICA_CAP_NULL || type >= MICA_OBJ_TYPE_COUNT)
        return MICA_ERR_INVALID_ARGUMENT;
    /* Fixed-size types ignore size_bits, whatever it is (docs/abi.md). */
    if (!object_size_valid((unsigned)type, size_bits))
        return MICA_ERR_RANGE;
    if (inv->mr[3] == 0) {
        node = root;
    } else {
        if ((err = cnode_lookup_slot(&root->cap, inv->mr[2], inv->mr[3], &node)))
            return err;
        if (node->cap.type != MICA_OBJ_CNODE)
            return MICA_ERR_FAILED_LOOKUP;
    }
    word_t nslots = (word_t)1 << node->cap.size_bits;
    if (num < 1 || num > RETYPE_FAN_OUT_LIMIT || node_offset >= nslots ||
        num > nslots - node_offset)
        return MICA_ERR_RANGE;
    struct cte *dest = cnode_slots(&node->cap) + node_offset;
    for (word_t i = 0; i < num; i++)
        if (dest[i].cap.type != MICA_CAP_NULL)
            return MICA_ERR_DELETE_FIRST;
    if ((ut->cap.flags & CAP_FLAG_DEVICE) && type != MICA_OBJ_FRAME && type != MICA_OBJ_UNTYPED)
        return MICA_ERR_INVALID_ARGUMENT;
    if (untyped_has_copy(ut))
        return MICA_ERR_REVOKE_FIRST;

    unsigned obj_bits = object_size_bits((unsigned)type, (unsigned)size_bits);
    word_t size = (word_t)1 << ut->cap.size_bits;
    if (obj_bits > ut->cap.size_bits)
        return MICA_ERR_NOT_ENOUGH_MEMORY;
    word_t align = ((word_t)1 << obj_bits) - 1;
    word_t start = (untyped_used(ut) + align) & ~align;
    if (start > size || num > (size - start) >> obj_bits)
        return MICA_ERR_NOT_ENOUGH_MEMORY;
    /* Each VSpace takes an address-space id from a fixed table (vspace.h). */
    if (type == MICA_OBJ_VSPACE && !vspace_asids_available(num))
        return MICA_ERR_NOT_ENOUGH_MEMORY;
    return untyped_invoke_retype(ut, (unsigned)type, (unsigned)size_bits, dest, start, obj_bits,
                                 num);
}
