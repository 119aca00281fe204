/* SPDX-License-Identifier: MIT */
/*
 * Host tests for the MPU region solver (core/mpu_solver.c) with PMSAv8's numbers: 8 regions and
 * a 32-byte granule, as on the Cortex-M33. hal_mpu_encode here is arch/armv8m's: the PMSAv8
 * rules and MPU_RBAR/MPU_RLAR packing of drivers/mpu/pmsav8.c (Armv8-M ARM DDI 0553: RBAR
 * BASE[31:5] SH[4:3] AP[2:1] XN[0]; RLAR LIMIT[31:5] AttrIndx[3:1] EN[0]).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mpu/pmsav8.h"
#include "mpu_solver.h"

#include <mica/objects.h>

#define R   MICA_VM_READ
#define RW  (MICA_VM_READ | MICA_VM_WRITE)
#define RX  (MICA_VM_READ | MICA_VM_EXEC)
#define RAM 0x20000000u

#define RBAR_XN         PMSAV8_RBAR_XN
#define RBAR_AP_RW_ANY  PMSAV8_RBAR_AP_RW_ANY
#define RBAR_AP_RO_ANY  PMSAV8_RBAR_AP_RO_ANY
#define RLAR_EN         PMSAV8_RLAR_EN
#define RLAR_ATTRIDX(n) PMSAV8_RLAR_ATTRIDX(n)

static unsigned encode_calls;

/* What arch/armv8m does: the shared PMSAv8 rules and encoding. */
int hal_mpu_encode(const struct mpu_region *regions, unsigned n, struct arch_mpu_state *out)
{
    encode_calls++;
    return pmsav8_encode(regions, n, HAL_MPU_REGIONS, out->pair);
}

static struct mpu_region frame(paddr_t base, paddr_t size, unsigned rights, unsigned attr)
{
    struct mpu_region f = {base, size, rights, attr};
    return f;
}

static struct mpu_region out[16];
static struct arch_mpu_state state;

static int setup(void **st)
{
    (void)st;
    encode_calls = 0;
    memset(out, 0, sizeof(out));
    memset(&state, 0, sizeof(state));
    return 0;
}

static void assert_region(const struct mpu_region *r, paddr_t base, paddr_t size, unsigned rights)
{
    assert_int_equal(r->base, base);
    assert_int_equal(r->size, size);
    assert_int_equal(r->vm_rights, rights);
}

static void test_merge_contiguous(void **st)
{
    /* Out of order on purpose: the solver sorts. */
    struct mpu_region f[] = {
        frame(RAM + 0x1000, 0x1000, RW, 0),
        frame(RAM, 0x1000, RW, 0),
        frame(RAM + 0x2000, 0x400, RW, 0),
        frame(0x10000000, 0x8000, RX, 0),
    };
    unsigned n = 0;

    (void)st;
    assert_int_equal(mpu_solve(f, 4, out, HAL_MPU_REGIONS, &n, &state), 0);
    assert_int_equal(n, 2);
    assert_region(&out[0], 0x10000000, 0x8000, RX);
    assert_region(&out[1], RAM, 0x2400, RW);
    assert_int_equal(encode_calls, 1);
    /* The arch saw the merged regions: 2 enabled, the rest off. */
    assert_int_equal(state.pair[1][0], RAM | RBAR_AP_RW_ANY | RBAR_XN);
    assert_int_equal(state.pair[1][1], (RAM + 0x2400 - 32) | RLAR_EN);
    assert_int_equal(state.pair[0][0], 0x10000000 | RBAR_AP_RO_ANY);
    assert_int_equal(state.pair[2][1], 0);
}

static void test_no_merge(void **st)
{
    struct mpu_region f[] = {
        frame(RAM, 0x100, RW, MICA_VM_CACHED),
        frame(RAM + 0x100, 0x100, R, MICA_VM_CACHED),    /* other rights */
        frame(RAM + 0x200, 0x100, R, MICA_VM_DEVICE),    /* other attr */
        frame(RAM + 0x320, 0x100, R, MICA_VM_DEVICE),    /* 32-byte gap */
        frame(RAM + 0x420, 0x20, R | MICA_VM_EXEC, 0x0), /* adds exec */
    };
    unsigned n = 0;

    (void)st;
    assert_int_equal(mpu_solve(f, 5, out, HAL_MPU_REGIONS, &n, &state), 0);
    assert_int_equal(n, 5);
    assert_region(&out[0], RAM, 0x100, RW);
    assert_region(&out[1], RAM + 0x100, 0x100, R);
    assert_region(&out[2], RAM + 0x200, 0x100, R);
    assert_region(&out[3], RAM + 0x320, 0x100, R);
    assert_region(&out[4], RAM + 0x420, 0x20, RX);
    assert_int_equal(state.pair[2][1] & RLAR_ATTRIDX(7), RLAR_ATTRIDX(1));
    assert_int_equal(state.pair[1][1] & RLAR_ATTRIDX(7), RLAR_ATTRIDX(0));
}

static void test_overlap_rejected(void **st)
{
    const struct mpu_region cases[][2] = {
        {frame(RAM, 0x1000, RW, 0), frame(RAM + 0x800, 0x1000, RW, 0)}, /* partial */
        {frame(RAM, 0x1000, RW, 0), frame(RAM, 0x1000, RW, 0)},         /* same frame twice */
        {frame(RAM + 0x100, 0x20, R, 0), frame(RAM, 0x1000, RW, 0)},    /* inside another */
        {frame(RAM + 0xfe0, 0x40, R, 0), frame(RAM, 0x1000, R, 0)},     /* last granule shared */
    };
    struct mpu_region f[2];
    unsigned i, n;

    (void)st;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memcpy(f, cases[i], sizeof(f));
        n = 99;
        assert_int_equal(mpu_solve(f, 2, out, HAL_MPU_REGIONS, &n, &state), MICA_ERR_DELETE_FIRST);
        assert_int_equal(n, 0);
        assert_int_equal(pmsav8_check(cases[i], 2, 8), MICA_ERR_DELETE_FIRST);
    }
    assert_int_equal(encode_calls, 0);
}

/* n frames that stay n regions: 0x100 bytes every 0x200, so a gap separates each pair. */
static void spread(struct mpu_region *f, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++)
        f[i] = frame(RAM + 0x200 * i, 0x100, RW, 0);
}

static void test_fits_exactly(void **st)
{
    struct mpu_region f[8];
    unsigned n = 0, i;

    (void)st;
    spread(f, 8);
    assert_int_equal(mpu_solve(f, 8, out, HAL_MPU_REGIONS, &n, &state), 0);
    assert_int_equal(n, 8);
    for (i = 0; i < 8; i++)
        assert_true(state.pair[i][1] & RLAR_EN);
}

static void test_nine_do_not_fit(void **st)
{
    struct mpu_region f[9];
    unsigned n = 0;

    (void)st;
    /* With room for 16, the arch refuses: 9 regions on an 8-region MPU. */
    spread(f, 9);
    assert_int_equal(mpu_solve(f, 9, out, 16, &n, &state), MICA_ERR_RANGE);
    assert_int_equal(n, 9);
    assert_int_equal(encode_calls, 1);
    /* With room for 8, the solver stops before asking, and still says how many it needed. */
    spread(f, 9);
    n = 0;
    assert_int_equal(mpu_solve(f, 9, out, HAL_MPU_REGIONS, &n, &state), MICA_ERR_RANGE);
    assert_int_equal(n, 9);
    assert_int_equal(encode_calls, 1);
    /* Nine frames that merge into eight regions do fit. */
    spread(f, 8);
    f[8] = frame(RAM + 0x100, 0x80, RW, 0);
    assert_int_equal(mpu_solve(f, 9, out, HAL_MPU_REGIONS, &n, &state), 0);
    assert_int_equal(n, 8);
    assert_region(&out[0], RAM, 0x180, RW);
    assert_region(&out[1], RAM + 0x200, 0x100, RW);
}

static void test_granule(void **st)
{
    struct mpu_region r;

    (void)st;
    r = frame(RAM, 32, RW, 0);
    assert_int_equal(pmsav8_check(&r, 1, 8), 0);
    r = frame(RAM + 0x10, 0x100, RW, 0); /* base off the granule */
    assert_int_equal(pmsav8_check(&r, 1, 8), MICA_ERR_ALIGNMENT);
    r = frame(RAM, 48, RW, 0); /* limit off the granule */
    assert_int_equal(pmsav8_check(&r, 1, 8), MICA_ERR_ALIGNMENT);
    r = frame(RAM, 16, RW, 0); /* smaller than a granule */
    assert_int_equal(pmsav8_check(&r, 1, 8), MICA_ERR_ALIGNMENT);
    r = frame(RAM, 0, RW, 0);
    assert_int_equal(pmsav8_check(&r, 1, 8), MICA_ERR_INVALID_ARGUMENT);
    /* Any 32-byte multiple, not only powers of two; and no regions at all is a count of 0. */
    r = frame(RAM + 0x20, 0x60, RW, 0);
    assert_int_equal(pmsav8_check(&r, 1, 8), 0);
    assert_int_equal(pmsav8_check(&r, 1, 0), MICA_ERR_RANGE);
}

/* The arch may pass regions in any order; touching is not overlapping. */
static void test_check_any_order(void **st)
{
    const struct mpu_region touching[2] = {frame(RAM + 0x100, 0x100, R, 0),
                                           frame(RAM, 0x100, RW, 0)};
    const struct mpu_region apart[2] = {frame(RAM + 0x1000, 0x20, R, 0), frame(RAM, 0x20, RW, 0)};
    const struct mpu_region inside[3] = {frame(RAM + 0x4000, 0x20, R, 0),
                                         frame(RAM + 0x1000, 0x20, R, 0),
                                         frame(RAM, 0x2000, RW, 0)};
    struct mpu_region swapped[2];

    (void)st;
    assert_int_equal(pmsav8_check(touching, 2, 8), 0);
    swapped[0] = touching[1];
    swapped[1] = touching[0];
    assert_int_equal(pmsav8_check(swapped, 2, 8), 0);
    assert_int_equal(pmsav8_check(apart, 2, 8), 0);
    assert_int_equal(pmsav8_check(inside, 3, 8), MICA_ERR_DELETE_FIRST);
    assert_int_equal(pmsav8_check(inside, 2, 8), 0);
}

static void test_small_frames(void **st)
{
    struct mpu_region f[2];
    unsigned n = 0;

    (void)st;
    /* A lone 16-byte frame cannot be a PMSAv8 region: the arch says so. */
    f[0] = frame(RAM, 16, RW, 0);
    assert_int_equal(mpu_solve(f, 1, out, HAL_MPU_REGIONS, &n, &state), MICA_ERR_ALIGNMENT);
    assert_int_equal(n, 1);
    /* Two adjacent ones merge into one legal 32-byte region. */
    f[0] = frame(RAM + 16, 16, RW, 0);
    f[1] = frame(RAM, 16, RW, 0);
    assert_int_equal(mpu_solve(f, 2, out, HAL_MPU_REGIONS, &n, &state), 0);
    assert_int_equal(n, 1);
    assert_region(&out[0], RAM, 32, RW);
    assert_int_equal(state.pair[0][1], RAM | RLAR_EN);
}

static void test_bad_frames(void **st)
{
    struct mpu_region f[2];
    unsigned n;

    (void)st;
    f[0] = frame(RAM, 0x100, MICA_VM_WRITE, 0); /* W without R */
    assert_int_equal(mpu_solve(f, 1, out, HAL_MPU_REGIONS, &n, &state), MICA_ERR_INVALID_ARGUMENT);
    f[0] = frame(RAM, 0x100, RW, 5); /* unknown attr */
    assert_int_equal(mpu_solve(f, 1, out, HAL_MPU_REGIONS, &n, &state), MICA_ERR_INVALID_ARGUMENT);
    f[0] = frame(RAM, 0, RW, 0);
    assert_int_equal(mpu_solve(f, 1, out, HAL_MPU_REGIONS, &n, &state), MICA_ERR_INVALID_ARGUMENT);
    f[0] = frame(0xffffffe0u, 0x40, RW, 0); /* runs past 4 GiB */
    assert_int_equal(mpu_solve(f, 1, out, HAL_MPU_REGIONS, &n, &state), MICA_ERR_RANGE);
    assert_int_equal(pmsav8_check(f, 1, 8), MICA_ERR_RANGE);
    assert_int_equal(encode_calls, 0);
    /* The very top granule is fine, and touches (does not overlap) the one below it. */
    f[0] = frame(0xffffffe0u, 0x20, R, 0);
    f[1] = frame(0xffffffc0u, 0x20, RW, 0);
    assert_int_equal(mpu_solve(f, 2, out, HAL_MPU_REGIONS, &n, &state), 0);
    assert_int_equal(n, 2);
    assert_int_equal(state.pair[1][1], 0xffffffe0u | RLAR_EN);
}

static void test_empty(void **st)
{
    unsigned n = 99;

    (void)st;
    state.pair[0][1] = RLAR_EN;
    assert_int_equal(mpu_solve(NULL, 0, out, HAL_MPU_REGIONS, &n, &state), 0);
    assert_int_equal(n, 0);
    assert_int_equal(encode_calls, 1);
    assert_int_equal(state.pair[0][1], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_merge_contiguous, setup),
        cmocka_unit_test_setup(test_no_merge, setup),
        cmocka_unit_test_setup(test_overlap_rejected, setup),
        cmocka_unit_test_setup(test_fits_exactly, setup),
        cmocka_unit_test_setup(test_nine_do_not_fit, setup),
        cmocka_unit_test_setup(test_granule, setup),
        cmocka_unit_test_setup(test_check_any_order, setup),
        cmocka_unit_test_setup(test_small_frames, setup),
        cmocka_unit_test_setup(test_bad_frames, setup),
        cmocka_unit_test_setup(test_empty, setup),
    };
    return cmocka_run_group_tests_name("mpu_solver", tests, NULL, NULL);
}
