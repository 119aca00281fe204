/* SPDX-License-Identifier: MIT */
/*
 * RV64 thread contexts (register access by id is inline in arch.h), the description of every trap
 * from U-mode other than an ecall (trap.S hands those over), and hal_idle.
 */
#include <string.h>

#include <mica/fault.h>
#include <mica/objects.h>

#include "klog.h"
#include "riscv.h"

/* All registers zero but pc, sp and tp: tp is the ABI's IPC buffer register, which survives a
 * restart whether the core configured the buffer before or after. */
void hal_ctx_init(struct arch_ctx *ctx, word_t pc, word_t sp)
{
    word_t ipc_buffer = ctx->ipc_buffer;

    memset(ctx, 0, sizeof(*ctx));
    ctx->pc = pc;
    ctx->x[2] = sp;
    ctx->x[4] = ctx->ipc_buffer = ipc_buffer;
}

/* The user runtime reads its IPC buffer address from tp (user/arch/riscv64). */
/* trap.S advanced the PC past the ecall, which is always 4 bytes (there is no compressed one). */
void hal_ctx_restart_syscall(struct arch_ctx *ctx)
{
    ctx->pc -= 4;
}

void hal_ctx_set_ipc_buffer(struct arch_ctx *ctx, word_t uaddr, void *kptr)
{
    (void)kptr;
    ctx->x[4] = ctx->ipc_buffer = uaddr;
}

static void user_fault(struct hal_trap *trap, unsigned type, word_t addr, word_t detail)
{
    trap->kind = HAL_TRAP_FAULT;
    trap->fault_type = type;
    trap->fault_addr = addr;
    trap->fault_detail = detail;
}

/*
 * An exception from U-mode (privileged spec 4.1.9, table 4.2, and 4.1.10 for what stval holds):
 * page and access faults carry the address, misaligned accesses too, illegal instructions the
 * instruction bits (not an address, so not reported).
 */
static void user_exception(word_t cause, word_t tval, struct hal_trap *trap)
{
    switch (cause) {
    case EXC_INST_PAGE_FAULT:
    case EXC_INST_ACCESS: user_fault(trap, MICA_FAULT_MEMORY, tval, MICA_VM_EXEC); break;
    case EXC_LOAD_PAGE_FAULT:
    case EXC_LOAD_ACCESS: user_fault(trap, MICA_FAULT_MEMORY, tval, MICA_VM_READ); break;
    case EXC_STORE_PAGE_FAULT:
    case EXC_STORE_ACCESS: user_fault(trap, MICA_FAULT_MEMORY, tval, MICA_VM_WRITE); break;
    case EXC_ILLEGAL_INSTRUCTION:
        user_fault(trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION);
        break;
    case EXC_INST_MISALIGNED:
    case EXC_LOAD_MISALIGNED:
    case EXC_STORE_MISALIGNED:
        user_fault(trap, MICA_FAULT_USER_EXCEPTION, tval, MICA_EXC_ALIGNMENT);
        break;
    case EXC_BREAKPOINT:
        user_fault(trap, MICA_FAULT_USER_EXCEPTION, tval, MICA_EXC_BREAKPOINT);
        break;
    default: user_fault(trap, MICA_FAULT_USER_EXCEPTION, tval, MICA_EXC_OTHER); break;
    }
}

/*
 * An interrupt, taken in U-mode or seen pending by hal_idle. Returns false if there turned out to
 * be nothing to report (a PLIC claim of 0: another hart took it, or the source went quiet).
 */
static bool interrupt(word_t code, struct hal_trap *trap)
{
    switch (code) {
    case IRQ_S_TIMER:
        riscv_timer_expired();
        trap->kind = HAL_TRAP_TIMER;
        return true;
    case IRQ_S_EXT:
        trap->irq = riscv_irq_claim();
        trap->kind = HAL_TRAP_IRQ;
        return trap->irq != 0;
    case IRQ_S_SOFT:
        /* An IPI (hal_ipi_send). Cleared before the core looks at what it was sent for, so that a
         * send from now on raises it again. */
        csr_clear(sip, SIE_SSIE);
        trap->kind = HAL_TRAP_IPI;
        return true;
    default: kpanic("unexpected interrupt %lu", (unsigned long)code);
    }
}

/*
 * Every trap from U-mode but an ecall, which trap.S hands to the core itself: an exception becomes
 * a fault, an interrupt is reported unless it was spurious (then the thread just goes on).
 */
_Static_assert(MICA_SYS_CALL == 1 && MICA_SYS_REPLY_RECV == 2, "trap.S's syscall numbers");

struct arch_ctx *riscv_trap(struct arch_ctx *ctx, word_t cause, word_t tval);

struct arch_ctx *riscv_trap(struct arch_ctx *ctx, word_t cause, word_t tval)
{
    struct hal_trap trap;

    if (!(cause & SCAUSE_INTERRUPT))
        user_exception(cause, tval, &trap);
    else if (!interrupt(cause & ~SCAUSE_INTERRUPT, &trap))
        return ctx;
    return kernel_trap(ctx, &trap);
}

/*
 * WFI waits for an interrupt that is pending and enabled in sie, whatever sstatus.SIE says
 * (privileged spec 3.3.3), so the kernel keeps SIE = 0, waits, and reads sip: no interrupt is ever
 * taken in S-mode. WFI may also return early for no reason, hence the loop.
 */
void hal_idle(struct hal_trap *trap)
{
    for (;;) {
        __asm__ volatile("wfi");
        word_t pending = csr_read(sip) & csr_read(sie);
        if ((pending & SIE_SEIE) && interrupt(IRQ_S_EXT, trap))
            return;
        if ((pending & SIE_STIE) && interrupt(IRQ_S_TIMER, trap))
            return;
        if ((pending & SIE_SSIE) && interrupt(IRQ_S_SOFT, trap))
            return;
    }
}

void riscv_kernel_trap(word_t cause, word_t epc, word_t tval, word_t sp);

void riscv_kernel_trap(word_t cause, word_t epc, word_t tval, word_t sp)
{
    unsigned cpu;

    /* A load or store fault in a stack's guard page (trap.S switched to a stack of its own). */
    if ((cause == 13 || cause == 15) && riscv_stack_guard(tval, &cpu))
        kpanic("kernel stack overflow on CPU %u (sepc %lx, sp %lx)", cpu, (unsigned long)epc,
               (unsigned long)sp);
    kpanic("kernel trap: scause %lx sepc %lx stval %lx sp %lx", (unsigned long)cause,
           (unsigned long)epc, (unsigned long)tval, (unsigned long)sp);
}
