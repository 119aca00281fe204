/* SPDX-License-Identifier: MIT */
/*
 * The conformance suite's environment. The root task's largest RAM Untyped is split into a pool
 * (revoked after every test, which deletes what the test made and resets the watermark) and a
 * small persistent part holding the join notifications and an idle sentinel: a priority-0 thread
 * that only runs when everything else is blocked, so a join can tell "stuck" from "still busy".
 * Helper threads are made with the toolkit (<mica/thread.h>): its allocator hands out the test's
 * window of slots and draws from the pool, its VSpace window is where the IPC buffers go.
 */
#include <string.h>

#include "env.h"

#define SENTINEL_BIT 0x1u
#define DONE_BIT     0x2u
#define ENV_UT_BITS  16
#define POOL_MAX     20
#define RESERVED     32 /* empty slots kept for the environment itself */
#define IPC_PAGES    64 /* IPC-buffer virtual pages per test, below user_vaddr_top */

const struct mica_bootinfo *env_bi;

static struct {
    mica_cptr_t pool, env_ut;
    unsigned pool_bits;
    mica_word_t pool_paddr;
    mica_cptr_t join, join_done, join_sentinel, arm, arm_badged;
    mica_word_t win_start, win_end;
    mica_word_t ipc_base, ipc_top;
    struct mica_env tk_init; /* the environment's own objects: RESERVED slots, env_ut */
    struct mica_env tk;      /* each test's: the window of slots, the pool */
    struct mica_env *cur;    /* tk_init during env_init, tk afterwards */
    mica_cptr_t ipc_frames;  /* MPU boards: one IPC-buffer frame per thread index (env_init) */
    unsigned nthreads;
} env;

static struct thread sentinel;

/* Per-thread start data, indexed by struct thread.index; MAX_THREADS is the sentinel. */
static struct {
    thread_fn fn;
    mica_word_t arg;
    struct thread *t;
} starts[MAX_THREADS + 1];

static unsigned char stacks[MAX_THREADS + 1][STACK_SIZE] __attribute__((aligned(16)));

static mica_word_t log_buf[64];
static volatile unsigned log_n;

void log_reset(void)
{
    log_n = 0;
}

void log_put(mica_word_t v)
{
    if (log_n < sizeof(log_buf) / sizeof(log_buf[0]))
        log_buf[log_n] = v;
    log_n++;
}

unsigned log_len(void)
{
    return log_n;
}

mica_word_t log_at(unsigned i)
{
    return i < sizeof(log_buf) / sizeof(log_buf[0]) ? log_buf[i] : ~(mica_word_t)0;
}

mica_cptr_t env_pool(void)
{
    return env.pool;
}

unsigned env_pool_bits(void)
{
    return env.pool_bits;
}

mica_word_t env_pool_paddr(void)
{
    return env.pool_paddr;
}

struct mica_env *env_toolkit_env(void)
{
    return env.cur;
}

mica_cptr_t env_slots(unsigned n)
{
    mica_cptr_t s = mica_slot_alloc_range(&env.cur->alloc, n);

    if (!s)
        FAIL("out of CNode slots in the test window");
    return s;
}

mica_cptr_t env_slot(void)
{
    return env_slots(1);
}

static mica_cptr_t new_from(mica_cptr_t ut, mica_word_t type, mica_word_t size_bits)
{
    mica_cptr_t s = env_slot();

    if (!s)
        return 0;
    if (!CHECK_INV(MICA_UNTYPED_RETYPE, mica_untyped_retype(ut, type, size_bits, ROOT, 0, 0, s, 1),
                   MICA_OK))
        return 0;
    return s;
}

mica_cptr_t env_new(mica_word_t type, mica_word_t size_bits)
{
    return new_from(env.cur->alloc.ut[0].cap, type, size_bits);
}

mica_cptr_t env_mint(mica_cptr_t cap, mica_word_t rights, mica_word_t badge)
{
    mica_cptr_t s = env_slot();

    if (!s)
        return 0;
    if (!CHECK_INV(MICA_CNODE_MINT,
                   mica_cnode_mint(ROOT, s, ROOT_DEPTH, ROOT, cap, ROOT_DEPTH, rights, badge),
                   MICA_OK))
        return 0;
    return s;
}

mica_cptr_t env_device_untyped(mica_word_t paddr)
{
    for (mica_word_t i = 0; i < env_bi->untyped.end - env_bi->untyped.start; i++) {
        const struct mica_untyped_desc *d = &env_bi->untyped_list[i];
        if (d->is_device && paddr >= d->paddr && paddr - d->paddr < (mica_word_t)1 << d->size_bits)
            return env_bi->untyped.start + i;
    }
    return 0;
}

bool env_map_device(mica_cptr_t f, mica_word_t va)
{
    for (int i = 0; i < 4; i++) {
        mica_error_t err =
            mica_frame_map(f, MICA_INIT_VSPACE, va, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_DEVICE);
        if (err != MICA_ERR_FAILED_LOOKUP)
            return CHECK_INV(MICA_FRAME_MAP, err, MICA_OK);
        mica_cptr_t pt = env_new(MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS);
        if (!pt ||
            !CHECK_INV(MICA_PAGE_TABLE_MAP, mica_page_table_map(pt, MICA_INIT_VSPACE, va), MICA_OK))
            return false;
    }
    return false;
}

volatile uint32_t *env_device_frame(mica_word_t paddr, mica_word_t va, mica_cptr_t *frame)
{
    const mica_word_t page = (mica_word_t)1 << MICA_PAGE_BITS;
    mica_cptr_t ut = env_device_untyped(paddr);
    mica_word_t fpaddr = 0;

    *frame = env_slot();
    if (!ut) {
        FAIL("no device untyped covers the device");
        return NULL;
    }
    /* Frames come from the untyped's start upwards: one per page up to the device's. */
    const struct mica_untyped_desc *d = &env_bi->untyped_list[ut - env_bi->untyped.start];
    for (mica_word_t a = d->paddr; a <= paddr; a += page) {
        if (!CHECK_INV(MICA_UNTYPED_RETYPE,
                       mica_untyped_retype(ut, MICA_OBJ_FRAME, MICA_PAGE_BITS, MICA_INIT_CNODE, 0,
                                           0, *frame, 1),
                       MICA_OK))
            return NULL;
        if (a + page <= paddr)
            *frame = env_slot();
    }
    if (!CHECK_INV(MICA_FRAME_GET_ADDRESS, mica_frame_get_address(*frame, &fpaddr), MICA_OK) ||
        !CHECK_EQ(fpaddr, paddr & ~(page - 1)) || !env_map_device(*frame, va))
        return NULL;
    return (volatile uint32_t *)(va + (paddr & (page - 1)));
}

mica_word_t env_recv_fault(mica_cptr_t ep, mica_cptr_t reply, mica_word_t *badge, mica_word_t mr[3])
{
    mica_word_t info = 0;

    if (!CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, reply, badge, &info), MICA_OK))
        return 0;
    CHECK_EQ(mica_msginfo_len(info), 3);
    for (unsigned i = 0; i < 3; i++)
        mr[i] = mica_get_mr(i);
    return mica_msginfo_label(info);
}

mica_error_t env_fault_resume_at(mica_cptr_t reply, thread_fn fn, mica_word_t arg, void *stack_top)
{
    mica_set_mr(0, MICA_REG_PC);
    mica_set_mr(1, 3);
    mica_set_mr(2, (mica_word_t)(uintptr_t)fn);
    mica_set_mr(3, (mica_word_t)(uintptr_t)stack_top);
    mica_set_mr(4, arg);
    return mica_send(reply, mica_msginfo(MICA_FAULT_REPLY_SET_REGS, 0, 0, 5));
}

bool probe_init(struct probe *p)
{
    p->ep = env_new(MICA_OBJ_ENDPOINT, 0);
    p->reply = env_new(MICA_OBJ_REPLY, 0);
    return p->ep && p->reply && thread_create(&p->t, HELPER_PRIO, NULL, 0, true) &&
           CHECK_INV(MICA_TCB_SET_FAULT_HANDLER, mica_tcb_set_fault_handler(p->t.tcb, p->ep),
                     MICA_OK);
}

bool probe_run(struct probe *p, mica_cptr_t vs, thread_fn fn, mica_word_t arg)
{
    return CHECK_INV(MICA_TCB_CONFIGURE,
                     mica_tcb_configure(p->t.tcb, ROOT, vs ? vs : MICA_INIT_VSPACE, p->t.ipc_vaddr,
                                        p->t.frame),
                     MICA_OK) &&
           thread_restart(&p->t, fn, arg);
}

mica_word_t probe_fault(struct probe *p, mica_word_t mr[3])
{
    return env_recv_fault(p->ep, p->reply, NULL, mr);
}

bool probe_stop(struct probe *p)
{
    return CHECK_INV(MICA_TCB_SUSPEND, mica_tcb_suspend(p->t.tcb), MICA_OK);
}

/* What the toolkit invoked on our behalf and succeeded counts as observed, as the checks that
 * this file made itself before the toolkit existed did. */
static void observe(mica_word_t label, mica_error_t err)
{
    if (err == MICA_OK)
        tap_check_err(TAP_INV, label, err, MICA_OK, "toolkit", __FILE__, __LINE__);
}

/* Report a toolkit failure as a failed check of the invocation it came from. */
static mica_word_t failed_label;

static void note_failure(mica_word_t label, mica_error_t err)
{
    if (err != MICA_OK && !failed_label)
        failed_label = label;
    observe(label, err);
}

static bool toolkit(mica_error_t err, const char *what)
{
    if (err != MICA_OK) {
        tap_check_err(TAP_INV, failed_label, err, MICA_OK, what, __FILE__, __LINE__);
        return false;
    }
    return true;
}

static void env_thread_entry(mica_word_t index)
{
    starts[index].fn(starts[index].arg);
    starts[index].t->done = true;
    /* Returning is the toolkit's exit path: signal join_done, suspend. */
}

static bool create(struct thread *t, unsigned index, unsigned prio, thread_fn fn, mica_word_t arg,
                   bool with_sc)
{
    struct mica_thread_attr attr = {
        .priority = prio,
        .budget_us = with_sc ? TIMESLICE_US : 0,
        .sc_badge = index,
        .stack = stacks[index],
        .stack_size = STACK_SIZE,
        .exit_ntfn = env.join_done,
        .suspended = true,
    };

    if (env.ipc_frames) {
        attr.ipc_frame = env.ipc_frames + index;
        if (!CHECK_INV(MICA_FRAME_GET_ADDRESS,
                       mica_frame_get_address(attr.ipc_frame, &attr.ipc_vaddr), MICA_OK))
            return false;
        memset((void *)(uintptr_t)attr.ipc_vaddr, 0, (size_t)1 << MICA_PAGE_BITS);
    }

    t->index = index;
    t->done = false;
    starts[index].fn = fn;
    starts[index].arg = arg;
    starts[index].t = t;
    failed_label = 0;
    mica_invoke_hook = note_failure;
    mica_error_t err = mica_thread_create(&t->mt, env.cur, &attr, env_thread_entry, index);
    mica_invoke_hook = 0;
    t->tcb = t->mt.tcb;
    t->sc = t->mt.sc;
    t->frame = t->mt.ipc_frame;
    t->ipc_vaddr = t->mt.ipc_vaddr;
    return toolkit(err, "mica_thread_create");
}

bool thread_create(struct thread *t, unsigned prio, thread_fn fn, mica_word_t arg, bool with_sc)
{
    if (env.nthreads == MAX_THREADS) {
        FAIL("too many helper threads");
        return false;
    }
    return create(t, env.nthreads++, prio, fn, arg, with_sc);
}

bool thread_start(struct thread *t)
{
    failed_label = 0;
    mica_invoke_hook = note_failure;
    mica_error_t err = mica_thread_start(&t->mt);
    mica_invoke_hook = 0;
    return toolkit(err, "mica_thread_start");
}

bool thread_restart(struct thread *t, thread_fn fn, mica_word_t arg)
{
    starts[t->index].fn = fn;
    starts[t->index].arg = arg;
    t->done = false;
    failed_label = 0;
    mica_invoke_hook = note_failure;
    mica_error_t err = mica_thread_restart(&t->mt, env_thread_entry, t->index);
    mica_invoke_hook = 0;
    return toolkit(err, "mica_thread_restart");
}

bool thread_spawn(struct thread *t, unsigned prio, thread_fn fn, mica_word_t arg)
{
    return thread_create(t, prio, fn, arg, true) && thread_start(t);
}

/* Clear stale bits, then let the sentinel go: it signals once everything else is blocked. */
static void arm_sentinel(void)
{
    mica_word_t bits;

    mica_poll(env.join, &bits);
    mica_signal(env.arm_badged);
}

bool thread_join(struct thread *const *ts, unsigned n)
{
    arm_sentinel();
    for (;;) {
        mica_word_t bits = 0;
        bool all = true;

        for (unsigned i = 0; i < n; i++)
            all = all && ts[i]->done;
        if (all)
            return true;
        if (mica_wait(env.join, &bits) != MICA_OK) {
            FAIL("waiting on the join notification failed");
            return false;
        }
        if (bits & SENTINEL_BIT) {
            all = true;
            for (unsigned i = 0; i < n; i++)
                all = all && ts[i]->done;
            if (!all)
                FAIL("helper thread(s) blocked forever");
            return all;
        }
    }
}

bool thread_join1(struct thread *t)
{
    return thread_join(&t, 1);
}

void env_run_others(void)
{
    arm_sentinel();
    for (;;) {
        mica_word_t bits = 0;

        if (mica_wait(env.join, &bits) != MICA_OK) {
            FAIL("waiting on the join notification failed");
            return;
        }
        if (bits & SENTINEL_BIT)
            return;
    }
}

static void sentinel_fn(mica_word_t arg)
{
    (void)arg;
    for (;;) {
        mica_word_t bits;

        mica_wait(env.arm, &bits);
        mica_signal(env.join_sentinel);
    }
}

/*
 * armv8m's mica_clock reads a counter the program maps and starts itself (user/arch/armv8m/
 * clock.c). On qemu-mps2-an505 that is timer 1 of the CMSDK dual timer, free running down from
 * 0xffffffff at the 20 MHz system clock; timer 2 is left to the tests (env_an505_dual).
 */
extern volatile const uint32_t *mica_clock_counter __attribute__((weak));
volatile uint32_t *env_an505_dual;
static mica_cptr_t clock_untyped;

#define AN505_DUAL    0x50002000ul
#define DUAL_LOAD     (0x00 / 4)
#define DUAL_VALUE    (0x04 / 4)
#define DUAL_CONTROL  (0x08 / 4)
#define DUAL_FREE_RUN 0x82 /* enable, 32-bit, free running, no interrupt */

static bool clock_start(void)
{
    mica_cptr_t ut = env_device_untyped(AN505_DUAL), f = env_slot();

    if (!&mica_clock_counter)
        return true; /* the arch's clock needs no help */
    if (strcmp(env_bi->board, "qemu-mps2-an505") != 0 || !ut ||
        mica_untyped_retype(ut, MICA_OBJ_FRAME, MICA_PAGE_BITS, ROOT, 0, 0, f, 1) ||
        mica_frame_map(f, MICA_INIT_VSPACE, AN505_DUAL, MICA_VM_READ | MICA_VM_WRITE,
                       MICA_VM_DEVICE))
        return false;
    clock_untyped = ut;
    env_an505_dual = (volatile uint32_t *)AN505_DUAL;
    env_an505_dual[DUAL_CONTROL] = 0;
    env_an505_dual[DUAL_LOAD] = 0xffffffff;
    env_an505_dual[DUAL_CONTROL] = DUAL_FREE_RUN;
    mica_clock_counter = &env_an505_dual[DUAL_VALUE];
    return true;
}

/*
 * MPU boards: every region of the root's VSpace counts, and a helper's IPC buffer mapped from a
 * frame of its own would take one each (frames made between them keep them apart). So the
 * threads' IPC-buffer frames are made once, consecutive, and mapped at their own addresses, where
 * they make one region; a thread of index i always gets frame i, cleared when it is created.
 */
static bool ipc_frames_init(void)
{
    const unsigned n = MAX_THREADS + 1;
    mica_cptr_t fs;

    if (!(env_bi->flags & MICA_BOOT_FLAG_MPU))
        return true;
    if (mica_alloc_objects(&env.cur->alloc, MICA_OBJ_FRAME, MICA_PAGE_BITS, n, &fs))
        return false;
    for (unsigned i = 0; i < n; i++) {
        mica_word_t pa;
        if (mica_frame_get_address(fs + i, &pa) ||
            mica_frame_map(fs + i, MICA_INIT_VSPACE, pa, MICA_VM_READ | MICA_VM_WRITE,
                           MICA_VM_CACHED))
            return false;
    }
    env.ipc_frames = fs;
    return true;
}

bool env_device_in_use(mica_cptr_t ut)
{
    return ut && ut == clock_untyped;
}

/* A toolkit environment over slots [base, base + n) and one Untyped, with a VSpace window for
 * IPC buffers (the root task's own VSpace, whose MMU mappings are real on hardware). */
static void env_toolkit(struct mica_env *tk, mica_word_t base, mica_word_t n, mica_cptr_t ut,
                        unsigned ut_bits, mica_word_t win_lo, mica_word_t win_hi)
{
    mica_env_init_root(tk, env_bi);
    mica_alloc_init(&tk->alloc, ROOT, base, n);
    mica_alloc_add_untyped(&tk->alloc, ut, 0, ut_bits, false);
    tk->vspace.next = win_lo;
    tk->vspace.end = win_hi;
}

static bool setup_failed(const char *what)
{
    tap_printf("Bail out! %s\n# %s\n", what, tap_diag());
    return false;
}

bool env_skip_host_clock(void)
{
    if (env_bi->num_cpus < 2)
        return false;
    tap_skip("more than one CPU: booted without -icount, the clock is the host's");
    return true;
}

bool env_init(const struct mica_bootinfo *bi)
{
    int best = -1;

    env_bi = bi;
    if (bi->magic != MICA_BOOTINFO_MAGIC)
        return setup_failed("bad boot-info magic");
    for (mica_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const struct mica_untyped_desc *d = &bi->untyped_list[i];
        if (i < MICA_BOOTINFO_MAX_UNTYPE && !d->is_device &&
            (best < 0 || d->size_bits > bi->untyped_list[best].size_bits))
            best = (int)i;
    }
    if (best < 0 || bi->untyped_list[best].size_bits < ENV_UT_BITS + 1)
        return setup_failed("no RAM untyped of at least 128 KiB");
    if (bi->empty.end - bi->empty.start < RESERVED + 64)
        return setup_failed("fewer than 96 empty root CNode slots");

    mica_cptr_t big = bi->untyped.start + (mica_word_t)best;
    unsigned big_bits = bi->untyped_list[best].size_bits;
    env.pool_bits = big_bits - 1 < POOL_MAX ? big_bits - 1 : POOL_MAX;
    env.pool_paddr = bi->untyped_list[best].paddr; /* first object of a fresh untyped */
    env.pool = bi->empty.start;
    env.env_ut = bi->empty.start + 1;
    env.win_start = bi->empty.start + RESERVED;
    env.win_end = bi->empty.end;
    if (mica_untyped_retype(big, MICA_OBJ_UNTYPED, env.pool_bits, ROOT, 0, 0, env.pool, 1) ||
        mica_untyped_retype(big, MICA_OBJ_UNTYPED, ENV_UT_BITS, ROOT, 0, 0, env.env_ut, 1))
        return setup_failed("cannot retype the pool untypeds");

    mica_word_t top = bi->user_vaddr_top ? bi->user_vaddr_top : (mica_word_t)1 << 30;
    top &= ~(((mica_word_t)1 << MICA_PAGE_BITS) - 1); /* "first address not usable" may be ~0 */
    env.ipc_base = top - ((mica_word_t)(IPC_PAGES + 1) << MICA_PAGE_BITS);
    env.ipc_top = env.ipc_base + ((mica_word_t)IPC_PAGES << MICA_PAGE_BITS);
    env_toolkit(&env.tk_init, bi->empty.start + 2, RESERVED - 2, env.env_ut, ENV_UT_BITS,
                env.ipc_top, env.ipc_top + ((mica_word_t)1 << MICA_PAGE_BITS));
    env.cur = &env.tk_init;
    env.join = env_new(MICA_OBJ_NOTIFICATION, 0);
    env.arm = env_new(MICA_OBJ_NOTIFICATION, 0);
    if (!env.join || !env.arm)
        return setup_failed("cannot create notifications");
    env.join_done = env_mint(env.join, MICA_RIGHTS_ALL, DONE_BIT);
    env.join_sentinel = env_mint(env.join, MICA_RIGHTS_ALL, SENTINEL_BIT);
    env.arm_badged = env_mint(env.arm, MICA_RIGHTS_ALL, 1);
    if (!env.join_done || !env.join_sentinel || !env.arm_badged || !ipc_frames_init())
        return setup_failed("cannot create notifications or map the IPC-buffer frames");
    if (!create(&sentinel, MAX_THREADS, 0, sentinel_fn, 0, true) || !thread_start(&sentinel))
        return setup_failed("cannot start the idle sentinel thread");
    if (!clock_start())
        return setup_failed("no clock: mica_clock needs a timer this board does not have");
    env.cur = &env.tk;
    return true;
}

void env_test_begin(void)
{
    env_toolkit(&env.tk, env.win_start, env.win_end - env.win_start, env.pool, env.pool_bits,
                env.ipc_base, env.ipc_top);
    env.nthreads = 0;
    log_reset();
}

void env_test_end(void)
{
    struct mica_ipc_buffer *buf = mica_ipc_buffer();

    /* Revoking the pool destroys every object the test made (threads first of all) and resets
     * the watermark; what is left in the window are copies of the root task's own caps. */
    mica_cnode_revoke(ROOT, env.pool, ROOT_DEPTH);
    for (mica_word_t s = env.win_start; s < env.win_end; s++)
        if (mica_slot_used(&env.tk.alloc, s))
            mica_cnode_delete(ROOT, s, ROOT_DEPTH);
    mica_tcb_set_priority(MICA_INIT_TCB, MICA_INIT_TCB, ROOT_PRIO);
    buf->recv_depth = 0;
    /* Drain a leftover sentinel signal: tests must start with a quiet join notification. */
    mica_word_t bits;
    mica_poll(env.join, &bits);
}
