/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M thread contexts (register access by id is inline in arch.h) and the description of
 * every exception but SVCall, which trap.S handles itself: faults of a thread become user faults,
 * SysTick the timer, NVIC lines interrupts; an exception in the kernel stops the machine.
 */
#include <string.h>

#include <mica/fault.h>
#include <mica/objects.h>

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

void hal_ctx_set_ipc_buffer(struct arch_ctx *ctx, word_t uaddr, void *kptr)
{
    (void)kptr;
    ctx->r4_11[9 - 4] = ctx->ipc_buffer = uaddr;
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
 * TT with the thread's rights: may it read (bit 18) / write (bit 19) the word at addr? The kernel
 * runs with the MPU off, under which TT would allow everything: turn it on (the thread's regions
 * are still loaded) for the question only.
 */
static uint32_t tt_user(word_t addr)
{
    uint32_t r;

    armv8m_mpu_enable(true);
    __asm__ volatile("ttt %0, %1" : "=r"(r) : "r"(addr));
    armv8m_mpu_enable(false);
    return r;
}

#define TT_R  (1u << 18)
#define TT_RW (1u << 19)

/*
 * MemManage and BusFault say where but not which way. A write to memory the thread may read is
 * the only reason to fault there; otherwise decode the faulting instruction (Armv8-M ARM C2.2,
 * Thumb encodings), if the thread may read it: loads and stores put L in one bit. Anything else
 * (an instruction it cannot read) is reported as a read.
 */
static word_t access_kind(const struct arch_ctx *ctx, word_t addr)
{
    word_t pc = ctx->frame[ARCH_FRAME_PC];
    uint32_t t = tt_user(addr);

    if ((t & TT_R) && !(t & TT_RW))
        return MICA_VM_WRITE;
    if (!(tt_user(pc) & TT_R) || !(tt_user(pc + 2) & TT_R))
        return MICA_VM_READ;
    uint16_t hw = *(const volatile uint16_t *)(uintptr_t)pc;
    bool load;
    if ((hw & 0xe800) == 0xe800 || (hw & 0xf000) == 0xf000) /* 32-bit */
        load = (hw & 0xfe00) == 0xe800 || (hw & 0xfe00) == 0xf800 ? (hw & 0x10) != 0 : true;
    else if ((hw & 0xf000) == 0x5000) /* register offset: STR, STRH, STRB are opB 0-2 */
        load = ((hw >> 9) & 7) > 2;
    else if ((hw & 0xe000) == 0x6000 || (hw & 0xe000) == 0x8000 || (hw & 0xf000) == 0xc000)
        load = (hw & 0x0800) != 0; /* imm word/byte, halfword, SP-relative; LDM/STM */
    else if ((hw & 0xf600) == 0xb400)
        load = (hw & 0x0800) != 0; /* PUSH / POP */
    else
        load = true; /* LDR literal and the rest */
    return load ? MICA_VM_READ : MICA_VM_WRITE;
}

static bool memory_fault(const struct arch_ctx *ctx, struct hal_trap *trap, uint32_t cfsr)
{
    word_t pc = ctx->frame[ARCH_FRAME_PC];

    if (cfsr & (CFSR_IACCVIOL | CFSR_IBUSERR))
        return user_fault(trap, MICA_FAULT_MEMORY, pc, MICA_VM_EXEC);
    if (cfsr & CFSR_MMARVALID)
        return user_fault(trap, MICA_FAULT_MEMORY, MMFAR, access_kind(ctx, MMFAR));
    if (cfsr & CFSR_BFARVALID)
        return user_fault(trap, MICA_FAULT_MEMORY, BFAR, access_kind(ctx, BFAR));
    /* Imprecise: the address is gone. */
    return user_fault(trap, MICA_FAULT_MEMORY, 0, MICA_VM_READ);
}

static bool usage_fault(const struct arch_ctx *ctx, struct hal_trap *trap, uint32_t cfsr)
{
    if (cfsr & CFSR_STKOF)
        return user_fault(trap, MICA_FAULT_MEMORY, ctx->psplim, MICA_VM_WRITE);
    if (cfsr & CFSR_DIVBYZERO)
        return user_fault(trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_DIVIDE_BY_ZERO);
    if (cfsr & CFSR_UNALIGNED)
        return user_fault(trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ALIGNMENT);
    /* Undefined, FP with CPACR off (NOCP), a branch to ARM state (INVSTATE), a bad EXC_RETURN. */
    return user_fault(trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION);
}

/*
 * The hardware could not stack the thread's frame (MPU or bus error, or it would have crossed
 * PSPLIM: then it stacked nothing and left PSP at the limit). r0-r3, r12, lr, pc and xPSR are
 * lost: the context keeps what it last held. Exceptions the thread raised with that frame (an
 * SVC, a fault) are still pending and belong to no one now: drop them.
 */
static bool stacking_fault(struct arch_ctx *ctx, struct hal_trap *trap, uint32_t cfsr, word_t psp)
{
    SHCSR &= ~SHCSR_SYNC_PENDED;
    if (cfsr & CFSR_STKOF) {
        ctx->sp = psp;
        return user_fault(trap, MICA_FAULT_MEMORY, psp, MICA_VM_WRITE);
    }
    ctx->sp = psp + 32;
    return user_fault(trap, MICA_FAULT_MEMORY, psp, MICA_VM_WRITE);
}

static bool stacked_ok(word_t exc, uint32_t cfsr, word_t psp, const struct arch_ctx *ctx)
{
    if (exc < EXC_HARDFAULT || exc > EXC_SECURE)
        return true;
    if (cfsr & (CFSR_MSTKERR | CFSR_STKERR | CFSR_MLSPERR | CFSR_LSPERR))
        return false;
    return !(cfsr & CFSR_STKOF) || psp != ctx->psplim;
}

/* An interrupt, from a thread or the idle loop; false if there is nothing to report. */
static bool interrupt(word_t exc, struct hal_trap *trap)
{
    if (exc == EXC_SYSTICK) {
        armv8m_timer_expired();
        trap->kind = HAL_TRAP_TIMER;
        return true;
    }
    if (exc >= EXC_IRQ0 && armv8m_irq_take(exc - EXC_IRQ0)) {
        trap->kind = HAL_TRAP_IRQ;
        trap->irq = exc - EXC_IRQ0;
        return true;
    }
    return false; /* the clock's wrap, or PendSV (never pended after boot) */
}

_Static_assert(HAL_TRAP_SYSCALL == 0, "trap.S stores 0 for a syscall");

bool armv8m_trap(struct arch_ctx *ctx, struct hal_trap *trap, word_t exc, word_t psp);
bool armv8m_idle_trap(struct hal_trap *trap, word_t exc);
void armv8m_bad_stack(struct arch_ctx *ctx, struct hal_trap *trap, word_t frame);
void armv8m_kernel_trap(word_t exc, word_t exc_return, word_t msp);

/*
 * Every exception from a thread but SVCall (trap.S has saved r4-r11). Copies the hardware frame
 * into ctx when the hardware managed to stack it, then describes the exception. Returns false to
 * send the thread back to user mode (trap.S does) when there is nothing to report.
 */
bool armv8m_trap(struct arch_ctx *ctx, struct hal_trap *trap, word_t exc, word_t psp)
{
    uint32_t cfsr = CFSR, hfsr = HFSR;

    if (exc >= EXC_HARDFAULT && exc <= EXC_SECURE) {
        CFSR = cfsr; /* write one to clear */
        HFSR = hfsr;
    }
    if (!stacked_ok(exc, cfsr, psp, ctx))
        return stacking_fault(ctx, trap, cfsr, psp);
    const word_t *frame = (const word_t *)(uintptr_t)psp;
    memcpy(ctx->frame, frame, sizeof(ctx->frame));
    ctx->sp = psp + 32;
    if (ctx->frame[ARCH_FRAME_XPSR] & XPSR_SPREALIGN) {
        ctx->sp += 4;
        ctx->frame[ARCH_FRAME_XPSR] &= ~XPSR_SPREALIGN;
    }
    switch (exc) {
    case EXC_HARDFAULT:
        if (hfsr & HFSR_DEBUGEVT)
            return user_fault(trap, MICA_FAULT_USER_EXCEPTION, ctx->frame[ARCH_FRAME_PC],
                              MICA_EXC_BREAKPOINT);
        if (cfsr & 0xffff0000u)
            return usage_fault(ctx, trap, cfsr);
        if (cfsr & 0xffffu)
            return memory_fault(ctx, trap, cfsr);
        return user_fault(trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_OTHER);
    case EXC_MEMMANAGE:
    case EXC_BUSFAULT: return memory_fault(ctx, trap, cfsr);
    case EXC_USAGE: return usage_fault(ctx, trap, cfsr);
    case EXC_SECURE: return user_fault(trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_OTHER);
    default: return interrupt(exc, trap);
    }
}

bool armv8m_idle_trap(struct hal_trap *trap, word_t exc)
{
    if (exc == EXC_SYSTICK || exc >= EXC_IRQ0 || exc == EXC_PENDSV)
        return interrupt(exc, trap);
    kpanic("exception %lu in the idle loop (CFSR %lx)", (unsigned long)exc, (unsigned long)CFSR);
}

/*
 * hal_user_run found that the thread could not write its exception frame below its SP (TTT): an
 * SP outside its regions, maybe at kernel memory. It does not run; the frame's address is the
 * fault address, as if stacking had failed there.
 */
void armv8m_bad_stack(struct arch_ctx *ctx, struct hal_trap *trap, word_t frame)
{
    (void)ctx;
    user_fault(trap, MICA_FAULT_MEMORY, frame, MICA_VM_WRITE);
}

/* Stacked PC of a kernel exception, if its frame is on the kernel stack at all. */
static word_t kernel_pc(word_t exc_return, word_t msp, uint32_t cfsr)
{
    extern char boot_stack[], boot_stack_top[];

    if ((exc_return & 4) || (cfsr & CFSR_STKOF) || msp < (word_t)boot_stack ||
        msp + 32 > (word_t)boot_stack_top)
        return 0;
    return ((const word_t *)(uintptr_t)msp)[ARCH_FRAME_PC];
}

void armv8m_kernel_trap(word_t exc, word_t exc_return, word_t msp)
{
    extern char boot_stack[];
    uint32_t cfsr = CFSR;

    if ((cfsr & CFSR_STKOF) && msp <= (word_t)boot_stack)
        kpanic("kernel stack overflow (MSPLIM %lx)", (unsigned long)(word_t)boot_stack);
    kpanic("kernel exception %lu: pc %lx CFSR %lx HFSR %lx MMFAR %lx BFAR %lx", (unsigned long)exc,
           (unsigned long)kernel_pc(exc_return, msp, cfsr), (unsigned long)cfsr,
           (unsigned long)HFSR, (unsigned long)MMFAR, (unsigned long)BFAR);
}
