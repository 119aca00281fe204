/* SPDX-License-Identifier: MIT */
/* Threads: TCB state, registers and configuration (tcb.c). */
#ifndef MICA_TCB_H
#define MICA_TCB_H

#include "object.h"

/* The thread's IPC buffer as the kernel sees it, or NULL (also once its frame cap is gone). */
static inline struct mica_ipc_buffer *tcb_ipc_buf(const struct tcb *t)
{
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

void tcb_init(struct tcb *t);
void tcb_suspend(struct tcb *t);
void tcb_resume(struct tcb *t);
void tcb_destroy(struct tcb *t);
/* Install a derived copy of src in the TCB's slot (deleting what was there). */
void tcb_set_slot(struct tcb *t, enum tcb_slot which, struct cte *src);
void tcb_set_ipc_buffer(struct tcb *t, word_t uaddr, struct cte *frame);

#endif
