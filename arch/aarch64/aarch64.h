/* SPDX-License-Identifier: MIT */
/*
 * What the AArch64 arch files share among themselves and nobody else: system register access and
 * bit names (Arm ARM DDI 0487, chapter D19 "AArch64 System Register Descriptions"), the per-CPU
 * block, PSCI calls, and the functions one arch file provides to another.
 */
#ifndef MICA_AARCH64_H
#define MICA_AARCH64_H

#include <stdbool.h>
#include <stdint.h>

#include "hal.h"

#define sysreg_read(reg)                                                                           \
    ({                                                                                             \
        word_t v_;                                                                                 \
        __asm__ volatile("mrs %0, " #reg : "=r"(v_));                                              \
        v_;                                                                                        \
    })
#define sysreg_write(reg, val) __asm__ volatile("msr " #reg ", %0" ::"r"((word_t)(val)) : "memory")
#define isb()                  __asm__ volatile("isb" ::: "memory")
#define dsb(opt)               __asm__ volatile("dsb " #opt ::: "memory")

/* ESR_EL1 (D19.2.37): exception class in bits [31:26], ISS in [24:0]. */
#define ESR_EC(esr)        (((esr) >> 26) & 0x3f)
#define EC_UNKNOWN         0x00 /* undefined instruction, HVC/SMC/HLT from EL0 */
#define EC_WFX             0x01 /* WFI/WFE with SCTLR_EL1.nTWI/nTWE clear */
#define EC_FP_ACCESS       0x07 /* FP/SIMD with CPACR_EL1.FPEN trapping */
#define EC_ILLEGAL_STATE   0x0e
#define EC_SVC64           0x15
#define EC_SYS64           0x18 /* MSR/MRS/SYS trapped (EL0 access to EL1 registers) */
#define EC_SVE             0x19
#define EC_SME             0x1d
#define EC_IABT_LOWER      0x20
#define EC_IABT_CUR        0x21
#define EC_PC_ALIGN        0x22
#define EC_DABT_LOWER      0x24
#define EC_DABT_CUR        0x25
#define EC_SP_ALIGN        0x26
#define EC_SERROR          0x2f
#define EC_BRK64           0x3c
#define ESR_ISS_WNR        (1ul << 6) /* data abort: write, not read */
#define BRK_TRAP_CLANG     0x1        /* __builtin_trap's BRK immediate (LLVM) */
#define BRK_TRAP_GCC       0x3e8      /* ... and GCC's */
#define ESR_ISS_FSC(esr)   ((esr)&0x3f)
#define FSC_ALIGNMENT      0x21
#define FSC_TRANSLATION(l) (0x04 + (l))
#define FSC_PERMISSION(l)  (0x0c + (l))

/* SCTLR_EL1 (D19.2.118). RES1 bits of Armv8.0: 11, 20, 22, 23 (SPAN), 28, 29. */
#define SCTLR_M    (1ul << 0)
#define SCTLR_C    (1ul << 2)
#define SCTLR_SA   (1ul << 3)
#define SCTLR_SA0  (1ul << 4)
#define SCTLR_I    (1ul << 12)
#define SCTLR_DZE  (1ul << 14)
#define SCTLR_UCT  (1ul << 15)
#define SCTLR_SPAN (1ul << 23)
#define SCTLR_UCI  (1ul << 26)
#define SCTLR_RES1 ((1ul << 11) | (1ul << 20) | (1ul << 22) | (1ul << 28) | (1ul << 29))

/* CPACR_EL1.FPEN (D19.2.30): 0b00 traps FP/SIMD at EL0 and EL1, 0b11 traps nothing. */
#define CPACR_FPEN_ON (3ul << 20)

/* CNTV_CTL_EL0 (D19.11.17) and CNTKCTL_EL1 (D19.11.12). */
#define CNTV_CTL_ENABLE  (1ul << 0)
#define CNTV_CTL_IMASK   (1ul << 1)
#define CNTV_CTL_ISTATUS (1ul << 2)
#define CNTKCTL_EL0VCTEN (1ul << 1)

/* PMU (D19.12): PMCR_EL0 E|P|C, the cycle counter's enable bit, PMUSERENR_EL0.CR. */
#define PMCR_E_P_C    7ul
#define PMCNTEN_CYCLE (1ul << 31)
#define PMUSERENR_CR  (1ul << 2)

/* The per-CPU block behind TPIDR_EL1 (offsets in arch.h, shared with trap.S). */
struct aarch64_cpu {
    word_t ksp;     /* the top of the CPU's kernel stack: every trap from EL0 starts there */
    void *local;    /* hal_cpu_local */
    uint32_t index; /* hal_cpu_id */
    uint32_t pad;
    word_t emergency_top; /* stack for exceptions taken in EL1 */
    word_t mpidr;         /* MPIDR_EL1 affinity (PSCI CPU_ON, GICv3 routing) */
    word_t pad2[3];
};
_Static_assert(sizeof(struct aarch64_cpu) == AARCH64_CPU_SIZE, "aarch64_cpu size");
_Static_assert(__builtin_offsetof(struct aarch64_cpu, local) == AARCH64_CPU_LOCAL &&
                   __builtin_offsetof(struct aarch64_cpu, index) == AARCH64_CPU_INDEX,
               "aarch64_cpu layout");

extern struct aarch64_cpu aarch64_cpus[CONFIG_NR_CPUS];
extern unsigned aarch64_ncpus;

/* What trap.S saves on the emergency stack for an exception taken in EL1. */
struct aarch64_kframe {
    word_t x[31];
    word_t elr, spsr;
    word_t sp; /* the kernel's SP when the exception came */
};
_Static_assert(sizeof(struct aarch64_kframe) == 272, "trap.S KTRAP_FRAME");

/* ctx.c: a kernel fault that a test expects (haltest): if this hook says so, the kernel resumes at
 * the elr it set instead of panicking. The kernel's own answer is always no. */
bool aarch64_kernel_fault_expected(struct aarch64_kframe *f, word_t esr, word_t far, bool guard);

/* PSCI 1.0 (Arm DEN 0022D) through the devicetree's conduit (hvc or smc): function id in x0. */
#define PSCI_SYSTEM_OFF 0x84000008ul
#define PSCI_CPU_ON     0xc4000003ul
word_t psci_call(word_t fn, word_t a1, word_t a2, word_t a3);
void aarch64_psci_init(const void *dtb);

/* entry.S and trap.S */
extern char aarch64_vectors[];
/* entry.S: the kernel image's physical extent (mica.ld's __mica_phys_start and end) and
 * aarch64_secondary_entry's address, which is physical: the entry code is linked there, out of
 * reach of adrp from the kernel. */
extern const paddr_t aarch64_image_phys[2];
extern const word_t aarch64_secondary_entry_phys;

/* mmu.c: the kernel's page tables (boot CPU) and the switch to them; the guard pages below the
 * kernel stacks; per-CPU translation setup. */
void aarch64_mmu_init(const struct boot_params *bp, const struct mem_range *dev, unsigned ndev);
void aarch64_mmu_enable(void);
bool aarch64_in_stack_guard(word_t va);
extern bool aarch64_has_pan;

/* timer.c */
void aarch64_timer_init(const void *dtb);
void aarch64_timer_cpu_init(void);
void aarch64_timer_expired(void);
extern uint32_t aarch64_timer_irq;

/* irq.c: the GIC behind the HAL. aarch64_irq_take acknowledges the highest pending interrupt
 * and describes it; false if there was nothing to report. */
void aarch64_irq_init(const void *dtb);
void aarch64_irq_cpu_init(void);
bool aarch64_irq_take(struct hal_trap *trap);
void aarch64_irq_devices(struct boot_params *bp);
void aarch64_irq_send_sgi(unsigned cpu, unsigned sgi);

/* Per-CPU system register setup, the same on every CPU. */
void aarch64_cpu_init(void);

/* halt.c */
_Noreturn void aarch64_power_off(void);
extern char aarch64_semihost_hlt[];

#endif
