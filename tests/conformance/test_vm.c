/* SPDX-License-Identifier: MIT */
/* Frame and PageTable invocations. Boards without an MMU or MPU (hosted) refuse every mapping
 * operation; MMU and MPU boards map, remap and unmap. */
#include "suite.h"

static bool has_vm(void)
{
    return env_bi->flags & (MICA_BOOT_FLAG_MMU | MICA_BOOT_FLAG_MPU);
}

/* A user address that nothing else uses: below the IPC-buffer area the environment uses. */
static mica_word_t free_vaddr(void)
{
    mica_word_t top = env_bi->user_vaddr_top ? env_bi->user_vaddr_top : (mica_word_t)1 << 30;

    top &= ~(((mica_word_t)1 << MICA_PAGE_BITS) - 1);
    return top - ((mica_word_t)256 << MICA_PAGE_BITS);
}

static void t_vm_absent(void)
{
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t pt = env_slot();

    if (has_vm()) {
        tap_skip("board has an MMU or MPU");
        return;
    }
    CHECK_INV(MICA_FRAME_MAP,
              mica_frame_map(f, MICA_INIT_VSPACE, free_vaddr(), MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_FRAME_REMAP, mica_frame_remap(f, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_FRAME_UNMAP, mica_frame_unmap(f), MICA_ERR_ILLEGAL_OPERATION);
    /* No page tables without an MMU; the PageTable labels still have to be refused. */
    CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(f, MICA_INIT_VSPACE, free_vaddr()),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_PAGE_TABLE_UNMAP, mica_page_table_unmap(f), MICA_ERR_ILLEGAL_OPERATION);
    CHECK_CAP(pt, MICA_CAP_NULL);
}

static void t_frame_get_address_errors(void)
{
    mica_cptr_t n = MICA_INIT_TCB; /* not a frame, and a Call on it is an invocation */
    mica_word_t pa = 0;

    CHECK_INV(MICA_FRAME_GET_ADDRESS, mica_frame_get_address(n, &pa), MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_FRAME_GET_ADDRESS, mica_frame_get_address(MICA_INIT_IPC_BUFFER, &pa), MICA_OK);
    CHECK_EQ(pa & (((mica_word_t)1 << MICA_IPC_BUFFER_BITS) - 1), 0);
}

/* Map f at va in vs, adding page tables for missing levels (MMU). */
static mica_error_t map_in(mica_cptr_t f, mica_cptr_t vs, mica_word_t va, mica_word_t rights)
{
    for (int i = 0; i < 8; i++) {
        mica_error_t err = mica_frame_map(f, vs, va, rights, MICA_VM_CACHED);
        if (err != MICA_ERR_FAILED_LOOKUP || !(env_bi->flags & MICA_BOOT_FLAG_MMU))
            return err;
        mica_cptr_t pt = env_new(MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS);
        if (!pt || !CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pt, vs, va), MICA_OK))
            return MICA_ERR_COUNT;
    }
    return MICA_ERR_COUNT;
}

static mica_error_t map_with_tables(mica_cptr_t f, mica_word_t va, mica_word_t rights)
{
    return map_in(f, MICA_INIT_VSPACE, va, rights);
}

static mica_word_t map_address(mica_cptr_t f)
{
    mica_word_t pa = 0;

    if (env_bi->flags & MICA_BOOT_FLAG_MPU) {
        mica_frame_get_address(f, &pa);
        return pa; /* MPU: identity only */
    }
    return free_vaddr();
}

static void t_frame_map_unmap(void)
{
    if (!has_vm()) {
        tap_skip("board has no MMU or MPU");
        return;
    }
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_word_t va = map_address(f);

    CHECK_INV(MICA_FRAME_MAP, map_with_tables(f, va, MICA_VM_READ | MICA_VM_WRITE), MICA_OK);
    if (env_bi->flags & MICA_BOOT_FLAG_REAL_MEM) {
        volatile mica_word_t *p = (volatile mica_word_t *)(uintptr_t)va;
        *p = 0x5a5a;
        CHECK_EQ(*p, 0x5a5a);
    }
    CHECK_INV(MICA_FRAME_REMAP, mica_frame_remap(f, MICA_VM_READ, MICA_VM_CACHED), MICA_OK);
    CHECK_INV(MICA_FRAME_UNMAP, mica_frame_unmap(f), MICA_OK);
    /* Remapping needs a mapping. */
    CHECK_INV(MICA_FRAME_REMAP, mica_frame_remap(f, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_FRAME_MAP, map_with_tables(f, va, MICA_VM_READ), MICA_OK);
}

static void t_frame_map_errors(void)
{
    if (!has_vm()) {
        tap_skip("board has no MMU or MPU");
        return;
    }
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t n = env_new(MICA_OBJ_NOTIFICATION, 0);
    mica_word_t va = map_address(f);

    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, MICA_INIT_VSPACE, va + 8, MICA_VM_READ, 0),
              MICA_ERR_ALIGNMENT);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, n, va, MICA_VM_READ, 0),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_FRAME_MAP,
              mica_invoke(f, MICA_FRAME_MAP, 2, (mica_word_t[]){va, 1}, 1,
                          (mica_cptr_t[]){MICA_INIT_VSPACE}, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(MICA_INIT_TCB, MICA_INIT_VSPACE, va, MICA_VM_READ, 0),
              MICA_ERR_ILLEGAL_OPERATION);
}

static void t_page_table_missing_level(void)
{
    if (!(env_bi->flags & MICA_BOOT_FLAG_MMU)) {
        tap_skip("board has no MMU");
        return;
    }
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    /* A fresh VSpace has no tables at all below its root. */
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_cptr_t pt = env_new(MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS);

    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, 0x400000, MICA_VM_READ, 0),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_EQ(mica_get_mr(0), 1); /* level 1 is missing below the root (level 0) */
    CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pt, vs, 0x400000), MICA_OK);
    CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pt, vs, 0x400000), MICA_ERR_DELETE_FIRST);
    CHECK_INV(MICA_PAGE_TABLE_UNMAP, mica_page_table_unmap(pt), MICA_OK);
}

#define PAGE ((mica_word_t)1 << MICA_PAGE_BITS)

static bool is_mmu(void)
{
    return env_bi->flags & MICA_BOOT_FLAG_MMU;
}

static bool is_mpu(void)
{
    return env_bi->flags & MICA_BOOT_FLAG_MPU;
}

static mica_word_t paddr_of(mica_cptr_t f)
{
    mica_word_t pa = 0;

    CHECK_INV(MICA_FRAME_GET_ADDRESS, mica_frame_get_address(f, &pa), MICA_OK);
    return pa;
}

/* Where f goes in a fresh VSpace: a fixed user address with an MMU, its own address on an MPU. */
static mica_word_t where(mica_cptr_t f, mica_word_t mmu_va)
{
    return is_mpu() ? paddr_of(f) : mmu_va;
}

/* n frames of one page each in consecutive physical pages and consecutive slots; first slot. */
static mica_cptr_t new_frames(unsigned n)
{
    mica_cptr_t s = env_slots(n);

    if (!s || !CHECK_INV(
                  MICA_UNTYPED_RETYPE,
                  mica_untyped_retype(env_pool(), MICA_OBJ_FRAME, MICA_PAGE_BITS, ROOT, 0, 0, s, n),
                  MICA_OK))
        return 0;
    return s;
}

static void t_vm_rights(void)
{
    if (!has_vm()) {
        tap_skip("board has no MMU or MPU");
        return;
    }
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t g = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_cptr_t ro = env_mint(f, MICA_RIGHT_READ, 0), wo = env_mint(g, MICA_RIGHT_WRITE, 0);
    mica_word_t va = where(f, 0x10000), vb = where(g, 0x20000);

    /* Combinations no arch can map (core/vm.h): write without read, nothing, unknown bits. */
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, va, MICA_VM_WRITE, MICA_VM_CACHED),
              MICA_ERR_INVALID_ARGUMENT);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, va, 0, MICA_VM_CACHED),
              MICA_ERR_INVALID_ARGUMENT);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, va, MICA_VM_READ | 0x8, MICA_VM_CACHED),
              MICA_ERR_INVALID_ARGUMENT);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, va, MICA_VM_READ, 7),
              MICA_ERR_INVALID_ARGUMENT);
    /* The cap bounds the mapping: no write through a read-only cap, nothing without READ. */
    CHECK_INV(MICA_FRAME_MAP,
              mica_frame_map(ro, vs, va, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(wo, vs, vb, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_FRAME_MAP, map_in(ro, vs, va, MICA_VM_READ | MICA_VM_EXEC), MICA_OK);
    CHECK_INV(MICA_FRAME_REMAP, mica_frame_remap(ro, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_FRAME_REMAP, mica_frame_remap(ro, MICA_VM_WRITE, MICA_VM_CACHED),
              MICA_ERR_INVALID_ARGUMENT);
    CHECK_INV(MICA_FRAME_REMAP, mica_frame_remap(ro, MICA_VM_READ, MICA_VM_DEVICE), MICA_OK);
    /* The full-rights cap to the same frame can map it writable elsewhere (MMU), or in another
     * VSpace (MPU). */
    mica_cptr_t vs2 = is_mpu() ? env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS) : vs;
    CHECK_INV(MICA_FRAME_MAP,
              map_in(f, vs2, is_mpu() ? va : va + PAGE, MICA_VM_READ | MICA_VM_WRITE), MICA_OK);
}

/* A fresh VSpace has only its root: every level below is reported in turn, then the map works. */
static void t_vm_missing_levels(void)
{
    if (!is_mmu()) {
        tap_skip("board has no MMU");
        return;
    }
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t g = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_word_t va = 0x40000000, expect = 1;
    mica_error_t err;

    while ((err = mica_frame_map(f, vs, va, MICA_VM_READ, MICA_VM_CACHED)) ==
               MICA_ERR_FAILED_LOOKUP &&
           expect < 8) {
        CHECK_INV(MICA_FRAME_MAP, err, MICA_ERR_FAILED_LOOKUP);
        CHECK_EQ(mica_get_mr(0), expect);
        mica_cptr_t pt = env_new(MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS);
        CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pt, vs, va), MICA_OK);
        expect++;
    }
    CHECK_INV(MICA_FRAME_MAP, err, MICA_OK);
    CHECK(expect >= 2); /* at least one level below the root was missing */
    /* The next page shares the leaf table: no level is missing any more. */
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(g, vs, va + PAGE, MICA_VM_READ, MICA_VM_CACHED),
              MICA_OK);
}

static void t_vm_map_twice_mmu(void)
{
    if (!is_mmu()) {
        tap_skip("board has no MMU");
        return;
    }
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t g = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_word_t va = 0x10000;

    CHECK_INV(MICA_FRAME_MAP, map_in(f, vs, va, MICA_VM_READ), MICA_OK);
    /* The address is taken ... */
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(g, vs, va, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_DELETE_FIRST);
    /* ... and a mapped cap maps once: a second mapping of the frame needs a copy of the cap. */
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, va + PAGE, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_ILLEGAL_OPERATION);
    mica_cptr_t c = env_mint(f, MICA_RIGHTS_ALL, 0);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(c, vs, va + PAGE, MICA_VM_READ, MICA_VM_CACHED),
              MICA_OK);
    /* Unmapping frees the address (and unmapping an unmapped cap does nothing). */
    CHECK_INV(MICA_FRAME_UNMAP, mica_frame_unmap(f), MICA_OK);
    CHECK_INV(MICA_FRAME_UNMAP, mica_frame_unmap(f), MICA_OK);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(g, vs, va, MICA_VM_READ, MICA_VM_CACHED), MICA_OK);
}

static void t_vm_map_twice_mpu(void)
{
    if (!is_mpu()) {
        tap_skip("board has no MPU");
        return;
    }
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_cptr_t vs2 = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_cptr_t c = env_mint(f, MICA_RIGHTS_ALL, 0);
    mica_word_t pa = paddr_of(f);

    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, pa, MICA_VM_READ, MICA_VM_CACHED), MICA_OK);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs2, pa, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_ILLEGAL_OPERATION);
    /* The frame is in vs already: a copy cannot add it again (regions would overlap) ... */
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(c, vs, pa, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_DELETE_FIRST);
    /* ... but can map it into another VSpace. */
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(c, vs2, pa, MICA_VM_READ, MICA_VM_CACHED), MICA_OK);
    CHECK_INV(MICA_FRAME_UNMAP, mica_frame_unmap(f), MICA_OK);
    CHECK_INV(MICA_FRAME_UNMAP, mica_frame_unmap(f), MICA_OK);
    mica_cptr_t c2 = env_mint(f, MICA_RIGHTS_ALL, 0);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(c2, vs, pa, MICA_VM_READ, MICA_VM_CACHED), MICA_OK);
}

/* Kernel addresses (from user_vaddr_top up) are never mappable, whatever the alignment. */
static void t_vm_kernel_range(void)
{
    if (!is_mmu()) {
        tap_skip("board has no MMU (an MPU maps frames only at their own address)");
        return;
    }
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t pt = env_new(MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS);
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_word_t top = env_bi->user_vaddr_top;

    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, top, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, top + 8, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_FRAME_MAP,
              mica_frame_map(f, vs, ~(mica_word_t)0 & ~(PAGE - 1), MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pt, vs, top), MICA_ERR_RANGE);
    CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pt, vs, PAGE + 8), MICA_ERR_ALIGNMENT);
    /* The last user page is fine. */
    CHECK_INV(MICA_FRAME_MAP, map_in(f, vs, top - PAGE, MICA_VM_READ), MICA_OK);
    CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pt, vs, top - PAGE), MICA_ERR_DELETE_FIRST);
}

/* Revoking an Untyped deletes its frames, and with them their mappings: a frame made again from
 * the same memory maps where the old one was. */
static void t_vm_revoke_untyped(void)
{
    if (!has_vm()) {
        tap_skip("board has no MMU or MPU");
        return;
    }
    mica_cptr_t u = new_untyped(16), f = env_slot(), f2 = env_slot(), g = env_slot();
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);

    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_untyped_retype(u, MICA_OBJ_FRAME, MICA_PAGE_BITS, ROOT, 0, 0, f, 1), MICA_OK);
    mica_word_t pa = paddr_of(f), va = where(f, 0x30000);
    CHECK_INV(MICA_FRAME_MAP, map_in(f, vs, va, MICA_VM_READ | MICA_VM_WRITE), MICA_OK);
    CHECK_INV(MICA_CNODE_COPY, mica_cnode_copy(ROOT, g, ROOT_DEPTH, ROOT, f, ROOT_DEPTH, 0xf),
              MICA_OK);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(g, vs, va, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_DELETE_FIRST);
    CHECK_INV(MICA_CNODE_REVOKE, mica_cnode_revoke(ROOT, u, ROOT_DEPTH), MICA_OK);
    CHECK_CAP(f, MICA_CAP_NULL);
    CHECK_CAP(g, MICA_CAP_NULL);
    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_untyped_retype(u, MICA_OBJ_FRAME, MICA_PAGE_BITS, ROOT, 0, 0, f2, 1), MICA_OK);
    CHECK_EQ(paddr_of(f2), pa);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f2, vs, va, MICA_VM_READ, MICA_VM_CACHED), MICA_OK);
}

/* Deleting a mapped frame cap, or revoking the cap it was copied from, unmaps it. */
static void t_vm_delete_frame_cap(void)
{
    if (!has_vm()) {
        tap_skip("board has no MMU or MPU");
        return;
    }
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_cptr_t c = env_mint(f, MICA_RIGHTS_ALL, 0);
    mica_word_t va = where(f, 0x50000);

    CHECK_INV(MICA_FRAME_MAP, map_in(c, vs, va, MICA_VM_READ), MICA_OK);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, va, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_DELETE_FIRST);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, c, ROOT_DEPTH), MICA_OK);
    c = env_mint(f, MICA_RIGHTS_ALL, 0);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(c, vs, va, MICA_VM_READ, MICA_VM_CACHED), MICA_OK);
    CHECK_INV(MICA_CNODE_REVOKE, mica_cnode_revoke(ROOT, f, ROOT_DEPTH), MICA_OK);
    CHECK_CAP(c, MICA_CAP_NULL);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, va, MICA_VM_READ, MICA_VM_CACHED), MICA_OK);
}

/* Deleting a VSpace leaves the caps that were mapped in it stale but safe. */
static void t_vm_delete_vspace(void)
{
    if (!has_vm()) {
        tap_skip("board has no MMU or MPU");
        return;
    }
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_cptr_t vs2 = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_word_t va = where(f, 0x60000);

    CHECK_INV(MICA_FRAME_MAP, map_in(f, vs, va, MICA_VM_READ | MICA_VM_WRITE), MICA_OK);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, vs, ROOT_DEPTH), MICA_OK);
    /* The mapping went with the VSpace: nothing to change, and unmapping just forgets it. */
    CHECK_INV(MICA_FRAME_REMAP, mica_frame_remap(f, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_INV(MICA_FRAME_UNMAP, mica_frame_unmap(f), MICA_OK);
    CHECK_INV(MICA_FRAME_MAP, map_in(f, vs2, va, MICA_VM_READ), MICA_OK);
}

/* The tables of a deleted VSpace can be unmapped and reused; what they mapped does not follow. */
static void t_vm_delete_vspace_tables(void)
{
    if (!is_mmu()) {
        tap_skip("board has no MMU");
        return;
    }
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t g = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_cptr_t vs2 = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_cptr_t pts[8];
    unsigned n = 0;
    mica_word_t va = 0x70000;

    while (n < 8 &&
           mica_frame_map(f, vs, va, MICA_VM_READ, MICA_VM_CACHED) == MICA_ERR_FAILED_LOOKUP) {
        pts[n] = env_new(MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS);
        CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pts[n++], vs, va), MICA_OK);
    }
    CHECK(n >= 1);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, vs, ROOT_DEPTH), MICA_OK);
    for (unsigned i = 0; i < n; i++) {
        CHECK_INV(MICA_PAGE_TABLE_UNMAP, mica_page_table_unmap(pts[i]), MICA_OK);
        CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pts[i], vs2, va), MICA_OK);
    }
    /* The same tables, now in vs2: f's old entry was emptied, so g takes the address. */
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(g, vs2, va, MICA_VM_READ, MICA_VM_CACHED), MICA_OK);
}

/* Deleting a PageTable unlinks it: frames mapped through it are gone from the VSpace. */
static void t_vm_delete_page_table(void)
{
    if (!is_mmu()) {
        tap_skip("board has no MMU");
        return;
    }
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t g = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_cptr_t leaf = 0;
    mica_word_t va = 0x80000, level = 0;

    while (mica_frame_map(f, vs, va, MICA_VM_READ, MICA_VM_CACHED) == MICA_ERR_FAILED_LOOKUP &&
           level < 8) {
        level = mica_get_mr(0);
        leaf = env_new(MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS);
        CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(leaf, vs, va), MICA_OK);
    }
    CHECK(leaf != 0);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, leaf, ROOT_DEPTH), MICA_OK);
    CHECK_INV(MICA_FRAME_REMAP, mica_frame_remap(f, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(g, vs, va, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_EQ(mica_get_mr(0), level); /* the leaf level is missing again */
    CHECK_INV(MICA_FRAME_UNMAP, mica_frame_unmap(f), MICA_OK);
}

/* seL4's PageTable cap rules: an unmapped cap cannot be copied; only the last copy of a mapped
 * one unmaps it. */
static void t_vm_page_table_caps(void)
{
    if (!is_mmu()) {
        tap_skip("board has no MMU");
        return;
    }
    mica_cptr_t pt = env_new(MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS);
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_cptr_t c = env_slot();

    CHECK_INV(MICA_CNODE_COPY, mica_cnode_copy(ROOT, c, ROOT_DEPTH, ROOT, pt, ROOT_DEPTH, 0xf),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pt, vs, 0x90000), MICA_OK);
    CHECK_INV(MICA_CNODE_COPY, mica_cnode_copy(ROOT, c, ROOT_DEPTH, ROOT, pt, ROOT_DEPTH, 0xf),
              MICA_OK);
    CHECK_INV(MICA_PAGE_TABLE_UNMAP, mica_page_table_unmap(c), MICA_ERR_REVOKE_FIRST);
    CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(c, vs, 0x90000), MICA_ERR_DELETE_FIRST);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, c, ROOT_DEPTH), MICA_OK);
    CHECK_INV(MICA_PAGE_TABLE_UNMAP, mica_page_table_unmap(pt), MICA_OK);
    CHECK_INV(MICA_PAGE_TABLE_UNMAP, mica_page_table_unmap(pt), MICA_OK);
}

/* Argument errors of the PageTable and Remap invocations, and labels on the wrong cap. */
static void t_vm_table_errors(void)
{
    if (!is_mmu()) {
        tap_skip("board has no MMU");
        return;
    }
    mica_cptr_t pt = env_new(MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS);
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t n = new_ntfn();

    CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pt, n, 0x100000),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pt, BAD_CPTR, 0x100000),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_INV(MICA_PAGE_TABLE_MAP,
              mica_invoke(pt, MICA_PAGE_TABLE_MAP, 0, 0, 1, (mica_cptr_t[]){MICA_INIT_VSPACE}, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(f, MICA_INIT_VSPACE, 0x100000),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_PAGE_TABLE_UNMAP, mica_page_table_unmap(f), MICA_ERR_ILLEGAL_OPERATION);
}

/* Frame argument errors any MMU or MPU board gives, and Frame labels on a PageTable. */
static void t_vm_frame_errors(void)
{
    if (!has_vm()) {
        tap_skip("board has no MMU or MPU");
        return;
    }
    mica_cptr_t pt = env_new(MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS);
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_word_t pa;

    CHECK_INV(MICA_FRAME_UNMAP, mica_frame_unmap(pt), MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_FRAME_GET_ADDRESS, mica_frame_get_address(pt, &pa), MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_FRAME_REMAP,
              mica_invoke(f, MICA_FRAME_REMAP, 1, (mica_word_t[]){MICA_VM_READ}, 0, 0, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, BAD_CPTR, where(f, 0x100000), MICA_VM_READ, 0),
              MICA_ERR_FAILED_LOOKUP);
}

/* What boot mapped for the root task (MMU): the IPC buffer, the boot-info frame and the stack at
 * the addresses boot info gives, with caps to the frames and tables. */
static void t_vm_boot_mappings(void)
{
    if (!is_mmu()) {
        tap_skip("board has no MMU: the root task runs on physical addresses");
        return;
    }
    const struct mica_bootinfo *bi = env_bi;
    mica_cptr_t g = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);

    CHECK(bi->ipc_buffer < bi->user_vaddr_top && bi->bootinfo_vaddr < bi->user_vaddr_top);
    CHECK(bi->stack_base < bi->stack_top && bi->stack_top <= bi->user_vaddr_top);
    CHECK(bi->user_frames.end > bi->user_frames.start);
    CHECK(bi->user_tables.end > bi->user_tables.start);
    for (mica_word_t s = bi->user_frames.start; s < bi->user_frames.end; s++)
        CHECK_CAP(s, MICA_OBJ_FRAME);
    for (mica_word_t s = bi->user_tables.start; s < bi->user_tables.end; s++)
        CHECK_CAP(s, MICA_OBJ_PAGE_TABLE);
    /* Those addresses are taken, and the caps are the mapped ones. */
    CHECK_INV(MICA_FRAME_MAP,
              mica_frame_map(g, MICA_INIT_VSPACE, bi->ipc_buffer, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_DELETE_FIRST);
    CHECK_INV(MICA_FRAME_MAP,
              mica_frame_map(g, MICA_INIT_VSPACE, bi->bootinfo_vaddr, MICA_VM_READ, 0),
              MICA_ERR_DELETE_FIRST);
    CHECK_INV(MICA_FRAME_MAP,
              mica_frame_map(g, MICA_INIT_VSPACE, bi->stack_top - PAGE, MICA_VM_READ, 0),
              MICA_ERR_DELETE_FIRST);
    CHECK_INV(MICA_FRAME_MAP,
              mica_frame_map(MICA_INIT_IPC_BUFFER, MICA_INIT_VSPACE, 0x100000, MICA_VM_READ, 0),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_FRAME_MAP,
              mica_frame_map(bi->user_frames.start, MICA_INIT_VSPACE, 0x100000, MICA_VM_READ, 0),
              MICA_ERR_ILLEGAL_OPERATION);
    /* The boot-info frame is read-only for good: its cap has no WRITE. */
    CHECK_INV(MICA_FRAME_REMAP,
              mica_frame_remap(MICA_INIT_BOOTINFO, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED),
              MICA_ERR_INVALID_CAPABILITY);
    if (env_bi->flags & MICA_BOOT_FLAG_REAL_MEM) {
        /* ARG0 was the boot-info frame's user address. */
        CHECK_EQ((mica_word_t)(uintptr_t)env_bi, bi->bootinfo_vaddr);
        CHECK_EQ((mica_word_t)(uintptr_t)mica_ipc_buffer(), bi->ipc_buffer);
    }
}

/* MPU: a frame maps only at its own physical address. */
static void t_mpu_identity(void)
{
    if (!is_mpu()) {
        tap_skip("board has no MPU");
        return;
    }
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_word_t pa = paddr_of(f);

    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, pa + PAGE, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_INVALID_ARGUMENT);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, pa - PAGE, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_INVALID_ARGUMENT);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(f, vs, pa, MICA_VM_READ, MICA_VM_CACHED), MICA_OK);
    /* No page tables on an MPU. */
    mica_cptr_t pt = env_new(MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS);
    CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pt, vs, pa), MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_PAGE_TABLE_UNMAP, mica_page_table_unmap(pt), MICA_ERR_ILLEGAL_OPERATION);
}

/* The regions a VSpace may use, as boot info says (8 on a Cortex-M33 and hosted's MPU personality).
 */
#define MPU_REGIONS ((unsigned)env_bi->mpu_regions)

/* Adjacent frames with equal rights merge into one region: more frames than regions fit. */
static void t_mpu_merge(void)
{
    if (!is_mpu()) {
        tap_skip("board has no MPU");
        return;
    }
    unsigned n = 2 * MPU_REGIONS;
    mica_cptr_t fs = new_frames(n), vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);

    for (unsigned i = 0; i < n; i++)
        CHECK_INV(MICA_FRAME_MAP,
                  mica_frame_map(fs + i, vs, paddr_of(fs + i), MICA_VM_READ | MICA_VM_WRITE,
                                 MICA_VM_CACHED),
                  MICA_OK);
    /* Read-only in the middle splits the region in three, which still fits. */
    CHECK_INV(MICA_FRAME_REMAP, mica_frame_remap(fs + n / 2, MICA_VM_READ, MICA_VM_CACHED),
              MICA_OK);
}

/* More separate blocks than the MPU has regions: a clear error, and nothing changes. */
static void t_mpu_too_many(void)
{
    if (!is_mpu()) {
        tap_skip("board has no MPU");
        return;
    }
    unsigned n = 2 * MPU_REGIONS + 2;
    mica_cptr_t fs = new_frames(n), vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_word_t rw = MICA_VM_READ | MICA_VM_WRITE;

    /* Every other frame: MPU_REGIONS separate regions. */
    for (unsigned i = 0; i < MPU_REGIONS; i++)
        CHECK_INV(MICA_FRAME_MAP,
                  mica_frame_map(fs + 2 * i, vs, paddr_of(fs + 2 * i), rw, MICA_VM_CACHED),
                  MICA_OK);
    mica_cptr_t last = fs + 2 * MPU_REGIONS;
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(last, vs, paddr_of(last), rw, MICA_VM_CACHED),
              MICA_ERR_RANGE);
    /* Filling a gap with equal rights joins two regions into one, which makes room. */
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(fs + 1, vs, paddr_of(fs + 1), rw, MICA_VM_CACHED),
              MICA_OK);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(last, vs, paddr_of(last), rw, MICA_VM_CACHED),
              MICA_OK);
    /* Different rights in the middle would split it again: refused, the mapping unchanged. */
    CHECK_INV(MICA_FRAME_REMAP, mica_frame_remap(fs + 1, MICA_VM_READ, MICA_VM_CACHED),
              MICA_ERR_RANGE);
    mica_cptr_t c = env_mint(fs + 1, MICA_RIGHTS_ALL, 0);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(c, vs, paddr_of(fs + 1), rw, MICA_VM_CACHED),
              MICA_ERR_DELETE_FIRST);
}

/* Unmap never fails, even when taking a frame out of a merged region leaves more regions than the
 * MPU has; the set fits again once the gap is filled. */
static void t_mpu_unmap_split(void)
{
    if (!is_mpu()) {
        tap_skip("board has no MPU");
        return;
    }
    unsigned n = 2 * MPU_REGIONS + 2;
    mica_cptr_t fs = new_frames(n), vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);
    mica_word_t rw = MICA_VM_READ | MICA_VM_WRITE;

    /* Frames 0, 1, 2 make one region, then every other frame: MPU_REGIONS regions in all. */
    for (unsigned i = 0; i < 3; i++)
        CHECK_INV(MICA_FRAME_MAP, mica_frame_map(fs + i, vs, paddr_of(fs + i), rw, MICA_VM_CACHED),
                  MICA_OK);
    for (unsigned i = 2; i < MPU_REGIONS + 1; i++)
        CHECK_INV(MICA_FRAME_MAP,
                  mica_frame_map(fs + 2 * i, vs, paddr_of(fs + 2 * i), rw, MICA_VM_CACHED),
                  MICA_OK);
    /* Taking frame 1 out splits its region: one more than fits, and still Unmap succeeds. */
    CHECK_INV(MICA_FRAME_UNMAP, mica_frame_unmap(fs + 1), MICA_OK);
    mica_cptr_t last = fs + 2 * MPU_REGIONS + 1;
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(last, vs, paddr_of(last), rw, MICA_VM_CACHED),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_FRAME_MAP, mica_frame_map(fs + 1, vs, paddr_of(fs + 1), rw, MICA_VM_CACHED),
              MICA_OK);
}

static struct thread vs_thread;
static volatile int vs_thread_ran;

static void vs_thread_fn(mica_word_t arg)
{
    (void)arg;
    vs_thread_ran = 1;
}

/* Run fn in a helper thread configured with a fresh VSpace whose only cap is then the TCB's; false
 * (skipped) where user code really runs on its mappings, since the VSpace maps none of the suite.
 */
static bool run_in_fresh_vspace(thread_fn fn)
{
    if (env_bi->flags & MICA_BOOT_FLAG_REAL_MEM) {
        tap_skip("a fresh VSpace has none of the suite's code mapped on this board");
        return false;
    }
    mica_cptr_t vs = env_new(MICA_OBJ_VSPACE, MICA_VSPACE_BITS);

    vs_thread_ran = 0;
    if (!thread_create(&vs_thread, HELPER_PRIO, fn, 0, true))
        return false;
    CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(vs_thread.tcb, 0, vs, 0, 0), MICA_OK);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, vs, ROOT_DEPTH), MICA_OK);
    if (!thread_start(&vs_thread))
        return false;
    thread_join1(&vs_thread);
    return true;
}

/* A thread configured with another VSpace runs (the kernel switches address spaces for it), and
 * the VSpace lives on while the TCB holds it. */
static void t_vm_thread_other_vspace(void)
{
    if (run_in_fresh_vspace(vs_thread_fn))
        CHECK_EQ(vs_thread_ran, 1);
}

static volatile mica_error_t vs_thread_err;

/* On its own VSpace, whose last cap is in its TCB, the thread configures the root's VSpace in its
 * place: that destroys the address space it runs on, and the kernel leaves it for the kernel-only
 * one first (docs/architecture.md, "Caps and mappings"). */
static void vs_replace_fn(mica_word_t arg)
{
    (void)arg;
    vs_thread_err = mica_tcb_configure(vs_thread.tcb, 0, MICA_INIT_VSPACE, 0, 0);
    vs_thread_ran = 1;
}

static void t_vm_delete_running_vspace(void)
{
    vs_thread_err = MICA_ERR_COUNT;
    if (!run_in_fresh_vspace(vs_replace_fn))
        return;
    CHECK_EQ(vs_thread_ran, 1);
    CHECK_INV(MICA_TCB_CONFIGURE, vs_thread_err, MICA_OK);
}

const struct tap_test vm_tests[] = {
    TEST(t_vm_absent, "vm: no mapping operations without an MMU or MPU",
         INV(MICA_FRAME_MAP, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_FRAME_REMAP, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_FRAME_UNMAP, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_PAGE_TABLE_MAP, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_PAGE_TABLE_UNMAP, MICA_ERR_ILLEGAL_OPERATION)),
    TEST(t_frame_get_address_errors, "vm: GetAddress on a frame and on a non-frame",
         INV(MICA_FRAME_GET_ADDRESS, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_FRAME_GET_ADDRESS, MICA_OK)),
    TEST(t_frame_map_unmap, "vm: map, remap, unmap a frame", INV(MICA_FRAME_MAP, MICA_OK),
         INV(MICA_FRAME_REMAP, MICA_OK), INV(MICA_FRAME_UNMAP, MICA_OK),
         INV(MICA_FRAME_REMAP, MICA_ERR_ILLEGAL_OPERATION)),
    TEST(t_frame_map_errors, "vm: Frame_Map argument errors",
         INV(MICA_FRAME_MAP, MICA_ERR_ALIGNMENT), INV(MICA_FRAME_MAP, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_FRAME_MAP, MICA_ERR_TRUNCATED_MESSAGE),
         INV(MICA_FRAME_MAP, MICA_ERR_ILLEGAL_OPERATION)),
    TEST(t_page_table_missing_level, "vm: a missing level is reported, then mapped",
         INV(MICA_FRAME_MAP, MICA_ERR_FAILED_LOOKUP), INV(MICA_PAGE_TABLE_MAP, MICA_OK),
         INV(MICA_PAGE_TABLE_MAP, MICA_ERR_DELETE_FIRST), INV(MICA_PAGE_TABLE_UNMAP, MICA_OK)),
    TEST(t_vm_rights, "vm: mapping rights must be valid and covered by the frame cap",
         INV(MICA_FRAME_MAP, MICA_ERR_INVALID_ARGUMENT),
         INV(MICA_FRAME_MAP, MICA_ERR_INVALID_CAPABILITY), INV(MICA_FRAME_MAP, MICA_OK),
         INV(MICA_FRAME_REMAP, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_FRAME_REMAP, MICA_ERR_INVALID_ARGUMENT), INV(MICA_FRAME_REMAP, MICA_OK)),
    TEST(t_vm_missing_levels, "vm: each missing level is reported in turn until the map works",
         INV(MICA_FRAME_MAP, MICA_ERR_FAILED_LOOKUP), INV(MICA_PAGE_TABLE_MAP, MICA_OK),
         INV(MICA_FRAME_MAP, MICA_OK)),
    TEST(t_vm_map_twice_mmu, "vm: a taken address and a mapped cap cannot be mapped again (MMU)",
         INV(MICA_FRAME_MAP, MICA_ERR_DELETE_FIRST),
         INV(MICA_FRAME_MAP, MICA_ERR_ILLEGAL_OPERATION), INV(MICA_FRAME_MAP, MICA_OK),
         INV(MICA_FRAME_UNMAP, MICA_OK)),
    TEST(t_vm_map_twice_mpu, "vm: a frame is in a region set once; a mapped cap maps once (MPU)",
         INV(MICA_FRAME_MAP, MICA_ERR_DELETE_FIRST),
         INV(MICA_FRAME_MAP, MICA_ERR_ILLEGAL_OPERATION), INV(MICA_FRAME_MAP, MICA_OK),
         INV(MICA_FRAME_UNMAP, MICA_OK)),
    TEST(t_vm_kernel_range, "vm: kernel addresses are never mappable",
         INV(MICA_FRAME_MAP, MICA_ERR_RANGE), INV(MICA_PAGE_TABLE_MAP, MICA_ERR_RANGE),
         INV(MICA_PAGE_TABLE_MAP, MICA_ERR_ALIGNMENT), INV(MICA_FRAME_MAP, MICA_OK),
         INV(MICA_PAGE_TABLE_MAP, MICA_ERR_DELETE_FIRST)),
    TEST(t_vm_revoke_untyped, "vm: revoking the Untyped removes its frames' mappings",
         INV(MICA_CNODE_REVOKE, MICA_OK), INV(MICA_FRAME_MAP, MICA_ERR_DELETE_FIRST),
         INV(MICA_FRAME_MAP, MICA_OK)),
    TEST(t_vm_delete_frame_cap, "vm: deleting or revoking a mapped frame cap unmaps it",
         INV(MICA_CNODE_DELETE, MICA_OK), INV(MICA_CNODE_REVOKE, MICA_OK),
         INV(MICA_FRAME_MAP, MICA_ERR_DELETE_FIRST), INV(MICA_FRAME_MAP, MICA_OK)),
    TEST(t_vm_delete_vspace, "vm: a frame mapped in a deleted VSpace is stale but safe",
         INV(MICA_FRAME_REMAP, MICA_ERR_FAILED_LOOKUP), INV(MICA_FRAME_UNMAP, MICA_OK),
         INV(MICA_FRAME_MAP, MICA_OK)),
    TEST(t_vm_delete_vspace_tables, "vm: page tables of a deleted VSpace come back empty",
         INV(MICA_PAGE_TABLE_UNMAP, MICA_OK), INV(MICA_PAGE_TABLE_MAP, MICA_OK),
         INV(MICA_FRAME_MAP, MICA_OK)),
    TEST(t_vm_delete_page_table, "vm: deleting a PageTable unlinks it and what it mapped",
         INV(MICA_FRAME_REMAP, MICA_ERR_FAILED_LOOKUP), INV(MICA_FRAME_MAP, MICA_ERR_FAILED_LOOKUP),
         INV(MICA_FRAME_UNMAP, MICA_OK)),
    TEST(t_vm_page_table_caps, "vm: PageTable caps copy only when mapped, unmap only when last",
         INV(MICA_CNODE_COPY, MICA_ERR_ILLEGAL_OPERATION), INV(MICA_CNODE_COPY, MICA_OK),
         INV(MICA_PAGE_TABLE_UNMAP, MICA_ERR_REVOKE_FIRST),
         INV(MICA_PAGE_TABLE_MAP, MICA_ERR_DELETE_FIRST), INV(MICA_PAGE_TABLE_UNMAP, MICA_OK)),
    TEST(t_vm_table_errors, "vm: PageTable_Map argument errors, PageTable labels on a frame",
         INV(MICA_PAGE_TABLE_MAP, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_PAGE_TABLE_MAP, MICA_ERR_FAILED_LOOKUP),
         INV(MICA_PAGE_TABLE_MAP, MICA_ERR_TRUNCATED_MESSAGE),
         INV(MICA_PAGE_TABLE_MAP, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_PAGE_TABLE_UNMAP, MICA_ERR_ILLEGAL_OPERATION)),
    TEST(t_vm_frame_errors, "vm: Remap/Map argument errors, Frame labels on a PageTable",
         INV(MICA_FRAME_UNMAP, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_FRAME_GET_ADDRESS, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_FRAME_REMAP, MICA_ERR_TRUNCATED_MESSAGE),
         INV(MICA_FRAME_MAP, MICA_ERR_FAILED_LOOKUP)),
    TEST(t_vm_boot_mappings, "vm: boot mapped the root task's IPC buffer, boot info and stack",
         INV(MICA_FRAME_MAP, MICA_ERR_DELETE_FIRST),
         INV(MICA_FRAME_MAP, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_FRAME_REMAP, MICA_ERR_INVALID_CAPABILITY)),
    TEST(t_mpu_identity, "vm: an MPU maps a frame only at its physical address",
         INV(MICA_FRAME_MAP, MICA_ERR_INVALID_ARGUMENT), INV(MICA_FRAME_MAP, MICA_OK),
         INV(MICA_PAGE_TABLE_MAP, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_PAGE_TABLE_UNMAP, MICA_ERR_ILLEGAL_OPERATION)),
    TEST(t_mpu_merge, "vm: adjacent frames with equal rights share an MPU region",
         INV(MICA_UNTYPED_RETYPE, MICA_OK), INV(MICA_FRAME_MAP, MICA_OK),
         INV(MICA_FRAME_REMAP, MICA_OK)),
    TEST(t_mpu_too_many, "vm: more blocks than MPU regions is RANGE and changes nothing",
         INV(MICA_FRAME_MAP, MICA_ERR_RANGE), INV(MICA_FRAME_MAP, MICA_OK),
         INV(MICA_FRAME_REMAP, MICA_ERR_RANGE), INV(MICA_FRAME_MAP, MICA_ERR_DELETE_FIRST)),
    TEST(t_mpu_unmap_split, "vm: MPU Unmap succeeds even when the split does not fit",
         INV(MICA_FRAME_UNMAP, MICA_OK), INV(MICA_FRAME_MAP, MICA_ERR_RANGE),
         INV(MICA_FRAME_MAP, MICA_OK)),
    TEST(t_vm_thread_other_vspace, "vm: a thread in another VSpace runs",
         INV(MICA_TCB_CONFIGURE, MICA_OK), INV(MICA_CNODE_DELETE, MICA_OK)),
    TEST(t_vm_delete_running_vspace,
         "vm: destroying the VSpace a thread runs on leaves it for the kernel-only one",
         INV(MICA_TCB_CONFIGURE, MICA_OK)),
};
DEFINE_COUNT(vm);
