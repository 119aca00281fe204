/* SPDX-License-Identifier: MIT */
/*
 * Hosted thread contexts. Each user thread runs on its own host stack; hal_user_enter switches
 * from the kernel stack to it with hosted_switch (switch.S), and the user's syscall stub comes
 * back through hosted_trap, which is this arch's trap instruction. Writing PC or SP restarts the
 * thread: it next runs the C function PC(ARG0) on a fresh frame at SP.
 */
#include <mica/mica.h>

#include "hal.h"
#include "hosted.h"

#ifdef CONFIG_SANITIZERS
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

/* What ASan is told about a thread stack we only know the top of. */
#define HOSTED_STACK_GUESS (64u << 10)

void hosted_switch(void **save_sp, void *new_sp);
void hosted_thread_entry(void);
_Noreturn void hosted_thread_start(word_t pc, word_t arg);

word_t *hosted_user_args;
void *hosted_user_ipc_buffer;
volatile bool hosted_user_running;

static struct arch_ctx *current;
static void *kernel_sp;
static struct hal_trap pending; /* filled on the user side, read by run() */
static const void *kstack_bottom;
static size_t kstack_size;

void hal_ctx_init(struct arch_ctx *ctx, word_t pc, word_t sp)
{
    for (unsigned i = 0; i < ARCH_NUM_REGS; i++)
        ctx->regs[i] = 0;
    ctx->regs[MICA_REG_PC] = pc;
    ctx->regs[MICA_REG_SP] = sp;
    ctx->fresh = 1;
    ctx->faulted = 0;
}

word_t hal_ctx_get(const struct arch_ctx *ctx, unsigned reg)
{
    return ctx->regs[reg];
}

void hal_ctx_set(struct arch_ctx *ctx, unsigned reg, word_t val)
{
    ctx->regs[reg] = val;
    if (reg == MICA_REG_PC || reg == MICA_REG_SP)
        ctx->fresh = 1;
}

/* User code on hosted uses the kernel's pointer; the user address means nothing here. */
void hal_ctx_set_ipc_buffer(struct arch_ctx *ctx, word_t uaddr, void *kptr)
{
    (void)uaddr;
    ctx->ipc_buffer = kptr;
}

/* Sanitizer bookkeeping around a stack switch (no-ops without CONFIG_SANITIZERS). */
static inline void fiber_leave(void **fake, const void *bottom, size_t size)
{
#ifdef CONFIG_SANITIZERS
    __sanitizer_start_switch_fiber(fake, bottom, size);
#else
    (void)fake, (void)bottom, (void)size;
#endif
}

static inline void fiber_enter(void *fake, const void **old_bottom, size_t *old_size)
{
#ifdef CONFIG_SANITIZERS
    __sanitizer_finish_switch_fiber(fake, old_bottom, old_size);
#else
    (void)fake, (void)old_bottom, (void)old_size;
#endif
}

/* Back to the kernel stack with *trap describing why. */
static void to_kernel(struct arch_ctx *ctx)
{
    fiber_leave(&ctx->asan_fake_stack, kstack_bottom, kstack_size);
    hosted_switch(&ctx->host_sp, kernel_sp);
    fiber_enter(ctx->asan_fake_stack, NULL, NULL);
}

void hal_ctx_restart_syscall(struct arch_ctx *ctx)
{
    ctx->restart = 1;
}

/* The syscall "instruction": a restarted syscall (a preempted long operation) traps again, with
 * the ARG registers the kernel left as they were. */
void hosted_trap(void)
{
    do {
        hosted_user_running = false;
        pending.kind = HAL_TRAP_SYSCALL;
        current->restart = 0;
        to_kernel(current);
    } while (current->restart);
}

_Noreturn void hosted_thread_start(word_t pc, word_t arg)
{
    fiber_enter(NULL, &kstack_bottom, &kstack_size);
    ((void (*)(word_t))pc)(arg);
    /* Returning from the thread's function is a fault: there is nowhere to return to. */
    for (;;) {
        hosted_user_running = false;
        pending = (struct hal_trap){.kind = HAL_TRAP_FAULT,
                                    .fault_type = MICA_FAULT_USER_EXCEPTION,
                                    .fault_detail = MICA_EXC_OTHER};
        to_kernel(current);
    }
}

/* From host_fault.c's signal handler (signals blocked, on the alternate stack): the running
 * thread faulted at host address pc, which its PC register now says, as on hardware. */
void hosted_fault_record(struct hal_trap trap, word_t pc)
{
    current->faulted = 1;
    current->fault_type = trap.fault_type;
    current->fault_addr = trap.fault_addr;
    current->fault_detail = trap.fault_detail;
    current->regs[MICA_REG_PC] = pc;
}

static void fault_trap(const struct arch_ctx *ctx, struct hal_trap *trap)
{
    *trap = (struct hal_trap){.kind = HAL_TRAP_FAULT,
                              .fault_type = ctx->fault_type,
                              .fault_addr = ctx->fault_addr,
                              .fault_detail = ctx->fault_detail};
}

/* Where the signal handler sends a faulted thread, on host_fault.c's fault stack: enter the
 * kernel. The kernel never switches back here (run() reports the fault instead). */
__attribute__((no_sanitize("address"))) _Noreturn void hosted_fault_entry(void)
{
    for (;;) {
        fault_trap(current, &pending);
        to_kernel(current);
    }
}

/* Build the frame hosted_switch pops: callee-saved registers (r12 = PC, r13 = ARG0) and a return
 * into hosted_thread_entry. */
static bool ctx_restart(struct arch_ctx *ctx)
{
    word_t pc = ctx->regs[MICA_REG_PC];
    word_t top = ctx->regs[MICA_REG_SP] & ~(word_t)15;

    if (!pc || top < 64)
        return false;
    word_t *sp = (word_t *)top - 8;
    sp[0] = sp[1] = sp[4] = sp[5] = sp[7] = 0;
    sp[2] = ctx->regs[MICA_REG_ARG0];
    sp[3] = pc;
    sp[6] = (word_t)hosted_thread_entry;
    ctx->host_sp = sp;
    ctx->stack_top = top;
    ctx->fresh = 0;
    ctx->faulted = 0;
#ifdef CONFIG_SANITIZERS
    /* Frames abandoned by a restart left their redzones poisoned. */
    __asan_unpoison_memory_region((void *)(top - HOSTED_STACK_GUESS / 2), HOSTED_STACK_GUESS / 2);
#endif
    return true;
}

/* Run ctx until it traps, and describe the trap. */
static void run(struct arch_ctx *ctx, struct hal_trap *trap)
{
    void *fake = NULL;

    if (hosted_pending_event(trap))
        return;
    if (ctx->fresh && !ctx_restart(ctx)) {
        *trap = (struct hal_trap){.kind = HAL_TRAP_FAULT,
                                  .fault_type = MICA_FAULT_MEMORY,
                                  .fault_addr = ctx->regs[MICA_REG_PC],
                                  .fault_detail = MICA_VM_EXEC};
        return;
    }
    if (ctx->faulted) {
        /* Resumed as it was: the faulting instruction would fault again. */
        fault_trap(ctx, trap);
        hosted_time_advance();
        return;
    }
    current = ctx;
    hosted_user_args = &ctx->regs[MICA_REG_ARG0];
    hosted_user_ipc_buffer = ctx->ipc_buffer;
    fiber_leave(&fake, (const void *)(ctx->stack_top - HOSTED_STACK_GUESS), HOSTED_STACK_GUESS);
    hosted_user_running = true;
    hosted_switch(&kernel_sp, ctx->host_sp);
    hosted_user_running = false;
    fiber_enter(fake, NULL, NULL);
    *trap = pending;
    hosted_time_advance();
}

/* The kernel stack here is the host's main stack: the loop keeps one frame on it, and every trap
 * enters the core from that frame, so nothing piles up between traps as on a bare-metal arch. */
_Noreturn void hal_user_enter(struct arch_ctx *ctx)
{
    for (;;) {
        struct hal_trap trap;
        run(ctx, &trap);
        ctx = kernel_trap(ctx, &trap);
    }
}
