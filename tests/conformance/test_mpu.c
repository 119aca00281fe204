/* SPDX-License-Identifier: MIT */
/*
 * The MPU counterparts of the MMU tests, on boards where threads really run on their regions
 * (boot info says MICA_BOOT_FLAG_MPU and MICA_BOOT_FLAG_REAL_MEM; hosted's MPU personality only
 * keeps the books, so it skips them): an access outside the regions faults, execute-never and
 * read-only hold, a thread runs in a VSpace built from copies of the image's frames, region sets
 * switch with the threads of different VSpaces, and what does not fit is refused and unreachable.
 * Each fault goes to a handler (the root task) with type, address and access.
 */
#include "suite.h"

static volatile mica_word_t probe_value, probe_done;

static bool real_mpu(void)
{
    if (!(env_bi->flags & MICA_BOOT_FLAG_MPU)) {
        tap_skip("board has no MPU");
        return false;
    }
    if (!(env_bi->flags & MICA_BOOT_FLAG_REAL_MEM)) {
        tap_skip("mappings are bookkeeping on this board: nothing to touch");
        return false;
    }
    return true;
}

static void probe_load(mica_word_t addr)
{
    probe_value = *(volatile mica_word_t *)(uintptr_t)addr;
    probe_done = 1;
}

static void probe_store(mica_word_t addr)
{
    *(volatile mica_word_t *)(uintptr_t)addr = 0x5a5a;
    probe_done = 1;
}

/* Read, then write: the read must work, the write fault. */
static void probe_load_store(mica_word_t addr)
{
    probe_value = *(volatile mica_word_t *)(uintptr_t)addr;
    *(volatile mica_word_t *)(uintptr_t)addr = 0x5a5a;
    probe_done = 1;
}

static void probe_exec(mica_word_t addr)
{
#ifdef __thumb__
    addr |= 1; /* a Thumb branch: the fetch itself must be what faults */
#endif
    ((void (*)(void))(uintptr_t)addr)();
    probe_done = 1;
}

static mica_word_t paddr_of(mica_cptr_t f)
{
    mica_word_t pa = 0;

    CHECK_INV(MICA_FRAME_GET_ADDRESS, mica_frame_get_address(f, &pa), MICA_OK);
    return pa;
}

/* Map frame f at its own address in vs; a fresh copy of the cap, so f may be mapped elsewhere. */
static mica_error_t map_copy(mica_cptr_t f, mica_cptr_t vs, mica_word_t rights)
{
    mica_cptr_t c = env_mint(f, MICA_RIGHTS_ALL, 0);

    return c ? mica_frame_map(c, vs, paddr_of(f), rights, MICA_VM_CACHED) : MICA_ERR_COUNT;
}

static struct probe probe;

static bool setup(void)
{
    return real_mpu() && probe_init(&probe);
}

/*
 * A VSpace holding the program's image at its own addresses: copies of the root task's frames
 * from boot info, read-write where the cap allows writing and read-execute where it does not
 * (the code). The program's data, including the helpers' static stacks, is then shared. The
 * probe's IPC buffer is there too.
 */
static mica_cptr_t image_vspace(void)
{
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);

    for (mica_word_t f = env_bi->user_frames.start; vs && f < env_bi->user_frames.end; f++) {
        mica_error_t err = map_copy(f, vs, MICA_VM_READ | MICA_VM_WRITE);
        if (err == MICA_ERR_INVALID_CAPABILITY)
            err = map_copy(f, vs, MICA_VM_READ | MICA_VM_EXEC);
        if (!CHECK_INV(MICA_FRAME_MAP, err, MICA_OK))
            return 0;
    }
    if (vs && !CHECK_INV(MICA_FRAME_MAP, map_copy(probe.t.frame, vs, MICA_VM_READ | MICA_VM_WRITE),
                         MICA_OK))
        return 0;
    return vs;
}

/* Run fn(addr) in vs (0: the root's) and expect a memory fault at addr with access kind. */
static void expect_fault(mica_cptr_t vs, thread_fn fn, mica_word_t addr, mica_word_t kind)
{
    mica_word_t mr[3] = {0};

    probe_done = 0;
    probe_value = ~(mica_word_t)0; /* a load that works overwrites it */
    if (!probe_run(&probe, vs, fn, addr))
        return;
    CHECK_EQ(probe_fault(&probe, mr), MICA_FAULT_MEMORY);
    CHECK_EQ(mr[1], addr);
    CHECK_EQ(mr[2], kind);
    CHECK(!probe_done);
    probe_stop(&probe);
}

/* Run fn(addr) in vs (0: the root's) and expect it to finish. */
static void expect_runs(mica_cptr_t vs, thread_fn fn, mica_word_t addr)
{
    probe_done = 0;
    probe_value = 0;
    if (probe_run(&probe, vs, fn, addr))
        CHECK(thread_join1(&probe.t) && probe_done);
}

static void t_mpu_outside(void)
{
    if (!setup())
        return;
    mica_word_t pa = paddr_of(env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS));

    expect_fault(0, probe_load, pa, MICA_VM_READ);
    expect_fault(0, probe_store, pa + 8, MICA_VM_WRITE);
}

static void t_mpu_execute_never(void)
{
    if (!setup())
        return;
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_word_t pa = paddr_of(f);

    CHECK_INV(MICA_FRAME_MAP,
              mica_frame_map(f, MICA_INIT_VSPACE, pa, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED),
              MICA_OK);
    expect_runs(0, probe_store, pa);               /* mapped: writing works ... */
    expect_fault(0, probe_exec, pa, MICA_VM_EXEC); /* ... running it does not */
}

static void t_mpu_read_only(void)
{
    if (!setup())
        return;
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_word_t pa = paddr_of(f);

    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, MICA_INIT_VSPACE, pa, MICA_VM_READ, MICA_VM_CACHED),
              MICA_OK);
    expect_fault(0, probe_load_store, pa + 16, MICA_VM_WRITE);
    CHECK_EQ(probe_value, 0); /* the read before the store worked (a new frame is zeroed) */
    CHECK_INV(MICA_FRAME_REMAP, mica_frame_remap(f, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED),
              MICA_OK);
    expect_runs(0, probe_store, pa + 16);
}

/* A thread in a VSpace made of copies of the image's frames runs the suite's own code. */
static void t_mpu_image_vspace(void)
{
    if (!setup())
        return;
    mica_cptr_t vs = image_vspace();

    if (vs)
        expect_runs(vs, probe_load, (mica_word_t)(uintptr_t)&probe_done);
}

/*
 * Two VSpaces with a private frame each: a thread of one reaches its own frame, never the other's,
 * whichever ran last; what one wrote is there for the next thread of its VSpace.
 */
static void t_mpu_switch(void)
{
    if (!setup())
        return;
    mica_cptr_t va = image_vspace(), vb = image_vspace();
    mica_cptr_t fa = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t fb = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_word_t pa = paddr_of(fa), pb = paddr_of(fb);

    if (!va || !vb)
        return;
    CHECK_INV(MICA_FRAME_MAP,
              mica_frame_map(fa, va, pa, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED), MICA_OK);
    CHECK_INV(MICA_FRAME_MAP,
              mica_frame_map(fb, vb, pb, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED), MICA_OK);
    expect_runs(va, probe_store, pa);
    expect_fault(vb, probe_load, pa, MICA_VM_READ);
    expect_runs(vb, probe_store, pb);
    expect_fault(va, probe_load, pb, MICA_VM_READ);
    expect_runs(va, probe_load, pa);
    CHECK_EQ(probe_value, 0x5a5a);
    expect_fault(0, probe_load, pa, MICA_VM_READ); /* and neither is the root's */
}

/*
 * Separate frames in one VSpace until the MPU has no region left: the last that fit is
 * reachable, the one refused (RANGE) is not.
 */
static void t_mpu_does_not_fit(void)
{
    if (!setup())
        return;
    mica_cptr_t vs = image_vspace();
    unsigned n = 2 * (unsigned)env_bi->mpu_regions + 2;
    mica_cptr_t fs = env_slots(n);
    mica_word_t fit = 0, refused = 0;

    if (!vs || !fs ||
        !CHECK_INV(
            MICA_UNTYPED_RETYPE,
            mica_untyped_retype(env_pool(), MICA_OBJ_FRAME, MICA_PAGE_BITS, ROOT, 0, 0, fs, n),
            MICA_OK))
        return;
    for (unsigned i = 0; i < n && !refused; i += 2) {
        mica_error_t err = mica_frame_map(fs + i, vs, paddr_of(fs + i),
                                          MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED);
        if (err == MICA_OK)
            fit = paddr_of(fs + i);
        else if (CHECK_INV(MICA_FRAME_MAP, err, MICA_ERR_RANGE))
            refused = paddr_of(fs + i);
    }
    CHECK(fit && refused);
    expect_runs(vs, probe_store, fit);
    expect_fault(vs, probe_store, refused, MICA_VM_WRITE);
}

const struct tap_test mpu_tests[] = {
    TEST(t_mpu_outside, "mpu: an access outside the regions faults with its address",
         SYS(MICA_SYS_RECV, MICA_OK), INV(MICA_TCB_SET_FAULT_HANDLER, MICA_OK),
         INV(MICA_TCB_SUSPEND, MICA_OK)),
    TEST(t_mpu_execute_never, "mpu: a read-write frame is execute-never",
         INV(MICA_FRAME_MAP, MICA_OK), SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_mpu_read_only, "mpu: a write to a read-only frame faults, a read does not",
         INV(MICA_FRAME_MAP, MICA_OK), INV(MICA_FRAME_REMAP, MICA_OK), SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_mpu_image_vspace, "mpu: a thread runs in a VSpace of copies of the image's frames",
         INV(MICA_FRAME_MAP, MICA_OK), INV(MICA_TCB_CONFIGURE, MICA_OK)),
    TEST(t_mpu_switch, "mpu: region sets switch with the threads of different VSpaces",
         INV(MICA_FRAME_MAP, MICA_OK), INV(MICA_TCB_CONFIGURE, MICA_OK),
         SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_mpu_does_not_fit, "mpu: a frame that does not fit is refused and unreachable",
         INV(MICA_FRAME_MAP, MICA_ERR_RANGE), INV(MICA_FRAME_MAP, MICA_OK),
         INV(MICA_UNTYPED_RETYPE, MICA_OK)),
};
DEFINE_COUNT(mpu);
