/* SPDX-License-Identifier: MIT */
/*
 * Syscall dispatch: IPC and notification syscalls, invocations (invocation.c), debug syscalls and
 * unknown ones (a fault). Every syscall the fast path (fastpath.c) does not complete comes here
 * (kernel.c).
 */
#include "cnode.h"
#include "fault.h"
#include "invocation.h"
#include "irq.h"
#include "ipc.h"
#include "notify.h"
#include "preempt.h"
#include "sched.h"
#include "syscall.h"
#include "tcb.h"

#define ARG(n) (MICA_REG_ARG0 + (n))

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
            return invocation_handle(t, slot, info);
        return notify_signal(&slot->cap);
    case MICA_OBJ_REPLY:
        if (nr == MICA_SYS_CALL)
            return MICA_ERR_ILLEGAL_OPERATION;
        ipc_reply(t, &slot->cap, info);
        return MICA_OK;
    default: return invocation_handle(t, slot, info);
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
#ifdef CONFIG_DEBUG_SYSCALLS
    case MICA_SYS_DEBUG_IRQ_CPU: {
        word_t cpu;
        int err = irq_debug_took(arg, &cpu);
        if (!err)
            tcb_set_reg(t, ARG(0), cpu);
        return err;
    }
#endif
    default: return MICA_ERR_UNKNOWN_SYSCALL;
    }
}

void syscall_handle(struct tcb *t)
{
    word_t nr = tcb_reg(t, ARG(7));
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
