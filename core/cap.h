/* SPDX-License-Identifier: MIT */
/* Capabilities and the capability derivation tree (cap.c). Deleting caps is delete.c's. */
#ifndef MICA_CAP_H
#define MICA_CAP_H

#include "object.h"

/* The root of the derivation tree: caps the kernel made at boot are its children, so every cap
 * in the system is reachable from it. It holds no cap. */
extern struct cte cdt_root;

/* Same object: same type and pointer (and size, for Untyped: a child Untyped may share a base). */
bool cap_same_object(const struct cap *a, const struct cap *b);

/* Is this the only capability left to its object? (Untyped: never destroys anything.) O(1). */
bool cap_is_final(const struct cte *slot);

/* Put cap into empty slot dest as the first child of parent. */
void cap_insert(struct cte *dest, const struct cap *cap, struct cte *parent);

/* Move the cap and its tree position from src to empty dest (src becomes empty). O(1). */
void cap_move(struct cte *dest, struct cte *src);

/* Exchange two caps with their tree positions. O(1). */
void cap_swap(struct cte *a, struct cte *b);

/* Derive a copy of src's cap with rights masked; fails (enum mica_error) where seL4's deriveCap
 * does: an Untyped with children, an unmapped PageTable, a zombie. */
int cap_derive(const struct cte *src, unsigned rights, struct cap *out);

/* Apply Mint/Mutate data: a badge on an unbadged Endpoint/Notification, a guard on a CNode. */
int cap_update_data(struct cap *c, word_t data);

/* Take slot out of the tree, its children taking its place among its siblings, and empty it.
 * Nothing is destroyed: that is delete.c's decision. O(1). */
void cdt_remove(struct cte *slot);

/* The parent of a slot in the tree (NULL for cdt_root and empty slots). Walks the siblings to
 * an end of the list: for the invariant checker and tests, not for kernel paths. */
struct cte *cdt_parent(const struct cte *slot);

/* The slot after c in a pre-order walk of the subtree under root, or NULL at its end. */
struct cte *cdt_preorder_next(const struct cte *c, const struct cte *root);

static inline bool cap_has_children(const struct cte *slot)
{
    return slot->first_child != NULL;
}

#endif
