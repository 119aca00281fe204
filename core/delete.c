/* SPDX-License-Identifier: MIT */
/*
 * Deleting capabilities without recursion, preemptibly (seL4's finaliseSlot and Zombies, in a
 * shape of our own).
 *
 * Deleting the last cap to an object that holds caps (a CNode, a TCB, an IRQHandler's
 * notification) means deleting those caps first, and one of them may be the last cap to another
 * such object: user space chooses how deep that goes. So the last cap becomes a zombie in its
 * slot, and its object is torn down one bounded step at a time (object_finalise_step). A step
 * that meets the last cap to another such object turns it into a zombie where it lies and goes
 * on with that one first. The zombies form a chain, kept in the zombies themselves:
 *
 *   top     the zombie where the deletion began. data = its child in the chain (or NULL),
 *           extra = the innermost zombie, the one being worked on (itself when alone).
 *   inner   every other zombie, in a slot of its parent's object. data = the parent.
 *
 * Every zombie lies in memory that outlives it: a live slot (the top), or its parent's object,
 * which is only freed after its children. The one exception is a top lying inside an object
 * deeper in its own chain (only a Revoke reaching unreachable cycles of CNodes starts there):
 * when that object is done, the top takes the slot it lay in, one level up, until it lies in
 * its own object. All of this is O(1) per step: no work grows with the depth of the chain.
 *
 * Between steps the chain is consistent and zombies are ordinary caps in the derivation tree
 * (their Untyped stays in use), so a preemption point can stop anywhere. A later cap_delete on
 * the top's slot carries on; a Revoke reaching any zombie of the chain through the tree finds its
 * top by following parents, and carries on from there.
 */
#include "cap.h"
#include "delete.h"
#include "preempt.h"
#include "vspace.h"

#define ZOMBIE_TOP 0x1 /* in a zombie's rights byte */

static bool zombie_is_top(const struct cte *z)
{
    return z->cap.rights & ZOMBIE_TOP;
}

static struct cte *zombie_slot(word_t w)
{
    return (struct cte *)w;
}

/* A cap that is not the last to its object, or whose object goes in O(1) work: now. */
static void delete_at_once(struct cte *slot)
{
    struct cap c = slot->cap;
    bool final = cap_is_final(slot);

    cdt_remove(slot);
    /* A frame cap's mapping belongs to that cap alone: it goes with it, final or not. */
    if (c.type == MICA_OBJ_FRAME && (c.flags & CAP_FLAG_MAPPED))
        vspace_frame_cap_deleted(&c);
    if (final)
        object_destroy(&c);
}

/* Replace the last cap to an object in slot by a zombie whose parent is parent (NULL: a top). */
static void zombify(struct cte *slot, struct cte *parent)
{
    struct cap c = slot->cap;

    slot->cap = (struct cap){
        .type = MICA_CAP_ZOMBIE,
        .rights = parent ? 0 : ZOMBIE_TOP,
        .size_bits = c.size_bits,
        .guard_bits = c.type,
        .obj = c.obj,
        .data = (word_t)parent,
        .extra = parent ? 0 : (word_t)slot,
    };
    /* The object's first, bounded part of teardown (a thread stops, a line is masked) happens
     * now, so that nothing uses it while the rest goes step by step. */
    slot->cap.left = object_finalise_begin(&c);
}

/* cur (innermost, its object in the chain from top) holds a cap in e: deal with it. */
static void clear_slot(struct cte *e, struct cte *cur, struct cte *top)
{
    struct cte *innermost;

    /* The top lying in this object goes last, with the chain (finish below). */
    if (e->cap.type == MICA_CAP_NULL || e == top)
        return;
    if (e->cap.type == MICA_CAP_ZOMBIE) {
        /* Inner zombies lie in their parent, which is not cur's (cur is innermost): this is the
         * top of another, preempted deletion. Its chain goes on below cur, as it stands. */
        kassert(zombie_is_top(e));
        innermost = zombie_slot(e->cap.extra);
        e->cap.rights = 0;
        e->cap.data = (word_t)cur;
        e->cap.extra = 0;
    } else if (!cap_is_final(e) || !object_needs_zombie(&e->cap)) {
        delete_at_once(e);
        return;
    } else {
        zombify(e, cur);
        innermost = e;
    }
    if (cur == top)
        top->cap.data = (word_t)e;
    top->cap.extra = (word_t)innermost;
}

/* cur's object is gone: remove its zombie and go back to its parent. Returns the top's slot,
 * NULL when cur was the top (the chain is finished). */
static struct cte *finish(struct cte *cur, struct cte *top)
{
    if (cur == top) {
        cdt_remove(cur);
        return NULL;
    }
    struct cte *parent = zombie_slot(cur->cap.data);
    bool parent_is_top = parent == top;

    if (object_holds_slot(&cur->cap, top)) {
        /* The top lies in the memory about to be freed: it takes cur's slot, in the parent's
         * object (alive), and cur's zombie takes the top's old slot, to be removed with it. */
        struct cte *child = zombie_slot(top->cap.data);
        cap_swap(top, cur);
        cdt_remove(top);
        top = cur;
        if (!parent_is_top)
            child->cap.data = (word_t)top; /* the top's child names the top's new slot */
    } else {
        cdt_remove(cur);
    }
    if (parent_is_top) {
        top->cap.data = 0;
        top->cap.extra = (word_t)top;
    } else {
        top->cap.extra = (word_t)parent;
    }
    return top;
}

/* Tear down the chain whose top is in top, one step at a time. */
static int reduce(struct cte *top)
{
    for (;;) {
        struct cte *cur = zombie_slot(top->cap.extra), *e = NULL;

        switch (object_finalise_step(&cur->cap, &e)) {
        case STEP_SLOT: clear_slot(e, cur, top); break;
        case STEP_DONE:
            top = finish(cur, top);
            if (!top)
                return MICA_OK;
            break;
        default: break;
        }
        if (preempt_point())
            return SYSCALL_PREEMPTED;
    }
}

int cap_delete(struct cte *slot)
{
    if (slot->cap.type == MICA_CAP_NULL)
        return MICA_OK;
    if (slot->cap.type != MICA_CAP_ZOMBIE) {
        if (!cap_is_final(slot) || !object_needs_zombie(&slot->cap)) {
            delete_at_once(slot);
            return MICA_OK;
        }
        zombify(slot, NULL);
    }
    /*
     * A zombie met through the derivation tree (Revoke of its Untyped) may be an inner one: its
     * chain is carried on from the top. This walk is the one place where the work grows with a
     * chain's depth, and only for a Revoke that meets another thread's preempted deletion.
     */
    while (!zombie_is_top(slot))
        slot = zombie_slot(slot->cap.data);
    return reduce(slot);
}

int cap_revoke(struct cte *slot)
{
    /* Pre-order, the first child is the next descendant: deleting it splices its own children
     * into its place, so each cap is looked at once however the tree is shaped (seL4's
     * cteRevoke over its MDB list). */
    while (slot->first_child) {
        int err = cap_delete(slot->first_child);
        if (err)
            return err;
        if (slot->first_child && preempt_point())
            return SYSCALL_PREEMPTED;
    }
    if (slot->cap.type == MICA_OBJ_UNTYPED) {
        /* Objects were made (and may have been written) below the watermark. */
        slot->cap.extra = 0;
        slot->cap.data = 0;
    }
    return MICA_OK;
}
