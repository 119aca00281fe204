/* SPDX-License-Identifier: MIT */
/*
 * What the RV64 arch files share among themselves and nobody else: CSR access and bit names
 * (RISC-V privileged spec 1.12, chapter 4 "Supervisor-Level ISA"), SBI calls (SBI spec 1.0), and
 * the functions one arch file provides to another.
 */
#ifndef MICA_RISCV_H
#define MICA_RISCV_H

#include <stdbool.h>
#include <stdint.h>

#include "hal.h"

/* Is va in a kernel stack's guard page (mmu.c)? Which CPU's, in *cpu. */
bool riscv_stack_guard(word_t va, unsigned *cpu);

#define csr_read(csr)                                                                              \
    ({                                                                                             \
        word_t v_;                                                                                 \
        __asm__ volatile("csrr %0, " #csr : "=r"(v_));                                             \
        v_;                                                                                        \
    })
#define csr_write(csr, val)  __asm__ volatile("csrw " #csr ", %0" ::"rK"((word_t)(val)) : "memory")
#define csr_set(csr, bits)   __asm__ volatile("csrs " #csr ", %0" ::"rK"((word_t)(bits)) : "memory")
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" ::"rK"((word_t)(bits)) : "memory")

/* stimecmp (Sstc, CSR 0x14d): clang 14 does not know the name. */
#define CSR_STIMECMP 0x14d

/* sstatus (4.1.1). */
#define SSTATUS_SIE  (1ul << 1)
#define SSTATUS_SPIE (1ul << 5)
#define SSTATUS_SPP  (1ul << 8)
#define SSTATUS_FS   (3ul << 13)
#define SSTATUS_SUM  (1ul << 18)

/* sip / sie bits (4.1.3): supervisor software, timer and external interrupts. */
#define IRQ_S_SOFT  1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT   9
#define SIE_SSIE    (1ul << IRQ_S_SOFT)
#define SIE_STIE    (1ul << IRQ_S_TIMER)
#define SIE_SEIE    (1ul << IRQ_S_EXT)

/* scause (4.1.9, table 4.2): the interrupt bit and the exception codes we tell apart. */
#define SCAUSE_INTERRUPT        (1ul << 63)
#define EXC_INST_MISALIGNED     0
#define EXC_INST_ACCESS         1
#define EXC_ILLEGAL_INSTRUCTION 2
#define EXC_BREAKPOINT          3
#define EXC_LOAD_MISALIGNED     4
#define EXC_LOAD_ACCESS         5
#define EXC_STORE_MISALIGNED    6
#define EXC_STORE_ACCESS        7
#define EXC_ECALL_U             8
#define EXC_INST_PAGE_FAULT     12
#define EXC_LOAD_PAGE_FAULT     13
#define EXC_STORE_PAGE_FAULT    15

/* scounteren (4.1.5): CY, TM, IR let U-mode read cycle, time and instret. */
#define SCOUNTEREN_CY_TM_IR 7

/* satp (4.1.11): MODE in bits 63:60 (8 = Sv39), ASID in 59:44, PPN in 43:0. */
#define SATP_MODE_SV39  (8ul << 60)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK  0xfffful

/* SBI extensions and functions (SBI spec 1.0: TIME, sPI, HSM, SRST). */
#define SBI_EXT_TIME         0x54494d45
#define SBI_EXT_IPI          0x735049
#define SBI_EXT_HSM          0x48534d
#define SBI_EXT_RFENCE       0x52464e43
#define SBI_EXT_SRST         0x53525354
#define SBI_HSM_HART_START   0
#define SBI_SRST_SHUTDOWN    0
#define SBI_SRST_NO_REASON   0
#define SBI_SRST_SYSTEM_FAIL 1

struct sbiret {
    long error;
    long value;
};

/* An SBI call: a7 = extension, a6 = function, a0..a2 arguments; error in a0, value in a1. */
static inline struct sbiret sbi_call(word_t ext, word_t fid, word_t a0, word_t a1, word_t a2)
{
    register word_t r0 __asm__("a0") = a0;
    register word_t r1 __asm__("a1") = a1;
    register word_t r2 __asm__("a2") = a2;
    register word_t r6 __asm__("a6") = fid;
    register word_t r7 __asm__("a7") = ext;

    __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
    return (struct sbiret){(long)r0, (long)r1};
}

/* entry.S: where the kernel image is, physically (the fragment's __mica_phys_start and end: the
 * entry code's section is linked at its physical address, out of reach of PC-relative code). */
extern const paddr_t riscv_image_phys[2];

#ifdef CONFIG_SMP
/* smp.c: sfence.vma on every other started hart (SBI RFENCE), for [start, start + size) of hardware
 * ASID asid (0: every address space). */
void riscv_remote_sfence(word_t start, word_t size, word_t asid);
#endif

/* trap.S: the trap vector (hal_user_enter is there too). */
extern char riscv_trap_vector[];

/* boot.c: CPU index -> hart id, for SBI calls. */
extern word_t riscv_hartid[CONFIG_NR_CPUS];
extern unsigned riscv_ncpus;

/* mmu.c: build the kernel's page tables and switch to them (boot CPU), or only switch. */
void riscv_mmu_init(const struct boot_params *bp, const struct mem_range *dev, unsigned ndev);
void riscv_mmu_enable(void);

/* timer.c */
void riscv_timer_init(const void *dtb);
void riscv_timer_cpu_init(void);
void riscv_timer_expired(void);

/* irq.c: the PLIC behind the HAL, and the claim on an external interrupt (0: none). */
void riscv_irq_init(const void *dtb);
void riscv_irq_cpu_init(void);
word_t riscv_irq_claim(void);
void riscv_irq_devices(struct boot_params *bp);

/* halt.c: the sifive_test device, if the devicetree has one. */
void riscv_halt_init(paddr_t test_base);

/* Per-CPU trap and interrupt setup, the same on every hart. */
void riscv_cpu_init(void);

/* Does the boot hart's riscv,isa string name extension ext (e.g. "sstc")? */
bool riscv_isa_has(const void *dtb, const char *ext);

#endif
