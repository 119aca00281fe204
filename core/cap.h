/* SPDX-License-Identifier: MIT */
/* Capabilities and the capability derivation tree (cap.c). */
#ifndef MICA_CAP_H
#define MICA_CAP_H

#include "object.h"

/* The root of the derivation tree: caps the kernel made at boot are its children, so every cap
 * in the system is reachable from it. It holds no cap. */
extern struct cte cdt_root;

/* Same object: same type and pointer (and size, for Untyped: a child Untyped may share a base). */
bool cap_same_object(const struct cap *a, const struct cap *b);

/* Is this the only capability left to its object? (Untyped: never destroys anything.) */
bool cap_is_final(const struct cte *slot);

/* Put cap into empty slot dest as the first child of parent. */
void cap_insert(struct cte *dest, const struct cap *cap, struct cte *parent);

/* Move the cap and its tree position from src to empty dest (src becomes empty). */
void cap_move(struct cte *dest, struct cte *src);

/* Derive a copy of src's cap with rights masked; fails (enum mica_error) where seL4's deriveCap
 * does: an Untyped with children. */
int cap_derive(const struct cte *src, unsigned rights, struct cap *out);

/* Apply Mint/Mutate data: a badge on an unbadged Endpoint/Notification, a guard on a CNode. */
int cap_update_data(struct cap *c, word_t data);

/* Empty slot; if it held the last cap to its object, destroy the object. Children move up to the
 * slot's parent. Deleting an empty slot does nothing. */
void cap_delete(struct cte *slot);

/* Delete every descendant of slot; an Untyped is then reset (watermark 0). */
void cap_revoke(struct cte *slot);

static inline bool cap_has_children(const struct cte *slot)
{
    return slot->first_child != NULL;
}

#endif
