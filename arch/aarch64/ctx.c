/* SPDX-License-Identifier: MIT */
/*
 * AArch64 thread contexts (register access by id is inline in arch.h), the description of every
 * exception from EL0 other than an SVC (trap.S hands those over), exceptions taken in EL1, and
 * hal_idle.
 */
#include <string.h>

#include <mica/fault.h>
#include <mica/objects.h>

#include "aarch64.h"
#include "klog.h"

/* All registers zero but pc, sp and TPIDR_EL0, which is the ABI's IPC buffer register and
 * survives a restart whether the core configured the buffer before or after. SPSR 0 is EL0t with
 * DAIF clear, NZCV 0; FP/SIMD traps again until the thread uses it (fp_used 0, v[] zero). */
void hal_ctx_init(struct arch_ctx *ctx, word_t pc, word_t sp)
{
    word_t ipc_buffer = ctx->ipc_buffer;

    memset(ctx, 0, sizeof(*ctx));
    ctx->pc = pc;
    ctx->sp = sp;
    ctx->tpidr_el0 = ctx->ipc_buffer = ipc_buffer;
}

/* The user runtime reads its IPC buffer address from TPIDR_EL0 (user/arch/aarch64). */
/* ELR_EL1 is past the svc, which is always 4 bytes (A64 has no other size). */
void hal_ctx_restart_syscall(struct arch_ctx *ctx)
{
    ctx->pc -= 4;
}

void hal_ctx_set_ipc_buffer(struct arch_ctx *ctx, word_t uaddr, void *kptr)
{
    (void)kptr;
    ctx->tpidr_el0 = ctx->ipc_buffer = uaddr;
}

static bool user_fault(struct hal_trap *trap, unsigned type, word_t addr, word_t detail)
{
    trap->kind = HAL_TRAP_FAULT;
    trap->fault_type = type;
    trap->fault_addr = addr;
    trap->fault_detail = detail;
    return true;
}

/*
 * A data or instruction abort from EL0 (Arm ARM D19.2.37, ISS encoding for an exception from a
 * Data Abort / Instruction Abort; FAR_EL1 holds the faulting address). Address size, translation,
 * access flag and permission faults, and synchronous external aborts (a device frame with no
 * device behind it) are memory faults; an alignment fault is the alignment exception.
 */
static bool abort_fault(struct hal_trap *trap, word_t esr, word_t far, unsigned access)
{
    word_t fsc = ESR_ISS_FSC(esr);

    if (fsc == FSC_ALIGNMENT)
        return user_fault(trap, MICA_FAULT_USER_EXCEPTION, far, MICA_EXC_ALIGNMENT);
    if (fsc <= FSC_PERMISSION(3) || fsc == 0x10 || (fsc >= 0x14 && fsc <= 0x17))
        return user_fault(trap, MICA_FAULT_MEMORY, far, access);
    return user_fault(trap, MICA_FAULT_USER_EXCEPTION, far, MICA_EXC_OTHER);
}

/*
 * Every synchronous exception from EL0 but an SVC, which trap.S hands to the core itself. Returns
 * false when there is nothing to report: the first FP/SIMD instruction of a thread, which from now
 * on gets its own FP registers (trap.S saves and loads them with the rest of its state; they start
 * zero, from hal_ctx_init), and the thread goes on.
 */
_Static_assert(MICA_SYS_CALL == 1 && MICA_SYS_REPLY_RECV == 2, "trap.S's syscall numbers");

static bool sync_trap(struct arch_ctx *ctx, struct hal_trap *trap, word_t esr, word_t far)
{
    switch (ESR_EC(esr)) {
    case EC_FP_ACCESS: ctx->fp_used = 1; return false;
    case EC_DABT_LOWER:
        return abort_fault(trap, esr, far, (esr & ESR_ISS_WNR) ? MICA_VM_WRITE : MICA_VM_READ);
    case EC_IABT_LOWER: return abort_fault(trap, esr, far, MICA_VM_EXEC);
    case EC_PC_ALIGN: return user_fault(trap, MICA_FAULT_USER_EXCEPTION, far, MICA_EXC_ALIGNMENT);
    case EC_SP_ALIGN:
        return user_fault(trap, MICA_FAULT_USER_EXCEPTION, ctx->sp, MICA_EXC_ALIGNMENT);
    case EC_BRK64:
        /* __builtin_trap is BRK #1 from clang and BRK #0x3e8 from GCC: the compiler's "this must
         * not execute", an undefined instruction in intent (ud2 on x86, unimp on RISC-V), and
         * reported as one, as on the other arches. Any other immediate is a breakpoint. ISS[15:0]
         * holds the immediate (D19.2.37). */
        if ((esr & 0xffff) == BRK_TRAP_CLANG || (esr & 0xffff) == BRK_TRAP_GCC)
            return user_fault(trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION);
        return user_fault(trap, MICA_FAULT_USER_EXCEPTION, ctx->pc, MICA_EXC_BREAKPOINT);
    case EC_UNKNOWN:
    case EC_WFX:
    case EC_ILLEGAL_STATE:
    case EC_SYS64:
    case EC_SVE:
    case EC_SME:
        return user_fault(trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION);
    default: return user_fault(trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_OTHER);
    }
}

struct arch_ctx *aarch64_sync(struct arch_ctx *ctx, word_t esr, word_t far);

struct arch_ctx *aarch64_sync(struct arch_ctx *ctx, word_t esr, word_t far)
{
    struct hal_trap trap;

    return sync_trap(ctx, &trap, esr, far) ? kernel_trap(ctx, &trap) : ctx;
}

/* An SError while EL0 ran (an asynchronous external abort, e.g. a write to a device frame with no
 * device behind it on hardware): the thread's fault; nothing says which access it was. */
struct arch_ctx *aarch64_serror(struct arch_ctx *ctx, word_t esr);

struct arch_ctx *aarch64_serror(struct arch_ctx *ctx, word_t esr)
{
    struct hal_trap trap;

    (void)esr;
    user_fault(&trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_OTHER);
    return kernel_trap(ctx, &trap);
}

/* An interrupt while EL0 ran; a spurious one sends the thread straight back. */
struct arch_ctx *aarch64_irq(struct arch_ctx *ctx);

struct arch_ctx *aarch64_irq(struct arch_ctx *ctx)
{
    struct hal_trap trap;

    return aarch64_irq_take(&trap) ? kernel_trap(ctx, &trap) : ctx;
}

/*
 * WFI waits for an interrupt pending at the CPU even with PSTATE.I set (Arm ARM D1.6.2, "WFI
 * wake-up events"), so the kernel keeps interrupts masked, waits, and asks the GIC: no interrupt
 * is ever taken in EL1. WFI may also return for no reason, hence the loop.
 */
void hal_idle(struct hal_trap *trap)
{
    for (;;) {
        __asm__ volatile("dsb sy; wfi" ::: "memory");
        if (aarch64_irq_take(trap))
            return;
    }
}

/* No fault in EL1 is expected by the kernel; tests/hal/aarch64 overrides this to provoke some. */
__attribute__((weak)) bool aarch64_kernel_fault_expected(struct aarch64_kframe *f, word_t esr,
                                                         word_t far, bool guard)
{
    (void)f, (void)esr, (void)far, (void)guard;
    return false;
}

void aarch64_kernel_trap(struct aarch64_kframe *f, unsigned vector);

/*
 * An exception taken in EL1, on the emergency stack (trap.S): a data abort whose address is in
 * the guard page below a kernel stack is that stack's overflow; anything else is a kernel bug
 * (with PAN, a kernel access to user memory is one too). Both stop the machine, except the
 * semihosting exit when QEMU has no semihosting (halt.c powers off instead) and a fault a test
 * arranged for.
 */
void aarch64_kernel_trap(struct aarch64_kframe *f, unsigned vector)
{
    static unsigned nested[CONFIG_NR_CPUS];
    word_t esr = sysreg_read(esr_el1), far = sysreg_read(far_el1);
    unsigned cpu = hal_cpu_id();
    bool data_abort = vector == 4 && ESR_EC(esr) == EC_DABT_CUR;
    bool guard = data_abort && aarch64_in_stack_guard(far);

    if (vector == 4 && ESR_EC(esr) == EC_UNKNOWN && f->elr == (word_t)aarch64_semihost_hlt)
        aarch64_power_off();
    if (vector == 4 && aarch64_kernel_fault_expected(f, esr, far, guard))
        return;
    if (nested[cpu]++)
        hal_halt(3); /* the report itself faulted: stop without another word */
    if (guard)
        kpanic("kernel stack overflow on CPU %u: sp %lx, fault at %lx, pc %lx", cpu,
               (unsigned long)f->sp, (unsigned long)far, (unsigned long)f->elr);
    kpanic("kernel exception: vector %u esr %lx elr %lx far %lx sp %lx", vector, (unsigned long)esr,
           (unsigned long)f->elr, (unsigned long)far, (unsigned long)f->sp);
}
