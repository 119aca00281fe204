/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M thread contexts (register access by id is inline in arch.h) and the description of
 * every exception but SVCall, which trap.S handles itself: NVIC lines are interrupts (and the
 * kernel's timers, irq.c), faults (fault.c, code off the hot paths) become user faults.
 */
#include <string.h>

#include "armv8m.h"
#include "klog.h"

/* All registers zero but pc, sp, the Thumb bit and r9, the IPC buffer register (user/arch/armv8m),
 * which survives a restart whether the core configured the buffer before or after. */
void hal_ctx_init(struct arch_ctx *ctx, word_t pc, word_t sp)
{
    word_t ipc_buffer = ctx->ipc_buffer;

    memset(ctx, 0, sizeof(*ctx));
    ctx->frame[ARCH_FRAME_PC] = pc & ~(word_t)1;
    ctx->frame[ARCH_FRAME_XPSR] = XPSR_T;
    ctx->sp = sp;
    ctx->r4_11[9 - 4] = ctx->ipc_buffer = ipc_buffer;
}

/* The stacked PC is past the svc, which is always 2 bytes (T1; there is no 32-bit SVC). */
void hal_ctx_restart_syscall(struct arch_ctx *ctx)
{
    ctx->frame[ARCH_FRAME_PC] -= 2;
}

void hal_ctx_set_ipc_buffer(struct arch_ctx *ctx, word_t uaddr, void *kptr)
{
    (void)kptr;
    ctx->r4_11[9 - 4] = ctx->ipc_buffer = uaddr;
}

/* An interrupt, from a thread or the idle loop; false if there is nothing to report. */
static bool interrupt(word_t exc, struct hal_trap *trap)
{
    if (exc >= EXC_IRQ0)
        return armv8m_irq_take(exc - EXC_IRQ0, trap);
    return false; /* PendSV or SysTick, which the kernel does not use after boot */
}

_Static_assert(MICA_SYS_CALL == 1 && MICA_SYS_REPLY_RECV == 2, "trap.S repeats the numbers");
_Static_assert(offsetof(struct arch_ctx, r4_11[3]) == 12, "trap.S reads r7 there");

struct arch_ctx *armv8m_trap(struct arch_ctx *ctx, word_t exc, word_t psp);
bool armv8m_idle_trap(struct hal_trap *trap, word_t exc);

/* The hardware frame on the thread's stack into ctx, and the SP the thread had above it. */
void armv8m_frame_in(struct arch_ctx *ctx, word_t psp)
{
    const word_t *frame = (const word_t *)(uintptr_t)psp;

    for (unsigned i = 0; i < 8; i++)
        ctx->frame[i] = frame[i];
    ctx->sp = psp + 32;
    if (ctx->frame[ARCH_FRAME_XPSR] & XPSR_SPREALIGN) {
        ctx->sp += 4;
        ctx->frame[ARCH_FRAME_XPSR] &= ~XPSR_SPREALIGN;
    }
}

/*
 * Every exception from a thread but SVCall (trap.S has saved r4-r11): a fault goes to fault.c,
 * anything else copies the frame and is described here; then the core. Returns the context to run
 * next: the same one when there is nothing to report (the clock's wrap).
 */
struct arch_ctx *armv8m_trap(struct arch_ctx *ctx, word_t exc, word_t psp)
{
    struct hal_trap trap;
    bool report;

    if ((exc >= EXC_HARDFAULT && exc <= EXC_SECURE) || exc == EXC_DEBUGMON) {
        report = armv8m_fault(ctx, &trap, exc, psp);
    } else {
        armv8m_frame_in(ctx, psp);
        report = interrupt(exc, &trap);
    }
    return report ? kernel_trap(ctx, &trap) : ctx;
}

bool armv8m_idle_trap(struct hal_trap *trap, word_t exc)
{
    if (exc == EXC_SYSTICK || exc >= EXC_IRQ0 || exc == EXC_PENDSV)
        return interrupt(exc, trap);
    kpanic("exception %lu in the idle loop (CFSR %lx)", (unsigned long)exc, (unsigned long)CFSR);
}
