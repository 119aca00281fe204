/* SPDX-License-Identifier: MIT */
/*
 * RV64 secondary harts and IPIs through SBI (SBI spec 1.0): HSM hart_start sends a stopped hart
 * to entry.S's riscv_secondary_entry at its physical address, sPI send_ipi raises its supervisor
 * software interrupt (sip.SSIP), which the trap vector and hal_idle report.
 */
#include "riscv.h"

extern char riscv_secondary_entry[];
_Noreturn void riscv_secondary_boot(word_t hartid, word_t cpu);

bool hal_cpu_start(unsigned cpu)
{
    if (cpu == 0 || cpu >= riscv_ncpus)
        return false;
    return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, riscv_hartid[cpu],
                    hal_virt_to_phys(riscv_secondary_entry), cpu)
               .error == 0;
}

void hal_ipi_send(unsigned cpu)
{
    /* send_ipi(hart_mask, hart_mask_base): bit 0 of the mask is hart hart_mask_base. */
    sbi_call(SBI_EXT_IPI, 0, 1, riscv_hartid[cpu], 0);
}

/* entry.S has switched to the boot tables, the hart's stack and tp = cpu. */
_Noreturn void riscv_secondary_boot(word_t hartid, word_t cpu)
{
    (void)hartid;
    riscv_mmu_enable();
    riscv_cpu_init();
    kernel_secondary_main((unsigned)cpu);
}
