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
 *   ./configure.py --board hosted --app tests/stress -D CONFIG_INVARIANTS=y -D CONFIG_SANITIZERS=y
 *   ./configure.py --app tests/stress -D CONFIG_INVARIANTS=y -D CONFIG_SMP=y (then -smp 4)
 */
#include <mica/invoke.h>
#include <mica/user.h>

#define ITERATIONS 200000
#define NSCRATCH   48
#define NHELPERS   3
#define STACK      (16 * 1024)
#define PRIO       100
#define D          MICA_WORD_BITS
#define VM_SLOTS   (NSCRATCH - 8) /* a VSpace, 3 page tables, 4 frames */

static char stacks[NHELPERS][STACK] __attribute__((aligned(16)));
static mica_cptr_t scratch, pool, helper_tcb[NHELPERS], helper_buf[NHELPERS], fixed_end;
static mica_cptr_t helper_reply[NHELPERS]; /* each helper's own Reply object */
static mica_cptr_t shared_ep;              /* an endpoint every helper uses often */
static mica_word_t seed[NHELPERS + 1];
static unsigned ok_ops, helper_ops, vm_maps;
static mica_word_t junk[8] = {1, 2, 3, 64, 0, 5, 1000, 7};
static int env_mpu;
static mica_cptr_t sched_control; /* CPU 0's SchedControl; CPU i's is sched_control + i */
static unsigned ncpus;

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
static void helper(mica_word_t me)
{
    unsigned w = (unsigned)me;

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
        switch (op) {
        case 0:
        case 6: err = mica_recv(c, reply, &badge, &info); break;
        case 1: err = mica_send(c, mica_msginfo(1, 0, ncaps, 1 + rnd(w) % 8)); break;
        case 2:
        case 7: err = mica_call(c, mica_msginfo(2, 0, ncaps, 2), &info); break;
        case 3: err = mica_wait(c, &badge); break;
        case 4:
            err = mica_reply_recv(c, reply, mica_msginfo(3, 0, 0, rnd(w) % 6), &badge, &info);
            break;
        default: err = mica_poll(c, &badge); break;
        }
        helper_ops += err == MICA_OK || err == MICA_ERR_CANCELLED;
        /* A failed (or non-blocking) operation yields so the root keeps running. */
        if (err != MICA_OK || rnd(w) % 4 == 0)
            mica_yield();
    }
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
    mica_debug_cap_type(b, &type);
    ok_ops += type != MICA_CAP_NULL;
    /* The root must never block: no Send or Call on an endpoint. */
    if (type == MICA_OBJ_ENDPOINT) {
        r & 16 ? mica_nbsend(b, mica_msginfo(4, 0, 0, 1)) : mica_nbrecv(b, a, &v, &v);
        return;
    }
    if (type == MICA_OBJ_REPLY && r & 16) {
        mica_send(b, mica_msginfo(5, 0, 0, 1)); /* reply to whoever waits on it */
        return;
    }
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
    }
    /* Helpers run only with a scheduling context (MCS): round robin, 1 ms slices. */
    for (unsigned i = 0; i < NHELPERS; i++) {
        mica_cptr_t sc = next++;
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
    fixed_end = next;
    scratch = next;
    return 0;
}

int mica_main(const struct mica_bootinfo *bi)
{
    for (unsigned i = 0; i <= NHELPERS; i++)
        seed[i] = 0x9e3779b97f4a7c15ull * (i + 1);
    if (setup(bi)) {
        mica_printf("stress: setup failed\n");
        return 1;
    }
    /* helper_tcb[i] and helper_buf[i] follow pool: any_source() reaches them. */
    for (unsigned i = 0; i < NHELPERS; i++) {
        mica_word_t regs[3] = {(mica_word_t)helper, (mica_word_t)(stacks[i] + STACK), i};
        if (mica_tcb_write_registers(helper_tcb[i], 1, MICA_REG_PC, 3, regs))
            return 1;
    }
    /* More CPUs, more interleavings to try: three times as many operations (at -smp 4 under the
     * invariant checker, over 60 s of QEMU time on the machines it was written on). */
    unsigned iterations = ncpus > 1 ? 3 * ITERATIONS : ITERATIONS;
    for (unsigned i = 0; i < iterations; i++) {
        if (i % 32 == 0)
            refill();
        random_op();
        if (i % 5000 == 0)
            mica_printf("stress: %u operations\n", i);
    }
    mica_printf("stress: %u random operations (%u on a non-empty slot, %u frame or page-table "
                "mappings), %u helper operations that succeeded or were cancelled; kernel "
                "invariants held\n",
                iterations, ok_ops, vm_maps, helper_ops);
    return 0;
}
