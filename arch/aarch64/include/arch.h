/* SPDX-License-Identifier: MIT */
/*
 * AArch64 machine types for core/hal.h: the word, physical addresses and the saved user context.
 * The ARCH_CTX_* offsets are shared with the trap code, so this header is also included from
 * assembly.
 */
#ifndef MICA_ARCH_H
#define MICA_ARCH_H

/*
 * struct arch_ctx layout: x0..x30, then SP_EL0, ELR_EL1 (the PC), SPSR_EL1 (the PSTATE the thread
 * returns with) and TPIDR_EL0 (the user thread pointer). x0..x30 first lets the trap code save
 * pairs with stp at 16 * n. User threads run with CPACR_EL1.FPEN trapping, so the FP/SIMD
 * registers are not part of the context: user code is built with -mgeneral-regs-only too.
 */
#define ARCH_CTX_X(n)       (8 * (n))
#define ARCH_CTX_SP         (31 * 8)
#define ARCH_CTX_PC         (32 * 8)
#define ARCH_CTX_SPSR       (33 * 8)
#define ARCH_CTX_TPIDR      (34 * 8)
#define ARCH_CTX_SIZE       (36 * 8) /* padded to 16 bytes for stp/ldp and the stack */
#define ARCH_MAX_RAM_RANGES 16
#define ARCH_IRQ_LINES      1020 /* GIC INTIDs 0..1019; hal_irq_valid refuses SGIs and PPIs */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include <mica/abi.h>

typedef uint64_t word_t;
typedef uint64_t paddr_t;

struct arch_ctx {
    word_t x[31];     /* x0-x7 arguments/results, x8 indirect result, ..., x29 fp, x30 lr */
    word_t sp;        /* SP_EL0 */
    word_t pc;        /* ELR_EL1 */
    word_t spsr;      /* SPSR_EL1 */
    word_t tpidr_el0; /* user thread pointer */
    word_t pad;
};

/*
 * Register ids (enum mica_reg): PC, SP and ARG0..ARG7 (= x0..x7) are the arch-neutral ones;
 * MICA_REG_ARCH_BASE + n is xn for n = 0..30, then SPSR and TPIDR_EL0.
 */
#define ARCH_REG_X(n)  (MICA_REG_ARCH_BASE + (n))
#define ARCH_REG_SPSR  (MICA_REG_ARCH_BASE + 31)
#define ARCH_REG_TPIDR (MICA_REG_ARCH_BASE + 32)
#define ARCH_NUM_REGS  (MICA_REG_ARCH_BASE + 33)

/*
 * VMSAv8-64 with the 4 KiB granule and T0SZ = 25 (Arm ARM D8.2): a 39-bit user address space
 * translated from level 1, i.e. three levels of 512 eight-byte descriptors.
 */
typedef uint64_t pte_t;
#define HAL_PT_LEVELS     3
#define HAL_PT_INDEX_BITS 9
#define HAL_PAGE_BITS     12
#define HAL_USER_TOP      ((word_t)1 << 39)

_Static_assert(offsetof(struct arch_ctx, sp) == ARCH_CTX_SP, "arch_ctx sp offset");
_Static_assert(offsetof(struct arch_ctx, pc) == ARCH_CTX_PC, "arch_ctx pc offset");
_Static_assert(offsetof(struct arch_ctx, spsr) == ARCH_CTX_SPSR, "arch_ctx spsr offset");
_Static_assert(offsetof(struct arch_ctx, tpidr_el0) == ARCH_CTX_TPIDR, "arch_ctx tpidr offset");
_Static_assert(sizeof(struct arch_ctx) == ARCH_CTX_SIZE, "arch_ctx size");
#endif

#endif
