/* SPDX-License-Identifier: MIT */
/*
 * AArch64 machine types for core/hal.h: the word, physical addresses, the saved user context, the
 * VMSAv8-64 shape and the kernel's virtual layout. The ARCH_CTX_* and AARCH64_CPU_* offsets are
 * shared with the assembly (entry.S, trap.S), so this header is also included from assembly and
 * from link.ld.
 */
#ifndef MICA_ARCH_H
#define MICA_ARCH_H

/*
 * struct arch_ctx layout: x0..x30, SP_EL0, ELR_EL1 (the PC), SPSR_EL1, TPIDR_EL0, then the FP/SIMD
 * state. While the thread runs in EL0, SP_EL1 points at its ctx, so the exception vector saves
 * the registers with stp at 16 * n before it touches anything else (trap.S); the PC/SPSR and
 * TPIDR/FP-used pairs are adjacent for ldp. The FP/SIMD registers are saved only for threads that
 * have used them (fp_used: the first FP instruction traps through CPACR_EL1, docs/architecture.md).
 */
#define ARCH_CTX_X(n)       (8 * (n))
#define ARCH_CTX_SP         (31 * 8)
#define ARCH_CTX_PC         (32 * 8)
#define ARCH_CTX_SPSR       (33 * 8)
#define ARCH_CTX_TPIDR      (34 * 8)
#define ARCH_CTX_FP_USED    (35 * 8)
#define ARCH_CTX_IPC_BUFFER (36 * 8)
#define ARCH_CTX_FPSR       (37 * 8)
#define ARCH_CTX_FPCR       (37 * 8 + 4)
#define ARCH_CTX_V          (38 * 8) /* v0..v31, 16 bytes each, 16-byte aligned */
#define ARCH_CTX_SIZE       (38 * 8 + 32 * 16)
#define ARCH_MAX_RAM_RANGES 16
#define ARCH_IRQ_LINES      1020 /* GIC INTIDs 0..1019; hal_irq_valid refuses SGIs and PPIs */

/*
 * The per-CPU block TPIDR_EL1 points at while the kernel runs (struct aarch64_cpu in aarch64.h):
 * the top of the CPU's kernel stack, where the vector enters the kernel, the core's per-CPU
 * pointer (hal_cpu_local), the CPU index (hal_cpu_id), and the top of the CPU's emergency stack
 * for exceptions taken in EL1.
 */
#define AARCH64_CPU_KSP       0
#define AARCH64_CPU_LOCAL     8
#define AARCH64_CPU_INDEX     16
#define AARCH64_CPU_EMERGENCY 24
#define AARCH64_CPU_SIZE      64

/* Kernel stacks (entry.S's kernel_stacks): per CPU an unmapped guard page, then the stack rounded
 * up to whole pages; CPU n's stack ends at kernel_stacks + (n + 1) * AARCH64_KSTACK_SLOT. */
#define AARCH64_KSTACK_BYTES ((CONFIG_KERNEL_STACK_SIZE + 4095) & ~4095)
#define AARCH64_KSTACK_SLOT  (4096 + AARCH64_KSTACK_BYTES)

/*
 * The kernel runs in TTBR1's range with T1SZ = 25 (39-bit addresses from 0xffffff8000000000,
 * translation from level 1): physical address pa is mapped at pa + AARCH64_KERNEL_VOFFSET
 * (CONFIG_KERNEL_VOFFSET, a multiple of 1 GiB in that range; pa below 2^64 - the offset): all RAM
 * (the linear map, which also holds the kernel image, linked at its physical address + this offset
 * by mica.ld) and the few devices the kernel drives. Users get TTBR0's 48 bits (T0SZ = 16, four
 * levels).
 */
#define AARCH64_KERNEL_VOFFSET CONFIG_KERNEL_VOFFSET
#define AARCH64_KERNEL_VA_BITS 39

/* Where entry.S finds the fields of struct mica_platform (include/mica/kernel.h, LP64) that it
 * maps before C runs; boot.c checks them against the header. */
#define MICA_PLATFORM_RAM        8
#define MICA_PLATFORM_RESERVED   24
#define MICA_PLATFORM_DEVICES    40
#define MICA_PLATFORM_DEVICETREE 56

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mica/abi.h>

typedef uint64_t word_t;
typedef uint64_t paddr_t;

struct arch_ctx {
    word_t x[31];      /* x0-x7 arguments/results, x8 indirect result, ..., x29 fp, x30 lr */
    word_t sp;         /* SP_EL0 */
    word_t pc;         /* ELR_EL1 */
    word_t spsr;       /* SPSR_EL1: only NZCV comes from the user (hal_ctx_set, the trap) */
    word_t tpidr_el0;  /* user thread pointer: the IPC buffer address until the user changes it */
    word_t fp_used;    /* the thread has used FP/SIMD since hal_ctx_init: v[] is live */
    word_t ipc_buffer; /* user address of the IPC buffer: tpidr_el0 starts with it */
    uint32_t fpsr, fpcr;
    __uint128_t v[32]; /* v0..v31 */
};

/*
 * Register ids (enum mica_reg): PC, SP and ARG0..ARG7 (= x0..x7) are the arch-neutral ones;
 * MICA_REG_ARCH_BASE + n is xn for n = 0..30, then SPSR (NZCV only) and TPIDR_EL0. TPIDR_EL0 holds
 * the thread's IPC buffer address (hal_ctx_set_ipc_buffer, and again after every hal_ctx_init),
 * which is how the user runtime finds it; a thread that overwrites it loses it.
 */
#define ARCH_REG_X(n)    (MICA_REG_ARCH_BASE + (n))
#define ARCH_REG_SPSR    (MICA_REG_ARCH_BASE + 31)
#define ARCH_REG_TPIDR   (MICA_REG_ARCH_BASE + 32)
#define ARCH_NUM_REGS    (MICA_REG_ARCH_BASE + 33)
#define ARCH_ELF_CLASS   64  /* root task ELFs: ELFCLASS64 ... */
#define ARCH_ELF_MACHINE 183 /* ... EM_AARCH64 */

/* SPSR_EL1 (Arm ARM DDI 0487, C5.2.18): what a user may choose is NZCV; M = EL0t (0), DAIF clear.
 */
#define AARCH64_SPSR_USER_MASK 0xf0000000ul

/*
 * VMSAv8-64 with the 4 KiB granule and T0SZ = 16 (Arm ARM D8.2): a 48-bit user address space
 * translated from level 0, i.e. four levels of 512 eight-byte descriptors.
 */
typedef uint64_t pte_t;
#define HAL_PT_LEVELS     4
#define HAL_PT_INDEX_BITS 9
#define HAL_PAGE_BITS     12
#define HAL_USER_TOP      ((word_t)1 << 48)

/*
 * Hot HAL functions, inline (core/hal.h declares them after including this file, which keeps their
 * internal linkage: C11 6.2.2p4). The IPC path reads and writes message registers through these;
 * with a constant id they fold to one load or store.
 */
static inline word_t *arch_ctx_slot(struct arch_ctx *ctx, unsigned reg)
{
    if (reg >= MICA_REG_ARG0 && reg <= MICA_REG_ARG7)
        return &ctx->x[reg - MICA_REG_ARG0];
    if (reg == MICA_REG_PC)
        return &ctx->pc;
    if (reg == MICA_REG_SP)
        return &ctx->sp;
    if (reg == ARCH_REG_SPSR)
        return &ctx->spsr;
    if (reg == ARCH_REG_TPIDR)
        return &ctx->tpidr_el0;
    return &ctx->x[reg - ARCH_REG_X(0)];
}

static inline word_t hal_ctx_get(const struct arch_ctx *ctx, unsigned reg)
{
    return *arch_ctx_slot((struct arch_ctx *)ctx, reg);
}

/* SPSR: the flags only; the thread always returns to EL0t with interrupts unmasked (hal.h). */
static inline void hal_ctx_set(struct arch_ctx *ctx, unsigned reg, word_t val)
{
    if (reg == ARCH_REG_SPSR)
        val &= AARCH64_SPSR_USER_MASK;
    *arch_ctx_slot(ctx, reg) = val;
}

/* TPIDR_EL1 points at the CPU's struct aarch64_cpu; its index is at AARCH64_CPU_INDEX. */
static inline unsigned hal_cpu_id(void)
{
    const uint32_t *cpu;

    __asm__("mrs %0, tpidr_el1" : "=r"(cpu));
    return cpu[AARCH64_CPU_INDEX / 4];
}

static inline void *hal_cpu_local(void)
{
    void *const *cpu;

    __asm__("mrs %0, tpidr_el1" : "=r"(cpu));
    return cpu[AARCH64_CPU_LOCAL / 8];
}

static inline void hal_cpu_local_set(void *p)
{
    void **cpu;

    __asm__("mrs %0, tpidr_el1" : "=r"(cpu));
    cpu[AARCH64_CPU_LOCAL / 8] = p;
}

/* The kernel lock's two counters are halves of one word (core/smp.h): without LSE atomics (the
 * Cortex-A53 is ARMv8.0) drawing a ticket is an exclusive-load loop, whose load reads the owner
 * too. arch_ticket_served(old): the ticket drawn (high half of the word before the draw) is the
 * one served (low half), i.e. the word equals itself rotated by 16. Written as one eor with a
 * rotated operand, which clang does not emit for the C (it makes that a ror and a cmp). */
#define ARCH_TICKET_ONE_WORD
static inline __attribute__((always_inline)) bool arch_ticket_served(uint32_t old)
{
    uint32_t diff;

    __asm__("eor %w0, %w1, %w1, ror #16" : "=r"(diff) : "r"(old));
    return diff == 0;
}

/* The virtual counter (CNTVCT_EL0, CNTVOFF_EL2 = 0 when we came from EL2). */
static inline uint64_t hal_time_now(void)
{
    uint64_t t;

    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(t));
    return t;
}

/* The linear map (AARCH64_KERNEL_VOFFSET above): one addition either way. */
static inline void *hal_phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)(pa + AARCH64_KERNEL_VOFFSET);
}

static inline paddr_t hal_virt_to_phys(const void *kva)
{
    return (paddr_t)((uintptr_t)kva - AARCH64_KERNEL_VOFFSET);
}

/* Largest hardware ASID: 255 or 65535 (ID_AA64MMFR0_EL1.ASIDBits, mmu.c). */
extern word_t aarch64_asid_max;

/*
 * TTBR0_EL1 = ASID << 48 | root (Arm ARM D8.2.6, TCR_EL1.A1 = 0 and AS = 1 for 16-bit ASIDs): the
 * token is the register value, and loading it is the whole switch. No ISB: the kernel never
 * touches TTBR0's range, and the eret into the thread is a context synchronisation event. An asid
 * the hardware cannot hold uses ASID 0, shared by every such space (and the kernel-only root), so
 * its translations are dropped on each switch into it.
 */
static inline word_t hal_vspace_token(paddr_t root, word_t asid)
{
    word_t hw = asid <= aarch64_asid_max ? asid : 0;

    return (hw << 48) | root;
}

static inline void hal_vspace_load(word_t token)
{
    __asm__ volatile("msr ttbr0_el1, %0" ::"r"(token) : "memory");
    if (!(token >> 48))
        __asm__ volatile("isb; tlbi aside1, xzr; dsb nsh; isb" ::: "memory");
}

_Static_assert(offsetof(struct arch_ctx, x[30]) == ARCH_CTX_X(30), "arch_ctx x layout");
_Static_assert(offsetof(struct arch_ctx, sp) == ARCH_CTX_SP, "arch_ctx sp offset");
_Static_assert(offsetof(struct arch_ctx, pc) == ARCH_CTX_PC, "arch_ctx pc offset");
_Static_assert(offsetof(struct arch_ctx, spsr) == ARCH_CTX_SPSR, "arch_ctx spsr offset");
_Static_assert(offsetof(struct arch_ctx, tpidr_el0) == ARCH_CTX_TPIDR, "arch_ctx tpidr offset");
_Static_assert(offsetof(struct arch_ctx, fp_used) == ARCH_CTX_FP_USED, "arch_ctx fp_used offset");
_Static_assert(offsetof(struct arch_ctx, ipc_buffer) == ARCH_CTX_IPC_BUFFER, "arch_ctx ipc offset");
_Static_assert(offsetof(struct arch_ctx, fpsr) == ARCH_CTX_FPSR, "arch_ctx fpsr offset");
_Static_assert(offsetof(struct arch_ctx, fpcr) == ARCH_CTX_FPCR, "arch_ctx fpcr offset");
_Static_assert(offsetof(struct arch_ctx, v) == ARCH_CTX_V, "arch_ctx v offset");
_Static_assert(sizeof(struct arch_ctx) == ARCH_CTX_SIZE, "arch_ctx size");
#endif

#endif
