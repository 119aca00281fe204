/* SPDX-License-Identifier: MIT */
/*
 * AArch64 secondary CPUs and IPIs: PSCI CPU_ON (Arm DEN 0022D 5.6) sends a CPU that is off to
 * entry.S's aarch64_secondary_entry (linked at its physical address) with x0 = its CPU index; an
 * IPI is SGI 0 through the GIC (irq.c), which the trap vector and hal_idle report.
 */
#include "aarch64.h"

_Noreturn void aarch64_secondary_boot(word_t cpu);

bool hal_cpu_start(unsigned cpu)
{
    if (cpu == 0 || cpu >= aarch64_ncpus)
        return false;
    return psci_call(PSCI_CPU_ON, aarch64_cpus[cpu].mpidr, aarch64_secondary_entry_phys, cpu) == 0;
}

void hal_ipi_send(unsigned cpu)
{
    aarch64_irq_send_sgi(cpu, 0);
}

/* entry.S has turned the MMU on with the boot tables, set TPIDR_EL1 and the CPU's stack. */
_Noreturn void aarch64_secondary_boot(word_t cpu)
{
    (void)cpu;
    aarch64_mmu_enable();
    aarch64_cpu_init();
    kernel_secondary_main(hal_cpu_id());
}
