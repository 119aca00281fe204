/* SPDX-License-Identifier: MIT */
/* CNodes: capability address resolution through guards and depth (cnode.c). */
#ifndef MICA_CNODE_H
#define MICA_CNODE_H

#include "object.h"

/* seL4's resolveAddressBits: walk cptr's top depth bits through CNodes from root. Stops at the
 * slot where the bits run out, or early at a slot holding a non-CNode cap (*left > 0 then).
 * Errors: FAILED_LOOKUP (root not a CNode, guard mismatch, a level needing more bits than are
 * left). */
int cnode_resolve(const struct cap *root, word_t cptr, unsigned depth, struct cte **slot,
                  unsigned *left);

static inline struct cte *cnode_slots(const struct cap *c)
{
    return (struct cte *)c->obj;
}

/*
 * A syscall's cptr in thread t's CSpace, depth MICA_WORD_BITS. FAILED_LOOKUP if it does not
 * resolve. Inline for the usual CSpace shape, a root CNode whose guard and radix consume all the
 * bits in one level (the root task's, for one): that is cnode_resolve's first and only iteration.
 */
static inline bool cnode_one_level(const struct cap *root)
{
    return root->type == MICA_OBJ_CNODE && root->guard_bits &&
           root->guard_bits + root->size_bits == MICA_WORD_BITS;
}

/* cnode_lookup's result for a root that is cnode_one_level. */
static inline int cnode_lookup_one_level(const struct cap *root, word_t cptr, struct cte **slot)
{
    if (cptr >> root->size_bits != root->data)
        return MICA_ERR_FAILED_LOOKUP;
    *slot = cnode_slots(root) + (cptr & (((word_t)1 << root->size_bits) - 1));
    return MICA_OK;
}

static inline int cnode_lookup(struct tcb *t, word_t cptr, struct cte **slot)
{
    const struct cap *root = &t->slots[TCB_CSPACE].cap;
    unsigned left;

    if (cnode_one_level(root))
        return cnode_lookup_one_level(root, cptr, slot);
    return cnode_resolve(root, cptr, MICA_WORD_BITS, slot, &left);
}

/* An (index, depth) slot name below root for CNode operations: RANGE if depth is 0 or above
 * MICA_WORD_BITS, FAILED_LOOKUP unless exactly depth bits resolve to a slot. */
int cnode_lookup_slot(const struct cap *root, word_t index, word_t depth, struct cte **slot);

#endif
