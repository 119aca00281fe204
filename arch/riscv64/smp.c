/* SPDX-License-Identifier: MIT */
/*
 * RV64 secondary harts and IPIs through SBI (SBI spec 1.0): HSM hart_start sends a stopped hart
 * to entry.S's riscv_secondary_entry (linked at its physical address), sPI send_ipi raises its
 * supervisor software interrupt (sip.SSIP), which the trap vector and hal_idle report.
 */
#include "riscv.h"

extern const word_t riscv_secondary_entry_phys; /* entry.S: riscv_secondary_entry, physical */
_Noreturn void riscv_secondary_boot(word_t hartid, word_t cpu);

bool hal_cpu_start(unsigned cpu)
{
    if (cpu == 0 || cpu >= riscv_ncpus)
        return false;
    return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, riscv_hartid[cpu], riscv_secondary_entry_phys,
                    cpu)
               .error == 0;
}

void hal_ipi_send(unsigned cpu)
{
    /* send_ipi(hart_mask, hart_mask_base): bit 0 of the mask is hart hart_mask_base. */
    sbi_call(SBI_EXT_IPI, 0, 1, riscv_hartid[cpu], 0);
}

/* remote_sfence_vma (FID 1) and remote_sfence_vma_asid (FID 2) take five arguments. */
static long sbi_rfence(word_t fid, word_t hart, word_t start, word_t size, word_t asid)
{
    register word_t r0 __asm__("a0") = 1; /* hart_mask: bit 0 is hart_mask_base */
    register word_t r1 __asm__("a1") = hart;
    register word_t r2 __asm__("a2") = start;
    register word_t r3 __asm__("a3") = size;
    register word_t r4 __asm__("a4") = asid;
    register word_t r6 __asm__("a6") = fid;
    register word_t r7 __asm__("a7") = SBI_EXT_RFENCE;

    __asm__ volatile("ecall"
                     : "+r"(r0), "+r"(r1)
                     : "r"(r2), "r"(r3), "r"(r4), "r"(r6), "r"(r7)
                     : "memory");
    return (long)r0;
}

/* One call per hart: hart ids need not be dense, and a mask of all harts (base -1) would include
 * harts CONFIG_NR_CPUS left off. OpenSBI returns once the target hart has fenced. */
void riscv_remote_sfence(word_t start, word_t size, word_t asid)
{
    for (unsigned i = 0; i < riscv_ncpus; i++)
        if (i != hal_cpu_id())
            sbi_rfence(asid ? 2 : 1, riscv_hartid[i], start, size, asid);
}

/* entry.S has switched to the boot tables, the hart's stack and its CPU record (tp). */
_Noreturn void riscv_secondary_boot(word_t hartid, word_t cpu)
{
    (void)hartid;
    riscv_mmu_enable();
    riscv_cpu_init();
    kernel_secondary_main((unsigned)cpu);
}
