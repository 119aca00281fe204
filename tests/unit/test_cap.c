/* SPDX-License-Identifier: MIT */
/*
 * Host test of core/cap.c: the capability derivation tree. Objects are fake (only pointers are
 * compared); object_destroy is recorded, so "the last cap destroys the object, no other does" is
 * checked exactly, and every test ends by walking the tree's links.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cap.h"

/* ---- What cap.c needs from the rest of the kernel. ---- */

static struct cap destroyed[64];
static unsigned ndestroyed;

/* Frame mappings are vspace.c's; no cap in these tests is a mapped frame. */
void vspace_frame_cap_deleted(const struct cap *c)
{
    (void)c;
}

void object_destroy(const struct cap *c)
{
    destroyed[ndestroyed++] = *c;
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
    ndestroyed = 0;
    return 0;
}

/* Every link in the tree agrees with its neighbour; returns the number of caps in it. */
static unsigned check_tree(const struct cte *n)
{
    unsigned count = 0;
    const struct cte *prev = NULL;

    for (const struct cte *c = n->first_child; c; prev = c, c = c->next) {
        assert_ptr_equal(c->parent, n);
        assert_ptr_equal(c->prev, prev);
        assert_int_not_equal(c->cap.type, MICA_CAP_NULL);
        count += 1 + check_tree(c);
    }
    return count;
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
    assert_ptr_equal(slots[1].parent, &cdt_root);
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
    assert_ptr_equal(slots[4].parent, &slots[0]);
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
    assert_ptr_equal(slots[2].parent, &slots[10]);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
