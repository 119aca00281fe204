/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M Mainline (Cortex-M33) machine types for core/hal.h: the word, physical addresses, the
 * saved user context and the MPU register image. The ARCH_CTX_* offsets are shared with the trap
 * code, so this header is also included from assembly.
 */
#ifndef MICA_ARCH_H
#define MICA_ARCH_H

/*
 * struct arch_ctx layout: r0..r15 by register number (r13 = PSP, r14 = lr, r15 = pc), then xPSR.
 * On exception entry the hardware stacks r0-r3, r12, lr, pc and xPSR on the thread's stack; the
 * trap code copies that frame into the context (and back before the exception return), so the
 * core never reads user memory. The kernel is built soft-float and user threads run with the FPU
 * disabled (CPACR), so there is no FP state.
 */
#define ARCH_CTX_R(n)       (4 * (n))
#define ARCH_CTX_XPSR       (16 * 4)
#define ARCH_CTX_SIZE       (18 * 4) /* padded to 8 bytes, the AAPCS stack alignment */
#define ARCH_MAX_RAM_RANGES 8
#define ARCH_IRQ_LINES      480 /* the NVIC has up to 480 external interrupts (the AN505 uses fewer) */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include <mica/abi.h>

typedef uint32_t word_t;
typedef uint32_t paddr_t;

struct arch_ctx {
    word_t r[16]; /* r0-r3 arguments, r4-r11 callee-saved, r12 ip, r13 sp, r14 lr, r15 pc */
    word_t xpsr;  /* the thread's xPSR; the T bit must stay set */
    word_t pad;
};

/*
 * Register ids (enum mica_reg): PC, SP and ARG0..ARG7 (= r0..r7) are the arch-neutral ones;
 * MICA_REG_ARCH_BASE + n is rn for n = 0..15, then xPSR.
 */
#define ARCH_REG_R(n) (MICA_REG_ARCH_BASE + (n))
#define ARCH_REG_XPSR (MICA_REG_ARCH_BASE + 16)
#define ARCH_NUM_REGS (MICA_REG_ARCH_BASE + 17)

/*
 * PMSAv8 (Armv8-M ARM B3.5): regions are base/limit pairs at a 32-byte granule, loaded through
 * RNR/RBAR/RLAR. Eight regions is the smallest M33 configuration that has an MPU.
 */
#define HAL_MPU_REGIONS 8
#define HAL_MPU_GRANULE 32

struct arch_mpu_state {
    word_t rbar[HAL_MPU_REGIONS];
    word_t rlar[HAL_MPU_REGIONS];
};

_Static_assert(offsetof(struct arch_ctx, xpsr) == ARCH_CTX_XPSR, "arch_ctx xpsr offset");
_Static_assert(sizeof(struct arch_ctx) == ARCH_CTX_SIZE, "arch_ctx size");
#endif

#endif
