/* SPDX-License-Identifier: MIT */
/*
 * RV64 machine types for core/hal.h: the word, physical addresses and the saved user context.
 * The ARCH_CTX_* offsets are shared with the trap code (entry/trap .S files), so this header is
 * also included from assembly.
 */
#ifndef MICA_ARCH_H
#define MICA_ARCH_H

/*
 * struct arch_ctx layout: x[0..31] indexed by register number (x[0] is never loaded or stored; it
 * keeps the offsets of the others equal to 8 * n), then sepc and sstatus. User threads run with
 * sstatus.FS = Off, so the FP registers are not part of the context: an FP instruction in user
 * mode is an illegal-instruction fault.
 */
#define ARCH_CTX_X(n)       (8 * (n))
#define ARCH_CTX_PC         (32 * 8)
#define ARCH_CTX_SSTATUS    (33 * 8)
#define ARCH_CTX_SIZE       (34 * 8)
#define ARCH_MAX_RAM_RANGES 16

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include <mica/abi.h>

typedef uint64_t word_t;
typedef uint64_t paddr_t;

struct arch_ctx {
    word_t x[32];   /* x1 ra, x2 sp, x3 gp, x4 tp, x5-7 t0-2, x8-9 s0-1, x10-17 a0-7, ... */
    word_t pc;      /* sepc: where the thread resumes */
    word_t sstatus; /* SPIE/SPP/SUM bits the thread returns with */
};

/*
 * Register ids (enum mica_reg): PC, SP and ARG0..ARG7 (= a0..a7) are the arch-neutral ones;
 * MICA_REG_ARCH_BASE + n - 1 is xn for n = 1..31.
 */
#define ARCH_REG_X(n) (MICA_REG_ARCH_BASE - 1 + (n))
#define ARCH_NUM_REGS (MICA_REG_ARCH_BASE + 31)

/*
 * Sv39 (RISC-V privileged spec 1.12, 4.4): three levels of 512 eight-byte PTEs, 4 KiB pages, a
 * 39-bit virtual address space whose lower half belongs to user space.
 */
typedef uint64_t pte_t;
#define HAL_PT_LEVELS     3
#define HAL_PT_INDEX_BITS 9
#define HAL_PAGE_BITS     12
#define HAL_USER_TOP      ((word_t)1 << 38)

_Static_assert(offsetof(struct arch_ctx, x[31]) == ARCH_CTX_X(31), "arch_ctx x layout");
_Static_assert(offsetof(struct arch_ctx, pc) == ARCH_CTX_PC, "arch_ctx pc offset");
_Static_assert(offsetof(struct arch_ctx, sstatus) == ARCH_CTX_SSTATUS, "arch_ctx sstatus offset");
_Static_assert(sizeof(struct arch_ctx) == ARCH_CTX_SIZE, "arch_ctx size");
#endif

#endif
