/* SPDX-License-Identifier: MIT */
/*
 * Host test of core/cap.c (the capability derivation tree) and core/delete.c (deletion, revoke,
 * zombies, preemption). Objects are fake: endpoints are only pointers, destroyed at once; "CNodes"
 * are real arrays of slots, torn down step by step as object.c does, so that nested and cyclic
 * CNodes go through the real zombie chains. object_destroy is recorded, so "the last cap destroys
 * the object, no other does" is checked exactly; hal_irq_pending can be made to say yes every N
 * calls, so that every preemption point is exercised; every test ends by walking the tree's links.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cap.h"
#include "delete.h"
#include "preempt.h"

/* ---- What cap.c and delete.c need from the rest of the kernel. ---- */

static struct cap destroyed[64];
static unsigned ndestroyed, ncnodes_destroyed;
static unsigned preempt_every, preempt_calls;
static unsigned check_budget = 100000; /* tree walks run_to_end may still do at every stop */

/* Frame mappings are vspace.c's; no cap in these tests is a mapped frame. */
void vspace_frame_cap_deleted(const struct cap *c)
{
    (void)c;
}

bool hal_irq_pending(void)
{
    return preempt_every && ++preempt_calls % preempt_every == 0;
}

bool object_needs_zombie(const struct cap *c)
{
    return c->type == MICA_OBJ_CNODE;
}

void object_destroy(const struct cap *c)
{
    if (ndestroyed < 64)
        destroyed[ndestroyed] = *c;
    ndestroyed++;
}

uint32_t object_finalise_begin(const struct cap *c)
{
    return (uint32_t)1 << c->size_bits;
}

int object_finalise_step(struct cap *z, struct cte **slot)
{
    if (!z->left) {
        ncnodes_destroyed++;
        return STEP_DONE;
    }
    *slot = (struct cte *)z->obj + --z->left;
    return (*slot)->cap.type == MICA_CAP_NULL ? STEP_MORE : STEP_SLOT;
}

bool object_holds_slot(const struct cap *z, const struct cte *slot)
{
    const struct cte *first = (const struct cte *)z->obj;
    return slot >= first && slot < first + ((word_t)1 << z->size_bits);
}

void hal_console_putc(char c)
{
    (void)c;
}

_Noreturn void hal_halt(int status)
{
    fail_msg("kernel halted with status %d", status);
    abort();
}

/* ---- Fixtures. ---- */

static struct cte slots[32];
static char objects[4][64];

static struct cap ep_cap(unsigned obj, word_t badge)
{
    return (struct cap){.type = MICA_OBJ_ENDPOINT,
                        .rights = MICA_RIGHTS_ALL,
                        .obj = (word_t)objects[obj],
                        .data = badge};
}

static struct cap untyped_cap(word_t base, unsigned bits)
{
    return (struct cap){.type = MICA_OBJ_UNTYPED,
                        .rights = MICA_RIGHTS_ALL,
                        .obj = base,
                        .size_bits = (uint8_t)bits};
}

static int setup(void **state)
{
    (void)state;
    memset(slots, 0, sizeof(slots));
    memset(&cdt_root, 0, sizeof(cdt_root));
    ndestroyed = ncnodes_destroyed = 0;
    preempt_every = preempt_calls = 0;
    check_budget = 200;
    return 0;
}

/* Every link in the tree agrees with its neighbours (walked without recursion, as the kernel's
 * invariant checker does); returns the number of caps in it. */
static unsigned check_tree(const struct cte *root)
{
    unsigned count = 0;

    for (const struct cte *n = root; n; n = cdt_preorder_next(n, root)) {
        const struct cte *prev = NULL;
        assert_true(!n->first_child == !n->last_child);
        for (const struct cte *c = n->first_child; c; prev = c, c = cte_next(c)) {
            assert_true(c->prev == (prev ? (word_t)prev : ((word_t)n | CTE_LINK_PARENT)));
            if (!cte_next(c))
                assert_ptr_equal(n->last_child, c);
            assert_int_not_equal(c->cap.type, MICA_CAP_NULL);
            count++;
        }
    }
    return count;
}

/* Delete or revoke, restarting after each preemption as a restarted syscall would. */
static unsigned run_to_end(int (*op)(struct cte *), struct cte *slot)
{
    unsigned restarts = 0;

    while (op(slot) == SYSCALL_PREEMPTED) {
        /* Consistent at a preemption point (at every one for small trees; the walk is O(n)). */
        if (++restarts % 97 == 1 || check_budget) {
            check_tree(&cdt_root);
            if (check_budget)
                check_budget--;
        }
    }
    return restarts;
}

static void derive(unsigned dest, unsigned src)
{
    struct cap c;

    assert_int_equal(cap_derive(&slots[src], MICA_RIGHTS_ALL, &c), MICA_OK);
    cap_insert(&slots[dest], &c, &slots[src]);
}

/* ---- Tests. ---- */

static void test_delete_last_cap_destroys(void **state)
{
    (void)state;
    struct cap c = ep_cap(0, 0);
    cap_insert(&slots[0], &c, &cdt_root);
    derive(1, 0);
    derive(2, 1);
    assert_int_equal(check_tree(&cdt_root), 3);

    assert_false(cap_is_final(&slots[0]));
    cap_delete(&slots[0]); /* children move up: nothing destroyed */
    assert_int_equal(ndestroyed, 0);
    assert_ptr_equal(cdt_parent(&slots[1]), &cdt_root);
    assert_int_equal(check_tree(&cdt_root), 2);
    cap_delete(&slots[2]);
    assert_int_equal(ndestroyed, 0);
    assert_true(cap_is_final(&slots[1]));
    cap_delete(&slots[1]);
    assert_int_equal(ndestroyed, 1);
    assert_int_equal(destroyed[0].obj, (word_t)objects[0]);
    assert_int_equal(check_tree(&cdt_root), 0);
    cap_delete(&slots[1]); /* empty: nothing happens */
    assert_int_equal(ndestroyed, 1);
}

static void test_siblings_of_other_objects_do_not_keep_alive(void **state)
{
    (void)state;
    struct cap u = untyped_cap(0x10000, 12);
    cap_insert(&slots[0], &u, &cdt_root);
    for (unsigned i = 0; i < 3; i++) {
        struct cap c = ep_cap(i, 0);
        cap_insert(&slots[1 + i], &c, &slots[0]);
    }
    derive(4, 2); /* a copy of object 1 */
    assert_true(cap_is_final(&slots[1]));
    assert_false(cap_is_final(&slots[2]));
    assert_true(cap_is_final(&slots[3]));
    cap_delete(&slots[2]); /* its child keeps object 1 alive */
    assert_int_equal(ndestroyed, 0);
    /* The copy took slot 2's place among the untyped's children. */
    assert_ptr_equal(cdt_parent(&slots[4]), &slots[0]);
    assert_true(cap_is_final(&slots[4]));
    assert_int_equal(check_tree(&cdt_root), 4);
}

static void test_sibling_copies_keep_alive(void **state)
{
    (void)state;
    struct cap c = ep_cap(0, 0);
    cap_insert(&slots[0], &c, &cdt_root);
    derive(1, 0);
    derive(2, 0);
    cap_delete(&slots[0]); /* 1 and 2 become siblings under the root */
    assert_false(cap_is_final(&slots[1]));
    assert_false(cap_is_final(&slots[2]));
    cap_delete(&slots[2]);
    assert_int_equal(ndestroyed, 0);
    cap_delete(&slots[1]);
    assert_int_equal(ndestroyed, 1);
    assert_int_equal(check_tree(&cdt_root), 0);
}

static void test_revoke_is_exact(void **state)
{
    (void)state;
    struct cap c = ep_cap(0, 0);
    cap_insert(&slots[0], &c, &cdt_root);
    derive(1, 0);
    derive(2, 0);
    derive(3, 1);
    derive(4, 3);
    struct cap other = ep_cap(1, 0);
    cap_insert(&slots[5], &other, &cdt_root);
    derive(6, 5);

    cap_revoke(&slots[1]); /* only 3 and 4 */
    assert_int_equal(slots[3].cap.type, MICA_CAP_NULL);
    assert_int_equal(slots[4].cap.type, MICA_CAP_NULL);
    assert_int_equal(slots[1].cap.type, MICA_OBJ_ENDPOINT);
    assert_int_equal(slots[2].cap.type, MICA_OBJ_ENDPOINT);
    assert_int_equal(ndestroyed, 0);
    cap_revoke(&slots[0]);
    assert_int_equal(slots[1].cap.type, MICA_CAP_NULL);
    assert_int_equal(slots[2].cap.type, MICA_CAP_NULL);
    assert_int_equal(slots[0].cap.type, MICA_OBJ_ENDPOINT);
    assert_int_equal(slots[6].cap.type, MICA_OBJ_ENDPOINT);
    assert_int_equal(ndestroyed, 0); /* slot 0 still names object 0 */
    assert_int_equal(check_tree(&cdt_root), 3);
}

static void test_move_keeps_tree_position(void **state)
{
    (void)state;
    struct cap c = ep_cap(0, 0);
    cap_insert(&slots[0], &c, &cdt_root);
    derive(1, 0);
    derive(2, 1);
    cap_move(&slots[10], &slots[1]);
    assert_int_equal(slots[1].cap.type, MICA_CAP_NULL);
    assert_ptr_equal(cdt_parent(&slots[2]), &slots[10]);
    assert_ptr_equal(slots[0].first_child, &slots[10]);
    assert_int_equal(check_tree(&cdt_root), 3);
    cap_revoke(&slots[0]);
    assert_int_equal(slots[10].cap.type, MICA_CAP_NULL);
    assert_int_equal(slots[2].cap.type, MICA_CAP_NULL);
    assert_int_equal(check_tree(&cdt_root), 1);
}

static void test_revoke_destroys_retyped_objects(void **state)
{
    (void)state;
    struct cap u = untyped_cap(0x10000, 12);
    cap_insert(&slots[0], &u, &cdt_root);
    slots[0].cap.extra = 3 * 64;
    for (unsigned i = 0; i < 3; i++) {
        struct cap c = ep_cap(i, 0);
        cap_insert(&slots[1 + i], &c, &slots[0]);
    }
    derive(4, 1);
    cap_revoke(&slots[0]);
    assert_int_equal(ndestroyed, 3);
    assert_int_equal(slots[0].cap.extra, 0); /* watermark reset */
    assert_int_equal(check_tree(&cdt_root), 1);
}

static void test_untyped_with_children_cannot_be_copied(void **state)
{
    (void)state;
    struct cap u = untyped_cap(0x10000, 12), c;
    cap_insert(&slots[0], &u, &cdt_root);
    assert_int_equal(cap_derive(&slots[0], MICA_RIGHTS_ALL, &c), MICA_OK);
    struct cap e = ep_cap(0, 0);
    cap_insert(&slots[1], &e, &slots[0]);
    assert_int_equal(cap_derive(&slots[0], MICA_RIGHTS_ALL, &c), MICA_ERR_REVOKE_FIRST);
}

static void test_rights_only_shrink(void **state)
{
    (void)state;
    struct cap c = ep_cap(0, 0), d;
    c.rights = MICA_RIGHT_READ | MICA_RIGHT_WRITE;
    cap_insert(&slots[0], &c, &cdt_root);
    assert_int_equal(cap_derive(&slots[0], MICA_RIGHTS_ALL, &d), MICA_OK);
    assert_int_equal(d.rights, MICA_RIGHT_READ | MICA_RIGHT_WRITE);
    assert_int_equal(cap_derive(&slots[0], MICA_RIGHT_WRITE | MICA_RIGHT_GRANT, &d), MICA_OK);
    assert_int_equal(d.rights, MICA_RIGHT_WRITE);
}

static void test_badge_and_guard_data(void **state)
{
    (void)state;
    struct cap c = ep_cap(0, 0);
    assert_int_equal(cap_update_data(&c, 0), MICA_OK);
    assert_int_equal(c.data, 0);
    assert_int_equal(cap_update_data(&c, 0x42), MICA_OK);
    assert_int_equal(c.data, 0x42);
    assert_int_equal(cap_update_data(&c, 0x43), MICA_ERR_ILLEGAL_OPERATION);
    assert_int_equal(cap_update_data(&c, 0), MICA_OK);
    assert_int_equal(c.data, 0x42);

    struct cap cn = {.type = MICA_OBJ_CNODE, .size_bits = 8};
    assert_int_equal(cap_update_data(&cn, MICA_CNODE_GUARD(0x5, 4)), MICA_OK);
    assert_int_equal(cn.guard_bits, 4);
    assert_int_equal(cn.data, 0x5);
    assert_int_equal(cap_update_data(&cn, MICA_CNODE_GUARD(0x1f, 4)), MICA_OK);
    assert_int_equal(cn.data, 0xf); /* masked to the guard's width */
    assert_int_equal(cap_update_data(&cn, MICA_CNODE_GUARD(0, MICA_WORD_BITS - 7)),
                     MICA_ERR_ILLEGAL_OPERATION);
}

/* ---- Nested and cyclic CNodes: zombie chains (delete.c). ---- */

static struct cte *new_cnode(unsigned bits)
{
    struct cte *c = calloc((size_t)1 << bits, sizeof(struct cte));
    assert_non_null(c);
    return c;
}

static struct cap cnode_cap(struct cte *slots_of, unsigned bits)
{
    return (struct cap){.type = MICA_OBJ_CNODE,
                        .rights = MICA_RIGHTS_ALL,
                        .obj = (word_t)slots_of,
                        .size_bits = (uint8_t)bits};
}

/* An Untyped in slots[0] and a chain of n CNodes: slots[1] holds the only cap to the first, and
 * slot 0 of each the only cap to the next (the repro of a kernel stack overflow on old main). */
static struct cte **make_chain(unsigned n)
{
    struct cte **cn = calloc(n, sizeof(*cn));
    struct cap u = untyped_cap(0x100000, 30);

    cap_insert(&slots[0], &u, &cdt_root);
    for (unsigned i = 0; i < n; i++)
        cn[i] = new_cnode(1);
    for (unsigned i = 0; i < n; i++) {
        struct cap c = cnode_cap(cn[i], 1);
        cap_insert(i ? &cn[i - 1][0] : &slots[1], &c, &slots[0]);
    }
    return cn;
}

static void free_chain(struct cte **cn, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        free(cn[i]);
    free(cn);
}

static void test_nested_cnodes_deleted_without_recursion(void **state)
{
    static const unsigned every[] = {0, 1, 2, 7, 1000};
    const unsigned n = 20000;

    for (unsigned k = 0; k < sizeof(every) / sizeof(every[0]); k++) {
        setup(state);
        struct cte **cn = make_chain(n);
        struct cap e = ep_cap(0, 0);
        cap_insert(&cn[n - 1][1], &e, &slots[0]); /* the innermost holds an endpoint's last cap */
        preempt_every = every[k];
        unsigned restarts = run_to_end(cap_delete, &slots[1]);
        assert_int_equal(ncnodes_destroyed, n);
        assert_int_equal(ndestroyed, 1);
        assert_int_equal(slots[1].cap.type, MICA_CAP_NULL);
        assert_int_equal(check_tree(&cdt_root), 1); /* the Untyped alone */
        if (every[k] == 1)
            assert_true(restarts >= 2 * n); /* a stop after every step, and the steps carry on */
        free_chain(cn, n);
    }
}

static void test_revoke_of_unreachable_cnode_cycles(void **state)
{
    for (unsigned every = 0; every < 5; every++) {
        setup(state);
        struct cap u = untyped_cap(0x100000, 30);
        cap_insert(&slots[0], &u, &cdt_root);
        /* A and B hold each other's only cap; C holds its own; D -> E -> F -> D. */
        struct cte *a = new_cnode(1), *b = new_cnode(1), *c = new_cnode(2);
        struct cte *d = new_cnode(1), *e = new_cnode(1), *f = new_cnode(1);
        struct cap ca = cnode_cap(a, 1), cb = cnode_cap(b, 1), cc = cnode_cap(c, 2);
        struct cap cd = cnode_cap(d, 1), ce = cnode_cap(e, 1), cf = cnode_cap(f, 1);
        cap_insert(&b[1], &ca, &slots[0]);
        cap_insert(&a[0], &cb, &slots[0]);
        cap_insert(&c[2], &cc, &slots[0]);
        cap_insert(&f[0], &cd, &slots[0]);
        cap_insert(&d[1], &ce, &slots[0]);
        cap_insert(&e[0], &cf, &slots[0]);
        struct cap ep = ep_cap(1, 0);
        cap_insert(&e[1], &ep, &slots[0]);
        preempt_every = every;
        run_to_end(cap_revoke, &slots[0]);
        assert_int_equal(ncnodes_destroyed, 6);
        assert_int_equal(ndestroyed, 1);
        assert_int_equal(check_tree(&cdt_root), 1);
        free(a), free(b), free(c), free(d), free(e), free(f);
    }
}

/* The deletion starts at a slot inside an object deeper in its own chain (only a Revoke can):
 * X's last cap lies in Z, Z's in Y, Y's in X. The top must leave Z before Z's memory is freed. */
static void test_top_inside_a_deeper_object(void **state)
{
    for (unsigned every = 0; every < 6; every++) {
        setup(state);
        struct cap u = untyped_cap(0x100000, 30);
        cap_insert(&slots[0], &u, &cdt_root);
        struct cte *x = new_cnode(2), *y = new_cnode(2), *z = new_cnode(2);
        struct cap cx = cnode_cap(x, 2), cy = cnode_cap(y, 2), cz = cnode_cap(z, 2);
        cap_insert(&y[1], &cz, &slots[0]);
        cap_insert(&x[2], &cy, &slots[0]);
        cap_insert(&z[3], &cx, &slots[0]); /* newest: Revoke deletes it first */
        struct cap ep = ep_cap(2, 0);
        cap_insert(&z[0], &ep, &slots[0]);
        preempt_every = every;
        run_to_end(cap_revoke, &slots[0]);
        assert_int_equal(ncnodes_destroyed, 3);
        assert_int_equal(ndestroyed, 1);
        assert_int_equal(check_tree(&cdt_root), 1);
        free(x), free(y), free(z);
    }
}

/* A preempted deletion leaves a zombie top in a slot; deleting the CNode that holds that slot
 * takes the whole preempted chain over; a Revoke meeting an inner zombie carries its chain on. */
static void test_preempted_deletions_are_carried_on(void **state)
{
    const unsigned n = 50;

    for (unsigned outsider = 0; outsider < 2; outsider++) {
        setup(state);
        struct cte **cn = make_chain(n);
        /* Move the chain's head into a CNode of its own, held by slots[2]. */
        struct cte *holder = new_cnode(3);
        struct cap ch = cnode_cap(holder, 3);
        cap_insert(&slots[2], &ch, &slots[0]);
        cap_move(&holder[5], &slots[1]);
        preempt_every = 3;
        assert_int_equal(cap_delete(&holder[5]), SYSCALL_PREEMPTED);
        assert_int_equal(cap_delete(&holder[5]), SYSCALL_PREEMPTED);
        assert_int_equal(holder[5].cap.type, MICA_CAP_ZOMBIE);
        check_tree(&cdt_root);
        preempt_every = 0;
        if (outsider)
            run_to_end(cap_revoke, &slots[0]); /* meets the chain's zombies through the tree */
        else
            run_to_end(cap_delete, &slots[2]); /* the holder's slot 5: another chain's top */
        assert_int_equal(ncnodes_destroyed, n + 1);
        assert_int_equal(check_tree(&cdt_root), 1);
        free_chain(cn, n);
        free(holder);
    }
}

/* Moving or deleting a cap with many children changes a constant number of links. */
static void test_many_children_move_and_splice(void **state)
{
    (void)state;
    static struct cte kids[1000];
    struct cap c = ep_cap(0, 0);

    memset(kids, 0, sizeof(kids));
    cap_insert(&slots[0], &c, &cdt_root);
    derive(1, 0);
    for (unsigned i = 0; i < 1000; i++) {
        struct cap d;
        assert_int_equal(cap_derive(&slots[1], MICA_RIGHTS_ALL, &d), MICA_OK);
        cap_insert(&kids[i], &d, &slots[1]);
    }
    derive(2, 0);
    cap_move(&slots[20], &slots[1]);
    assert_ptr_equal(cdt_parent(&kids[0]), &slots[20]);
    assert_ptr_equal(cdt_parent(&kids[999]), &slots[20]);
    assert_int_equal(check_tree(&cdt_root), 1003);
    assert_int_equal(cap_delete(&slots[20]), MICA_OK); /* the children take its place */
    assert_ptr_equal(cdt_parent(&kids[500]), &slots[0]);
    assert_int_equal(check_tree(&cdt_root), 1002);
    assert_int_equal(cap_revoke(&slots[0]), MICA_OK);
    assert_int_equal(ndestroyed, 0);
    assert_int_equal(check_tree(&cdt_root), 1);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_delete_last_cap_destroys, setup),
        cmocka_unit_test_setup(test_siblings_of_other_objects_do_not_keep_alive, setup),
        cmocka_unit_test_setup(test_sibling_copies_keep_alive, setup),
        cmocka_unit_test_setup(test_revoke_is_exact, setup),
        cmocka_unit_test_setup(test_move_keeps_tree_position, setup),
        cmocka_unit_test_setup(test_revoke_destroys_retyped_objects, setup),
        cmocka_unit_test_setup(test_untyped_with_children_cannot_be_copied, setup),
        cmocka_unit_test_setup(test_rights_only_shrink, setup),
        cmocka_unit_test_setup(test_badge_and_guard_data, setup),
        cmocka_unit_test_setup(test_nested_cnodes_deleted_without_recursion, setup),
        cmocka_unit_test_setup(test_revoke_of_unreachable_cnode_cycles, setup),
        cmocka_unit_test_setup(test_top_inside_a_deeper_object, setup),
        cmocka_unit_test_setup(test_preempted_deletions_are_carried_on, setup),
        cmocka_unit_test_setup(test_many_children_move_and_splice, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
