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

/* A syscall's cptr in thread t's CSpace, depth MICA_WORD_BITS. FAILED_LOOKUP if it does not
 * resolve. */
int cnode_lookup(struct tcb *t, word_t cptr, struct cte **slot);

/* An (index, depth) slot name below root for CNode operations: RANGE if depth is 0 or above
 * MICA_WORD_BITS, FAILED_LOOKUP unless exactly depth bits resolve to a slot. */
int cnode_lookup_slot(const struct cap *root, word_t index, word_t depth, struct cte **slot);

static inline struct cte *cnode_slots(const struct cap *c)
{
    return (struct cte *)c->obj;
}

#endif
