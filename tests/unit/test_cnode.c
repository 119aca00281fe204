/* SPDX-License-Identifier: MIT */
/*
 * Host test of core/cnode.c's address resolution (seL4's resolveAddressBits): guards, radix,
 * depth, two-level CSpaces, stopping at a non-CNode cap, and the (index, depth) rules of CNode
 * operations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cnode.h"
#include "delete.h"
#include "invocation.h"

/* ---- What cnode.c and cap.c need from the rest of the kernel (unused by these tests). ---- */

int cap_delete(struct cte *slot)
{
    (void)slot;
    return MICA_OK;
}

int cap_revoke(struct cte *slot)
{
    (void)slot;
    return MICA_OK;
}

int inv_cap_typed(const struct inv *inv, unsigned i, unsigned type, bool allow_null,
                  struct cte **slot)
{
    (void)inv, (void)i, (void)type, (void)allow_null, (void)slot;
    return MICA_ERR_INVALID_CAPABILITY;
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

/* ---- Fixtures: a root CNode of 16 slots and a second-level CNode of 4 slots. ---- */

#define W MICA_WORD_BITS

static struct cte l1[16], l2[4];
static char obj[64];

static struct cap cnode(struct cte *slots, unsigned radix, unsigned gbits, word_t guard)
{
    return (struct cap){.type = MICA_OBJ_CNODE,
                        .rights = MICA_RIGHTS_ALL,
                        .size_bits = (uint8_t)radix,
                        .guard_bits = (uint8_t)gbits,
                        .obj = (word_t)slots,
                        .data = guard};
}

static int setup(void **state)
{
    (void)state;
    memset(l1, 0, sizeof(l1));
    memset(l2, 0, sizeof(l2));
    l1[3].cap = (struct cap){.type = MICA_OBJ_ENDPOINT, .obj = (word_t)obj};
    l2[2].cap = (struct cap){.type = MICA_OBJ_NOTIFICATION, .obj = (word_t)obj};
    return 0;
}

static void test_root_with_full_guard(void **state)
{
    (void)state;
    struct cap root = cnode(l1, 4, W - 4, 0);
    struct cte *s;
    unsigned left;

    assert_int_equal(cnode_resolve(&root, 3, W, &s, &left), MICA_OK);
    assert_ptr_equal(s, &l1[3]);
    assert_int_equal(left, 0);
    assert_int_equal(cnode_resolve(&root, 15, W, &s, &left), MICA_OK);
    assert_ptr_equal(s, &l1[15]);
    /* A set bit in the guard area is a guard mismatch. */
    assert_int_equal(cnode_resolve(&root, (word_t)1 << 4, W, &s, &left), MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(cnode_resolve(&root, (word_t)1 << (W - 1), W, &s, &left),
                     MICA_ERR_FAILED_LOOKUP);
    /* Fewer bits than the guard and radix need. */
    assert_int_equal(cnode_resolve(&root, 3, W - 1, &s, &left), MICA_ERR_FAILED_LOOKUP);
}

static void test_nonzero_guard(void **state)
{
    (void)state;
    struct cap root = cnode(l1, 4, 3, 0x5); /* 7 bits: guard 101, then index */
    struct cte *s;
    unsigned left;

    assert_int_equal(cnode_resolve(&root, (0x5 << 4) | 3, 7, &s, &left), MICA_OK);
    assert_ptr_equal(s, &l1[3]);
    assert_int_equal(cnode_resolve(&root, (0x4 << 4) | 3, 7, &s, &left), MICA_ERR_FAILED_LOOKUP);
    /* Only the top `depth` bits of the cptr are looked at. */
    assert_int_equal(cnode_resolve(&root, (((0x5 << 4) | 3) << 2) | 3, 9, &s, &left), MICA_OK);
    assert_ptr_equal(s, &l1[3]);
    assert_int_equal(left, 2); /* stopped early at the endpoint */
}

static void test_two_levels(void **state)
{
    (void)state;
    struct cap root = cnode(l1, 4, 0, 0);
    struct cte *s;
    unsigned left;

    l1[7].cap = cnode(l2, 2, 1, 1); /* 3 bits: guard 1, index 2 bits */
    word_t cptr = (7 << 3) | (1 << 2) | 2;
    assert_int_equal(cnode_resolve(&root, cptr, 7, &s, &left), MICA_OK);
    assert_ptr_equal(s, &l2[2]);
    assert_int_equal(left, 0);
    /* Depth 4 stops at the slot holding the second CNode. */
    assert_int_equal(cnode_resolve(&root, 7, 4, &s, &left), MICA_OK);
    assert_ptr_equal(s, &l1[7]);
    /* A depth that ends inside the second level's guard+radix fails. */
    assert_int_equal(cnode_resolve(&root, cptr >> 1, 6, &s, &left), MICA_ERR_FAILED_LOOKUP);
    /* Wrong guard at the second level. */
    assert_int_equal(cnode_resolve(&root, (7 << 3) | 2, 7, &s, &left), MICA_ERR_FAILED_LOOKUP);
}

static void test_root_must_be_cnode(void **state)
{
    (void)state;
    struct cap ep = {.type = MICA_OBJ_ENDPOINT, .obj = (word_t)obj};
    struct cte *s;
    unsigned left;

    assert_int_equal(cnode_resolve(&ep, 0, W, &s, &left), MICA_ERR_FAILED_LOOKUP);
}

static void test_slot_depth_rules(void **state)
{
    (void)state;
    struct cap root = cnode(l1, 4, W - 4, 0);
    struct cte *s;

    assert_int_equal(cnode_lookup_slot(&root, 3, W, &s), MICA_OK);
    assert_ptr_equal(s, &l1[3]);
    assert_int_equal(cnode_lookup_slot(&root, 3, 0, &s), MICA_ERR_RANGE);
    assert_int_equal(cnode_lookup_slot(&root, 3, W + 1, &s), MICA_ERR_RANGE);
    /* An (index, depth) pair must consume exactly depth bits. */
    struct cap flat = cnode(l1, 4, 0, 0);
    assert_int_equal(cnode_lookup_slot(&flat, 3 << 2, 6, &s), MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(cnode_lookup_slot(&flat, 3, 4, &s), MICA_OK);
    assert_ptr_equal(s, &l1[3]);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_root_with_full_guard, setup),
        cmocka_unit_test_setup(test_nonzero_guard, setup),
        cmocka_unit_test_setup(test_two_levels, setup),
        cmocka_unit_test_setup(test_root_must_be_cnode, setup),
        cmocka_unit_test_setup(test_slot_depth_rules, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
