/* SPDX-License-Identifier: MIT */
/*
 * The capability derivation tree. Unlike seL4's linear MDB list with depth flags, every slot has
 * explicit parent / first-child / sibling links: Revoke walks exactly the subtree, and "is this
 * the last cap to the object" looks only at the slot's neighbours, because caps to one object are
 * kept adjacent (a derived cap is its source's child; deleting a cap splices its children into
 * its place).
 */
#include "cap.h"
#include "vspace.h"

struct cte cdt_root;

bool cap_same_object(const struct cap *a, const struct cap *b)
{
    if (a->type != b->type || a->obj != b->obj)
        return false;
    return a->type != MICA_OBJ_UNTYPED || a->size_bits == b->size_bits;
}

bool cap_is_final(const struct cte *slot)
{
    const struct cap *c = &slot->cap;

    if (c->type == MICA_OBJ_UNTYPED)
        return false;
    /* Every descendant of a cap other than Untyped and IRQControl names the same object. */
    if (slot->first_child)
        return false;
    if (slot->parent && cap_same_object(&slot->parent->cap, c))
        return false;
    if (slot->prev && cap_same_object(&slot->prev->cap, c))
        return false;
    if (slot->next && cap_same_object(&slot->next->cap, c))
        return false;
    return true;
}

void cap_insert(struct cte *dest, const struct cap *cap, struct cte *parent)
{
    kassert(dest->cap.type == MICA_CAP_NULL);
    dest->cap = *cap;
    dest->parent = parent;
    dest->first_child = NULL;
    dest->prev = NULL;
    dest->next = parent ? parent->first_child : NULL;
    if (dest->next)
        dest->next->prev = dest;
    if (parent)
        parent->first_child = dest;
    /* A copy of an Untyped shares its memory: the original is now full (seL4's
     * setUntypedCapAsFull), so objects the copy makes, which stay under the original if the copy
     * is deleted, are always below the original's watermark. */
    if (parent && cap->type == MICA_OBJ_UNTYPED && cap_same_object(cap, &parent->cap))
        parent->cap.extra = (word_t)1 << parent->cap.size_bits;
}

void cap_move(struct cte *dest, struct cte *src)
{
    kassert(dest->cap.type == MICA_CAP_NULL && dest != src);
    *dest = *src;
    if (dest->prev)
        dest->prev->next = dest;
    if (dest->next)
        dest->next->prev = dest;
    if (dest->parent && dest->parent->first_child == src)
        dest->parent->first_child = dest;
    for (struct cte *c = dest->first_child; c; c = c->next)
        c->parent = dest;
    *src = (struct cte){0};
}

int cap_derive(const struct cte *src, unsigned rights, struct cap *out)
{
    if (src->cap.type == MICA_OBJ_UNTYPED && src->first_child)
        return MICA_ERR_REVOKE_FIRST;
    /* seL4: an unmapped PageTable cap cannot be copied, so only one cap can map a table; copies
     * of a mapped one share its mapping, and the last of them unmaps it. */
    if (src->cap.type == MICA_OBJ_PAGE_TABLE && !(src->cap.flags & CAP_FLAG_MAPPED))
        return MICA_ERR_ILLEGAL_OPERATION;
    *out = src->cap;
    out->rights &= rights & MICA_RIGHTS_ALL;
    if (out->type == MICA_OBJ_FRAME) {
        /* A copy of a mapped frame cap starts unmapped (seL4). */
        out->flags &= (uint8_t)~CAP_FLAG_MAPPED;
        out->data = 0;
        out->extra = 0;
    }
    return MICA_OK;
}

int cap_update_data(struct cap *c, word_t data)
{
    switch (c->type) {
    case MICA_OBJ_ENDPOINT:
    case MICA_OBJ_NOTIFICATION:
        if (data == 0)
            return MICA_OK;
        if (c->data != 0)
            return MICA_ERR_ILLEGAL_OPERATION;
        c->data = data;
        return MICA_OK;
    case MICA_OBJ_CNODE: {
        unsigned bits = data & 0x3f;
        if (bits + c->size_bits > MICA_WORD_BITS)
            return MICA_ERR_ILLEGAL_OPERATION;
        word_t guard = data >> 6;
        if (bits < MICA_WORD_BITS)
            guard &= ((word_t)1 << bits) - 1;
        c->guard_bits = (uint8_t)bits;
        c->data = guard;
        return MICA_OK;
    }
    default: return MICA_OK;
    }
}

/* Take slot out of the tree; its children take its place among its siblings. */
static void cdt_unlink(struct cte *slot)
{
    struct cte *first = slot->first_child;
    struct cte *last = first;

    for (struct cte *c = first; c; c = c->next) {
        c->parent = slot->parent;
        last = c;
    }
    struct cte *before = slot->prev;
    struct cte *after = slot->next;
    struct cte *head = first ? first : after;
    struct cte *tail = first ? last : before;

    if (first) {
        first->prev = before;
        last->next = after;
    }
    if (before)
        before->next = head;
    else if (slot->parent)
        slot->parent->first_child = head;
    if (after)
        after->prev = tail;
    slot->parent = slot->first_child = slot->next = slot->prev = NULL;
}

void cap_delete(struct cte *slot)
{
    if (slot->cap.type == MICA_CAP_NULL)
        return;
    struct cap c = slot->cap;
    bool final = cap_is_final(slot);

    cdt_unlink(slot);
    slot->cap = (struct cap){0};
    /* A frame cap's mapping belongs to that cap alone: it goes with it, final or not. */
    if (c.type == MICA_OBJ_FRAME && (c.flags & CAP_FLAG_MAPPED))
        vspace_frame_cap_deleted(&c);
    /* The slot is already empty, so destroying an object that holds it (a CNode containing its
     * own last cap, a TCB's own slots) cannot come back to it. */
    if (final)
        object_destroy(&c);
}

void cap_revoke(struct cte *slot)
{
    /* Delete leaves first; re-read the tree each time since a destroyed object (a CNode) can
     * delete other descendants, or this slot itself, as it goes. */
    while (slot->first_child) {
        struct cte *d = slot->first_child;
        while (d->first_child)
            d = d->first_child;
        cap_delete(d);
    }
    if (slot->cap.type == MICA_OBJ_UNTYPED)
        slot->cap.extra = 0;
}
