/* SPDX-License-Identifier: MIT */
/*
 * RV64 machine types for core/hal.h: the word, physical addresses, the saved user context and the
 * Sv39 shape. The ARCH_CTX_* offsets and the kernel's virtual layout are shared with the assembly
 * (entry.S, trap.S), so this header is also included from assembly.
 */
#ifndef MICA_ARCH_H
#define MICA_ARCH_H

/*
 * struct arch_ctx layout: x[0..31] indexed by register number (x[0] is never loaded or stored; it
 * keeps the offsets of the others equal to 8 * n), then sepc, then the top of the kernel stack the
 * thread's next trap enters on (trap.S finds it through sscratch = ctx). User
 * threads run with sstatus.FS = Off, so there is no FP state: an FP instruction in user mode is an
 * illegal-instruction fault.
 */
#define ARCH_CTX_X(n)       (8 * (n))
#define ARCH_CTX_PC         (32 * 8)
#define ARCH_CTX_KSP        (33 * 8)
#define ARCH_CTX_SIZE       (35 * 8)
#define ARCH_MAX_RAM_RANGES 16
#define ARCH_IRQ_LINES      256 /* PLIC sources 1..255 (QEMU virt has 95) */

/*
 * The kernel half of Sv39 starts at 0xffffffc000000000 (bit 38 set, sign-extended: privileged spec
 * 4.4.1). Physical address pa is mapped at pa + RISCV_KERNEL_VOFFSET (CONFIG_KERNEL_VOFFSET, at
 * least that, a multiple of 1 GiB; pa below 2^64 - the offset): all RAM (the linear map, which also
 * holds the kernel image, linked at its physical address + this offset by mica.ld) and the few
 * devices the kernel drives.
 */
#define RISCV_KERNEL_VOFFSET CONFIG_KERNEL_VOFFSET

/* Kernel stacks (entry.S's boot_stack): per CPU an unmapped guard page, then the stack rounded up
 * to whole pages, so that an overflow faults into the guard (riscv_kernel_trap) instead of
 * writing over whatever lies below. CPU n's stack ends at boot_stack + (n + 1) * stride. */
#define RISCV_KSTACK_BYTES  ((CONFIG_KERNEL_STACK_SIZE + 4095) & ~4095)
#define RISCV_KSTACK_STRIDE (RISCV_KSTACK_BYTES + 4096)
/* The top 16 bytes of each kernel stack are the CPU's record, which tp points at in the kernel
 * (entry.S sets it, trap.S on every trap from U-mode): the CPU index (hal_cpu_id), then the
 * core's per-CPU pointer (hal_cpu_local). */
#define RISCV_CPU_RECORD       16
#define RISCV_CPU_RECORD_INDEX 0
#define RISCV_CPU_RECORD_LOCAL 8

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include <mica/abi.h>

typedef uint64_t word_t;
typedef uint64_t paddr_t;

struct arch_ctx {
    word_t x[32];      /* x1 ra, x2 sp, x3 gp, x4 tp, x5-7 t0-2, x8-9 s0-1, x10-17 a0-7, ... */
    word_t pc;         /* sepc: where the thread resumes */
    word_t ksp;        /* top of the kernel stack its traps enter on (trap.S) */
    word_t ipc_buffer; /* user address of the IPC buffer: tp starts with it (hal_ctx_init) */
};

/*
 * Register ids (enum mica_reg): PC, SP and ARG0..ARG7 (= a0..a7) are the arch-neutral ones;
 * MICA_REG_ARCH_BASE + n - 1 is xn for n = 1..31. tp (x4) holds the thread's IPC buffer address
 * (hal_ctx_set_ipc_buffer, and again after every hal_ctx_init), which is how the user runtime
 * finds it; a thread that overwrites tp loses it.
 */
#define ARCH_REG_X(n)    (MICA_REG_ARCH_BASE - 1 + (n))
#define ARCH_NUM_REGS    (MICA_REG_ARCH_BASE + 31)
#define ARCH_ELF_CLASS   64  /* root task ELFs: ELFCLASS64 ... */
#define ARCH_ELF_MACHINE 243 /* ... EM_RISCV */

/*
 * Sv39 (RISC-V privileged spec 1.12, 4.4): three levels of 512 eight-byte PTEs, 4 KiB pages, a
 * 39-bit virtual address space whose lower half belongs to user space.
 */
typedef uint64_t pte_t;
#define HAL_PT_LEVELS     3
#define HAL_PT_INDEX_BITS 9
#define HAL_PAGE_BITS     12
#define HAL_USER_TOP      ((word_t)1 << 38)

/*
 * Hot HAL functions, inline (core/hal.h declares them after including this file, which keeps their
 * internal linkage: C11 6.2.2p4). The IPC path reads and writes message registers through these;
 * with a constant id they fold to one load or store.
 */
static inline word_t *arch_ctx_slot(struct arch_ctx *ctx, unsigned reg)
{
    if (reg >= MICA_REG_ARG0 && reg <= MICA_REG_ARG7)
        return &ctx->x[10 + reg - MICA_REG_ARG0]; /* a0..a7 = x10..x17 */
    if (reg == MICA_REG_PC)
        return &ctx->pc;
    if (reg == MICA_REG_SP)
        return &ctx->x[2];
    return &ctx->x[reg - ARCH_REG_X(0)];
}

static inline word_t hal_ctx_get(const struct arch_ctx *ctx, unsigned reg)
{
    return *arch_ctx_slot((struct arch_ctx *)ctx, reg);
}

static inline void hal_ctx_set(struct arch_ctx *ctx, unsigned reg, word_t val)
{
    *arch_ctx_slot(ctx, reg) = val;
}

/* The CPU's record (RISCV_CPU_RECORD): tp in the kernel, which never changes it. */
struct riscv_cpu_record {
    word_t index;
    void *local;
};

_Static_assert(__builtin_offsetof(struct riscv_cpu_record, local) == RISCV_CPU_RECORD_LOCAL &&
                   sizeof(struct riscv_cpu_record) == RISCV_CPU_RECORD,
               "riscv_cpu_record layout");

static inline struct riscv_cpu_record *riscv_cpu_record(void)
{
    struct riscv_cpu_record *r;

    __asm__("mv %0, tp" : "=r"(r));
    return r;
}

static inline unsigned hal_cpu_id(void)
{
    return (unsigned)riscv_cpu_record()->index;
}

/* One load from tp, and no memory operand: the pointer is set once per CPU before anything reads
 * it (hal.h), so clang may reuse or repeat the load freely instead of keeping a copy of tp. */
static inline void *hal_cpu_local(void)
{
    void *p;

    __asm__("ld %0, %1(tp)" : "=r"(p) : "i"(RISCV_CPU_RECORD_LOCAL));
    return p;
}

static inline void hal_cpu_local_set(void *p)
{
    riscv_cpu_record()->local = p;
}

/* The time CSR (Zicntr's rdtime), which the kernel reads a few times per trap. */
static inline uint64_t hal_time_now(void)
{
    uint64_t t;

    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

/* The linear map (RISCV_KERNEL_VOFFSET above): one addition either way. */
static inline void *hal_phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)(pa + RISCV_KERNEL_VOFFSET);
}

static inline paddr_t hal_virt_to_phys(const void *kva)
{
    return (paddr_t)((uintptr_t)kva - RISCV_KERNEL_VOFFSET);
}

/* Largest hardware ASID; 0 if the hart has none (mmu.c probes it at boot). */
extern word_t riscv_asid_max;

/*
 * satp = Sv39 | ASID | root (privileged spec 4.1.11): the token is the satp value, and loading it
 * is the whole switch, inline. The hardware ASID is the core's asid when the hart implements it,
 * else 0, which every address space without one shares. With a hardware ASID no fence is needed:
 * the walker fenced every PTE change for that ASID already (4.2.1), and the core flushes an ASID
 * before reusing it. Without one, translations of the previous space may still be cached under
 * ASID 0: drop them all.
 */
static inline word_t hal_vspace_token(paddr_t root, word_t asid)
{
    word_t hw = asid <= riscv_asid_max ? asid : 0;

    return (8ul << 60) | (hw << 44) | (root >> HAL_PAGE_BITS);
}

static inline void hal_vspace_load(word_t token)
{
    __asm__ volatile("csrw satp, %0" ::"r"(token) : "memory");
    if (!(token & (0xfffful << 44)))
        __asm__ volatile("sfence.vma" ::: "memory");
}

_Static_assert(offsetof(struct arch_ctx, x[31]) == ARCH_CTX_X(31), "arch_ctx x layout");
_Static_assert(offsetof(struct arch_ctx, pc) == ARCH_CTX_PC, "arch_ctx pc offset");
_Static_assert(offsetof(struct arch_ctx, ksp) == ARCH_CTX_KSP, "arch_ctx ksp offset");
_Static_assert(sizeof(struct arch_ctx) == ARCH_CTX_SIZE, "arch_ctx size");
#endif

#endif
