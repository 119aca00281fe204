/* SPDX-License-Identifier: MIT */
/*
 * The user toolkit against the real kernel: one-call threads whose functions return, with
 * stacks of fresh frames; sub-allocators whose reset gives every byte back to the kernel (the
 * Untyped's watermark is 0 again); formatted output.
 */
#include <string.h>

#include <mica/port.h>
#include <mica/process.h>
#include <mica/timer.h>

#include "suite.h"

#define TIMER_PRIO 200

static volatile mica_word_t ran;

static void add_one(mica_word_t arg)
{
    volatile char big[2048]; /* touch the stack below the first page */

    big[0] = (char)arg;
    big[sizeof(big) - 1] = (char)arg;
    ran = arg + (mica_word_t)big[0] - (mica_word_t)big[sizeof(big) - 1] + 1;
}

/* A thread whose function returns, on a stack the toolkit made, joined through its exit
 * notification; destroyed and made again from the same allocator. */
static void t_thread_returns(void)
{
    struct mica_env *tk = env_toolkit_env();
    mica_cptr_t done = new_ntfn();
    struct mica_thread t;
    struct mica_thread_attr attr = {
        .priority = HELPER_PRIO, .budget_us = TIMESLICE_US, .exit_ntfn = done};

    for (mica_word_t round = 1; round <= 3; round++) {
        ran = 0;
        mica_word_t used = mica_slots_in_use(&tk->alloc);
        if (!CHECK_INV(MICA_TCB_CONFIGURE, mica_thread_create(&t, tk, &attr, add_one, 40 + round),
                       MICA_OK))
            return;
        CHECK(t.stack_size >= MICA_THREAD_STACK && (t.stack_mem.size || t.host_stack));
        CHECK_SYS(MICA_SYS_RECV, mica_thread_join(&t), MICA_OK);
        CHECK_EQ(t.state, MICA_THREAD_EXITED);
        CHECK_EQ(ran, 41 + round);
        /* Suspended by its exit path: it never runs again on its own. */
        env_run_others();
        CHECK_EQ(ran, 41 + round);
        mica_thread_destroy(&t, tk);
        CHECK_EQ(mica_slots_in_use(&tk->alloc), used);
    }
}

/* Restart runs a new function on the same thread after it exited. */
static void t_thread_restart(void)
{
    struct mica_env *tk = env_toolkit_env();
    struct mica_thread t;
    struct mica_thread_attr attr = {
        .priority = HELPER_PRIO, .budget_us = TIMESLICE_US, .exit_ntfn = new_ntfn()};

    ran = 0;
    if (!CHECK_INV(MICA_TCB_CONFIGURE, mica_thread_create(&t, tk, &attr, add_one, 1), MICA_OK))
        return;
    CHECK_SYS(MICA_SYS_RECV, mica_thread_join(&t), MICA_OK);
    CHECK_EQ(ran, 2);
    CHECK_INV(MICA_TCB_WRITE_REGISTERS, mica_thread_restart(&t, add_one, 7), MICA_OK);
    CHECK_SYS(MICA_SYS_RECV, mica_thread_join(&t), MICA_OK);
    CHECK_EQ(ran, 8);
}

/* A thread without budget is passive: it exists but never runs until given a SchedContext. */
static void t_thread_passive(void)
{
    struct mica_env *tk = env_toolkit_env();
    struct mica_thread t;
    struct mica_thread_attr attr = {.priority = HELPER_PRIO, .exit_ntfn = new_ntfn()};
    mica_cptr_t sc = env_new(MICA_OBJ_SCHED_CONTEXT, 0);

    ran = 0;
    if (!CHECK_INV(MICA_TCB_CONFIGURE, mica_thread_create(&t, tk, &attr, add_one, 1), MICA_OK))
        return;
    CHECK_EQ(t.sc, 0);
    env_run_others();
    CHECK_EQ(ran, 0);
    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
              mica_sched_control_configure(env_bi->sched_control.start, sc, TIMESLICE_US,
                                           TIMESLICE_US, 0, 0),
              MICA_OK);
    CHECK_INV(MICA_SCHED_CONTEXT_BIND, mica_sched_context_bind(sc, t.tcb), MICA_OK);
    CHECK_SYS(MICA_SYS_RECV, mica_thread_join(&t), MICA_OK);
    CHECK_EQ(ran, 2);
}

/* A priority above the authority's MCP fails, and nothing is left behind. */
static void t_thread_bad_priority(void)
{
    struct mica_env *tk = env_toolkit_env();
    struct mica_thread t;
    struct mica_thread_attr attr = {.priority = 256, .budget_us = TIMESLICE_US};
    mica_word_t used = mica_slots_in_use(&tk->alloc);

    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_thread_create(&t, tk, &attr, add_one, 1), MICA_ERR_RANGE);
    CHECK_EQ(mica_slots_in_use(&tk->alloc), used);
}

/* A sub-allocator: objects and a thread from it, then one reset and the Untyped is empty. */
static void t_sub_alloc_reset(void)
{
    struct mica_env *tk = env_toolkit_env();
    struct mica_env sub = *tk;
    struct mica_thread t;
    struct mica_thread_attr attr = {
        .priority = HELPER_PRIO, .budget_us = TIMESLICE_US, .exit_ntfn = new_ntfn()};
    mica_cptr_t ep;

    if (!CHECK_INV(MICA_UNTYPED_RETYPE, mica_alloc_sub(&sub.alloc, &tk->alloc, 16, 64), MICA_OK))
        return;
    sub.vspace.alloc = &sub.alloc;
    for (int round = 0; round < 3; round++) {
        CHECK(mica_untyped_is_empty(&sub.alloc, sub.alloc.own_ut, 16));
        CHECK_INV(MICA_UNTYPED_RETYPE, mica_alloc_object(&sub.alloc, MICA_OBJ_ENDPOINT, 0, &ep),
                  MICA_OK);
        ran = 0;
        if (!CHECK_INV(MICA_TCB_CONFIGURE, mica_thread_create(&t, &sub, &attr, add_one, 2),
                       MICA_OK))
            return;
        CHECK_SYS(MICA_SYS_RECV, mica_thread_join(&t), MICA_OK);
        CHECK_EQ(ran, 3);
        CHECK(!mica_untyped_is_empty(&sub.alloc, sub.alloc.own_ut, 16));
        CHECK(mica_slots_in_use(&sub.alloc) > 0);
        CHECK_INV(MICA_CNODE_REVOKE, mica_alloc_sub_reset(&sub.alloc), MICA_OK);
        CHECK_EQ(mica_slots_in_use(&sub.alloc), 0);
        CHECK_CAP(ep, MICA_CAP_NULL);
        CHECK_CAP(t.tcb, MICA_CAP_NULL);
    }
    CHECK(mica_untyped_is_empty(&sub.alloc, sub.alloc.own_ut, 16));
    CHECK_INV(MICA_CNODE_DELETE, mica_alloc_sub_destroy(&sub.alloc), MICA_OK);
}

/* An allocator that runs out says so, and hands out consecutive slots for consecutive objects. */
static void t_alloc_exhausted(void)
{
    struct mica_env *tk = env_toolkit_env();
    struct mica_alloc sub;
    mica_cptr_t first, one;

    if (!CHECK_INV(MICA_UNTYPED_RETYPE, mica_alloc_sub(&sub, &tk->alloc, 14, 8), MICA_OK))
        return;
    /* 16 KiB: four frames fit, a fifth does not. */
    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_alloc_objects(&sub, MICA_OBJ_FRAME, MICA_PAGE_BITS, 4, &first), MICA_OK);
    CHECK_EQ(first, sub.base);
    for (mica_word_t i = 0; i < 4; i++)
        CHECK_CAP(first + i, MICA_OBJ_FRAME);
    CHECK_EQ(mica_alloc_object(&sub, MICA_OBJ_FRAME, MICA_PAGE_BITS, &one),
             MICA_ERR_NOT_ENOUGH_MEMORY);
    CHECK_EQ(mica_slots_in_use(&sub), 4);
    /* 8 slots: four more endpoints would need room too; the slots run out first here. */
    CHECK_INV(MICA_CNODE_REVOKE, mica_alloc_sub_reset(&sub), MICA_OK);
    CHECK_EQ(mica_alloc_objects(&sub, MICA_OBJ_ENDPOINT, 0, 9, &first), MICA_ERR_RANGE);
    mica_alloc_sub_destroy(&sub);
}

static void t_snprintf(void)
{
    char buf[64];

    CHECK_EQ(mica_snprintf(buf, sizeof(buf), "%d|%5u|%-4x|%04X|%s|%.3s|%c%%", -12, 42u, 0xab,
                           0xbeefu, "str", "abcdef", 'z'),
             30);
    CHECK(strcmp(buf, "-12|   42|ab  |BEEF|str|abc|z%") == 0);
    CHECK_EQ(mica_snprintf(buf, 8, "%s", "0123456789"), 10);
    CHECK(strcmp(buf, "0123456") == 0);
    CHECK_EQ(
        mica_snprintf(buf, sizeof(buf), "%lu %zx %*d", (unsigned long)-1 / 2, (size_t)0x1234, 4, 7),
        strlen(buf));
    CHECK_EQ(mica_snprintf(0, 0, "%s%s", "ab", "cd"), 4);
}

/* Time in us on boards where user code can read a clock whose rate we know (QEMU virt's rdtime
 * runs at 10 MHz); 0 elsewhere, where the tests check order only. */
static uint64_t now_us(void)
{
#if defined(__riscv)
    uint64_t t;

    if (strcmp(env_bi->board, "qemu-virt-riscv64") != 0)
        return 0;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t / 10;
#else
    return 0;
#endif
}

/* Two timeouts fire in the order of their lengths, not of their starts; sleeping takes at least
 * as long as asked. */
static void t_timer_order(void)
{
    static struct mica_timer tm;
    mica_cptr_t n = new_ntfn(), a = env_mint(n, MICA_RIGHT_WRITE, 1),
                b = env_mint(n, MICA_RIGHT_WRITE, 2);
    mica_word_t bits = 0;
    int ha, hb;

    /* The order of two deadlines 27 ms apart, on the host's clock, does not survive a loaded host
     * scheduling the vCPUs (both can fire before the first Wait). */
    if (env_skip_host_clock())
        return;
    if (!CHECK_INV(MICA_TCB_CONFIGURE, mica_timer_init(&tm, env_toolkit_env(), TIMER_PRIO, 2),
                   MICA_OK))
        return;
    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE, mica_timer_after(&tm, 30000, a, &ha), MICA_OK);
    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE, mica_timer_after(&tm, 3000, b, &hb), MICA_OK);
    /* Both sleepers are busy. */
    int hc;
    CHECK_EQ(mica_timer_after(&tm, 1000, b, &hc), MICA_ERR_NOT_ENOUGH_MEMORY);
    CHECK_SYS(MICA_SYS_RECV, mica_wait(n, &bits), MICA_OK);
    CHECK_EQ(bits, 2);
    CHECK_SYS(MICA_SYS_RECV, mica_wait(n, &bits), MICA_OK);
    CHECK_EQ(bits, 1);
    CHECK(!mica_timer_cancel(&tm, ha)); /* fired already */
    uint64_t t0 = now_us();
    CHECK_SYS(MICA_SYS_RECV, mica_sleep_us(&tm, 5000), MICA_OK);
    uint64_t t1 = now_us();
    CHECK(!t1 || t1 - t0 >= 5000);
    if (t1)
        tap_printf("# timer: a 5000 us sleep took %lu us (rdtime)\n", (unsigned long)(t1 - t0));
}

static void signal_later(mica_word_t arg)
{
    mica_signal((mica_cptr_t)arg);
}

/* A timed wait ends with the event when it comes first, with a timeout otherwise, and a
 * cancelled timeout leaves no stray signal behind. */
static void t_timed_wait(void)
{
    static struct mica_timer tm;
    struct mica_timeout to;
    mica_cptr_t n = new_ntfn(), ev = env_mint(n, MICA_RIGHT_WRITE, 0x10);
    mica_word_t bits = 99;
    struct thread th;

    if (!CHECK_INV(MICA_TCB_CONFIGURE, mica_timer_init(&tm, env_toolkit_env(), TIMER_PRIO, 1),
                   MICA_OK) ||
        !CHECK_EQ(mica_timeout_init(&to, &tm, n, 0x1), MICA_OK))
        return;
    uint64_t t0 = now_us();
    CHECK_EQ(mica_timed_wait(&to, 2000, &bits), MICA_ERR_WOULD_BLOCK);
    CHECK_EQ(bits, 0);
    CHECK(!t0 || now_us() - t0 >= 2000);
    /* The event comes from a helper that runs as soon as the root waits. */
    if (!thread_spawn(&th, HELPER_PRIO, signal_later, ev))
        return;
    t0 = now_us();
    CHECK_EQ(mica_timed_wait(&to, 1000000, &bits), MICA_OK);
    CHECK_EQ(bits, 0x10);
    CHECK(!t0 || now_us() - t0 < 1000000);
    /* No timer bit is pending now: a short wait times out with nothing else. */
    CHECK_EQ(mica_timed_wait(&to, 500, &bits), MICA_ERR_WOULD_BLOCK);
    CHECK_EQ(bits, 0);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, &bits), MICA_ERR_WOULD_BLOCK);
}

/* tests/conformance/spawnee.c, embedded on boards that can run it (user/lib/embed.S). */
extern const char spawnee_elf_start[] __attribute__((weak)),
    spawnee_elf_end[] __attribute__((weak));

#define SPAWN_UT_BITS 18
#define EP_BADGE      7
#define EXIT_BADGE    9
#define FAULT_BADGE   11

static bool can_spawn(void)
{
    if (!spawnee_elf_start) {
        tap_skip("hosted: user code runs inside the kernel's process, there is no second "
                 "program image to spawn");
        return false;
    }
    return true;
}

static struct mica_process proc;

/* What a spawn test gives the spawnee: the Untyped everything comes from, its endpoint (ours,
 * received with reply), a badged copy for its faults, a shared page. */
static struct spawn_objs {
    mica_cptr_t ut, ep, reply, fault, page;
    mica_word_t size;
} so;

static bool spawn_objs(void)
{
    if (!can_spawn())
        return false;
    so.ut = new_untyped(SPAWN_UT_BITS);
    so.ep = new_ep();
    so.reply = new_reply();
    so.page = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    so.fault = env_mint(so.ep, MICA_RIGHTS_ALL, FAULT_BADGE);
    so.size = (mica_word_t)(spawnee_elf_end - spawnee_elf_start);
    return true;
}

/* Spawn the spawnee with an endpoint, an Untyped of its own, SchedControl, a shared page and two
 * words; ut is the Untyped everything comes from. */
static mica_error_t spawn(mica_cptr_t ut, mica_cptr_t ep, mica_cptr_t fault, mica_cptr_t page,
                          mica_word_t crash, const void *elf, mica_word_t size)
{
    static struct mica_spawn_cap caps[4];
    static struct mica_spawn_map map;
    static struct mica_spawn_word words[2];
    static struct mica_spawn_attr a;
    mica_cptr_t child_ut = new_untyped(16);

    caps[0] = (struct mica_spawn_cap){
        "ep", ep, 8, MICA_RIGHT_WRITE | MICA_RIGHT_GRANT_REPLY, EP_BADGE, MICA_OBJ_ENDPOINT, 0};
    caps[1] = (struct mica_spawn_cap){
        "exit", ep, 9, MICA_RIGHT_WRITE | MICA_RIGHT_GRANT_REPLY, EXIT_BADGE, MICA_OBJ_ENDPOINT, 0};
    caps[2] = (struct mica_spawn_cap){"ut", child_ut, 10, MICA_RIGHTS_ALL, 0, MICA_OBJ_UNTYPED, 16};
    caps[3] = (struct mica_spawn_cap){"sched_control",
                                      env_bi->sched_control.start,
                                      11,
                                      MICA_RIGHTS_ALL,
                                      0,
                                      MICA_CAP_SCHED_CONTROL,
                                      0};
    map = (struct mica_spawn_map){
        "shared",       page, 1, MICA_PAGE_BITS, MICA_PROC_MAPS_LO, MICA_VM_READ | MICA_VM_WRITE,
        MICA_VM_CACHED, 0};
    words[0] = (struct mica_spawn_word){"x", 1234, 0};
    words[1] = (struct mica_spawn_word){"crash", crash, 0};
    a = (struct mica_spawn_attr){
        .name = "spawnee",
        .elf = elf,
        .elf_size = size,
        .priority = HELPER_PRIO,
        .mcp = HELPER_PRIO,
        .budget_us = TIMESLICE_US,
        .heap_size = 8192,
        .fault_ep = fault,
        .caps = caps,
        .ncaps = 4,
        .maps = &map,
        .nmaps = 1,
        .words = words,
        .nwords = 2,
    };
    return mica_process_spawn(&proc, env_toolkit_env(), ut, SPAWN_UT_BITS, &a);
}

/* A process from an ELF in one call: it runs, talks, makes a thread, exits; destroying it empties
 * its Untyped, and the same Untyped takes the next one. */
static void t_spawn(void)
{
    mica_word_t badge, info;
    struct mica_env *tk = env_toolkit_env();

    if (!spawn_objs())
        return;
    mica_cptr_t ut = so.ut, ep = so.ep, reply = so.reply, fault = so.fault, page = so.page;
    mica_word_t size = so.size;
    /* Our view of the shared page: a copy of its cap mapped in our window. */
    mica_cptr_t mine = env_mint(page, MICA_RIGHTS_ALL, 0);
    mica_word_t va = 0;
    /* An MPU maps a frame at its own address only. */
    if (env_bi->flags & MICA_BOOT_FLAG_MPU)
        mica_frame_get_address(mine, &va);
    else
        va = mica_vspace_reserve(&tk->vspace, 4096);
    if (!CHECK_INV(
            MICA_FRAME_MAP,
            mica_vspace_map(&tk->vspace, mine, va, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED),
            MICA_OK))
        return;
    volatile mica_word_t *sh = (volatile mica_word_t *)va;
    for (int round = 0; round < 2; round++) {
        mica_word_t used = mica_slots_in_use(&tk->alloc);
        sh[0] = 0xabc0 + (mica_word_t)round;
        sh[1] = 0;
        if (!CHECK_INV(MICA_TCB_RESUME, spawn(ut, ep, fault, page, 0, spawnee_elf_start, size),
                       MICA_OK))
            return;
        CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, reply, &badge, &info), MICA_OK);
        CHECK_EQ(badge, EP_BADGE);
        CHECK_EQ(mica_get_mr(0), 1235);
        CHECK_EQ(mica_get_mr(1), 0xabc0 + (mica_word_t)round);
        CHECK_EQ(mica_get_mr(2), 77);
        CHECK_EQ(mica_get_mr(3), 127);
        CHECK_EQ(sh[1], 0x5eed);
        /* Its exit status is what we answer. */
        mica_set_mr(0, 5 + (mica_word_t)round);
        CHECK_SYS(MICA_SYS_REPLY_RECV,
                  mica_reply_recv(ep, reply, mica_msginfo(0, 0, 0, 1), &badge, &info), MICA_OK);
        CHECK_EQ(badge, EXIT_BADGE);
        CHECK_EQ(mica_msginfo_label(info), MICA_PROC_EXIT);
        CHECK_EQ(mica_get_mr(0), 5 + (mica_word_t)round);
        CHECK(!mica_untyped_is_empty(&tk->alloc, ut, SPAWN_UT_BITS));
        CHECK_INV(MICA_CNODE_REVOKE, mica_process_destroy(&proc), MICA_OK);
        CHECK(mica_untyped_is_empty(&tk->alloc, ut, SPAWN_UT_BITS));
        CHECK_EQ(mica_slots_in_use(&tk->alloc), used + 1); /* + the child's Untyped */
    }
}

/* A process that faults reaches its fault handler; a bad ELF is refused with nothing left. */
static void t_spawn_fault_bad_elf(void)
{
    static char bad[256];
    mica_word_t badge, info;
    struct mica_env *tk = env_toolkit_env();

    if (!spawn_objs())
        return;
    mica_cptr_t ut = so.ut, ep = so.ep, reply = so.reply, fault = so.fault, page = so.page;
    mica_word_t size = so.size;
    if (!CHECK_INV(MICA_TCB_RESUME, spawn(ut, ep, fault, page, 0x40, spawnee_elf_start, size),
                   MICA_OK))
        return;
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, reply, &badge, &info), MICA_OK);
    CHECK_EQ(badge, FAULT_BADGE);
    CHECK_EQ(mica_msginfo_label(info), MICA_FAULT_MEMORY);
    CHECK_EQ(mica_get_mr(1), 0x40);
    CHECK_INV(MICA_CNODE_REVOKE, mica_process_destroy(&proc), MICA_OK);
    CHECK(mica_untyped_is_empty(&tk->alloc, ut, SPAWN_UT_BITS));

    mica_word_t used = mica_slots_in_use(&tk->alloc);
    memcpy(bad, spawnee_elf_start, sizeof(bad));
    bad[0] = 0;
    CHECK_EQ(spawn(ut, ep, fault, page, 0, bad, sizeof(bad)), MICA_ERR_INVALID_ARGUMENT);
    CHECK_EQ(spawn(ut, ep, fault, page, 0, spawnee_elf_start, 100), MICA_ERR_INVALID_ARGUMENT);
    /* The kind of executable the board does not run: position-independent (ET_DYN) on an MMU
     * board, fixed-address (ET_EXEC) on an MPU board. e_type is the little-endian half at 16. */
    static uint8_t other[32768];
    CHECK(size <= sizeof(other));
    if (size <= sizeof(other)) {
        memcpy(other, spawnee_elf_start, size);
        other[16] = (env_bi->flags & MICA_BOOT_FLAG_MPU) ? 2 : 3;
        CHECK_EQ(spawn(ut, ep, fault, page, 0, other, size), MICA_ERR_INVALID_ARGUMENT);
    }
    CHECK(mica_untyped_is_empty(&tk->alloc, ut, SPAWN_UT_BITS));
    CHECK_EQ(mica_slots_in_use(&tk->alloc), used + 3); /* the three child Untypeds */
}

#define PORT_MSGS 20

static struct mica_port port_rx;
static volatile mica_word_t port_in_order;

static void port_receiver(mica_word_t arg)
{
    mica_word_t msg[2];

    (void)arg;
    port_in_order = 0;
    for (mica_word_t i = 0; i < PORT_MSGS; i++)
        if (mica_port_recv(&port_rx, msg, true) == MICA_OK && msg[0] == i && msg[1] == ~i)
            port_in_order++;
}

/* A port of four slots between the root (the sender, at the higher priority) and a helper: the
 * sender fills it, is pushed back, and runs again each time the receiver makes room. */
static void t_port_backpressure(void)
{
    struct mica_env *tk = env_toolkit_env();
    struct mica_mem m;
    struct mica_port tx;
    struct thread th;
    mica_cptr_t data = new_ntfn(), space = new_ntfn();
    mica_word_t msg[2];

    if (!CHECK_INV(MICA_UNTYPED_RETYPE,
                   mica_vspace_alloc(&tk->vspace, 4096, MICA_VM_READ | MICA_VM_WRITE, false, &m),
                   MICA_OK))
        return;
    CHECK_EQ(mica_port_format(m.ptr, m.size, 2, 4), 4);
    CHECK_EQ(mica_port_attach(&tx, m.ptr, true, data, space), MICA_OK);
    CHECK_EQ(mica_port_attach(&port_rx, m.ptr, false, space, data), MICA_OK);
    for (mica_word_t i = 0; i < 4; i++) {
        msg[0] = i;
        msg[1] = ~i;
        CHECK_EQ(mica_port_send(&tx, msg, false), MICA_OK);
    }
    CHECK_EQ(mica_port_depth(&tx), 4);
    CHECK_EQ(mica_port_send(&tx, msg, false), MICA_ERR_WOULD_BLOCK);
    if (!thread_spawn(&th, HELPER_PRIO, port_receiver, 0))
        return;
    for (mica_word_t i = 4; i < PORT_MSGS; i++) {
        msg[0] = i;
        msg[1] = ~i;
        CHECK_SYS(MICA_SYS_RECV, mica_port_send(&tx, msg, true), MICA_OK);
    }
    CHECK(thread_join1(&th));
    CHECK_EQ(port_in_order, PORT_MSGS);
    CHECK_EQ(tx.sent, PORT_MSGS);
    CHECK_EQ(tx.max_depth, 4);
    CHECK(tx.blocked >= PORT_MSGS - 4 - 1);
    CHECK_EQ(port_rx.received, PORT_MSGS);
    CHECK_EQ(mica_port_recv(&port_rx, msg, false), MICA_ERR_WOULD_BLOCK);
}

const struct tap_test toolkit_tests[] = {
    TEST(t_thread_returns, "toolkit: a thread function returns, is joined and its thread reused",
         INV(MICA_TCB_CONFIGURE, MICA_OK), SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_thread_restart, "toolkit: a thread that exited runs a new function after restart",
         INV(MICA_TCB_WRITE_REGISTERS, MICA_OK)),
    TEST(t_thread_passive, "toolkit: a thread without budget is passive until it gets one",
         INV(MICA_SCHED_CONTEXT_BIND, MICA_OK)),
    TEST(t_thread_bad_priority, "toolkit: a refused thread leaves no slot behind",
         INV(MICA_TCB_SET_PRIORITY, MICA_ERR_RANGE)),
    TEST(t_sub_alloc_reset, "toolkit: a sub-allocator's reset leaves its Untyped empty",
         INV(MICA_CNODE_REVOKE, MICA_OK), INV(MICA_UNTYPED_RETYPE, MICA_OK)),
    TEST(t_alloc_exhausted, "toolkit: allocators report running out of memory and slots",
         INV(MICA_UNTYPED_RETYPE, MICA_OK)),
    TEST(t_timer_order, "toolkit: timeouts on scheduling contexts fire in deadline order",
         INV(MICA_SCHED_CONTROL_CONFIGURE, MICA_OK), SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_timed_wait, "toolkit: a timed wait ends with the event or with the timeout",
         INV(MICA_TCB_CONFIGURE, MICA_OK), SYS(MICA_SYS_NBRECV, MICA_ERR_WOULD_BLOCK)),
    TEST(t_spawn, "toolkit: a process spawned from an ELF runs, exits and is taken apart",
         INV(MICA_TCB_RESUME, MICA_OK), INV(MICA_CNODE_REVOKE, MICA_OK),
         SYS(MICA_SYS_REPLY_RECV, MICA_OK)),
    TEST(t_spawn_fault_bad_elf, "toolkit: a spawned process faults to its handler; bad ELFs fail",
         INV(MICA_TCB_RESUME, MICA_OK), SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_port_backpressure, "toolkit: a full port pushes its sender back, messages in order",
         INV(MICA_UNTYPED_RETYPE, MICA_OK), SYS(MICA_SYS_RECV, MICA_OK)),
    TEST0(t_snprintf, "toolkit: snprintf formats and truncates as C99 says"),
};
DEFINE_COUNT(toolkit);
