/* SPDX-License-Identifier: MIT */
/*
 * Syscall dispatch and the kernel's main loop. Each CPU runs the highest-priority ready thread
 * with hal_user_run until it traps, handles the trap, and picks again: the kernel is a plain
 * loop around the arch's "run user code until something happens" (Tock's switch_to_process).
 * Invocations are decoded (and may fail) before anything changes.
 */
#include "cnode.h"
#include "fastpath.h"
#include "fault.h"
#include "invariants.h"
#include "invocation.h"
#include "ipc.h"
#include "irq.h"
#include "notify.h"
#include "preempt.h"
#include "sched.h"
#include "syscall.h"
#include "tcb.h"
#include "vspace.h"

#define ARG(n) (MICA_REG_ARG0 + (n))

word_t inv_mr(const struct inv *inv, unsigned i)
{
    if (i < MICA_MSG_REGS)
        return tcb_reg(inv->t, ARG(2 + i));
    struct mica_ipc_buffer *b = tcb_ipc_buf(inv->t);
    return b ? b->mr[i] : 0;
}

int inv_cap(const struct inv *inv, unsigned i, struct cte **slot)
{
    struct mica_ipc_buffer *b = tcb_ipc_buf(inv->t);

    if (i >= inv->ncaps || !b)
        return MICA_ERR_TRUNCATED_MESSAGE;
    if (b->caps[i] == 0) {
        *slot = NULL;
        return MICA_OK;
    }
    return cnode_lookup(inv->t, b->caps[i], slot);
}

int inv_cap_typed(const struct inv *inv, unsigned i, unsigned type, bool allow_null,
                  struct cte **slot)
{
    int err = inv_cap(inv, i, slot);

    if (err)
        return err;
    if (*slot && (*slot)->cap.type == MICA_CAP_NULL)
        *slot = NULL;
    if (!*slot)
        return allow_null ? MICA_OK : MICA_ERR_INVALID_CAPABILITY;
    return (*slot)->cap.type == type ? MICA_OK : MICA_ERR_INVALID_CAPABILITY;
}

void inv_ret(struct inv *inv, unsigned i, word_t v)
{
    if (i < MICA_MSG_REGS) {
        tcb_set_reg(inv->t, ARG(2 + i), v);
    } else {
        struct mica_ipc_buffer *b = tcb_ipc_buf(inv->t);
        if (!b)
            return;
        b->mr[i] = v;
    }
    if (i + 1 > inv->nret)
        inv->nret = i + 1;
}

static int invoke(struct tcb *t, struct cte *slot, word_t info)
{
    struct inv inv = {
        .t = t,
        .slot = slot,
        .label = mica_msginfo_label(info),
        .len = mica_msginfo_len(info),
        .ncaps = mica_msginfo_caps(info),
    };
    int err;

    if (inv.len > MICA_MSG_MAX_LEN)
        inv.len = MICA_MSG_MAX_LEN;
    if (inv.len > MICA_MSG_REGS && !tcb_ipc_buf(t))
        inv.len = MICA_MSG_REGS;
    for (unsigned i = 0; i < inv.len && i < INV_MAX_MR; i++)
        inv.mr[i] = inv_mr(&inv, i);
    switch (slot->cap.type) {
    case MICA_OBJ_UNTYPED: err = untyped_decode(&inv); break;
    case MICA_OBJ_CNODE: err = cnode_decode(&inv); break;
    case MICA_OBJ_TCB: err = tcb_decode(&inv); break;
    case MICA_OBJ_SCHED_CONTEXT:
    case MICA_CAP_SCHED_CONTROL: err = sched_context_decode(&inv); break;
    case MICA_OBJ_FRAME:
    case MICA_OBJ_PAGE_TABLE: err = frame_decode(&inv); break;
    case MICA_CAP_IRQ_CONTROL:
    case MICA_CAP_IRQ_HANDLER: err = irq_decode(&inv); break;
    default: err = MICA_ERR_ILLEGAL_OPERATION; break;
    }
    /* A preempted invocation is run again from the start: its arguments must stay as they are. */
    if (err != SYSCALL_PREEMPTED)
        tcb_set_reg(t, ARG(1), mica_msginfo(0, 0, 0, inv.nret));
    return err;
}

/* The cap a syscall names in ARG0: INVALID_CAPABILITY if it does not resolve or is empty. */
static struct cte *syscall_cap(struct tcb *t)
{
    struct cte *slot;

    if (cnode_lookup(t, tcb_reg(t, ARG(0)), &slot) || slot->cap.type == MICA_CAP_NULL)
        return NULL;
    return slot;
}

/* ARG6: the Reply cap for a receive; cptr 0 means none. */
static int syscall_reply(struct tcb *t, struct cte **reply)
{
    word_t cptr = tcb_reg(t, ARG(6));

    *reply = NULL;
    if (cptr == 0)
        return MICA_OK;
    if (cnode_lookup(t, cptr, reply) || (*reply)->cap.type != MICA_OBJ_REPLY)
        return MICA_ERR_INVALID_CAPABILITY;
    return MICA_OK;
}

static struct reply *reply_obj(struct cte *slot)
{
    return slot ? cap_ptr(&slot->cap) : NULL;
}

static int sys_send(struct tcb *t, word_t nr)
{
    struct cte *slot = syscall_cap(t);
    word_t info = tcb_reg(t, ARG(1));

    if (!slot)
        return MICA_ERR_INVALID_CAPABILITY;
    switch (slot->cap.type) {
    case MICA_OBJ_ENDPOINT:
        return ipc_send(t, &slot->cap, info, nr != MICA_SYS_NBSEND, nr == MICA_SYS_CALL);
    case MICA_OBJ_NOTIFICATION:
        /* Signal is Send/NBSend; a Call on a notification is an invocation, of which it has
         * none. */
        if (nr == MICA_SYS_CALL)
            return invoke(t, slot, info);
        return notify_signal(&slot->cap);
    case MICA_OBJ_REPLY:
        if (nr == MICA_SYS_CALL)
            return MICA_ERR_ILLEGAL_OPERATION;
        ipc_reply(t, &slot->cap, info);
        return MICA_OK;
    default: return invoke(t, slot, info);
    }
}

static int sys_recv(struct tcb *t, bool block)
{
    struct cte *slot = syscall_cap(t), *reply;
    int err;

    if (!slot)
        return MICA_ERR_INVALID_CAPABILITY;
    switch (slot->cap.type) {
    case MICA_OBJ_ENDPOINT:
        if ((err = syscall_reply(t, &reply)))
            return err;
        return ipc_recv(t, &slot->cap, reply_obj(reply), block);
    case MICA_OBJ_NOTIFICATION: return notify_wait(t, &slot->cap, block);
    default: return MICA_ERR_INVALID_CAPABILITY;
    }
}

static int sys_reply_recv(struct tcb *t)
{
    struct cte *slot = syscall_cap(t), *reply;
    int err;

    if (!slot || slot->cap.type != MICA_OBJ_ENDPOINT || !(slot->cap.rights & MICA_RIGHT_READ))
        return MICA_ERR_INVALID_CAPABILITY;
    if ((err = syscall_reply(t, &reply)))
        return err;
    if (reply)
        ipc_reply(t, &reply->cap, tcb_reg(t, ARG(1)));
    return ipc_recv(t, &slot->cap, reply_obj(reply), true);
}

static int sys_debug(struct tcb *t, word_t nr)
{
    struct cte *slot;
    word_t arg = tcb_reg(t, ARG(0));

    switch (nr) {
    case MICA_SYS_DEBUG_PUTC: hal_console_putc((char)arg); return MICA_OK;
    case MICA_SYS_DEBUG_WRITE: {
        const struct mica_ipc_buffer *b = tcb_ipc_buf(t);
        if (!b || arg > sizeof(b->mr))
            return MICA_ERR_RANGE;
        for (word_t i = 0; i < arg; i++)
            hal_console_putc(((const char *)b->mr)[i]);
        return MICA_OK;
    }
    case MICA_SYS_DEBUG_HALT: hal_halt((int)arg);
    case MICA_SYS_DEBUG_CAP_TYPE:
        if (cnode_lookup(t, arg, &slot))
            return MICA_ERR_FAILED_LOOKUP;
        tcb_set_reg(t, ARG(0), slot->cap.type);
        return MICA_OK;
    default: return MICA_ERR_UNKNOWN_SYSCALL;
    }
}

/* The generic path for every syscall, inline in its only caller, syscall_slow_path. */
static inline __attribute__((always_inline)) void syscall_slow(struct tcb *t, word_t nr)
{
    int err;

    switch (nr) {
    case MICA_SYS_CALL:
    case MICA_SYS_SEND:
    case MICA_SYS_NBSEND: err = sys_send(t, nr); break;
    case MICA_SYS_RECV: err = sys_recv(t, true); break;
    case MICA_SYS_NBRECV: err = sys_recv(t, false); break;
    case MICA_SYS_REPLY_RECV: err = sys_reply_recv(t); break;
    case MICA_SYS_YIELD:
        sched_slice_yield(t);
        err = MICA_OK;
        break;
    default:
        err = IS_ENABLED(CONFIG_DEBUG_SYSCALLS) ? sys_debug(t, nr) : MICA_ERR_UNKNOWN_SYSCALL;
        if (err == MICA_ERR_UNKNOWN_SYSCALL) {
            /* A fault; if the handler resumes the thread as it is, the syscall returns this. */
            tcb_set_reg(t, ARG(7), (word_t)err);
            fault_raise(t, MICA_FAULT_UNKNOWN_SYSCALL, 0, nr);
            return;
        }
        break;
    }
    if (err == SYSCALL_PREEMPTED)
        hal_ctx_restart_syscall(&t->ctx);
    else if (err != SYSCALL_BLOCKED)
        tcb_set_reg(t, ARG(7), (word_t)err);
}

/* Out of line, so that the kernel loop, where syscall_handle and kernel_trap are inlined, calls
 * the fast path functions directly and keeps no registers for the slow path (a fast Call or
 * ReplyRecv then runs without any frame between the loop and fastpath.c). */
__attribute__((noinline)) void syscall_slow_path(struct tcb *t)
{
    syscall_slow(t, tcb_reg(t, ARG(7)));
}

void syscall_handle(struct tcb *t)
{
    word_t nr = tcb_reg(t, ARG(7));

    /* The common Call / ReplyRecv cases, done without the generic path (fastpath.c), which
     * takes the slow path itself when they do not apply. */
    if (nr == MICA_SYS_CALL) {
        fastpath_call(t);
        return;
    }
    if (nr == MICA_SYS_REPLY_RECV) {
        fastpath_reply_recv(t);
        return;
    }
    syscall_slow_path(t);
}

static inline __attribute__((always_inline)) void kernel_trap(struct cpu *c, struct tcb *t,
                                                              const struct hal_trap *trap)
{
    switch (trap->kind) {
    case HAL_TRAP_SYSCALL: syscall_handle(t); break;
    case HAL_TRAP_FAULT:
        fault_raise(t, trap->fault_type, trap->fault_addr, trap->fault_detail);
        break;
    case HAL_TRAP_TIMER:
        /* The arch disarmed the one-shot timer, which may have fired early (hal.h):
         * sched_after_trap sees what came due by the clock, and sched_next arms it again. */
        c->armed = 0;
        break;
    case HAL_TRAP_IRQ: irq_handle(trap->irq); break;
    }
}

/* After a trap: enforce budget and timeslice, check the invariants, pick what runs next. */
static struct tcb *kernel_next(struct cpu *c)
{
    if (!IS_ENABLED(CONFIG_INVARIANTS))
        return sched_after_trap_next(c);
    sched_after_trap(c);
    invariants_check();
    return sched_next(c);
}

_Noreturn void kernel_run(void)
{
    struct cpu *c = &cpus[hal_cpu_id()];
    struct hal_trap trap;
    /* The first pick: nothing has run, so the budget and slice checks have nothing to do and
     * this is sched_next; without the invariant checker sched_next is then not linked at all. */
    struct tcb *t = kernel_next(c);

    for (;;) {
        if (!t) {
            if (CONFIG_LOG_LEVEL >= KLOG_DEBUG)
                invariants_dump();
            hal_idle(&trap);
            kernel_trap(c, NULL, &trap);
            t = kernel_next(c);
            continue;
        }
        vspace_switch(t);
        hal_user_run(&t->ctx, &trap);
        kernel_trap(c, t, &trap);
        t = kernel_next(c);
    }
}
