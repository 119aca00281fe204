/* SPDX-License-Identifier: MIT */
/*
 * Untyped memory: a power-of-two block carved into objects by Retype from its watermark upwards.
 * Objects are children of the Untyped cap in the derivation tree; once it has no children left
 * (all deleted or revoked) the next Retype starts again from the bottom. Device Untypeds hold
 * memory the kernel never touches and become Frames (or smaller device Untypeds) only.
 */
#include "cap.h"
#include "cnode.h"
#include "invocation.h"
#include "vspace.h"

#define RETYPE_FAN_OUT_LIMIT 256

/* A child that is a copy of the Untyped itself shares its memory: Retype must not use it. */
static bool untyped_has_copy(const struct cte *ut)
{
    for (const struct cte *c = ut->first_child; c; c = c->next)
        if (cap_same_object(&c->cap, &ut->cap))
            return true;
    return false;
}

static void untyped_invoke_retype(struct cte *ut, unsigned type, unsigned size_bits,
                                  struct cte *dest, word_t start, unsigned obj_bits, word_t num)
{
    bool device = ut->cap.flags & CAP_FLAG_DEVICE;

    ut->cap.extra = start + (num << obj_bits);
    for (word_t i = 0; i < num; i++) {
        paddr_t pa = ut->cap.obj + start + (i << obj_bits);
        void *kva = device ? NULL : hal_phys_to_virt(pa);

        /* Untyped children are zeroed when they are retyped in turn. */
        if (!device && type != MICA_OBJ_UNTYPED)
            memset(kva, 0, (size_t)1 << obj_bits);
        struct cap c = object_create(type, size_bits, kva, device);
        if (type == MICA_OBJ_UNTYPED || type == MICA_OBJ_FRAME)
            c.obj = pa;
        cap_insert(&dest[i], &c, ut);
    }
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
    if (size_bits >= MICA_WORD_BITS || !object_size_valid((unsigned)type, (unsigned)size_bits))
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
    word_t free = ut->first_child ? ut->cap.extra : 0;
    if (obj_bits > ut->cap.size_bits)
        return MICA_ERR_NOT_ENOUGH_MEMORY;
    word_t align = ((word_t)1 << obj_bits) - 1;
    word_t start = (free + align) & ~align;
    if (start > size || num > (size - start) >> obj_bits)
        return MICA_ERR_NOT_ENOUGH_MEMORY;
    /* Each VSpace takes an address-space id from a fixed table (vspace.h). */
    if (type == MICA_OBJ_VSPACE && !vspace_asids_available(num))
        return MICA_ERR_NOT_ENOUGH_MEMORY;
    untyped_invoke_retype(ut, (unsigned)type, (unsigned)size_bits, dest, start, obj_bits, num);
    return MICA_OK;
}
