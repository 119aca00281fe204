/* SPDX-License-Identifier: MIT */
/*
 * CNodes: arrays of 2^radix slots. A CSpace is a tree of CNodes; a cptr names a slot by its bits,
 * consumed from the top: each CNode cap first matches its guard (guard_bits bits), then uses
 * radix bits as the index (seL4 reference manual, "CSpace addressing"). CNode invocations copy,
 * mint, move, mutate, delete and revoke capabilities.
 */
#include "cap.h"
#include "cnode.h"
#include "delete.h"
#include "invocation.h"

static inline word_t mask_bits(unsigned bits)
{
    return bits >= MICA_WORD_BITS ? ~(word_t)0 : ((word_t)1 << bits) - 1;
}

int cnode_resolve(const struct cap *root, word_t cptr, unsigned depth, struct cte **slot,
                  unsigned *left)
{
    const struct cap *c = root;
    unsigned n = depth;

    if (c->type != MICA_OBJ_CNODE)
        return MICA_ERR_FAILED_LOOKUP;
    for (;;) {
        unsigned radix = c->size_bits;
        unsigned gbits = c->guard_bits;
        unsigned level = radix + gbits;

        if (level > n)
            return MICA_ERR_FAILED_LOOKUP;
        if (gbits && ((cptr >> (n - gbits)) & mask_bits(gbits)) != c->data)
            return MICA_ERR_FAILED_LOOKUP;
        struct cte *s = cnode_slots(c) + ((cptr >> (n - level)) & mask_bits(radix));
        n -= level;
        if (n == 0 || s->cap.type != MICA_OBJ_CNODE) {
            *slot = s;
            *left = n;
            return MICA_OK;
        }
        c = &s->cap;
    }
}

int cnode_lookup_slot(const struct cap *root, word_t index, word_t depth, struct cte **slot)
{
    unsigned left;

    if (depth < 1 || depth > MICA_WORD_BITS)
        return MICA_ERR_RANGE;
    int err = cnode_resolve(root, index, (unsigned)depth, slot, &left);
    if (err)
        return err;
    return left ? MICA_ERR_FAILED_LOOKUP : MICA_OK;
}

static void cnode_invoke_insert(struct cte *dest, struct cte *src, const struct cap *c)
{
    cap_insert(dest, c, src);
}

static void cnode_invoke_move(struct cte *dest, struct cte *src, const struct cap *c)
{
    cap_move(dest, src);
    dest->cap = *c;
}

/* Copy/Mint/Move/Mutate: resolve destination (empty) and source (full), then the new cap. */
static int cnode_decode_transfer(struct inv *inv)
{
    static const unsigned nargs[] = {5, 6, 4, 5};
    unsigned op = (unsigned)(inv->label - MICA_CNODE_COPY);
    struct cte *dest, *src, *src_root;

    if (inv->len < nargs[op])
        return MICA_ERR_TRUNCATED_MESSAGE;
    int err = inv_cap_typed(inv, 0, MICA_OBJ_CNODE, false, &src_root);
    if (err)
        return err;
    err = cnode_lookup_slot(&inv->slot->cap, inv->mr[0], inv->mr[1], &dest);
    if (err)
        return err;
    err = cnode_lookup_slot(&src_root->cap, inv->mr[2], inv->mr[3], &src);
    if (err)
        return err;
    if (src->cap.type == MICA_CAP_NULL)
        return MICA_ERR_FAILED_LOOKUP;
    if (dest->cap.type != MICA_CAP_NULL)
        return MICA_ERR_DELETE_FIRST;
    /* A zombie stays where its deletion can find it (delete.c). */
    if (src->cap.type == MICA_CAP_ZOMBIE)
        return MICA_ERR_ILLEGAL_OPERATION;

    struct cap c = src->cap;
    switch (inv->label) {
    case MICA_CNODE_COPY:
    case MICA_CNODE_MINT:
        err = cap_derive(src, (unsigned)inv->mr[4], &c);
        if (!err && inv->label == MICA_CNODE_MINT)
            err = cap_update_data(&c, inv->mr[5]);
        if (err)
            return err;
        cnode_invoke_insert(dest, src, &c);
        return MICA_OK;
    case MICA_CNODE_MUTATE:
        err = cap_update_data(&c, inv->mr[4]);
        if (err)
            return err;
        /* fall through */
    default: cnode_invoke_move(dest, src, &c); return MICA_OK;
    }
}

int cnode_decode(struct inv *inv)
{
    struct cte *slot;
    int err;

    switch (inv->label) {
    case MICA_CNODE_COPY:
    case MICA_CNODE_MINT:
    case MICA_CNODE_MOVE:
    case MICA_CNODE_MUTATE: return cnode_decode_transfer(inv);
    case MICA_CNODE_DELETE:
    case MICA_CNODE_REVOKE:
        if (inv->len < 2)
            return MICA_ERR_TRUNCATED_MESSAGE;
        err = cnode_lookup_slot(&inv->slot->cap, inv->mr[0], inv->mr[1], &slot);
        if (err)
            return err;
        return inv->label == MICA_CNODE_DELETE ? cap_delete(slot) : cap_revoke(slot);
    default: return MICA_ERR_ILLEGAL_OPERATION;
    }
}
