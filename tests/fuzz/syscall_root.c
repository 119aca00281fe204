/* SPDX-License-Identifier: MIT */
/*
 * The syscall fuzz target's root task. fuzz_syscall.c boots a fresh hosted machine for each
 * input; this root task sets up a fixed world (untyped pools, helper threads, a few objects in
 * scratch slots) and then it and its helpers take turns decoding the input into syscalls and
 * invocations: whichever thread runs reads the next operation. When the input is used up, the
 * thread that notices halts the machine (DEBUG_HALT, status FUZZ_HALT_DONE); if every thread
 * blocks first, the kernel halts it (deadlock). Arguments come from pickers biased toward live
 * objects (scratch slots, slots that just got a cap, the fixed objects), limits and bad values;
 * docs/fuzzing.md lists the encoding.
 *
 * User code shares the process on hosted, so the harness keeps itself from doing what hardware
 * would stop (these are not kernel bugs): it writes message registers only into IPC buffers whose
 * memory can never become a kernel object (the root task's, from boot memory, and frames retyped
 * from an Untyped whose cap is then deleted), and every PC or SP it gives a thread is an entry
 * point of this file or a stack of its own, each stack handed out once per boot.
 */
#include <stdbool.h>

#include <mica/invoke.h>
#include <mica/user.h>

#include "fuzz_syscall.h"

#define D         MICA_WORD_BITS
#define NHELPERS  3
#define NSCRATCH  64
#define NRECENT   8
#define NSTACKS   16
#define STACK     (32 * 1024)
#define PRIO      100
#define NSAFE     (NHELPERS + 2)
#define MAX_FIXED 40

/* The arch's injected interrupts (arch/hosted), which user code can call as a device would. */
void hosted_irq_inject(unsigned irq);

static bool setup_done;
static mica_cptr_t scratch, sched_control, pools[3], big;
static mica_cptr_t helper_tcb[NHELPERS], helper_sc[NHELPERS], helper_reply[NHELPERS];
static mica_cptr_t safe_frame[NHELPERS + 1];
static mica_cptr_t fixed[MAX_FIXED], untypeds[MICA_BOOTINFO_MAX_UNTYPE + 4];
static unsigned nfixed, nuntypeds, next_stack;
static mica_cptr_t recent[NRECENT];
/* Slots that the setup filled with objects of each kind, for the typed picker. */
enum kind { K_TCB, K_SC, K_EP, K_NTFN, K_REPLY, K_IPC, K_FRAME, K_PT, K_VSPACE, K_IRQH, NKINDS };
#define KIND_MAX 12
static mica_cptr_t kinds[NKINDS][KIND_MAX];
static unsigned nkind[NKINDS];
static unsigned recent_pos;
static const char *safe_buf[NSAFE];
static int mpu;

/* Scratch memory, not machine state: thread stacks need no reset (a restarted thread's stack is
 * unpoisoned by the arch), and copying them back on every boot would cost time. */
HOSTED_STATE_END
static char stacks[NSTACKS][STACK] __attribute__((aligned(16)));
HOSTED_STATE_BEGIN

static void worker(mica_word_t arg);

static mica_error_t sys(struct mica_regs *r)
{
    fuzz_input.syscalls++;
    if (fuzz_input.trace)
        fuzz_trace_syscall(r->r, NULL);
    mica_error_t err = mica_syscall(r);
    int e = (int)err;
    if (fuzz_input.trace)
        fuzz_trace_syscall(NULL, &e);
    return err;
}

static _Noreturn void halt(int status)
{
    struct mica_regs r = {{(mica_word_t)status, 0, 0, 0, 0, 0, 0, MICA_SYS_DEBUG_HALT}};

    sys(&r);
    for (;;)
        ;
}

/* ---- Reading the input. ---- */

static unsigned next(void)
{
    if (fuzz_input.pos >= fuzz_input.size)
        halt(FUZZ_HALT_DONE);
    return fuzz_input.data[fuzz_input.pos++];
}

static mica_word_t next_word(void)
{
    mica_word_t w = 0;

    for (unsigned i = 0; i < sizeof(w); i++)
        w |= (mica_word_t)next() << (8 * i);
    return w;
}

/* ---- Argument pickers. ---- */

/* A number: mostly small, else a limit or an arbitrary word. */
static mica_word_t val(void)
{
    unsigned b = next();

    if (b < 128)
        return b & 31;
    switch (b % 12) {
    case 0: return ~(mica_word_t)0;
    case 1: return (mica_word_t)1 << (D - 1);
    case 2: return (mica_word_t)1 << (next() % D);
    case 3: return ((mica_word_t)1 << (next() % D)) - 1;
    case 4: return D;
    case 5: return D - 1;
    case 6: return 255;
    case 7: return 256;
    case 8: return 4096;
    case 9: return 0xffffffffu;
    case 10: return (mica_word_t)1 << 32;
    default: return next_word();
    }
}

/* A capability pointer: a scratch slot, a slot that recently got a cap, a fixed object, or a
 * cptr that does not resolve or names an empty slot. */
static mica_cptr_t cap(void)
{
    unsigned b = next();

    if (b < 150)
        return scratch + b % NSCRATCH;
    if (b < 200)
        return recent[b % NRECENT];
    if (b < 240)
        return fixed[b % nfixed];
    switch (b % 8) {
    case 0: return 0;
    case 1: return (1u << 12) - 1;
    case 2: return 1u << 12; /* beyond the root CNode's radix: the guard does not match */
    case 3: return ~(mica_word_t)0;
    case 4: return (mica_word_t)1 << (D - 1);
    case 5: return scratch + NSCRATCH; /* an empty slot */
    case 6: return MICA_INIT_CNODE;
    default: return next_word();
    }
}

/* A cap argument of an invocation: mostly what the operation wants (`want`), else any. */
static mica_cptr_t cap_or(mica_cptr_t want)
{
    unsigned b = next();

    return b < 144 ? want : b < 160 ? 0 : cap();
}

/* A cap for an operation on a kind of object: mostly one the setup made of that kind (the fuzz
 * may since have deleted, moved or replaced it), else one that recently got a cap, else any. */
static mica_cptr_t typed(enum kind k)
{
    unsigned b = next();

    if (b < 128 && nkind[k])
        return kinds[k][b % nkind[k]];
    return b < 160 ? recent[b % NRECENT] : cap();
}

static mica_cptr_t untyped(void)
{
    unsigned b = next();

    return b < 160 ? untypeds[b % nuntypeds] : cap();
}

/* A lookup depth: mostly the whole word, else small radixes (scratch CNodes) and limits. */
static mica_word_t depth(void)
{
    unsigned b = next();

    if (b < 176)
        return D;
    if (b < 224)
        return 1 + b % 12;
    switch (b % 6) {
    case 0: return 0;
    case 1: return D - 1;
    case 2: return D + 1;
    case 3: return 255;
    case 4: return 52;
    default: return next_word();
    }
}

/* A slot index below a CNode: as cap(), so that indices meet live slots. */
static mica_word_t slot_index(void)
{
    return cap();
}

static mica_word_t obj_type(void)
{
    unsigned b = next();

    if (b < 220)
        return 1 + b % (MICA_OBJ_TYPE_COUNT - 1);
    switch (b % 4) {
    case 0: return 0;
    case 1: return MICA_OBJ_TYPE_COUNT;
    case 2: return MICA_CAP_TYPE_COUNT;
    default: return next_word();
    }
}

static mica_word_t size_bits(mica_word_t type)
{
    unsigned b = next();

    if (b < 200) {
        switch (type) {
        case MICA_OBJ_UNTYPED: return MICA_MIN_UNTYPED_BITS + b % 17;
        case MICA_OBJ_CNODE: return 1 + b % 8;
        case MICA_OBJ_FRAME: return mpu ? MICA_MIN_FRAME_BITS + b % 10 : MICA_PAGE_BITS;
        default: return b % 4 ? 0 : b % 64;
        }
    }
    switch (b % 7) {
    case 0: return 0;
    case 1: return MICA_MAX_CNODE_SLOTS;
    case 2: return MICA_MAX_CNODE_SLOTS + 1;
    case 3: return MICA_MAX_UNTYPED_BITS;
    case 4: return MICA_MAX_UNTYPED_BITS + 1;
    case 5: return D;
    default: return val();
    }
}

static mica_word_t count(void)
{
    unsigned b = next();

    if (b < 224)
        return 1 + b % 3;
    switch (b % 4) {
    case 0: return 0;
    case 1: return 256;
    case 2: return 257;
    default: return val();
    }
}

static mica_word_t prio(void)
{
    unsigned b = next();

    return b < 240 ? PRIO - 8 + b % 24 : b % 2 ? 255 : val() + 256;
}

static mica_word_t vaddr(void)
{
    unsigned b = next();
    mica_word_t page = (mica_word_t)1 << MICA_PAGE_BITS, base = 0x40000000;

    if (b < 160)
        return base + (b % 8) * page;
    if (b < 200)
        return base + (mica_word_t)(b % 4) * (page << 9) + (b % 3) * (page << 18);
    switch (b % 8) {
    case 0: return base + 1;
    case 1: return base + page / 2;
    case 2: return 0;
    case 3: return (mica_word_t)1 << 38;
    case 4: return ((mica_word_t)1 << 38) - page;
    case 5: return ~(mica_word_t)0 - page + 1;
    default: return val() << MICA_PAGE_BITS;
    }
}

static mica_word_t vm_rights(void)
{
    unsigned b = next();

    return b < 224 ? 1 + b % 7 : b % 16;
}

/* ---- What the harness must keep sane (see the top of the file). ---- */

/* The calling thread's IPC buffer if its memory can never be a kernel object, else NULL. */
static struct mica_ipc_buffer *buf(void)
{
    const char *b = (const char *)mica_ipc_buffer();

    for (unsigned i = 0; i < NSAFE; i++)
        if (safe_buf[i] && b >= safe_buf[i] &&
            b + sizeof(struct mica_ipc_buffer) <= safe_buf[i] + ((size_t)1 << MICA_PAGE_BITS))
            return (struct mica_ipc_buffer *)b;
    return NULL;
}

static void ret_entry(mica_word_t arg)
{
    (void)arg; /* returning is a user-exception fault */
}

static void segv_entry(mica_word_t arg)
{
    *(volatile char *)(uintptr_t)(16 + (arg & 1)) = 1; /* unmapped: a memory fault */
}

static void trap_entry(mica_word_t arg)
{
    (void)arg;
    __builtin_trap(); /* SIGILL: an illegal-instruction fault */
}

static mica_word_t safe_pc(void)
{
    static void (*const entries[])(mica_word_t) = {worker, worker, ret_entry, segv_entry,
                                                   trap_entry};
    unsigned b = next();

    return b < 250 ? (mica_word_t)entries[b % 5] : 0;
}

/* A stack nobody else ever had this boot, or (when they are used up, or now and then) a value
 * the arch refuses to start a thread on. */
static mica_word_t safe_sp(void)
{
    unsigned b = next();

    if (b < 240 && next_stack < NSTACKS)
        return (mica_word_t)(stacks[next_stack++] + STACK);
    return b % 3 == 0 ? 0 : b % 3 == 1 ? 8 : 63;
}

/* Values of registers first.. as a WriteRegisters or fault reply would set them. */
static mica_word_t reg_value(mica_word_t id)
{
    return id == MICA_REG_PC ? safe_pc() : id == MICA_REG_SP ? safe_sp() : val();
}

/* ---- Messages. ---- */

struct msg {
    mica_word_t label;
    unsigned len, ncaps;
    mica_word_t mr[MICA_MSG_MAX_LEN];
    mica_cptr_t caps[MICA_MSG_MAX_CAPS];
};

static void msg_init(struct msg *m, mica_word_t label, unsigned len, unsigned ncaps)
{
    m->label = label;
    m->len = len;
    m->ncaps = ncaps;
}

/* Load m into the registers and, if it is safe to write, the IPC buffer. Without a safe buffer
 * the message carries MR0..3 only: the kernel would read the rest from memory the harness did
 * not write, and MR4 can be a register value (WriteRegisters' SP). */
static void msg_load(struct mica_regs *r, const struct msg *m)
{
    struct mica_ipc_buffer *b = buf();
    unsigned len = m->len;

    if (!b && len > MICA_MSG_REGS)
        len = MICA_MSG_REGS;
    for (unsigned i = 0; i < len && i < MICA_MSG_MAX_LEN; i++) {
        if (i < MICA_MSG_REGS)
            r->r[2 + i] = m->mr[i];
        else
            b->mr[i] = m->mr[i];
    }
    for (unsigned i = 0; b && i < m->ncaps && i < MICA_MSG_MAX_CAPS; i++)
        b->caps[i] = m->caps[i];
    r->r[1] = mica_msginfo(m->label, 0, m->ncaps, len);
}

/* One byte in sixteen shortens an invocation's message or drops a cap (TRUNCATED_MESSAGE). */
static void msg_truncate(struct msg *m)
{
    unsigned b = next();

    if (b < 12 && m->len)
        m->len = b % m->len;
    else if (b < 16 && m->ncaps)
        m->ncaps--;
}

static mica_error_t invoke(mica_cptr_t obj, struct msg *m)
{
    struct mica_regs r = {{obj, 0, 0, 0, 0, 0, 0, MICA_SYS_CALL}};

    msg_truncate(m);
    msg_load(&r, m);
    return sys(&r);
}

/* An IPC payload. Any message may end up as a fault reply (label MICA_FAULT_REPLY_SET_REGS on a
 * Reply cap) or an invocation (Send and Call on other caps), so PC and SP values are safe ones
 * wherever the kernel would take them as registers, and WriteRegisters' label is never used. */
static void msg_ipc(struct msg *m)
{
    unsigned b = next();
    mica_word_t label = b < 128 ? 0 : b < 176 ? MICA_FAULT_REPLY_SET_REGS : val();

    if (label == MICA_TCB_WRITE_REGISTERS)
        label++;
    b = next();
    msg_init(m, label, b < 200 ? b % 8 : b % 70, next() % 4);
    for (unsigned i = 0; i < MICA_MSG_REGS; i++)
        m->mr[i] = val();
    mica_word_t fill = val();
    for (unsigned i = MICA_MSG_REGS; i < MICA_MSG_MAX_LEN; i++)
        m->mr[i] = fill + i;
    for (unsigned i = 0; i < m->ncaps; i++)
        m->caps[i] = cap();
    if (label == MICA_FAULT_REPLY_SET_REGS) {
        mica_word_t first = m->mr[0];
        /* fault_reply writes register first + i from MR(2 + i); ids as the kernel adds them. */
        for (mica_word_t id = MICA_REG_PC; id <= MICA_REG_SP; id++) {
            mica_word_t i = id - first;
            if (i < MICA_MSG_MAX_LEN - 2)
                m->mr[2 + i] = reg_value(id);
        }
    }
}

/* Where a receive puts a capability, written only into a safe buffer. */
static void recv_slot(void)
{
    struct mica_ipc_buffer *b = buf();
    mica_cptr_t cnode = cap_or(MICA_INIT_CNODE);
    mica_word_t index = slot_index(), d = next() < 64 ? 0 : depth();

    if (b) {
        b->recv_cnode = cnode;
        b->recv_index = index;
        b->recv_depth = d;
    }
}

static void remember(mica_cptr_t slot)
{
    recent[recent_pos++ % NRECENT] = slot;
}

/* ---- Operations. ---- */

static mica_error_t op_invocation(unsigned op)
{
    struct msg m;
    mica_cptr_t obj;
    mica_error_t err;

    switch (op) {
    case OP_RETYPE: {
        obj = untyped();
        mica_word_t type = obj_type(), bits = size_bits(type);
        mica_cptr_t root = cap_or(MICA_INIT_CNODE);
        unsigned b = next();
        mica_word_t index = b < 192 ? 0 : slot_index(), d = b < 192 ? 0 : depth();
        mica_word_t offset = slot_index(), n = count();
        msg_init(&m, MICA_UNTYPED_RETYPE, 6, 1);
        m.mr[0] = type, m.mr[1] = bits, m.mr[2] = index, m.mr[3] = d, m.mr[4] = offset;
        m.mr[5] = n;
        m.caps[0] = root;
        err = invoke(obj, &m);
        if (!err)
            remember(offset);
        return err;
    }
    case OP_CNODE_COPY:
    case OP_CNODE_MINT:
    case OP_CNODE_MOVE:
    case OP_CNODE_MUTATE: {
        static const unsigned len[] = {5, 6, 4, 5};
        obj = cap_or(MICA_INIT_CNODE);
        msg_init(&m, MICA_CNODE_COPY + (op - OP_CNODE_COPY), len[op - OP_CNODE_COPY], 1);
        mica_word_t dest = slot_index();
        m.mr[0] = dest, m.mr[1] = depth(), m.mr[2] = slot_index(), m.mr[3] = depth();
        m.mr[4] = op == OP_CNODE_MUTATE ? val() : next() % 32;
        m.mr[5] = next() < 200 ? val() : MICA_CNODE_GUARD(val(), val());
        m.caps[0] = cap_or(MICA_INIT_CNODE);
        err = invoke(obj, &m);
        if (!err)
            remember(dest);
        return err;
    }
    case OP_CNODE_DELETE:
    case OP_CNODE_REVOKE:
        obj = cap_or(MICA_INIT_CNODE);
        msg_init(&m, op == OP_CNODE_DELETE ? MICA_CNODE_DELETE : MICA_CNODE_REVOKE, 2, 0);
        m.mr[0] = slot_index(), m.mr[1] = depth();
        return invoke(obj, &m);
    case OP_TCB_CONFIGURE: {
        static const mica_word_t addrs[] = {0, 1024, 2048, 3072, 0x40000000, 1, 512, 4096};
        obj = typed(K_TCB);
        msg_init(&m, MICA_TCB_CONFIGURE, 1, 3);
        unsigned b = next();
        m.mr[0] = b < 240 ? addrs[b % 8] : val();
        m.caps[0] = cap_or(MICA_INIT_CNODE);
        m.caps[1] = cap_or(MICA_INIT_VSPACE);
        b = next();
        m.caps[2] = b < 128 ? safe_frame[b % (NHELPERS + 1)] : b < 160 ? 0 : cap();
        return invoke(obj, &m);
    }
    case OP_TCB_SET_PRIORITY:
    case OP_TCB_SET_MC_PRIORITY:
        obj = typed(K_TCB);
        msg_init(&m, op == OP_TCB_SET_PRIORITY ? MICA_TCB_SET_PRIORITY : MICA_TCB_SET_MC_PRIORITY,
                 1, 1);
        m.mr[0] = prio();
        m.caps[0] = cap_or(MICA_INIT_TCB);
        return invoke(obj, &m);
    case OP_TCB_SUSPEND:
    case OP_TCB_RESUME:
    case OP_TCB_UNBIND_NOTIFICATION:
    case OP_SCHED_CONTEXT_UNBIND:
    case OP_SCHED_CONTEXT_CONSUMED:
    case OP_IRQ_HANDLER_ACK:
    case OP_IRQ_HANDLER_CLEAR:
    case OP_FRAME_UNMAP:
    case OP_FRAME_GET_ADDRESS:
    case OP_PAGE_TABLE_UNMAP: {
        static const mica_word_t labels[] = {
            [OP_TCB_SUSPEND] = MICA_TCB_SUSPEND,
            [OP_TCB_RESUME] = MICA_TCB_RESUME,
            [OP_TCB_UNBIND_NOTIFICATION] = MICA_TCB_UNBIND_NOTIFICATION,
            [OP_SCHED_CONTEXT_UNBIND] = MICA_SCHED_CONTEXT_UNBIND,
            [OP_SCHED_CONTEXT_CONSUMED] = MICA_SCHED_CONTEXT_CONSUMED,
            [OP_IRQ_HANDLER_ACK] = MICA_IRQ_HANDLER_ACK,
            [OP_IRQ_HANDLER_CLEAR] = MICA_IRQ_HANDLER_CLEAR,
            [OP_FRAME_UNMAP] = MICA_FRAME_UNMAP,
            [OP_FRAME_GET_ADDRESS] = MICA_FRAME_GET_ADDRESS,
            [OP_PAGE_TABLE_UNMAP] = MICA_PAGE_TABLE_UNMAP,
        };
        static const unsigned char kind_of[] = {
            [OP_TCB_SUSPEND] = K_TCB,
            [OP_TCB_RESUME] = K_TCB,
            [OP_TCB_UNBIND_NOTIFICATION] = K_TCB,
            [OP_SCHED_CONTEXT_UNBIND] = K_SC,
            [OP_SCHED_CONTEXT_CONSUMED] = K_SC,
            [OP_IRQ_HANDLER_ACK] = K_IRQH,
            [OP_IRQ_HANDLER_CLEAR] = K_IRQH,
            [OP_FRAME_UNMAP] = K_FRAME,
            [OP_FRAME_GET_ADDRESS] = K_FRAME,
            [OP_PAGE_TABLE_UNMAP] = K_PT,
        };
        obj = typed(kind_of[op]);
        msg_init(&m, labels[op], 0, 0);
        return invoke(obj, &m);
    }
    case OP_TCB_READ_REGISTERS:
    case OP_TCB_WRITE_REGISTERS: {
        bool write = op == OP_TCB_WRITE_REGISTERS;
        unsigned base = write;
        obj = typed(K_TCB);
        unsigned b = next();
        mica_word_t first = b < 240 ? b % (MICA_REG_ARCH_BASE + 2) : val();
        b = next();
        mica_word_t n = b < 240 ? b % (MICA_REG_ARCH_BASE + 2) : val();
        msg_init(&m, write ? MICA_TCB_WRITE_REGISTERS : MICA_TCB_READ_REGISTERS, base + 2, 0);
        m.mr[0] = next() & 1;
        m.mr[base] = first, m.mr[base + 1] = n;
        for (mica_word_t i = 0; write && i < n && 3 + i < MICA_MSG_MAX_LEN; i++, m.len++)
            m.mr[3 + i] = reg_value(first + i);
        return invoke(obj, &m);
    }
    case OP_TCB_BIND_NOTIFICATION:
    case OP_TCB_SET_FAULT_HANDLER:
    case OP_TCB_SET_TIMEOUT_HANDLER:
    case OP_SCHED_CONTEXT_BIND:
    case OP_IRQ_HANDLER_SET_NOTIFICATION: {
        static const mica_word_t labels[] = {
            [OP_TCB_BIND_NOTIFICATION] = MICA_TCB_BIND_NOTIFICATION,
            [OP_TCB_SET_FAULT_HANDLER] = MICA_TCB_SET_FAULT_HANDLER,
            [OP_TCB_SET_TIMEOUT_HANDLER] = MICA_TCB_SET_TIMEOUT_HANDLER,
            [OP_SCHED_CONTEXT_BIND] = MICA_SCHED_CONTEXT_BIND,
            [OP_IRQ_HANDLER_SET_NOTIFICATION] = MICA_IRQ_HANDLER_SET_NOTIFICATION,
        };
        static const unsigned char kinds_of[][2] = {
            [OP_TCB_BIND_NOTIFICATION] = {K_TCB, K_NTFN},
            [OP_TCB_SET_FAULT_HANDLER] = {K_TCB, K_EP},
            [OP_TCB_SET_TIMEOUT_HANDLER] = {K_TCB, K_EP},
            [OP_SCHED_CONTEXT_BIND] = {K_SC, K_TCB},
            [OP_IRQ_HANDLER_SET_NOTIFICATION] = {K_IRQH, K_NTFN},
        };
        obj = typed(kinds_of[op][0]);
        msg_init(&m, labels[op], 0, 1);
        /* SchedContext_Bind takes a TCB or a notification. */
        m.caps[0] = typed(op == OP_SCHED_CONTEXT_BIND && next() & 1 ? K_NTFN : kinds_of[op][1]);
        return invoke(obj, &m);
    }
    case OP_SCHED_CONTROL_CONFIGURE: {
        static const mica_word_t us[] = {10, 100, 1000, 10000, 9, 0, 50, 1000000};
        obj = cap_or(sched_control);
        msg_init(&m, MICA_SCHED_CONTROL_CONFIGURE, 4, 1);
        unsigned b = next();
        m.mr[0] = b < 240 ? us[b % 8] : val();
        b = next();
        m.mr[1] = b < 240 ? us[b % 8] : val();
        m.mr[2] = next() % 10, m.mr[3] = val();
        m.caps[0] = typed(K_SC);
        return invoke(obj, &m);
    }
    case OP_IRQ_CONTROL_GET:
        obj = cap_or(MICA_INIT_IRQ_CONTROL);
        msg_init(&m, MICA_IRQ_CONTROL_GET, 3, 1);
        m.mr[0] = next() < 240 ? next() % 70 : val();
        m.mr[1] = slot_index(), m.mr[2] = depth();
        m.caps[0] = cap_or(MICA_INIT_CNODE);
        err = invoke(obj, &m);
        if (!err)
            remember(m.mr[1]);
        return err;
    case OP_FRAME_MAP: {
        obj = typed(K_FRAME);
        msg_init(&m, MICA_FRAME_MAP, 3, 1);
        mica_word_t va = vaddr();
        if (mpu && next() < 192) {
            struct mica_regs r = {
                {obj, mica_msginfo(MICA_FRAME_GET_ADDRESS, 0, 0, 0), 0, 0, 0, 0, 0, MICA_SYS_CALL}};
            if (sys(&r) == MICA_OK)
                va = r.r[2];
        }
        m.mr[0] = va, m.mr[1] = vm_rights(), m.mr[2] = next() % 3;
        m.caps[0] = typed(K_VSPACE);
        return invoke(obj, &m);
    }
    case OP_FRAME_REMAP:
        obj = typed(K_FRAME);
        msg_init(&m, MICA_FRAME_REMAP, 2, 0);
        m.mr[0] = vm_rights(), m.mr[1] = next() % 3;
        return invoke(obj, &m);
    case OP_PAGE_TABLE_MAP:
        obj = typed(K_PT);
        msg_init(&m, MICA_PAGE_TABLE_MAP, 1, 1);
        m.mr[0] = vaddr();
        m.caps[0] = typed(K_VSPACE);
        return invoke(obj, &m);
    default: { /* OP_INVOKE_ANY: any label on any cap */
        obj = cap();
        msg_ipc(&m);
        unsigned b = next();
        m.label = b == MICA_TCB_WRITE_REGISTERS ? b + 1 : b;
        return invoke(obj, &m);
    }
    }
}

static mica_error_t op_ipc(unsigned op)
{
    static const mica_word_t nrs[] = {
        [OP_SEND] = MICA_SYS_SEND,     [OP_NBSEND] = MICA_SYS_NBSEND,
        [OP_CALL] = MICA_SYS_CALL,     [OP_RECV] = MICA_SYS_RECV,
        [OP_NBRECV] = MICA_SYS_NBRECV, [OP_REPLY_RECV] = MICA_SYS_REPLY_RECV,
    };
    struct mica_regs r = {{typed(K_IPC), 0, 0, 0, 0, 0, 0, nrs[op]}};
    struct msg m;

    if (op == OP_RECV || op == OP_NBRECV || op == OP_REPLY_RECV) {
        unsigned b = next();
        r.r[6] = b < 32 ? 0 : typed(K_REPLY);
        recv_slot();
    }
    if (op != OP_RECV && op != OP_NBRECV) {
        msg_ipc(&m);
        msg_load(&r, &m);
    }
    return sys(&r);
}

static mica_error_t op_other(unsigned op)
{
    struct mica_regs r = {{0}};
    unsigned b;

    switch (op) {
    case OP_YIELD: r.r[7] = MICA_SYS_YIELD; break;
    case OP_DEBUG_PUTC:
        r.r[0] = next();
        r.r[7] = MICA_SYS_DEBUG_PUTC;
        break;
    case OP_DEBUG_WRITE: {
        struct mica_ipc_buffer *buffer = buf();
        b = next();
        r.r[0] = b < 200 ? b % 16 : val();
        if (buffer)
            for (unsigned i = 0; i < 16; i++)
                ((char *)buffer->mr)[i] = (char)('a' + i);
        r.r[7] = MICA_SYS_DEBUG_WRITE;
        break;
    }
    case OP_DEBUG_CAP_TYPE:
        r.r[0] = cap();
        r.r[7] = MICA_SYS_DEBUG_CAP_TYPE;
        break;
    case OP_UNKNOWN_SYSCALL:
        b = next();
        r.r[7] = b < 128 ? 0 : b < 200 ? MICA_SYS_YIELD + 1 + b % 24 : val();
        if (r.r[7] == MICA_SYS_DEBUG_HALT)
            r.r[7] = 0;
        break;
    case OP_IRQ_INJECT: hosted_irq_inject(next() % 66); return MICA_OK;
    default: /* OP_USER_FAULT: a real fault in user code (host_fault.c turns it into a trap) */
        b = next();
        (b & 1 ? segv_entry : trap_entry)(b);
        return MICA_OK;
    }
    return sys(&r);
}

static void worker(mica_word_t arg)
{
    for (;;) {
        unsigned op = next() % FUZZ_NOPS;
        mica_error_t err;

        fuzz_input.ops[op]++;
        if (fuzz_input.trace)
            fuzz_trace_op(op, arg, fuzz_input.pos - 1);
        if (op <= OP_PAGE_TABLE_UNMAP || op == OP_INVOKE_ANY)
            err = op_invocation(op);
        else if (op <= OP_REPLY_RECV)
            err = op_ipc(op);
        else
            err = op_other(op);
        fuzz_input.ops_ok[op] += err == MICA_OK;
    }
}

/* ---- The fixed world every input starts from. ---- */

static void add_fixed(mica_cptr_t c)
{
    if (nfixed < MAX_FIXED)
        fixed[nfixed++] = c;
}

static bool setup_objects(mica_cptr_t *next_slot)
{
    static const mica_word_t types[] = {
        MICA_OBJ_ENDPOINT, MICA_OBJ_ENDPOINT,   MICA_OBJ_NOTIFICATION,  MICA_OBJ_NOTIFICATION,
        MICA_OBJ_REPLY,    MICA_OBJ_REPLY,      MICA_OBJ_CNODE,         MICA_OBJ_FRAME,
        MICA_OBJ_FRAME,    MICA_OBJ_TCB,        MICA_OBJ_SCHED_CONTEXT, MICA_OBJ_UNTYPED,
        MICA_OBJ_VSPACE,   MICA_OBJ_PAGE_TABLE,
    };
    mica_cptr_t s = *next_slot;

    for (unsigned i = 0; i < NHELPERS; i++) {
        helper_tcb[i] = s++, helper_sc[i] = s++, helper_reply[i] = s++;
        if (mica_untyped_retype(big, MICA_OBJ_TCB, 0, MICA_INIT_CNODE, 0, 0, helper_tcb[i], 1) ||
            mica_untyped_retype(big, MICA_OBJ_SCHED_CONTEXT, 0, MICA_INIT_CNODE, 0, 0, helper_sc[i],
                                1) ||
            mica_untyped_retype(big, MICA_OBJ_REPLY, 0, MICA_INIT_CNODE, 0, 0, helper_reply[i], 1))
            return false;
    }
    for (unsigned i = 0; i < 3; i++) {
        static const mica_word_t bits[] = {20, 16, 12};
        pools[i] = s++;
        if (mica_untyped_retype(big, MICA_OBJ_UNTYPED, bits[i], MICA_INIT_CNODE, 0, 0, pools[i], 1))
            return false;
    }
    scratch = s;
    for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        mica_word_t t = types[i];
        mica_word_t bits = t == MICA_OBJ_CNODE     ? 4
                           : t == MICA_OBJ_UNTYPED ? 14
                           : t == MICA_OBJ_FRAME   ? MICA_PAGE_BITS
                                                   : 0;
        if (mica_untyped_retype(big, t, bits, MICA_INIT_CNODE, 0, 0, scratch + i, 1))
            return false;
    }
    *next_slot = s + NSCRATCH;
    return true;
}

/* IPC buffers for the helpers (and a spare) from an Untyped whose cap is then deleted: nothing
 * can retype that memory again, so the harness may write into these frames whatever happens. */
static bool setup_safe_frames(const struct mica_bootinfo *bi, mica_cptr_t *next_slot)
{
    mica_cptr_t from = 0;
    mica_word_t addr;

    for (mica_word_t i = bi->untyped.start; i < bi->untyped.end; i++) {
        const struct mica_untyped_desc *u = &bi->untyped_list[i - bi->untyped.start];
        if (i != big && !u->is_device && u->size_bits >= MICA_PAGE_BITS + 2 &&
            (!from || u->size_bits < bi->untyped_list[from - bi->untyped.start].size_bits))
            from = i;
    }
    if (!from)
        return false;
    for (unsigned i = 0; i <= NHELPERS; i++) {
        safe_frame[i] = (*next_slot)++;
        if (mica_untyped_retype(from, MICA_OBJ_FRAME, MICA_PAGE_BITS, MICA_INIT_CNODE, 0, 0,
                                safe_frame[i], 1) ||
            mica_frame_get_address(safe_frame[i], &addr))
            return false;
        safe_buf[1 + i] = (const char *)addr;
    }
    return mica_cnode_delete(MICA_INIT_CNODE, from, D) == MICA_OK;
}

static bool setup_helpers(void)
{
    for (unsigned i = 0; i < NHELPERS; i++) {
        mica_word_t addr,
            regs[3] = {(mica_word_t)worker, (mica_word_t)(stacks[next_stack++] + STACK), i};
        if (mica_frame_get_address(safe_frame[i], &addr) ||
            mica_tcb_configure(helper_tcb[i], MICA_INIT_CNODE, MICA_INIT_VSPACE, addr,
                               safe_frame[i]) ||
            mica_tcb_set_mc_priority(helper_tcb[i], MICA_INIT_TCB, 255) ||
            mica_tcb_set_priority(helper_tcb[i], MICA_INIT_TCB, PRIO) ||
            mica_sched_control_configure(sched_control, helper_sc[i], 1000, 1000, 0, i + 1) ||
            mica_sched_context_bind(helper_sc[i], helper_tcb[i]) ||
            mica_tcb_write_registers(helper_tcb[i], 1, MICA_REG_PC, 3, regs))
            return false;
    }
    return true;
}

static void add_kind(enum kind k, mica_cptr_t c)
{
    if (nkind[k] < KIND_MAX)
        kinds[k][nkind[k]++] = c;
}

/* The scratch slots setup_objects filled (its types[] order), and the fixed objects. */
static void setup_kinds(void)
{
    add_kind(K_TCB, MICA_INIT_TCB);
    add_kind(K_TCB, scratch + 9);
    add_kind(K_SC, MICA_INIT_SCHED_CONTEXT);
    add_kind(K_SC, scratch + 10);
    for (unsigned i = 0; i < NHELPERS; i++) {
        add_kind(K_TCB, helper_tcb[i]);
        add_kind(K_SC, helper_sc[i]);
        add_kind(K_REPLY, helper_reply[i]);
    }
    add_kind(K_EP, scratch + 0);
    add_kind(K_EP, scratch + 1);
    add_kind(K_NTFN, scratch + 2);
    add_kind(K_NTFN, scratch + 3);
    add_kind(K_REPLY, scratch + 4);
    add_kind(K_REPLY, scratch + 5);
    for (unsigned k = K_EP; k <= K_REPLY; k++)
        for (unsigned i = 0; i < nkind[k]; i++)
            add_kind(K_IPC, kinds[k][i]);
    add_kind(K_FRAME, scratch + 7);
    add_kind(K_FRAME, scratch + 8);
    add_kind(K_FRAME, safe_frame[NHELPERS]);
    add_kind(K_FRAME, MICA_INIT_IPC_BUFFER);
    add_kind(K_FRAME, MICA_INIT_BOOTINFO);
    add_kind(K_PT, scratch + 13);
    add_kind(K_VSPACE, MICA_INIT_VSPACE);
    add_kind(K_VSPACE, scratch + 12);
}

static bool setup(const struct mica_bootinfo *bi)
{
    mica_cptr_t s = bi->empty.start;

    mpu = (bi->flags & MICA_BOOT_FLAG_MPU) != 0;
    sched_control = bi->sched_control.start;
    safe_buf[0] =
        (const char *)((mica_word_t)mica_ipc_buffer() & ~(((mica_word_t)1 << MICA_PAGE_BITS) - 1));
    for (mica_word_t i = bi->untyped.start; i < bi->untyped.end; i++)
        if (!big || bi->untyped_list[i - bi->untyped.start].size_bits >
                        bi->untyped_list[big - bi->untyped.start].size_bits)
            big = i;
    if (!big || !setup_safe_frames(bi, &s) || !setup_objects(&s))
        return false;
    for (mica_word_t i = bi->untyped.start; i < bi->untyped.end; i++)
        untypeds[nuntypeds++] = i;
    for (unsigned i = 0; i < 3; i++)
        untypeds[nuntypeds++] = pools[i];
    untypeds[nuntypeds++] = scratch + 11;
    for (mica_cptr_t c = MICA_INIT_TCB; c < MICA_INIT_FIRST_FREE_FIXED; c++)
        add_fixed(c);
    add_fixed(sched_control);
    for (unsigned i = 0; i < NHELPERS; i++) {
        add_fixed(helper_tcb[i]);
        add_fixed(helper_sc[i]);
        add_fixed(helper_reply[i]);
    }
    for (unsigned i = 0; i <= NHELPERS; i++)
        add_fixed(safe_frame[i]);
    for (unsigned i = 0; i < 3; i++)
        add_fixed(pools[i]);
    add_fixed(big);
    for (unsigned i = 0; i < NRECENT; i++)
        recent[i] = scratch + i;
    setup_kinds();
    return setup_helpers();
}

int mica_main(const struct mica_bootinfo *bi)
{
    /* A restart of the root thread (its PC written back to the entry) rejoins the workers. */
    if (!setup_done) {
        if (!setup(bi))
            halt(FUZZ_HALT_SETUP);
        setup_done = true;
        /* Down to the helpers' priority, behind them: from here on any thread may restart this
         * one (at the crt0 entry, which calls mica_main again) or give it another IPC buffer, so
         * a raw syscall: the runtime's stubs would store the reply's MRs into that buffer. */
        struct mica_regs r = {{MICA_INIT_TCB, mica_msginfo(MICA_TCB_SET_PRIORITY, 0, 1, 1), PRIO, 0,
                               0, 0, 0, MICA_SYS_CALL}};
        struct mica_ipc_buffer *b = buf();
        if (b)
            b->caps[0] = MICA_INIT_TCB;
        mica_syscall(&r);
    }
    worker(0);
    return 0;
}
