/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M faults (MemManage, BusFault, UsageFault, HardFault, SecureFault): a thread's fault
 * becomes a user fault with the right type, address and access; a fault of the kernel itself stops
 * the machine with a report. Off the hot paths (build.ninja.in compiles it as cold code).
 */
#include <mica/fault.h>
#include <mica/objects.h>

#include "armv8m.h"
#include "klog.h"

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

static bool stacked_ok(uint32_t cfsr, word_t psp, const struct arch_ctx *ctx)
{
    if (cfsr & (CFSR_MSTKERR | CFSR_STKERR | CFSR_MLSPERR | CFSR_LSPERR))
        return false;
    return !(cfsr & CFSR_STKOF) || psp != ctx->psplim;
}

/*
 * A fault of a thread (trap.S has saved r4-r11). Copies the hardware frame into ctx when the
 * hardware managed to stack it, then describes the fault from the fault status registers.
 */
bool armv8m_fault(struct arch_ctx *ctx, struct hal_trap *trap, word_t exc, word_t psp)
{
    uint32_t cfsr = CFSR, hfsr = HFSR, dfsr = DFSR;

    CFSR = cfsr; /* write one to clear */
    HFSR = hfsr;
    DFSR = dfsr;
    if (!stacked_ok(cfsr, psp, ctx))
        return stacking_fault(ctx, trap, cfsr, psp);
    armv8m_frame_in(ctx, psp);
    switch (exc) {
    case EXC_HARDFAULT:
        /* A BKPT with the DebugMonitor off escalates here: hardware says so in HFSR.DEBUGEVT and
         * DFSR.BKPT; QEMU 7.2 only sets HFSR.FORCED, with no fault status, which nothing else
         * a thread does leaves. */
        if ((hfsr & HFSR_DEBUGEVT) || (dfsr & DFSR_BKPT) || ((hfsr & HFSR_FORCED) && !cfsr))
            return user_fault(trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_BREAKPOINT);
        if (cfsr & 0xffff0000u)
            return usage_fault(ctx, trap, cfsr);
        if (cfsr & 0xffffu)
            return memory_fault(ctx, trap, cfsr);
        return user_fault(trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_OTHER);
    case EXC_MEMMANAGE:
    case EXC_BUSFAULT: return memory_fault(ctx, trap, cfsr);
    case EXC_USAGE: return usage_fault(ctx, trap, cfsr);
    case EXC_DEBUGMON: return user_fault(trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_BREAKPOINT);
    default: return user_fault(trap, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_OTHER);
    }
}

struct arch_ctx *armv8m_bad_stack(struct arch_ctx *ctx, word_t frame);
void armv8m_kernel_trap(word_t exc, word_t exc_return, word_t msp);

/*
 * The return to a thread found that it could not write its exception frame below its SP (TTT):
 * an SP outside its regions, maybe at kernel memory. It does not run; the frame's address is the
 * fault address, as if stacking had failed there. Returns what the core picks instead.
 */
struct arch_ctx *armv8m_bad_stack(struct arch_ctx *ctx, word_t frame)
{
    struct hal_trap trap;

    user_fault(&trap, MICA_FAULT_MEMORY, frame, MICA_VM_WRITE);
    return kernel_trap(ctx, &trap);
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
