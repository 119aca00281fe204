/* SPDX-License-Identifier: MIT */
/*
 * The capability derivation tree. Unlike seL4's linear MDB list with depth flags, every slot has
 * explicit first-child, last-child and sibling links, and the sibling list's ends point back at
 * the parent: Revoke walks exactly the subtree, "is this the last cap to the object" looks only
 * at the slot's neighbours (caps to one object are kept adjacent: a derived cap is its source's
 * child, and deleting a cap splices its children into its place), and moving or removing a cap
 * touches a constant number of links, never one per child.
 */
#include "cap.h"

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
    /* Every child of a cap other than Untyped and IRQControl names the same object; so does a
     * neighbour that does (caps to one object are adjacent). A link at the end of the sibling
     * list leads to the parent, which is the other place another cap to it could be. */
    if (slot->first_child)
        return false;
    return !cap_same_object(&cte_link(slot->prev)->cap, c) &&
           !cap_same_object(&cte_link(slot->next)->cap, c);
}

void cap_insert(struct cte *dest, const struct cap *cap, struct cte *parent)
{
    struct cte *old = parent->first_child;

    kassert(dest->cap.type == MICA_CAP_NULL);
    dest->cap = *cap;
    dest->first_child = dest->last_child = NULL;
    dest->prev = (word_t)parent | CTE_LINK_PARENT;
    if (old) {
        dest->next = (word_t)old;
        old->prev = (word_t)dest;
    } else {
        dest->next = (word_t)parent | CTE_LINK_PARENT;
        parent->last_child = dest;
    }
    parent->first_child = dest;
    /* A copy of an Untyped shares its memory: the original is now full (seL4's
     * setUntypedCapAsFull), so objects the copy makes, which stay under the original if the copy
     * is deleted, are always below the original's watermark. */
    if (cap->type == MICA_OBJ_UNTYPED && cap_same_object(cap, &parent->cap))
        parent->cap.extra = (word_t)1 << parent->cap.size_bits;
}

/* c has taken over another slot's links: make its neighbours, parent and children point at it. */
static void relink(struct cte *c)
{
    if (c->prev & CTE_LINK_PARENT)
        cte_link(c->prev)->first_child = c;
    else
        ((struct cte *)c->prev)->next = (word_t)c;
    if (c->next & CTE_LINK_PARENT)
        cte_link(c->next)->last_child = c;
    else
        ((struct cte *)c->next)->prev = (word_t)c;
    if (c->first_child) {
        c->first_child->prev = (word_t)c | CTE_LINK_PARENT;
        c->last_child->next = (word_t)c | CTE_LINK_PARENT;
    }
}

void cap_move(struct cte *dest, struct cte *src)
{
    kassert(dest->cap.type == MICA_CAP_NULL && dest != src && src->prev);
    *dest = *src;
    relink(dest);
    *src = (struct cte){0};
}

void cap_swap(struct cte *a, struct cte *b)
{
    struct cte tmp = {0};

    if (a == b)
        return;
    cap_move(&tmp, a);
    cap_move(a, b);
    cap_move(b, &tmp);
}

void cdt_remove(struct cte *slot)
{
    struct cte *f = slot->first_child, *l = slot->last_child;
    word_t prev = slot->prev, next = slot->next;

    kassert(prev && next);
    if (f) {
        /* The children take slot's place: only the two ends change. */
        f->prev = prev;
        l->next = next;
    }
    if (prev & CTE_LINK_PARENT)
        cte_link(prev)->first_child = f ? f : cte_next(slot);
    else
        ((struct cte *)prev)->next = f ? (word_t)f : next;
    if (next & CTE_LINK_PARENT)
        cte_link(next)->last_child = l ? l : cte_prev(slot);
    else
        ((struct cte *)next)->prev = l ? (word_t)l : prev;
    *slot = (struct cte){0};
}

struct cte *cdt_parent(const struct cte *slot)
{
    if (!slot->prev)
        return NULL;
    while (!(slot->prev & CTE_LINK_PARENT))
        slot = (const struct cte *)slot->prev;
    return cte_link(slot->prev);
}

struct cte *cdt_preorder_next(const struct cte *c, const struct cte *root)
{
    if (c->first_child)
        return c->first_child;
    while (c != root) {
        if (!(c->next & CTE_LINK_PARENT))
            return (struct cte *)c->next;
        c = cte_link(c->next);
    }
    return NULL;
}

int cap_derive(const struct cte *src, unsigned rights, struct cap *out)
{
    if (src->cap.type == MICA_CAP_ZOMBIE)
        return MICA_ERR_ILLEGAL_OPERATION;
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
