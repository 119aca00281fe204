/* SPDX-License-Identifier: MIT */
/*
 * One-call threads (<mica/thread.h>). Every thread starts in mica_thread_entry with ARG0 = its
 * struct mica_thread, which calls fn(arg) and, when fn returns, marks the thread exited, signals
 * its exit notification and suspends it: a thread function may return on every board.
 */
#include <mica/thread.h>

#define DEPTH MICA_WORD_BITS

/* Arches whose threads run on their own memory have no pool (user/arch/hosted has one). */
__attribute__((weak)) void *mica_arch_stack_get(mica_word_t size)
{
    (void)size;
    return 0;
}

__attribute__((weak)) void mica_arch_stack_put(void *stack)
{
    (void)stack;
}

static void mica_thread_entry(mica_word_t self)
{
    struct mica_thread *t = (struct mica_thread *)self;

    t->fn(t->arg);
    t->state = MICA_THREAD_EXITED;
    if (t->exit_ntfn)
        mica_signal(t->exit_ntfn);
    mica_tcb_suspend(t->tcb);
    /* Only reached if t->tcb does not name this thread in its CSpace: returning from here
     * faults, which its fault handler (or the kernel's log line) reports. */
}

/* The IPC buffer: the caller's, or one frame; a page of the window on MMU boards, its own
 * address on MPU ones. */
static mica_error_t make_ipc_buffer(struct mica_thread *t, struct mica_env *env,
                                    const struct mica_thread_attr *attr)
{
    struct mica_mem m;

    if (attr->ipc_frame) {
        t->ipc_frame = attr->ipc_frame;
        t->ipc_vaddr = attr->ipc_vaddr;
        t->ipc_borrowed = true;
        return MICA_OK;
    }
    mica_error_t err = mica_vspace_alloc(&env->vspace, (mica_word_t)1 << MICA_PAGE_BITS,
                                         MICA_VM_READ | MICA_VM_WRITE, false, &m);
    if (err)
        return err;
    t->ipc_frame = m.frames;
    t->ipc_vaddr = m.vaddr;
    return MICA_OK;
}

static mica_error_t make_stack(struct mica_thread *t, struct mica_env *env,
                               const struct mica_thread_attr *attr)
{
    mica_word_t size = attr->stack_size ? attr->stack_size : MICA_THREAD_STACK;

    t->stack_size = size;
    if (attr->stack) {
        t->sp = ((mica_word_t)attr->stack + size) & ~(mica_word_t)15;
        return MICA_OK;
    }
    /* Where mappings are bookkeeping (hosted), a thread runs on host memory: a frame's would be
     * zeroed by the kernel when reused, over what ASan still marks as the dead thread's frames. */
    if (!(env->flags & MICA_BOOT_FLAG_REAL_MEM)) {
        if (!(t->host_stack = mica_arch_stack_get(size)))
            return MICA_ERR_NOT_ENOUGH_MEMORY;
        t->sp = ((mica_word_t)t->host_stack + size) & ~(mica_word_t)15;
        return MICA_OK;
    }
    mica_error_t err =
        mica_vspace_alloc(&env->vspace, size, MICA_VM_READ | MICA_VM_WRITE, true, &t->stack_mem);
    if (err)
        return err;
    t->sp = ((mica_word_t)t->stack_mem.ptr + t->stack_mem.size) & ~(mica_word_t)15;
    return MICA_OK;
}

static mica_error_t make_sc(struct mica_thread *t, struct mica_env *env,
                            const struct mica_thread_attr *attr)
{
    mica_word_t period = attr->period_us ? attr->period_us : attr->budget_us;
    mica_error_t err;

    if (!attr->budget_us)
        return MICA_OK;
    if (!env->sched_control)
        return MICA_ERR_INVALID_CAPABILITY;
    if ((err = mica_alloc_object(&env->alloc, MICA_OBJ_SCHED_CONTEXT, 0, &t->sc)))
        return err;
    if ((err = mica_sched_control_configure(env->sched_control, t->sc, attr->budget_us, period, 0,
                                            attr->sc_badge)))
        return err;
    return mica_sched_context_bind(t->sc, t->tcb);
}

mica_error_t mica_thread_create(struct mica_thread *t, struct mica_env *env,
                                const struct mica_thread_attr *attr, mica_thread_fn fn,
                                mica_word_t arg)
{
    mica_error_t err;

    *t = (struct mica_thread){.fn = fn, .arg = arg, .exit_ntfn = attr->exit_ntfn};
    if ((err = mica_alloc_object(&env->alloc, MICA_OBJ_TCB, 0, &t->tcb)) ||
        (err = make_ipc_buffer(t, env, attr)) || (err = make_stack(t, env, attr)) ||
        (err = mica_tcb_configure(t->tcb, env->alloc.cnode, env->vspace.cap, t->ipc_vaddr,
                                  t->ipc_frame)) ||
        (err = mica_tcb_set_priority(t->tcb, env->self_tcb, attr->priority)) ||
        (attr->mcp && (err = mica_tcb_set_mc_priority(t->tcb, env->self_tcb, attr->mcp))) ||
        (attr->fault_ep && (err = mica_tcb_set_fault_handler(t->tcb, attr->fault_ep))) ||
        (err = make_sc(t, env, attr)) || (!attr->suspended && (err = mica_thread_start(t)))) {
        mica_thread_destroy(t, env);
        return err;
    }
    return MICA_OK;
}

static mica_error_t write_start(struct mica_thread *t, mica_word_t resume)
{
    mica_word_t regs[3] = {(mica_word_t)mica_thread_entry, t->sp, (mica_word_t)t};

    t->state = MICA_THREAD_RUNNING;
    return mica_tcb_write_registers(t->tcb, resume, MICA_REG_PC, 3, regs);
}

mica_error_t mica_thread_start(struct mica_thread *t)
{
    mica_error_t err = write_start(t, 0);

    return err ? err : mica_tcb_resume(t->tcb);
}

mica_error_t mica_thread_restart(struct mica_thread *t, mica_thread_fn fn, mica_word_t arg)
{
    t->fn = fn;
    t->arg = arg;
    return write_start(t, 1);
}

mica_error_t mica_thread_join(struct mica_thread *t)
{
    if (!t->exit_ntfn)
        return MICA_ERR_INVALID_CAPABILITY;
    while (t->state != MICA_THREAD_EXITED) {
        mica_error_t err = mica_wait(t->exit_ntfn, 0);
        if (err)
            return err;
    }
    return MICA_OK;
}

void mica_thread_destroy(struct mica_thread *t, struct mica_env *env)
{
    if (t->tcb) {
        mica_tcb_suspend(t->tcb);
        mica_alloc_free(&env->alloc, t->tcb);
    }
    if (t->sc)
        mica_alloc_free(&env->alloc, t->sc);
    if (t->ipc_frame && !t->ipc_borrowed)
        mica_alloc_free(&env->alloc, t->ipc_frame);
    mica_vspace_free(&env->vspace, &t->stack_mem);
    if (t->host_stack)
        mica_arch_stack_put(t->host_stack);
    t->host_stack = 0;
    t->tcb = t->sc = t->ipc_frame = 0;
}
