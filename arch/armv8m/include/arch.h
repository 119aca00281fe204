/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M Mainline (Cortex-M33) machine types for core/hal.h: the word, physical addresses, the
 * saved user context, the MPU register image and the hot inlines. The ARCH_CTX_* offsets are
 * shared with the trap code (trap.S), so this header is also included from assembly.
 */
#ifndef MICA_ARCH_H
#define MICA_ARCH_H

/*
 * struct arch_ctx layout, in the order the trap code moves it with ldm/stm: r4-r11 (which the
 * kernel saves itself), then the eight words the hardware stacks on exception entry (r0-r3, r12,
 * lr, pc, xPSR: Armv8-M ARM B3.19, "Stack frames"), then the thread's SP as it sees it (above that
 * frame), its PSPLIM and the IPC buffer address that r9 starts with. The kernel is built
 * soft-float and threads run with the FPU disabled (CPACR), so there is no FP state.
 */
#define ARCH_CTX_R4         0
#define ARCH_CTX_FRAME      32 /* r0, r1, r2, r3, r12, lr, pc, xpsr */
#define ARCH_CTX_SP         64
#define ARCH_CTX_PSPLIM     68
#define ARCH_CTX_IPC        72
#define ARCH_CTX_SIZE       80
#define ARCH_MAX_RAM_RANGES 8
#define ARCH_IRQ_LINES      480 /* the NVIC has up to 480 external interrupts (the AN505 96) */
#define ARCH_ELF_CLASS      32  /* root task ELFs: ELFCLASS32 ... */
#define ARCH_ELF_MACHINE    40  /* ... EM_ARM */

/* xPSR (Armv8-M ARM B3.5.9): what user code may set (N Z C V Q and GE), the Thumb bit, the
 * IT/ICI bits of an interrupted IT block or multi-cycle load/store, and the "stack realigned"
 * flag the hardware adds to the stacked copy only. */
#define XPSR_APSR      0xf80f0000
#define XPSR_T         0x01000000
#define XPSR_IT_ICI    0x0600fc00
#define XPSR_SPREALIGN 0x00000200

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include <mica/abi.h>

typedef uint32_t word_t;
typedef uint32_t paddr_t;

struct arch_ctx {
    word_t r4_11[8]; /* r4-r11; r9 is the IPC buffer register of the user runtime */
    word_t frame[8]; /* r0, r1, r2, r3, r12, lr, pc, xpsr */
    word_t sp;       /* PSP as the thread sees it (before the hardware frame, realignment undone) */
    word_t psplim;   /* the thread's stack limit (PSPLIM), 0 = none */
    word_t ipc_buffer;
    word_t pad;
};

/*
 * Register ids (enum mica_reg): PC, SP and ARG0..ARG7 (= r0..r7) are the arch-neutral ones;
 * MICA_REG_ARCH_BASE + n is rn for n = 0..15, then xPSR and PSPLIM.
 */
#define ARCH_REG_R(n)   (MICA_REG_ARCH_BASE + (n))
#define ARCH_REG_XPSR   (MICA_REG_ARCH_BASE + 16)
#define ARCH_REG_PSPLIM (MICA_REG_ARCH_BASE + 17)
#define ARCH_NUM_REGS   (MICA_REG_ARCH_BASE + 18)

/* Frame word of r0-r3, r12, lr, pc, xpsr. */
#define ARCH_FRAME_R12  4
#define ARCH_FRAME_LR   5
#define ARCH_FRAME_PC   6
#define ARCH_FRAME_XPSR 7

/*
 * PMSAv8 (Armv8-M ARM B3.5 / "Protected Memory System Architecture"): regions are base/limit
 * pairs at a 32-byte granule. CONFIG_MPU_REGIONS of them (8, the common Cortex-M33, unless
 * configured otherwise); boot checks MPU_TYPE.DREGION has at least that many. The encoded state is
 * one {RBAR, RLAR} pair per region, so a switch is plain stores (mpu.c).
 */
#define HAL_MPU_REGIONS CONFIG_MPU_REGIONS
#define HAL_MPU_GRANULE 32

struct arch_mpu_state {
    word_t pair[HAL_MPU_REGIONS][2]; /* MPU_RBAR, MPU_RLAR */
};

/*
 * Hot HAL functions, inline (core/hal.h declares them after including this file, which keeps
 * their internal linkage: C11 6.2.2p4). A register id names a word of struct arch_ctx through a
 * constant table, so that with a constant id (the IPC path's message registers) the compiler folds
 * the lookup into one load or store, and with a variable one it is two loads, not a chain of tests.
 */
#define ARCH_CTX_WORD(field) ((uint8_t)(offsetof(struct arch_ctx, field) / sizeof(word_t)))
static const uint8_t arch_ctx_word[ARCH_NUM_REGS] = {
    [MICA_REG_PC] = ARCH_CTX_WORD(frame[ARCH_FRAME_PC]),
    [MICA_REG_SP] = ARCH_CTX_WORD(sp),
    [MICA_REG_ARG0] = ARCH_CTX_WORD(frame[0]),
    [MICA_REG_ARG0 + 1] = ARCH_CTX_WORD(frame[1]),
    [MICA_REG_ARG0 + 2] = ARCH_CTX_WORD(frame[2]),
    [MICA_REG_ARG0 + 3] = ARCH_CTX_WORD(frame[3]),
    [MICA_REG_ARG0 + 4] = ARCH_CTX_WORD(r4_11[0]),
    [MICA_REG_ARG0 + 5] = ARCH_CTX_WORD(r4_11[1]),
    [MICA_REG_ARG0 + 6] = ARCH_CTX_WORD(r4_11[2]),
    [MICA_REG_ARG7] = ARCH_CTX_WORD(r4_11[3]),
    [ARCH_REG_R(0)] = ARCH_CTX_WORD(frame[0]),
    [ARCH_REG_R(1)] = ARCH_CTX_WORD(frame[1]),
    [ARCH_REG_R(2)] = ARCH_CTX_WORD(frame[2]),
    [ARCH_REG_R(3)] = ARCH_CTX_WORD(frame[3]),
    [ARCH_REG_R(4)] = ARCH_CTX_WORD(r4_11[0]),
    [ARCH_REG_R(5)] = ARCH_CTX_WORD(r4_11[1]),
    [ARCH_REG_R(6)] = ARCH_CTX_WORD(r4_11[2]),
    [ARCH_REG_R(7)] = ARCH_CTX_WORD(r4_11[3]),
    [ARCH_REG_R(8)] = ARCH_CTX_WORD(r4_11[4]),
    [ARCH_REG_R(9)] = ARCH_CTX_WORD(r4_11[5]),
    [ARCH_REG_R(10)] = ARCH_CTX_WORD(r4_11[6]),
    [ARCH_REG_R(11)] = ARCH_CTX_WORD(r4_11[7]),
    [ARCH_REG_R(12)] = ARCH_CTX_WORD(frame[ARCH_FRAME_R12]),
    [ARCH_REG_R(13)] = ARCH_CTX_WORD(sp),
    [ARCH_REG_R(14)] = ARCH_CTX_WORD(frame[ARCH_FRAME_LR]),
    [ARCH_REG_R(15)] = ARCH_CTX_WORD(frame[ARCH_FRAME_PC]),
    [ARCH_REG_XPSR] = ARCH_CTX_WORD(frame[ARCH_FRAME_XPSR]),
    [ARCH_REG_PSPLIM] = ARCH_CTX_WORD(psplim),
};

static inline word_t hal_ctx_get(const struct arch_ctx *ctx, unsigned reg)
{
    return ((const word_t *)ctx)[arch_ctx_word[reg]];
}

/*
 * Writes that could make the exception return fail (or do what the thread could not do itself)
 * are sanitised: of xPSR only the APSR flags are the thread's (T stays set, the IT state and the
 * exception number are the hardware's); a new PC is a halfword address in Thumb state outside any
 * IT block (a thread that branched to an even address left Thumb state and faults until its PC is
 * written); PSPLIM is 8-byte aligned, as the register is.
 */
static inline void hal_ctx_set(struct arch_ctx *ctx, unsigned reg, word_t val)
{
    word_t *xpsr = &ctx->frame[ARCH_FRAME_XPSR];

    if (reg == ARCH_REG_XPSR) {
        val = (*xpsr & ~XPSR_APSR) | (val & XPSR_APSR) | XPSR_T;
    } else if (reg == MICA_REG_PC || reg == ARCH_REG_R(15)) {
        *xpsr = (*xpsr & ~XPSR_IT_ICI) | XPSR_T;
        val &= ~(word_t)1;
    } else if (reg == ARCH_REG_PSPLIM) {
        val &= ~(word_t)7;
    }
    ((word_t *)ctx)[arch_ctx_word[reg]] = val;
}

/* A single core. */
static inline unsigned hal_cpu_id(void)
{
    return 0;
}

/*
 * The clock: a CMSDK timer the board names, counting down from 0xffffffff at the system clock
 * and reloading; each reload sets its INTSTATUS, which counts one more wrap here (timer.c enables
 * its interrupt, so a wrap is never missed for lack of a kernel entry: it takes 2^32 ticks, over
 * three minutes at 20 MHz). Read once per trap.
 */
extern volatile uint32_t *armv8m_clock;
extern uint32_t armv8m_clock_wraps;

static inline uint64_t hal_time_now(void)
{
    volatile uint32_t *t = armv8m_clock;
    uint32_t v = t[1]; /* VALUE */

    if (t[3] & 1) { /* INTSTATUS: wrapped since the last look (maybe just now: read again) */
        t[3] = 1;
        armv8m_clock_wraps++;
        v = t[1];
    }
    return ((uint64_t)armv8m_clock_wraps << 32) | (uint32_t)~v;
}

/* No MMU: the firmware's memory is where it is, for privileged code. */
static inline word_t hal_firmware_enter(void)
{
    return 0;
}

static inline void hal_firmware_leave(word_t token)
{
    (void)token;
}

/* No MMU: addresses are physical. */
static inline void *hal_phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)pa;
}

static inline paddr_t hal_virt_to_phys(const void *kva)
{
    return (paddr_t)(uintptr_t)kva;
}

_Static_assert(offsetof(struct arch_ctx, frame) == ARCH_CTX_FRAME, "arch_ctx frame offset");
_Static_assert(offsetof(struct arch_ctx, sp) == ARCH_CTX_SP, "arch_ctx sp offset");
_Static_assert(offsetof(struct arch_ctx, psplim) == ARCH_CTX_PSPLIM, "arch_ctx psplim offset");
_Static_assert(offsetof(struct arch_ctx, ipc_buffer) == ARCH_CTX_IPC, "arch_ctx ipc offset");
_Static_assert(sizeof(struct arch_ctx) == ARCH_CTX_SIZE, "arch_ctx size");
#endif

#endif
