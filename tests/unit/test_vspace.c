/* SPDX-License-Identifier: MIT */
/*
 * Host tests for core/vspace.c's ASID table and for the root task's boot-time address space
 * (core/boot_vspace.c), on the Sv39-shaped test arch with the real vspace_mmu.c and pt.c
 * underneath: ELF segments land in frames with their rights and bytes, the stack, IPC buffer and
 * boot-info frame sit where boot info says, the root task gets the caps, and W^X is enforced. Boot
 * memory is a static arena whose host addresses serve as physical addresses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot.h"
#include "invocation.h"
#include "pt.h"
#include "vspace.h"

#define PAGE  ((word_t)1 << MICA_PAGE_BITS)
#define ARENA (1u << 21)
#define PF_X  1u
#define PF_W  2u
#define PF_R  4u

/* ---- What boot_vspace.c, vspace.c and klog.c need from the rest of the kernel. ---- */

static unsigned char arena[ARENA] __attribute__((aligned(1u << 16)));
static size_t arena_used;
static struct cte slots[1u << ROOT_CNODE_BITS];
struct cte *root_slots = slots;
/* The per-CPU state vspace.c reads (which VSpace each CPU runs on); the scheduler is not linked. */
struct cpu cpus[CONFIG_NR_CPUS];
static jmp_buf panic_jmp;
static bool panic_expected;

void *hal_phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)pa;
}

paddr_t hal_virt_to_phys(const void *kva)
{
    return (paddr_t)(uintptr_t)kva;
}

void *boot_alloc(unsigned bits)
{
    size_t size = (size_t)1 << bits, at = (arena_used + size - 1) & ~(size - 1);

    assert_true(at + size <= ARENA);
    arena_used = at + size;
    memset(arena + at, 0, size);
    return arena + at;
}

void root_cap(unsigned slot, struct cap c)
{
    assert_true(slot < (1u << ROOT_CNODE_BITS));
    assert_int_equal(slots[slot].cap.type, MICA_CAP_NULL);
    slots[slot].cap = c;
}

struct cap object_create(unsigned type, unsigned size_bits, void *kva, bool device)
{
    struct cap c = {.type = (uint8_t)type, .rights = MICA_RIGHTS_ALL, .obj = (word_t)kva};

    (void)device;
    if (type == MICA_OBJ_FRAME)
        c.size_bits = (uint8_t)size_bits;
    return c;
}

unsigned hal_cpu_id(void)
{
    return 0;
}

void hal_vspace_init(pte_t *root)
{
    (void)root;
}

word_t hal_vspace_token(paddr_t root, word_t asid)
{
    return root | asid;
}

void hal_vspace_load(word_t token)
{
    (void)token;
}

void hal_tlb_flush_page(word_t asid, word_t vaddr)
{
    (void)asid, (void)vaddr;
}

void hal_tlb_page_mapped(word_t asid, word_t vaddr)
{
    (void)asid, (void)vaddr;
}

void hal_tlb_flush_asid(word_t asid)
{
    (void)asid;
}

void hal_console_putc(char c)
{
    (void)c;
}

_Noreturn void hal_halt(int status)
{
    if (panic_expected)
        longjmp(panic_jmp, 1);
    fail_msg("kernel halted with status %d", status);
    abort();
}

/* vspace.c's invocation side is not used here. */
int inv_cap_typed(const struct inv *inv, unsigned i, unsigned type, bool allow_null,
                  struct cte **slot)
{
    (void)inv, (void)i, (void)type, (void)allow_null, (void)slot;
    fail();
    return MICA_ERR_INVALID_CAPABILITY;
}

void inv_ret(struct inv *inv, unsigned i, word_t v)
{
    (void)inv, (void)i, (void)v;
    fail();
}

bool cap_is_final(const struct cte *slot)
{
    (void)slot;
    fail();
    return true;
}

/* ---- Fixtures. ---- */

static struct mica_bootinfo *bi;
static unsigned char image[0x4000];

static int setup(void **state)
{
    (void)state;
    arena_used = 0;
    memset(slots, 0, sizeof(slots));
    void *root = boot_alloc(MICA_VSPACE_BITS);
    struct cap vs = {.type = MICA_OBJ_VSPACE, .rights = MICA_RIGHTS_ALL, .obj = (word_t)root};
    vspace_create(&vs, root);
    slots[MICA_INIT_VSPACE].cap = vs;
    struct cap f = object_create(MICA_OBJ_FRAME, MICA_PAGE_BITS, NULL, false);
    f.obj = hal_virt_to_phys(boot_alloc(MICA_PAGE_BITS));
    slots[MICA_INIT_IPC_BUFFER].cap = f;
    bi = boot_alloc(MICA_PAGE_BITS);
    f.obj = hal_virt_to_phys(bi);
    f.rights = MICA_RIGHT_READ;
    slots[MICA_INIT_BOOTINFO].cap = f;
    for (unsigned i = 0; i < sizeof(image); i++)
        image[i] = (unsigned char)(i * 7 + 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vspace_destroy(&slots[MICA_INIT_VSPACE].cap);
    return 0;
}

static pte_t *vs_root(void)
{
    return cap_ptr(&slots[MICA_INIT_VSPACE].cap);
}

/* The leaf PTE for va, which must be mapped. */
static pte_t leaf(word_t va)
{
    pte_t *slot;

    assert_int_equal(pt_walk(vs_root(), va, PT_LEAF_LEVEL, &slot), PT_LEAF_LEVEL);
    assert_int_equal(hal_pte_kind(*slot, PT_LEAF_LEVEL), HAL_PTE_PAGE);
    return *slot;
}

static unsigned char *user_byte(word_t va)
{
    paddr_t pa;

    assert_int_equal(pt_lookup(vs_root(), va, &pa), 0);
    return hal_phys_to_virt(pa);
}

static void build(const struct elf_info *elf, struct boot_user *u, void *stack)
{
    *u = (struct boot_user){.entry = 0x10040, .sp = 1, .ipc_buffer = 2, .bootinfo = 3};
    unsigned next = boot_vspace_build(image, elf, stack, bi, u, 16);
    assert_int_equal(next, bi->user_tables.end);
}

/* ---- Tests. ---- */

static void test_segments_rights_and_bytes(void **state)
{
    struct elf_info elf = {.entry = 0x10040, .nsegs = 2};
    struct boot_user u;

    (void)state;
    /* Text: 6 KiB read-execute from offset 0; data: 256 bytes of file, 12 KiB in memory,
     * read-write, starting mid-page. */
    elf.segs[0] = (struct elf_segment){0x10000, 0, 0x0, 0x1800, 0x1800, PF_R | PF_X};
    elf.segs[1] = (struct elf_segment){0x12100, 0, 0x2000, 0x100, 0x3000, PF_R | PF_W};
    build(&elf, &u, boot_alloc(ROOT_STACK_BITS));

    assert_int_equal(test_pte_rights(leaf(0x10000)), MICA_VM_READ | MICA_VM_EXEC);
    assert_int_equal(test_pte_rights(leaf(0x11000)), MICA_VM_READ | MICA_VM_EXEC);
    assert_int_equal(test_pte_rights(leaf(0x12000)), MICA_VM_READ | MICA_VM_WRITE);
    assert_int_equal(test_pte_rights(leaf(0x15000)), MICA_VM_READ | MICA_VM_WRITE);
    /* File bytes copied, the rest zero. */
    assert_int_equal(*user_byte(0x10000), image[0]);
    assert_int_equal(*user_byte(0x117ff), image[0x17ff]);
    assert_int_equal(*user_byte(0x11800), 0);
    assert_int_equal(*user_byte(0x120ff), 0);
    assert_int_equal(*user_byte(0x12100), image[0x2000]);
    assert_int_equal(*user_byte(0x121ff), image[0x20ff]);
    assert_int_equal(*user_byte(0x12200), 0);
    /* Pages: text 2, data 4 (0x12000..0x15fff), stack 16; tables: levels 1 and 2. */
    assert_int_equal(bi->user_frames.start, 16);
    assert_int_equal(bi->user_frames.end - bi->user_frames.start, 2 + 4 + 16);
    assert_int_equal(bi->user_tables.end - bi->user_tables.start, 2);
    for (word_t s = bi->user_frames.start; s < bi->user_frames.end; s++) {
        assert_int_equal(slots[s].cap.type, MICA_OBJ_FRAME);
        assert_true(slots[s].cap.flags & CAP_FLAG_MAPPED);
    }
    for (word_t s = bi->user_tables.start; s < bi->user_tables.end; s++) {
        assert_int_equal(slots[s].cap.type, MICA_OBJ_PAGE_TABLE);
        assert_true(slots[s].cap.flags & CAP_FLAG_MAPPED);
    }
}

static void test_layout_above_the_image(void **state)
{
    struct elf_info elf = {.entry = 0x10040, .nsegs = 1};
    struct boot_user u;
    char *stack = boot_alloc(ROOT_STACK_BITS);

    (void)state;
    elf.segs[0] = (struct elf_segment){0x200000, 0, 0, 0x1000, 0x1000, PF_R | PF_X};
    build(&elf, &u, stack);
    /* Image end 0x201000, guard page, stack, guard page, IPC buffer, boot info. */
    assert_int_equal(bi->stack_base, 0x202000);
    assert_int_equal(bi->stack_top, 0x202000 + (1u << ROOT_STACK_BITS));
    assert_int_equal(u.sp, bi->stack_top);
    assert_int_equal(u.ipc_buffer, bi->stack_top + PAGE);
    assert_int_equal(bi->bootinfo_vaddr, u.ipc_buffer + PAGE);
    assert_int_equal(u.bootinfo, bi->bootinfo_vaddr);
    assert_int_equal(u.entry, 0x10040); /* untouched: boot.c takes it from the ELF */
    /* Guard pages are unmapped. */
    paddr_t pa;
    assert_int_equal(pt_lookup(vs_root(), 0x201000, &pa), MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(pt_lookup(vs_root(), bi->stack_top, &pa), MICA_ERR_FAILED_LOOKUP);
    /* The stack is the memory boot.c gave, read-write; the two frames are the fixed caps. */
    assert_int_equal(pt_lookup(vs_root(), bi->stack_base, &pa), 0);
    assert_ptr_equal(hal_phys_to_virt(pa), stack);
    assert_int_equal(test_pte_rights(leaf(bi->stack_top - PAGE)), MICA_VM_READ | MICA_VM_WRITE);
    assert_int_equal(test_pte_rights(leaf(u.ipc_buffer)), MICA_VM_READ | MICA_VM_WRITE);
    assert_int_equal(test_pte_rights(leaf(bi->bootinfo_vaddr)), MICA_VM_READ);
    assert_int_equal(pt_lookup(vs_root(), bi->bootinfo_vaddr, &pa), 0);
    assert_int_equal(pa, slots[MICA_INIT_BOOTINFO].cap.obj);
    assert_true(slots[MICA_INIT_IPC_BUFFER].cap.flags & CAP_FLAG_MAPPED);
    assert_int_equal(slots[MICA_INIT_IPC_BUFFER].cap.data, u.ipc_buffer);
}

/* Hosted's in-process root task: same mappings from 1 MiB, but it keeps kernel addresses. */
static void test_no_elf(void **state)
{
    struct boot_user u;

    (void)state;
    build(NULL, &u, boot_alloc(ROOT_STACK_BITS));
    assert_int_equal(bi->stack_base, ((word_t)1 << 20) + PAGE);
    assert_int_equal(u.sp, 1);
    assert_int_equal(u.bootinfo, 3);
    assert_int_equal(u.ipc_buffer, bi->stack_top + PAGE); /* the thread's IPC buffer address */
    assert_int_equal(bi->user_frames.end - bi->user_frames.start, 16);
}

/* Two segments in one page: it gets both's rights and both's bytes. */
static void test_shared_page(void **state)
{
    struct elf_info elf = {.entry = 0x10000, .nsegs = 2};
    struct boot_user u;

    (void)state;
    elf.segs[0] = (struct elf_segment){0x10000, 0, 0x0, 0x800, 0x800, PF_R | PF_X};
    elf.segs[1] = (struct elf_segment){0x10800, 0, 0x1000, 0x100, 0x100, PF_R};
    build(&elf, &u, boot_alloc(ROOT_STACK_BITS));
    assert_int_equal(test_pte_rights(leaf(0x10000)), MICA_VM_READ | MICA_VM_EXEC);
    assert_int_equal(*user_byte(0x107ff), image[0x7ff]);
    assert_int_equal(*user_byte(0x10800), image[0x1000]);
    assert_int_equal(bi->user_frames.end - bi->user_frames.start, 1 + 16);
}

static void expect_panic(const struct elf_info *elf)
{
    struct boot_user u;

    panic_expected = true;
    if (setjmp(panic_jmp) == 0) {
        build(elf, &u, boot_alloc(ROOT_STACK_BITS));
        fail_msg("boot accepted a writable and executable page");
    }
    panic_expected = false;
}

static void test_wx_refused(void **state)
{
    struct elf_info elf = {.entry = 0x10000, .nsegs = 1};

    (void)state;
    elf.segs[0] = (struct elf_segment){0x10000, 0, 0, 0x100, 0x100, PF_R | PF_W | PF_X};
    expect_panic(&elf);
}

static void test_wx_shared_page_refused(void **state)
{
    struct elf_info elf = {.entry = 0x10000, .nsegs = 2};

    (void)state;
    elf.segs[0] = (struct elf_segment){0x10000, 0, 0x0, 0x800, 0x800, PF_R | PF_X};
    elf.segs[1] = (struct elf_segment){0x10800, 0, 0x1000, 0x100, 0x100, PF_R | PF_W};
    expect_panic(&elf);
}

/* Every live VSpace has its own ASID; when all are taken Retype must refuse (it asks first); a
 * freed ASID can be taken again, under a new tag, so old tags name nothing. */
static void test_asids(void **state)
{
    static struct cap vs[VSPACE_ASIDS];
    static pte_t roots[8][512] __attribute__((aligned(4096)));
    word_t first;

    (void)state;
    /* setup() made the root VSpace: VSPACE_ASIDS - 2 are left. */
    assert_true(vspace_asids_available(VSPACE_ASIDS - 2));
    assert_false(vspace_asids_available(VSPACE_ASIDS - 1));
    for (unsigned i = 0; i < VSPACE_ASIDS - 2; i++) {
        void *kva = roots[i % 8]; /* the table only needs to exist */
        vs[i] = (struct cap){.type = MICA_OBJ_VSPACE, .obj = (word_t)kva};
        vspace_create(&vs[i], kva);
        assert_true(vspace_asid(vs[i].data) != 0);
        assert_ptr_equal(vspace_lookup(vs[i].data), kva);
    }
    assert_false(vspace_asids_available(1));
    first = vs[0].data;
    vspace_destroy(&vs[0]);
    assert_null(vspace_lookup(first));
    assert_true(vspace_asids_available(1));
    vspace_create(&vs[0], roots[0]);
    /* The only free ASID, under a new tag: caps tagged for the old VSpace find nothing. */
    assert_int_equal(vspace_asid(vs[0].data), vspace_asid(first));
    assert_int_not_equal(vs[0].data, first);
    assert_null(vspace_lookup(first));
    assert_ptr_equal(vspace_lookup(vs[0].data), roots[0]);
    for (unsigned i = 0; i < VSPACE_ASIDS - 2; i++) {
        for (unsigned j = 0; j < i; j++)
            assert_int_not_equal(vspace_asid(vs[i].data), vspace_asid(vs[j].data));
        vspace_destroy(&vs[i]);
    }
    assert_true(vspace_asids_available(VSPACE_ASIDS - 2));
    assert_null(vspace_lookup(0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_segments_rights_and_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_above_the_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_elf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wx_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wx_shared_page_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_asids, setup, teardown),
    };
    return cmocka_run_group_tests_name("vspace", tests, NULL, NULL);
}
