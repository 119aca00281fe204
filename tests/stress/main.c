/* SPDX-License-Identifier: MIT */
/*
 * A randomized stress test of the kernel, run as the root task with CONFIG_INVARIANTS (and, on
 * hosted, the sanitizers): the root performs random CNode, Untyped, TCB, SchedContext and IPC
 * operations and Frame/PageTable mappings on a range of scratch slots, with valid and invalid
 * arguments, while helper threads block and wake in random IPC on the same objects. It checks
 * nothing itself: the kernel's invariant checker runs after every trap and panics on the first
 * broken invariant. On an SMP build the helpers run on CPUs 1, 2, 3 (as many as there are; all on
 * CPU 0 with one), the root task on CPU 0, and SchedContexts are reconfigured through random CPUs'
 * SchedControls, so that threads migrate while others IPC with them.
 *
 * It runs for STRESS_SECONDS of the board's clock (the timer the kernel schedules with; under
 * QEMU's MTTCG without -icount that is host-paced virtual time), in epochs: EPOCH_MS of random
 * operations, then a ring check. The ring check is the lost wake-up and deadlock detector: the
 * root restarts every helper (Suspend cancels whatever random IPC it was blocked in, then its
 * CSpace, VSpace, IPC buffer, priority and SchedContext on its home CPU are set again) and sends
 * a token round root -> helper 0 (Signal/Wait) -> helper 1 (Send/Recv) -> helper 2
 * (Call/ReplyRecv) -> root (Signal, which the root polls), RING_LAPS times. Every hop crosses
 * CPUs on an SMP build. A token that does not come back within HOP_TIMEOUT_MS of the board's
 * clock fails the run, naming the helper that did not get it; a restart that fails fails it too.
 * At the end every CPU must have done work. Boards whose user mode cannot read a clock (the
 * Cortex-M33's SysTick is the kernel's) run a fixed number of operations instead.
 *   ./configure.py --board hosted --app tests/stress -D CONFIG_INVARIANTS=y -D CONFIG_SANITIZERS=y
 *   ./configure.py --app tests/stress -D CONFIG_INVARIANTS=y -D CONFIG_SMP=y (then -smp 4)
 * tests/run boots the second at -smp 4 on riscv64 and aarch64 (docs/build.md).
 */
#include <mica/invoke.h>
#include <mica/user.h>

#define ITERATIONS     200000 /* without a clock in user mode */
#define STRESS_SECONDS 60
#define EPOCH_MS       2000
#define RING_LAPS      20
#define RESCUE_MS      20
#define HOP_TIMEOUT_MS 10000 /* generous: a lap takes about 100 ms under the invariant checker */
#define NSCRATCH       48
#define NHELPERS       3 /* the ring below is written for three */
#define STACK          (16 * 1024)
#define PRIO           100
#define D              MICA_WORD_BITS
#define VM_SLOTS       (NSCRATCH - 8) /* a VSpace, 3 page tables, 4 frames */
#define MAX_CPUS       8

static char stacks[NHELPERS][STACK] __attribute__((aligned(16)));
static mica_cptr_t scratch, pool, helper_tcb[NHELPERS], helper_buf[NHELPERS], fixed_end;
static mica_cptr_t helper_reply[NHELPERS]; /* each helper's own Reply object */
static mica_cptr_t shared_ep;              /* an endpoint every helper uses often */
static mica_word_t seed[NHELPERS + 1];
static unsigned ok_ops, vm_maps;
static mica_word_t junk[8] = {1, 2, 3, 64, 0, 5, 1000, 7};
static int env_mpu;
static mica_cptr_t sched_control; /* CPU 0's SchedControl; CPU i's is sched_control + i */
static unsigned ncpus;

/* What a restart sets again, kept in slots random operations do not reach. */
static mica_cptr_t helper_sc[NHELPERS], helper_frame[NHELPERS];
static mica_word_t helper_addr[NHELPERS];
/* The ring: ring_ntf[0] is the root's, ring_ntf[1] helper 0's; helper 0 sends to helper 1 on
 * ring_ep[0], helper 1 calls helper 2 on ring_ep[1]. */
static mica_cptr_t ring_ntf[2], ring_ep[2];
static volatile int ring_mode; /* what a (re)started helper runs */
static volatile unsigned ring_seen[NHELPERS];

/* Counts per operation kind: the root's (one writer) and each helper's (one writer each). */
enum { H_RECV, H_SEND, H_CALL, H_WAIT, H_REPLY_RECV, H_POLL, H_KINDS };
static const char *const helper_kind_names[H_KINDS] = {"recv", "send",       "call",
                                                       "wait", "reply-recv", "poll"};
static volatile unsigned helper_tries[NHELPERS][H_KINDS], helper_done[NHELPERS][H_KINDS];
enum {
    R_IPC,
    R_RETYPE,
    R_COPY,
    R_MOVE,
    R_DELETE,
    R_REVOKE,
    R_SIGNAL,
    R_INVOKE,
    R_TCB,
    R_SC,
    R_YIELD,
    R_VM,
    R_KINDS
};
static const char *const root_kind_names[R_KINDS] = {
    "ipc",         "retype",      "copy/mint", "move/mutate",   "delete", "revoke",
    "signal/poll", "junk-invoke", "tcb",       "sched-context", "yield",  "vm"};
static unsigned root_ops[R_KINDS];

static mica_word_t rnd(unsigned who)
{
    /* xorshift64 */
    mica_word_t x = seed[who];
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return seed[who] = x;
}

/* Half the time one of the first 8 scratch slots, so that helpers and root meet on objects. */
static mica_cptr_t any_slot(unsigned who)
{
    mica_word_t r = rnd(who);
    return scratch + (r & 1 ? (r >> 1) % 8 : (r >> 1) % NSCRATCH);
}

/* A source for copies: scratch, the pool untyped or the helpers' fixed caps. */
static mica_cptr_t any_source(unsigned who)
{
    mica_word_t r = rnd(who) % (NSCRATCH + 2 * NHELPERS + 1);
    return r < NSCRATCH ? scratch + r : pool + (r - NSCRATCH);
}

/* Helpers mostly do what the object in the slot allows, so that IPC really happens. */
static void random_helper(unsigned w)
{
    for (;;) {
        mica_cptr_t c = rnd(w) % 4 ? any_slot(w) : shared_ep;
        mica_word_t badge, info, type = 0;
        mica_error_t err;

        mica_debug_cap_type(c, &type);
        mica_set_mr(0, rnd(w));
        /* Extra caps for a send, and a slot for a received cap, both random. */
        unsigned ncaps = (unsigned)(rnd(w) % 3);
        for (unsigned i = 0; i < ncaps; i++)
            mica_set_cap(i, rnd(w) % 4 ? any_slot(w) : c);
        mica_set_recv_slot(MICA_INIT_CNODE, any_slot(w), rnd(w) % 4 ? D : 0);
        mica_word_t op = rnd(w) % 8;
        if (type == MICA_OBJ_NOTIFICATION)
            op = op < 6 ? 3 : 5;
        /* Half the receives name the helper's own Reply object, so that Calls meet receivers
         * that can take them (the IPC fast path's case) and ReplyRecvs have callers to answer. */
        mica_cptr_t reply = rnd(w) % 2 ? helper_reply[w] : any_slot(w);
        /* Helper 0 is often a server on shared_ep, the others its clients. */
        if (w == 0 && rnd(w) % 2) {
            c = shared_ep;
            op = 4;
            reply = helper_reply[0];
        } else if (c == shared_ep && w != 0) {
            op = 2;
        }
        static const unsigned char kinds[8] = {H_RECV,       H_SEND, H_CALL, H_WAIT,
                                               H_REPLY_RECV, H_POLL, H_RECV, H_CALL};
        unsigned kind = kinds[op];
        helper_tries[w][kind]++; /* before: a restart may stop it blocked */
        switch (kind) {
        case H_RECV: err = mica_recv(c, reply, &badge, &info); break;
        case H_SEND: err = mica_send(c, mica_msginfo(1, 0, ncaps, 1 + rnd(w) % 8)); break;
        case H_CALL: err = mica_call(c, mica_msginfo(2, 0, ncaps, 2), &info); break;
        case H_WAIT: err = mica_wait(c, &badge); break;
        case H_REPLY_RECV:
            err = mica_reply_recv(c, reply, mica_msginfo(3, 0, 0, rnd(w) % 6), &badge, &info);
            break;
        default: err = mica_poll(c, &badge); break;
        }
        helper_done[w][kind] += err == MICA_OK || err == MICA_ERR_CANCELLED;
        /* A failed (or non-blocking) operation yields so the root keeps running. */
        if (err != MICA_OK || rnd(w) % 4 == 0)
            mica_yield();
    }
}

/* One position of the ring (see the top of the file). Any failed step spins: the token then
 * stops here, and the root's timeout names this helper. */
static void ring_helper(unsigned w)
{
    mica_word_t badge, info;

    if (w == 2 && mica_recv(ring_ep[1], helper_reply[2], &badge, &info))
        for (;;)
            mica_yield();
    for (;;) {
        mica_error_t err;
        switch (w) {
        case 0:
            err = mica_wait(ring_ntf[1], &badge);
            ring_seen[w] += !err;
            err = err ? err : mica_send(ring_ep[0], mica_msginfo(6, 0, 0, 1));
            break;
        case 1:
            err = mica_recv(ring_ep[0], helper_reply[1], &badge, &info);
            ring_seen[w] += !err;
            err = err ? err : mica_call(ring_ep[1], mica_msginfo(7, 0, 0, 1), &info);
            break;
        default:
            ring_seen[w]++;
            err = mica_signal(ring_ntf[0]);
            err = err ? err
                      : mica_reply_recv(ring_ep[1], helper_reply[2], mica_msginfo(8, 0, 0, 0),
                                        &badge, &info);
            break;
        }
        while (err)
            mica_yield();
    }
}

static void helper(mica_word_t me)
{
    if (ring_mode)
        ring_helper((unsigned)me);
    random_helper((unsigned)me);
}

/* Frames and page tables (kept in scratch slots VM_SLOTS.. by refill) in two VSpaces, the root's
 * and one in a scratch slot, at a few addresses, so that maps collide and tables are shared; unmap,
 * remap and the random deletes, revokes, moves and copies pull them apart again. */
static void vm_op(void)
{
    mica_word_t va = 0x40000000 + (rnd(NHELPERS) % 8) * ((mica_word_t)1 << MICA_PAGE_BITS), v;
    mica_cptr_t vs = rnd(NHELPERS) % 2 ? MICA_INIT_VSPACE : scratch + VM_SLOTS;
    mica_cptr_t obj = scratch + VM_SLOTS + 1 + rnd(NHELPERS) % 7;
    mica_word_t type = 0;

    mica_debug_cap_type(obj, &type);
    if (type == MICA_OBJ_FRAME) {
        if (env_mpu && mica_frame_get_address(obj, &v) == MICA_OK)
            va = v;
        switch (rnd(NHELPERS) % 4) {
        case 0:
        case 1:
            vm_maps +=
                mica_frame_map(obj, vs, va, 1 + rnd(NHELPERS) % 7, rnd(NHELPERS) % 2) == MICA_OK;
            break;
        case 2: mica_frame_remap(obj, 1 + rnd(NHELPERS) % 7, 0); break;
        default: mica_frame_unmap(obj); break;
        }
    } else if (type == MICA_OBJ_PAGE_TABLE) {
        if (rnd(NHELPERS) % 2)
            vm_maps += mica_page_table_map(obj, vs, va) == MICA_OK;
        else
            mica_page_table_unmap(obj);
    }
}

static void random_op(void)
{
    mica_cptr_t a = any_slot(NHELPERS), b = any_source(NHELPERS);
    mica_word_t r = rnd(NHELPERS), type = 0, v;
    static const mica_word_t types[] = {
        MICA_OBJ_ENDPOINT, MICA_OBJ_NOTIFICATION, MICA_OBJ_REPLY,      MICA_OBJ_CNODE,
        MICA_OBJ_UNTYPED,  MICA_OBJ_FRAME,        MICA_OBJ_TCB,        MICA_OBJ_SCHED_CONTEXT,
        MICA_OBJ_FRAME,    MICA_OBJ_PAGE_TABLE,   MICA_OBJ_PAGE_TABLE, MICA_OBJ_VSPACE};

    /* A quarter of the time, meet the helpers on their IPC objects. */
    if (r % 4 == 0)
        b = scratch + (r >> 2) % 5;
    static const unsigned char kind[18] = {
        R_RETYPE, R_RETYPE, R_COPY,   R_COPY, R_MOVE, R_MOVE,  R_DELETE, R_DELETE, R_REVOKE,
        R_SIGNAL, R_SIGNAL, R_INVOKE, R_TCB,  R_SC,   R_YIELD, R_COPY,   R_VM,     R_VM};

    mica_debug_cap_type(b, &type);
    ok_ops += type != MICA_CAP_NULL;
    /* The root must never block: no Send or Call on an endpoint. */
    if (type == MICA_OBJ_ENDPOINT) {
        root_ops[R_IPC]++;
        r & 16 ? mica_nbsend(b, mica_msginfo(4, 0, 0, 1)) : mica_nbrecv(b, a, &v, &v);
        return;
    }
    if (type == MICA_OBJ_REPLY && r & 16) {
        root_ops[R_IPC]++;
        mica_send(b, mica_msginfo(5, 0, 0, 1)); /* reply to whoever waits on it */
        return;
    }
    root_ops[kind[r % 18]]++;
    switch (r % 18) {
    case 0:
    case 1: {
        mica_word_t t = types[rnd(NHELPERS) % 12];
        mica_word_t bits = t == MICA_OBJ_CNODE ? 1 + rnd(NHELPERS) % 3 : 8 + rnd(NHELPERS) % 6;
        if (t == MICA_OBJ_FRAME && rnd(NHELPERS) % 2)
            bits = MICA_PAGE_BITS; /* the only frame size an MMU board accepts */
        mica_untyped_retype(b, t, bits, MICA_INIT_CNODE, 0, 0, a, 1 + rnd(NHELPERS) % 3);
        break;
    }
    case 2: mica_cnode_copy(MICA_INIT_CNODE, a, D, MICA_INIT_CNODE, b, D, rnd(NHELPERS)); break;
    case 3:
        mica_cnode_mint(MICA_INIT_CNODE, a, D, MICA_INIT_CNODE, b, D, MICA_RIGHTS_ALL,
                        rnd(NHELPERS) % 4);
        break;
    case 4: mica_cnode_move(MICA_INIT_CNODE, a, D, MICA_INIT_CNODE, any_slot(NHELPERS), D); break;
    case 5:
        mica_cnode_mutate(MICA_INIT_CNODE, a, D, MICA_INIT_CNODE, any_slot(NHELPERS), D,
                          rnd(NHELPERS) % 3);
        break;
    case 6:
    case 7: mica_cnode_delete(MICA_INIT_CNODE, a, D); break;
    case 8: mica_cnode_revoke(MICA_INIT_CNODE, rnd(NHELPERS) % 8 ? a : pool, D); break;
    case 9: mica_signal(b); break;
    case 10: mica_poll(b, &v); break;
    case 11:
        mica_invoke(b, rnd(NHELPERS) % 100, rnd(NHELPERS) % 8, junk, rnd(NHELPERS) % 4, junk, 0);
        break;
    case 12:
        if (type == MICA_OBJ_TCB) {
            switch (rnd(NHELPERS) % 5) {
            case 0: mica_tcb_suspend(b); break;
            case 1: mica_tcb_resume(b); break;
            case 2: /* PRIO + 1 exceeds the authority's MCP; lower ones would starve helpers */
                mica_tcb_set_priority(b, helper_tcb[0], PRIO + rnd(NHELPERS) % 2);
                break;
            case 3: mica_tcb_bind_notification(b, a); break;
            default: mica_tcb_unbind_notification(b); break;
            }
        }
        break;
    case 13:
        if (type == MICA_OBJ_SCHED_CONTEXT) {
            switch (rnd(NHELPERS) % 3) {
            case 0: mica_sched_context_bind(b, a); break;
            case 1: mica_sched_context_unbind(b); break;
            default: /* onto a random CPU: its thread, if any, moves there */
                mica_sched_control_configure(sched_control + rnd(NHELPERS) % ncpus, b, 1000,
                                             1000 + rnd(NHELPERS) % 2 * 1000, 0, 0);
                break;
            }
        } else
            mica_nbrecv(b, a, &v, &v);
        break;
    case 14: mica_yield(); break;
    case 16:
    case 17: vm_op(); break;
    default: mica_cnode_copy(MICA_INIT_CNODE, a, D, MICA_INIT_CNODE, b, D, MICA_RIGHTS_ALL); break;
    }
}

/* Keep IPC objects in the slots helpers use most, so that they meet, and VM objects in theirs. */
static void refill(void)
{
    static const mica_word_t types[] = {MICA_OBJ_ENDPOINT, MICA_OBJ_ENDPOINT, MICA_OBJ_NOTIFICATION,
                                        MICA_OBJ_REPLY, MICA_OBJ_REPLY};

    static const mica_word_t vm_types[] = {
        MICA_OBJ_VSPACE, MICA_OBJ_PAGE_TABLE, MICA_OBJ_PAGE_TABLE, MICA_OBJ_PAGE_TABLE,
        MICA_OBJ_FRAME,  MICA_OBJ_FRAME,      MICA_OBJ_FRAME,      MICA_OBJ_FRAME};

    for (unsigned k = 0; k < 5; k++)
        mica_untyped_retype(pool, types[k], 0, MICA_INIT_CNODE, 0, 0, scratch + k, 1);
    for (unsigned k = 0; k < 8; k++)
        mica_untyped_retype(pool, vm_types[k], MICA_PAGE_BITS, MICA_INIT_CNODE, 0, 0,
                            scratch + VM_SLOTS + k, 1);
}

/* Where helper i's IPC buffer is, and the frame cap for it: on an MMU board a copy of its frame
 * cap, in a slot random operations do not reach (so that no random invocation unmaps it), mapped
 * near the top of the root's VSpace with page tables from big as the walk asks; elsewhere the
 * frame itself at its own address. */
static int helper_buffer(const struct mica_bootinfo *bi, unsigned i, mica_cptr_t big,
                         mica_cptr_t *next, mica_cptr_t *frame, mica_word_t *addr)
{
    *frame = helper_buf[i];
    if (!(bi->flags & MICA_BOOT_FLAG_MMU))
        return mica_frame_get_address(helper_buf[i], addr) ? -1 : 0;
    *frame = (*next)++;
    if (mica_cnode_copy(MICA_INIT_CNODE, *frame, D, MICA_INIT_CNODE, helper_buf[i], D,
                        MICA_RIGHTS_ALL))
        return -1;
    mica_word_t top = bi->user_vaddr_top & ~(((mica_word_t)1 << MICA_PAGE_BITS) - 1);
    *addr = top - ((mica_word_t)(512 + i) << MICA_PAGE_BITS);
    for (int k = 0; k < 4; k++) {
        mica_error_t err = mica_frame_map(*frame, MICA_INIT_VSPACE, *addr,
                                          MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED);
        if (err != MICA_ERR_FAILED_LOOKUP)
            return err ? -1 : 0;
        mica_cptr_t pt = (*next)++;
        if (mica_untyped_retype(big, MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS, MICA_INIT_CNODE, 0,
                                0, pt, 1) ||
            mica_page_table_map(pt, MICA_INIT_VSPACE, *addr))
            return -1;
    }
    return -1;
}

static int setup(const struct mica_bootinfo *bi)
{
    mica_cptr_t next = bi->empty.start, big = 0;
    mica_word_t addr;

    env_mpu = (bi->flags & MICA_BOOT_FLAG_MPU) != 0;
    sched_control = bi->sched_control.start;
    ncpus = (unsigned)bi->num_cpus;
    for (mica_word_t i = bi->untyped.start; i < bi->untyped.end; i++)
        if (bi->untyped_list[i - bi->untyped.start].size_bits >= 22)
            big = i;
    if (!big || mica_tcb_set_priority(MICA_INIT_TCB, MICA_INIT_TCB, PRIO))
        return -1;
    pool = next++;
    if (mica_untyped_retype(big, MICA_OBJ_UNTYPED, 20, MICA_INIT_CNODE, 0, 0, pool, 1))
        return -1;
    for (unsigned i = 0; i < NHELPERS; i++) {
        helper_tcb[i] = next++;
        helper_buf[i] = next++;
        if (mica_untyped_retype(big, MICA_OBJ_TCB, 0, MICA_INIT_CNODE, 0, 0, helper_tcb[i], 1) ||
            mica_untyped_retype(big, MICA_OBJ_FRAME, MICA_PAGE_BITS, MICA_INIT_CNODE, 0, 0,
                                helper_buf[i], 1))
            return -1;
    }
    /* helper_tcb[i] and helper_buf[i] follow pool (any_source): the rest comes after them. */
    for (unsigned i = 0; i < NHELPERS; i++) {
        mica_cptr_t frame;
        if (helper_buffer(bi, i, big, &next, &frame, &addr) ||
            mica_tcb_configure(helper_tcb[i], MICA_INIT_CNODE, MICA_INIT_VSPACE, addr, frame) ||
            mica_tcb_set_mc_priority(helper_tcb[i], MICA_INIT_TCB, PRIO) ||
            mica_tcb_set_priority(helper_tcb[i], MICA_INIT_TCB, PRIO))
            return -1;
        helper_frame[i] = frame;
        helper_addr[i] = addr;
    }
    /* Helpers run only with a scheduling context (MCS): round robin, 1 ms slices. */
    for (unsigned i = 0; i < NHELPERS; i++) {
        mica_cptr_t sc = helper_sc[i] = next++;
        if (mica_untyped_retype(big, MICA_OBJ_SCHED_CONTEXT, 0, MICA_INIT_CNODE, 0, 0, sc, 1) ||
            mica_sched_control_configure(sched_control + (i + 1) % ncpus, sc, 1000, 1000, 0, 0) ||
            mica_sched_context_bind(sc, helper_tcb[i]))
            return -1;
        helper_reply[i] = next++;
        if (mica_untyped_retype(big, MICA_OBJ_REPLY, 0, MICA_INIT_CNODE, 0, 0, helper_reply[i], 1))
            return -1;
    }
    shared_ep = next++;
    if (mica_untyped_retype(big, MICA_OBJ_ENDPOINT, 0, MICA_INIT_CNODE, 0, 0, shared_ep, 1))
        return -1;
    for (unsigned k = 0; k < 2; k++) {
        ring_ntf[k] = next++;
        ring_ep[k] = next++;
        if (mica_untyped_retype(big, MICA_OBJ_NOTIFICATION, 0, MICA_INIT_CNODE, 0, 0, ring_ntf[k],
                                1) ||
            mica_untyped_retype(big, MICA_OBJ_ENDPOINT, 0, MICA_INIT_CNODE, 0, 0, ring_ep[k], 1))
            return -1;
    }
    fixed_end = next;
    scratch = next;
    return 0;
}

/* Microseconds of the board's clock, read in user mode: the timer the kernel schedules with
 * (riscv64's time CSR, 10 MHz on QEMU virt; aarch64's virtual counter at CNTFRQ_EL0; the host's
 * monotonic clock on hosted). 0 where user mode has none. */
static uint64_t now_us(void)
{
#if defined(__riscv)
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t / 10;
#elif defined(__aarch64__)
    uint64_t t, f;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f ? t / f * 1000000 + t % f * 1000000 / f : 0;
#else
    return mica_clock_unit[0] == 'n' ? mica_clock() / 1000 : 0;
#endif
}

static unsigned home_cpu(unsigned i)
{
    return (i + 1) % ncpus;
}

/* Stop helper i wherever it is and start it again at helper() with everything random operations
 * may have changed set again (its SchedContext back on its home CPU). */
static mica_error_t restart_helper(unsigned i)
{
    mica_word_t regs[3] = {(mica_word_t)helper, (mica_word_t)(stacks[i] + STACK), i};
    mica_error_t err;

    mica_sched_context_bind(helper_sc[i], helper_tcb[i]); /* fails while still bound: fine */
    mica_tcb_unbind_notification(helper_tcb[i]);
    if ((err = mica_tcb_suspend(helper_tcb[i])) ||
        (err = mica_tcb_configure(helper_tcb[i], MICA_INIT_CNODE, MICA_INIT_VSPACE, helper_addr[i],
                                  helper_frame[i])) ||
        (err = mica_tcb_set_priority(helper_tcb[i], MICA_INIT_TCB, PRIO)) ||
        (err = mica_sched_control_configure(sched_control + home_cpu(i), helper_sc[i], 1000, 1000,
                                            0, 0)))
        return err;
    return mica_tcb_write_registers(helper_tcb[i], 1, MICA_REG_PC, 3, regs);
}

static int restart_helpers(int ring)
{
    ring_mode = ring;
    for (unsigned i = 0; i < NHELPERS; i++) {
        mica_error_t err = restart_helper(i);
        if (err) {
            mica_printf("stress: FAIL: restarting helper %u failed (error %d)\n", i, (int)err);
            return -1;
        }
    }
    return 0;
}

static unsigned helper_progress(unsigned i)
{
    unsigned n = 0;
    for (unsigned k = 0; k < H_KINDS; k++)
        n += helper_tries[i][k];
    return n;
}

/* Most random IPC blocks on an object nobody else uses, or a random operation suspends a helper
 * or gives it junk registers: a helper that did nothing for RESCUE_MS is started again, so that
 * every CPU keeps working. */
static unsigned rescues;

static int rescue(unsigned last[NHELPERS])
{
    for (unsigned i = 0; i < NHELPERS; i++) {
        unsigned n = helper_progress(i);
        if (n == last[i]) {
            mica_error_t err = restart_helper(i);
            if (err) {
                mica_printf("stress: FAIL: restarting helper %u failed (error %d)\n", i, (int)err);
                return -1;
            }
            rescues++;
        }
        last[i] = n;
    }
    return 0;
}

/* The lost wake-up and deadlock detector (the top of the file). */
static int ring_check(unsigned epoch)
{
    static const char *const hop[NHELPERS] = {"Signal/Wait from the root",
                                              "Send/Recv from helper 0", "Call/Recv from helper 1"};
    mica_word_t bits;

    for (unsigned i = 0; i < NHELPERS; i++)
        ring_seen[i] = 0;
    if (restart_helpers(1))
        return -1;
    mica_poll(ring_ntf[0], &bits); /* nothing can be pending: helper 2 signals only in a lap */
    for (unsigned lap = 1; lap <= RING_LAPS; lap++) {
        uint64_t t0 = now_us();
        mica_signal(ring_ntf[1]);
        while (mica_poll(ring_ntf[0], &bits) != MICA_OK) {
            if (now_us() - t0 > HOP_TIMEOUT_MS * 1000ull) {
                unsigned i = 0;
                while (i < NHELPERS - 1 && ring_seen[i] >= lap)
                    i++;
                mica_printf("stress: FAIL: lost wake-up or deadlock: epoch %u lap %u: helper %u "
                            "(CPU %u) did not get the token (%s) within %u ms; laps seen by "
                            "helpers 0..2: %u %u %u\n",
                            epoch, lap, i, home_cpu(i), hop[i], HOP_TIMEOUT_MS, ring_seen[0],
                            ring_seen[1], ring_seen[2]);
                return -1;
            }
            mica_yield();
        }
    }
    return 0; /* the next epoch (or the end) restarts or stops the helpers */
}

int mica_main(const struct mica_bootinfo *bi)
{
    for (unsigned i = 0; i <= NHELPERS; i++)
        seed[i] = 0x9e3779b97f4a7c15ull * (i + 1);
    if (setup(bi)) {
        mica_printf("stress: setup failed\n");
        return 1;
    }
    if (ncpus > MAX_CPUS) {
        mica_printf("stress: %u CPUs, the test counts at most %u\n", ncpus, MAX_CPUS);
        return 1;
    }
    uint64_t start = now_us(), end = start + STRESS_SECONDS * 1000000ull;
    unsigned ops = 0, epochs = 0;
    if (!start) {
        /* No clock: a fixed count, and one ring check at the end. */
        if (restart_helpers(0))
            return 1;
        for (; ops < ITERATIONS; ops++) {
            if (ops % 32 == 0)
                refill();
            random_op();
        }
        if (ring_check(epochs++))
            return 1;
    } else {
        mica_printf("stress: %u CPUs, %u s of the board's clock in epochs of %u ms, each ended "
                    "by a %u-lap ring check\n",
                    ncpus, STRESS_SECONDS, EPOCH_MS, RING_LAPS);
        for (uint64_t now = start; now < end; now = now_us()) {
            if (restart_helpers(0))
                return 1;
            uint64_t epoch_end = now + EPOCH_MS * 1000ull, tick = now;
            unsigned last[NHELPERS];
            for (unsigned i = 0; i < NHELPERS; i++)
                last[i] = helper_progress(i);
            while ((now = now_us()) < epoch_end) {
                for (unsigned k = 0; k < 8; k++, ops++) {
                    if (ops % 32 == 0)
                        refill();
                    random_op();
                }
                if (now - tick >= RESCUE_MS * 1000ull) {
                    tick = now;
                    if (rescue(last))
                        return 1;
                }
            }
            if (ring_check(epochs++))
                return 1;
            if (epochs % 5 == 0)
                mica_printf("stress: %u s, %u operations\n",
                            (unsigned)((now_us() - start) / 1000000), ops);
        }
    }
    uint64_t secs = (now_us() - start) / 1000000;
    /* Stop the helpers before counting: Suspend returns once a helper is off its CPU. */
    for (unsigned i = 0; i < NHELPERS; i++)
        mica_tcb_suspend(helper_tcb[i]);

    unsigned per_cpu[MAX_CPUS] = {0}, helper_total = 0;
    per_cpu[0] = ops;
    for (unsigned i = 0; i < NHELPERS; i++) {
        unsigned tries = 0, done = 0;
        for (unsigned k = 0; k < H_KINDS; k++) {
            tries += helper_tries[i][k];
            done += helper_done[i][k];
        }
        per_cpu[home_cpu(i)] += tries;
        helper_total += tries;
        mica_printf("stress: helper %u (CPU %u): %u operations, %u succeeded or were cancelled:", i,
                    home_cpu(i), tries, done);
        for (unsigned k = 0; k < H_KINDS; k++)
            mica_printf(" %s %u/%u", helper_kind_names[k], helper_done[i][k], helper_tries[i][k]);
        mica_printf("\n");
    }
    mica_printf("stress: root (CPU 0): %u operations:", ops);
    for (unsigned k = 0; k < R_KINDS; k++)
        mica_printf(" %s %u", root_kind_names[k], root_ops[k]);
    mica_printf("\n");
    int idle = 0;
    for (unsigned c = 0; c < ncpus; c++) {
        mica_printf("stress: CPU %u: %u operations\n", c, per_cpu[c]);
        if (!per_cpu[c]) {
            mica_printf("stress: FAIL: CPU %u did no work\n", c);
            idle = 1;
        }
    }
    if (idle)
        return 1;
    mica_printf("stress: %u s, %u random operations by the root (%u on a non-empty slot, %u frame "
                "or page-table mappings), %u by helpers (restarted %u times when stuck), %u ring "
                "checks of %u laps; no lost wake-up, kernel invariants held\n",
                (unsigned)secs, ops, ok_ops, vm_maps, helper_total, rescues, epochs, RING_LAPS);
    return 0;
}
