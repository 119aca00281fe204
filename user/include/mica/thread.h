/* SPDX-License-Identifier: MIT */
/*
 * Threads in one call: mica_thread_create makes the TCB, an optional SchedContext, the IPC
 * buffer and the stack, configures them and starts fn(arg). fn may return: the thread then
 * records that it exited, signals attr.exit_ntfn (if any) and suspends itself, so
 * mica_thread_join can wait for it and mica_thread_destroy can take it apart.
 */
#ifndef MICA_THREAD_H
#define MICA_THREAD_H

#include <mica/toolkit.h>

typedef void (*mica_thread_fn)(mica_word_t arg);

struct mica_thread_attr {
    unsigned priority; /* at most the MCP of env->self_tcb */
    unsigned mcp;      /* the thread's own maximum controlled priority (0 = none) */
    /* CPU time: a SchedContext of budget_us every period_us (0: no SchedContext, a passive
     * thread). period_us 0 means period = budget (round robin). badge: reported in timeouts. */
    mica_word_t budget_us, period_us, sc_badge;
    /* The stack: the caller's (stack, stack_size), or stack NULL: stack_size bytes (default
     * MICA_THREAD_STACK) of fresh frames, with an unmapped guard page below on MMU boards. On
     * hosted, where threads run on the host and a frame's memory goes back to the kernel (which
     * zeroes it) when its Untyped is revoked, the stack comes from the runtime's own pool
     * instead: MICA_HOSTED_STACKS stacks of up to MICA_HOSTED_STACK bytes. */
    void *stack;
    mica_word_t stack_size;
    /* The IPC buffer: the caller's frame ipc_frame, mapped at ipc_vaddr (the caller keeps it:
     * e.g. one MPU region of consecutive frames for many threads), or 0: a fresh frame. */
    mica_cptr_t ipc_frame;
    mica_word_t ipc_vaddr;
    mica_cptr_t fault_ep;  /* fault handler (0: none) */
    mica_cptr_t exit_ntfn; /* signalled when fn returns (0: none) */
    bool suspended;        /* create only; mica_thread_start runs it */
};

#define MICA_THREAD_STACK  16384
#define MICA_HOSTED_STACKS 32
#define MICA_HOSTED_STACK  32768

/* The user runtime's stacks on arches whose threads run on host memory (hosted): a stack of at
 * least size bytes, or NULL (none left, too big, or an arch without a pool); and back. */
void *mica_arch_stack_get(mica_word_t size);
void mica_arch_stack_put(void *stack);

enum mica_thread_state { MICA_THREAD_CREATED, MICA_THREAD_RUNNING, MICA_THREAD_EXITED };

struct mica_thread {
    mica_cptr_t tcb, sc, ipc_frame;
    mica_word_t ipc_vaddr;
    bool ipc_borrowed;         /* ipc_frame is the caller's (attr.ipc_frame) */
    struct mica_mem stack_mem; /* when the toolkit made the stack of frames */
    void *host_stack;          /* hosted: when the runtime's stack pool gave it */
    mica_word_t stack_size;    /* the stack's usable size, whoever made it */
    mica_word_t sp;
    mica_thread_fn fn;
    mica_word_t arg;
    mica_cptr_t exit_ntfn;
    volatile int state; /* enum mica_thread_state */
};

/*
 * Create a thread in the caller's CSpace and VSpace (env's) and start it. On failure everything
 * made so far is deleted again. The error is the first invocation that failed (with
 * env->alloc's MICA_ERR_RANGE / MICA_ERR_NOT_ENOUGH_MEMORY when slots or memory run out).
 */
mica_error_t mica_thread_create(struct mica_thread *t, struct mica_env *env,
                                const struct mica_thread_attr *attr, mica_thread_fn fn,
                                mica_word_t arg);
/* Start a created (suspended) thread: PC, SP and ARG0 written, then Resume. */
mica_error_t mica_thread_start(struct mica_thread *t);
/* Run fn(arg) from the top of the stack again, e.g. after it exited or faulted; resumes through
 * TCB_WriteRegisters. */
mica_error_t mica_thread_restart(struct mica_thread *t, mica_thread_fn fn, mica_word_t arg);
/* Wait on t's exit notification until it has exited (needs attr.exit_ntfn). */
mica_error_t mica_thread_join(struct mica_thread *t);
/* Suspend and delete the thread and everything mica_thread_create made for it. */
void mica_thread_destroy(struct mica_thread *t, struct mica_env *env);

#endif
