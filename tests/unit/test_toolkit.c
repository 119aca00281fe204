/* SPDX-License-Identifier: MIT */
/*
 * Host test of the user toolkit's pure parts: the formatter (user/lib/printf.c), the slot and
 * untyped allocators (user/lib/alloc.c) against a model of the kernel's Retype (watermark,
 * alignment, "an untyped without children starts again from 0"), ports (user/lib/port.c) in one
 * thread, and the system-table checker (user/lib/system.c) on a real table from the build,
 * corrupted every way it checks: `test_toolkit [system.bin]` (tests/run passes the demo's).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mica/alloc.h>
#include <mica/fmt.h>
#include <mica/invoke.h>
#include <mica/port.h>
#include <mica/system.h>
#include <mica/user.h>

/* ---- A model of the kernel for alloc.c: slots and untypeds. ---- */

#define NSLOTS 4096

enum { EMPTY = 0, UT, OBJ };

static struct {
    int kind;
    mica_word_t parent; /* the untyped it came from */
    mica_word_t paddr, size, wm;
    unsigned type;
} slot[NSLOTS];
static unsigned retypes, deletes, revokes;

static unsigned children(mica_word_t ut)
{
    unsigned n = 0;

    for (unsigned i = 0; i < NSLOTS; i++)
        n += slot[i].kind != EMPTY && slot[i].parent == ut;
    return n;
}

static unsigned obj_bits(mica_word_t type, mica_word_t size_bits)
{
    switch (type) {
    case MICA_OBJ_TCB: return MICA_TCB_BITS;
    case MICA_OBJ_ENDPOINT: return MICA_ENDPOINT_BITS;
    case MICA_OBJ_NOTIFICATION: return MICA_NOTIFICATION_BITS;
    case MICA_OBJ_CNODE: return (unsigned)size_bits + MICA_SLOT_BITS;
    default: return (unsigned)size_bits;
    }
}

mica_error_t mica_untyped_retype(mica_cptr_t ut, mica_word_t type, mica_word_t size_bits,
                                 mica_cptr_t root, mica_word_t node_index, mica_word_t node_depth,
                                 mica_word_t node_offset, mica_word_t num)
{
    (void)root;
    (void)node_index;
    (void)node_depth;
    retypes++;
    if (ut >= NSLOTS || slot[ut].kind != UT)
        return MICA_ERR_INVALID_CAPABILITY;
    for (mica_word_t i = 0; i < num; i++)
        if (slot[node_offset + i].kind != EMPTY)
            return MICA_ERR_DELETE_FIRST;
    mica_word_t a = (mica_word_t)1 << obj_bits(type, size_bits);
    mica_word_t wm = children(ut) ? slot[ut].wm : 0;
    mica_word_t start = (wm + a - 1) & ~(a - 1);
    if (start + num * a > slot[ut].size)
        return MICA_ERR_NOT_ENOUGH_MEMORY;
    for (mica_word_t i = 0; i < num; i++) {
        slot[node_offset + i].kind = type == MICA_OBJ_UNTYPED ? UT : OBJ;
        slot[node_offset + i].parent = ut;
        slot[node_offset + i].paddr = slot[ut].paddr + start + i * a;
        slot[node_offset + i].size = a;
        slot[node_offset + i].wm = 0;
        slot[node_offset + i].type = (unsigned)type;
    }
    slot[ut].wm = start + num * a;
    return MICA_OK;
}

static void delete_slot(mica_word_t s)
{
    /* Objects retyped from it go too (as with their last cap); enough for these tests. */
    for (unsigned i = 0; i < NSLOTS; i++)
        if (slot[i].kind != EMPTY && slot[i].parent == s)
            delete_slot(i);
    slot[s].kind = EMPTY;
    slot[s].parent = 0;
}

mica_error_t mica_cnode_delete(mica_cptr_t root, mica_word_t index, mica_word_t depth)
{
    (void)root;
    (void)depth;
    deletes++;
    delete_slot(index);
    return MICA_OK;
}

mica_error_t mica_cnode_revoke(mica_cptr_t root, mica_word_t index, mica_word_t depth)
{
    (void)root;
    (void)depth;
    revokes++;
    for (unsigned i = 0; i < NSLOTS; i++)
        if (slot[i].kind != EMPTY && slot[i].parent == index)
            delete_slot(i);
    slot[index].wm = 0;
    return MICA_OK;
}

mica_error_t mica_cnode_mint(mica_cptr_t dest_root, mica_word_t dest_index, mica_word_t dest_depth,
                             mica_cptr_t src_root, mica_word_t src_index, mica_word_t src_depth,
                             mica_word_t rights, mica_word_t badge)
{
    (void)dest_root;
    (void)dest_depth;
    (void)src_root;
    (void)src_depth;
    (void)rights;
    (void)badge;
    if (slot[dest_index].kind != EMPTY)
        return MICA_ERR_DELETE_FIRST;
    slot[dest_index] = slot[src_index];
    slot[dest_index].parent = src_index;
    return MICA_OK;
}

static mica_cptr_t new_untyped(mica_word_t s, mica_word_t paddr, unsigned bits)
{
    slot[s].kind = UT;
    slot[s].paddr = paddr;
    slot[s].size = (mica_word_t)1 << bits;
    slot[s].wm = 0;
    slot[s].parent = 0;
    return s;
}

static int reset(void **state)
{
    (void)state;
    memset(slot, 0, sizeof(slot));
    retypes = deletes = revokes = 0;
    return 0;
}

/* ---- What port.c and printf.c need: notifications and the console. ---- */

static unsigned signals, waits;
static char console[256];
static size_t console_len;

mica_error_t mica_signal(mica_cptr_t ntfn)
{
    (void)ntfn;
    signals++;
    return MICA_OK;
}

mica_error_t mica_wait(mica_cptr_t ntfn, mica_word_t *badge)
{
    (void)ntfn;
    (void)badge;
    waits++;
    return MICA_ERR_CANCELLED; /* nobody else runs in this test: a wait could never end */
}

mica_error_t mica_debug_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len && console_len < sizeof(console) - 1; i++)
        console[console_len++] = s[i];
    return MICA_OK;
}

/* system.c's spawn is not used here. */
mica_error_t mica_process_spawn(struct mica_process *p, struct mica_env *env, mica_cptr_t ut,
                                unsigned ut_bits, const struct mica_spawn_attr *attr)
{
    (void)p;
    (void)env;
    (void)ut;
    (void)ut_bits;
    (void)attr;
    return MICA_ERR_ILLEGAL_OPERATION;
}

/* ---- The formatter. ---- */

static void check_fmt(const char *want, const char *fmt, ...)
{
    char buf[128];
    va_list ap;

    va_start(ap, fmt);
    int n = mica_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    assert_string_equal(buf, want);
    assert_int_equal(n, (int)strlen(want));
}

static void test_format(void **state)
{
    (void)state;
    check_fmt("-12|   42|ab  |BEEF|str|abc|z%", "%d|%5u|%-4x|%04X|%s|%.3s|%c%%", -12, 42u, 0xab,
              0xbeefu, "str", "abcdef", 'z');
    check_fmt("-0042|-42  |  -42", "%05d|%-5d|%5d", -42, -42, -42);
    check_fmt("18446744073709551615 ffffffffffffffff", "%llu %lx", ~0ull, ~0ul);
    check_fmt("[   7][7   ][ab]", "[%*d][%-*d][%.*s]", 4, 7, 4, 7, 2, "abc");
    check_fmt("0x1f (null)", "%p %s", (void *)0x1f, (char *)NULL);
    check_fmt("%q x", "%q %s", "x");
    check_fmt("end", "end%");
    char small[8];
    assert_int_equal(mica_snprintf(small, sizeof(small), "%s", "0123456789"), 10);
    assert_string_equal(small, "0123456");
    assert_int_equal(mica_snprintf(NULL, 0, "%d", 12345), 5);
    console_len = 0;
    assert_int_equal(mica_printf("hello %d\n", 7), 8);
    console[console_len] = 0;
    assert_string_equal(console, "hello 7\n");
}

/* ---- Allocators. ---- */

static void test_slots(void **state)
{
    struct mica_alloc a;

    (void)state;
    mica_alloc_init(&a, 2, 100, 10);
    assert_int_equal(mica_slot_alloc(&a), 100);
    assert_int_equal(mica_slot_alloc_range(&a, 3), 101);
    assert_int_equal(mica_slots_in_use(&a), 4);
    mica_slot_free(&a, 102);
    assert_false(mica_slot_used(&a, 102));
    assert_true(mica_slot_used(&a, 103));
    assert_int_equal(mica_slot_alloc(&a), 102); /* first fit */
    assert_int_equal(mica_slot_alloc_range(&a, 6), 104);
    assert_int_equal(mica_slot_alloc(&a), 0); /* all 10 taken */
    assert_int_equal(mica_slot_alloc_range(&a, 0), 0);
    mica_slot_free_range(&a, 90, 200); /* outside slots are ignored */
    assert_int_equal(mica_slots_in_use(&a), 0);
    assert_false(mica_slot_used(&a, 99));
}

static void test_objects(void **state)
{
    struct mica_alloc a;
    mica_cptr_t f, e;

    (void)state;
    mica_alloc_init(&a, 2, 100, 200);
    assert_int_equal(
        mica_alloc_add_untyped(&a, new_untyped(10, 0x80000000, 14), 0x80000000, 14, false),
        MICA_OK);
    assert_int_equal(
        mica_alloc_add_untyped(&a, new_untyped(11, 0x90000000, 16), 0x90000000, 16, false),
        MICA_OK);
    /* An endpoint first, then 4 pages: they no longer fit the 16 KiB one (alignment). */
    assert_int_equal(mica_alloc_object(&a, MICA_OBJ_ENDPOINT, 0, &e), MICA_OK);
    assert_int_equal(slot[e].parent, 10);
    assert_int_equal(mica_alloc_objects(&a, MICA_OBJ_FRAME, 12, 4, &f), MICA_OK);
    assert_int_equal(slot[f].parent, 11);
    for (int i = 0; i < 4; i++)
        assert_int_equal(slot[f + i].paddr, 0x90000000 + 0x1000 * i); /* contiguous */
    assert_int_equal(mica_alloc_objects(&a, MICA_OBJ_FRAME, 12, 13, &f),
                     MICA_ERR_NOT_ENOUGH_MEMORY);
    assert_int_equal(mica_slots_in_use(&a), 5); /* the failed call gave its slots back */
    assert_int_equal(mica_alloc_free(&a, e), MICA_OK);
    assert_int_equal(slot[e].kind, EMPTY);
    assert_int_equal(mica_slots_in_use(&a), 4);
}

static void test_device_frames(void **state)
{
    struct mica_alloc a;
    mica_cptr_t f;

    (void)state;
    mica_alloc_init(&a, 2, 100, 200);
    mica_alloc_add_untyped(&a, new_untyped(10, 0x10000000, 20), 0x10000000, 20, true);
    /* Frames from 0x10005000: the memory below is skipped with Untyped fillers, deleted again. */
    assert_int_equal(mica_alloc_device_frames(&a, 0x10005000, 12, 2, &f), MICA_OK);
    assert_int_equal(slot[f].paddr, 0x10005000);
    assert_int_equal(slot[f + 1].paddr, 0x10006000);
    assert_int_equal(mica_slots_in_use(&a), 2);
    assert_int_equal(children(10), 2);
    /* Below what was handed out: no longer possible; outside every device untyped: not found. */
    assert_int_equal(mica_alloc_device_frames(&a, 0x10001000, 12, 1, &f),
                     MICA_ERR_NOT_ENOUGH_MEMORY);
    assert_int_equal(mica_alloc_device_frames(&a, 0x20000000, 12, 1, &f), MICA_ERR_FAILED_LOOKUP);
    assert_int_equal(mica_alloc_device_frames(&a, 0x10008000, 12, 1, &f), MICA_OK);
    assert_int_equal(slot[f].paddr, 0x10008000);
}

static void test_sub_allocator(void **state)
{
    struct mica_alloc parent, sub;
    mica_cptr_t x, y;

    (void)state;
    mica_alloc_init(&parent, 2, 100, 300);
    mica_alloc_add_untyped(&parent, new_untyped(10, 0x80000000, 20), 0x80000000, 20, false);
    assert_int_equal(mica_alloc_sub(&sub, &parent, 16, 50), MICA_OK);
    assert_int_equal(mica_slots_in_use(&parent), 51); /* its untyped and its 50 slots */
    mica_cptr_t ut = sub.own_ut;
    assert_int_equal(mica_alloc_object(&sub, MICA_OBJ_TCB, 0, &x), MICA_OK);
    assert_int_equal(slot[x].parent, ut);
    assert_true(x >= sub.base && x < sub.base + 50);
    /* A copy of something else in one of its slots: reset deletes it too. */
    y = mica_slot_alloc(&sub);
    slot[y].kind = OBJ;
    assert_false(mica_untyped_is_empty(&parent, ut, 16));
    assert_int_equal(mica_alloc_sub_reset(&sub), MICA_OK);
    assert_int_equal(slot[x].kind, EMPTY);
    assert_int_equal(slot[y].kind, EMPTY);
    assert_int_equal(mica_slots_in_use(&sub), 0);
    assert_true(mica_untyped_is_empty(&parent, ut, 16));
    assert_int_equal(mica_alloc_sub_destroy(&sub), MICA_OK);
    assert_int_equal(slot[ut].kind, EMPTY);
    assert_int_equal(mica_slots_in_use(&parent), 0);
}

/* ---- Ports, in one thread: no waiting, only the ring and the signals. ---- */

static void test_port(void **state)
{
    mica_word_t mem[64], msg[2];
    struct mica_port tx, rx;

    (void)state;
    signals = waits = 0;
    assert_int_equal(mica_port_format(mem, sizeof(mem), 2, 4), 4);
    assert_int_equal(mica_port_attach(&tx, mem, true, 1, 2), MICA_OK);
    assert_int_equal(mica_port_attach(&rx, mem, false, 2, 1), MICA_OK);
    assert_int_equal(mica_port_recv(&rx, msg, false), MICA_ERR_WOULD_BLOCK);
    for (mica_word_t round = 0; round < 3; round++) { /* wraps around the ring */
        for (mica_word_t i = 0; i < 4; i++) {
            msg[0] = round * 10 + i;
            msg[1] = ~msg[0];
            assert_int_equal(mica_port_send(&tx, msg, false), MICA_OK);
        }
        assert_int_equal(mica_port_send(&tx, msg, false), MICA_ERR_WOULD_BLOCK);
        assert_int_equal(mica_port_depth(&tx), 4);
        for (mica_word_t i = 0; i < 4; i++) {
            assert_int_equal(mica_port_recv(&rx, msg, false), MICA_OK);
            assert_int_equal(msg[0], round * 10 + i);
            assert_int_equal(msg[1], ~msg[0]);
        }
    }
    assert_int_equal(signals, 0); /* nobody said it waits: no signal */
    /* The receiver is about to wait: the next send signals it, once. */
    ((struct mica_port_ring *)mem)->recver_waits = 1;
    assert_int_equal(mica_port_send(&tx, msg, false), MICA_OK);
    assert_int_equal(signals, 1);
    assert_int_equal(((struct mica_port_ring *)mem)->recver_waits, 0);
    assert_int_equal(mica_port_send(&tx, msg, false), MICA_OK);
    assert_int_equal(signals, 1);
    /* A blocking send on a full ring says so, then waits (which fails here: nobody runs). */
    assert_int_equal(mica_port_send(&tx, msg, false), MICA_OK);
    assert_int_equal(mica_port_send(&tx, msg, false), MICA_OK);
    assert_int_equal(mica_port_send(&tx, msg, true), MICA_ERR_CANCELLED);
    assert_int_equal(tx.blocked, 1);
    assert_int_equal(waits, 1);
    assert_int_equal(((struct mica_port_ring *)mem)->sender_waits, 1);
    assert_int_equal(mica_port_format(mem, sizeof(struct mica_port_ring) + 8, 2, 4), 0);
    memset(mem, 0, sizeof(mem));
    assert_int_equal(mica_port_attach(&tx, mem, true, 1, 2), MICA_ERR_INVALID_ARGUMENT);
}

/* ---- The system table. ---- */

static uint8_t *blob;
static size_t blob_size;

static mica_error_t open_copy(void (*corrupt)(uint8_t *, size_t *), const char **why)
{
    struct mica_sys s;
    size_t size = blob_size;
    uint8_t *copy = malloc(size);
    mica_error_t err;

    memcpy(copy, blob, size);
    corrupt(copy, &size);
    err = mica_sys_open(&s, copy, size, why);
    free(copy);
    return err;
}

static struct mica_sys_header *hdr(uint8_t *b)
{
    return (struct mica_sys_header *)b;
}

#define PD0(b) ((struct mica_sys_pd *)((b) + hdr(b)->off_pd))

static void nothing(uint8_t *b, size_t *n)
{
    (void)b;
    (void)n;
}
static void bad_magic(uint8_t *b, size_t *n)
{
    (void)n;
    hdr(b)->magic ^= 1;
}
static void bad_version(uint8_t *b, size_t *n)
{
    (void)n;
    hdr(b)->version++;
}
static void truncated(uint8_t *b, size_t *n)
{
    (void)b;
    *n /= 2;
}
static void header_only(uint8_t *b, size_t *n)
{
    (void)b;
    *n = sizeof(struct mica_sys_header) - 1;
}
static void pds_outside(uint8_t *b, size_t *n)
{
    (void)n;
    hdr(b)->npd = 0x10000000;
}
static void misaligned(uint8_t *b, size_t *n)
{
    (void)n;
    hdr(b)->off_obj += 2;
}
static void strings_unterminated(uint8_t *b, size_t *n)
{
    (void)n;
    b[hdr(b)->off_str + hdr(b)->str_size - 1] = 'x';
}
static void elf_index(uint8_t *b, size_t *n)
{
    (void)n;
    PD0(b)->elf = hdr(b)->nelf;
}
static void cap_range(uint8_t *b, size_t *n)
{
    (void)n;
    PD0(b)->first_cap = hdr(b)->ncap;
    PD0(b)->ncaps = 1;
}
static void supervisor_index(uint8_t *b, size_t *n)
{
    (void)n;
    PD0(b)->supervisor = hdr(b)->npd;
}
static void cnode_size(uint8_t *b, size_t *n)
{
    (void)n;
    PD0(b)->cnode_bits = 40;
}
static void priority(uint8_t *b, size_t *n)
{
    (void)n;
    PD0(b)->priority = 256;
}
static void cap_object(uint8_t *b, size_t *n)
{
    (void)n;
    ((struct mica_sys_cap *)(b + hdr(b)->off_cap))->obj = hdr(b)->nobj;
}
static void elf_outside(uint8_t *b, size_t *n)
{
    (void)n;
    ((struct mica_sys_elf *)(b + hdr(b)->off_elf))->size = (uint32_t)*n;
}
static void name_outside(uint8_t *b, size_t *n)
{
    (void)n;
    PD0(b)->name = hdr(b)->str_size;
}

static void test_system_table(void **state)
{
    static void (*const bad[])(uint8_t *, size_t *) = {
        bad_magic,
        bad_version,
        truncated,
        header_only,
        pds_outside,
        misaligned,
        strings_unterminated,
        elf_index,
        cap_range,
        supervisor_index,
        cnode_size,
        priority,
        cap_object,
        elf_outside,
        name_outside,
    };
    const char *why;

    (void)state;
    if (!blob)
        skip(); /* no system.bin given (tests/run passes the demo's when it was built) */
    assert_int_equal(open_copy(nothing, &why), MICA_OK);
    assert_null(why);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why = NULL;
        assert_int_equal(open_copy(bad[i], &why), MICA_ERR_INVALID_ARGUMENT);
        assert_non_null(why);
    }
}

static void load_blob(const char *path)
{
    FILE *f = fopen(path, "rb");

    if (!f) {
        fprintf(stderr, "test_toolkit: cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    blob_size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    blob = malloc(blob_size);
    if (fread(blob, 1, blob_size, f) != blob_size)
        exit(2);
    fclose(f);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test_setup(test_slots, reset),
        cmocka_unit_test_setup(test_objects, reset),
        cmocka_unit_test_setup(test_device_frames, reset),
        cmocka_unit_test_setup(test_sub_allocator, reset),
        cmocka_unit_test(test_port),
        cmocka_unit_test(test_system_table),
    };

    if (argc > 1)
        load_blob(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
