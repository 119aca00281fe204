/* SPDX-License-Identifier: MIT */
/* Threads: TCB state, registers and configuration (tcb.c). */
#ifndef MICA_TCB_H
#define MICA_TCB_H

#include "object.h"

/* The thread's IPC buffer as the kernel sees it, or NULL (also once its frame cap is gone). */
static inline struct mica_ipc_buffer *tcb_ipc_buf(const struct tcb *t)
{
    /* TCB_Configure only takes a frame cap with READ and WRITE, and a slot's cap never changes
     * while it holds one: the type alone says the kernel may use the buffer both ways. */
    return t->slots[TCB_IPC_BUFFER].cap.type == MICA_OBJ_FRAME ? t->ipc_buf : NULL;
}

static inline word_t tcb_reg(const struct tcb *t, unsigned reg)
{
    return hal_ctx_get(&t->ctx, reg);
}

static inline void tcb_set_reg(struct tcb *t, unsigned reg, word_t v)
{
    hal_ctx_set(&t->ctx, reg, v);
}

/* Message register i of t's current message: MR0..3 in registers, the rest in its IPC buffer. */
static inline word_t tcb_mr(const struct tcb *t, unsigned i)
{
    if (i < MICA_MSG_REGS)
        return tcb_reg(t, MICA_REG_ARG0 + 2 + i);
    const struct mica_ipc_buffer *b = tcb_ipc_buf(t);
    return b && i < MICA_MSG_MAX_LEN ? b->mr[i] : 0;
}

void tcb_init(struct tcb *t);
void tcb_suspend(struct tcb *t);
void tcb_resume(struct tcb *t);
/* The last cap to t is gone: it stops and is let go of by everything that points at it (the caps
 * in its slots are deleted afterwards, one step each: delete.c). */
void tcb_finalise_begin(struct tcb *t);
/* Put c, derived from src, into t's empty slot `which`; for the IPC buffer, t->ipc_buf_uaddr is
 * the address the thread sees it at. */
void tcb_install(struct tcb *t, enum tcb_slot which, struct cte *src, const struct cap *c);

#endif
