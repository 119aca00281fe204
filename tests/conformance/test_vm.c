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

/* Map f at va, adding page tables for missing levels (MMU). */
static mica_error_t map_with_tables(mica_cptr_t f, mica_word_t va, mica_word_t rights)
{
    for (int i = 0; i < 8; i++) {
        mica_error_t err = mica_frame_map(f, MICA_INIT_VSPACE, va, rights, MICA_VM_CACHED);
        if (err != MICA_ERR_FAILED_LOOKUP || !(env_bi->flags & MICA_BOOT_FLAG_MMU))
            return err;
        mica_cptr_t pt = env_new(MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS);
        if (!pt ||
            !CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pt, MICA_INIT_VSPACE, va), MICA_OK))
            return MICA_ERR_COUNT;
    }
    return MICA_ERR_COUNT;
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
};
DEFINE_COUNT(vm);
