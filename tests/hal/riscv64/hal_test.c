/* SPDX-License-Identifier: MIT */
/*
 * The riscv64 HAL self-test, kernel side: what only riscv64 checks (the kernel's Sv39 mappings,
 * read back through satp) and the board's device (the goldfish RTC), on ../kernel.c, which loads
 * and runs the U-mode program (user_test.c) and answers it. Built as haltest.elf, never as the
 * kernel image.
 */
#include <mica/objects.h>

#include "fdt.h"
#include "ht_kernel.h"
#include "riscv.h"

/* ---- the kernel's own mappings, read back through satp ---- */

static pte_t kernel_leaf(const void *va)
{
    word_t satp;
    pte_t *table;

    __asm__ volatile("csrr %0, satp" : "=r"(satp));
    table = hal_phys_to_virt((satp & ((1ul << 44) - 1)) << HAL_PAGE_BITS);
    for (unsigned level = 0; level < HAL_PT_LEVELS; level++) {
        unsigned shift = HAL_PAGE_BITS + (HAL_PT_LEVELS - 1 - level) * HAL_PT_INDEX_BITS;
        pte_t e = table[((word_t)va >> shift) & ((1u << HAL_PT_INDEX_BITS) - 1)];
        if (hal_pte_kind(e, level) != HAL_PTE_TABLE)
            return e;
        table = hal_phys_to_virt(hal_pte_addr(e));
    }
    return 0;
}

/* Sv39 leaf bits R W X U (privileged spec 4.4.1). */
static bool leaf_is(pte_t e, unsigned rwx)
{
    return (e & 1) && ((e >> 1) & 7) == rwx && !(e & 0x10);
}

static void check_kernel_mappings(void)
{
    static const char rodata_probe[] = "rodata";
    extern char __mica_kernel_end[];
    paddr_t ram_top = ht_bootp->ram[0].base + ht_bootp->ram[0].size - HT_PAGE;
    bool ok = leaf_is(kernel_leaf((const void *)check_kernel_mappings), 5) &&
              leaf_is(kernel_leaf(rodata_probe), 1) &&
              leaf_is(kernel_leaf((const void *)&ht_kernel_data_word), 3) &&
              leaf_is(kernel_leaf(__mica_kernel_end), 3) &&
              leaf_is(kernel_leaf(hal_phys_to_virt(ram_top)), 3);

    ht_report(TEST_KERNEL_WX, ok, "a kernel PTE has the wrong rights");
}

/* An overflow runs into the guard (mmu.c), where riscv_kernel_trap reports it; here the tables
 * are read back: the guard unmapped, the stack above it read-write, for every CPU. */
static void check_stack_guard(void)
{
    extern char boot_stack[];
    bool ok = true;

    for (unsigned cpu = 0; cpu < CONFIG_NR_CPUS; cpu++) {
        char *guard = boot_stack + cpu * RISCV_KSTACK_STRIDE;
        unsigned who = ~0u;
        ok &= !(kernel_leaf(guard) & 1) && !(kernel_leaf(guard + HT_PAGE - 8) & 1);
        ok &= leaf_is(kernel_leaf(guard + HT_PAGE), 3) &&
              leaf_is(kernel_leaf(guard + RISCV_KSTACK_STRIDE - 8), 3);
        ok &= riscv_stack_guard((word_t)guard + 16, &who) && who == cpu &&
              !riscv_stack_guard((word_t)guard + HT_PAGE, &who);
    }
    ht_report(TEST_STACK_GUARD, ok, "a guard page is mapped, or a stack page is not");
}

bool ht_arch_syscall(struct arch_ctx *ctx, word_t nr)
{
    (void)ctx, (void)nr;
    return false;
}

_Noreturn void kernel_main(struct boot_params *bp)
{
    paddr_t rtc, size;
    uint32_t irq;

    ht_begin(bp, "riscv64 HAL self-test");
    check_kernel_mappings();
    check_stack_guard();
    ht_check_smp();
    word_t entry = ht_load_program();
    if (fdt_find_compatible(bp->dtb, "google,goldfish-rtc", &rtc, &size) == 0 &&
        fdt_compatible_u32(bp->dtb, "google,goldfish-rtc", "interrupts", 0, &irq) == 0 &&
        hal_irq_valid(irq))
        ht_device(rtc, irq);
    ht_run(entry);
}
