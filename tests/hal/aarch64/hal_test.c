/* SPDX-License-Identifier: MIT */
/*
 * The aarch64 HAL self-test, kernel side: what only aarch64 checks (the kernel's TTBR1 mappings
 * read back from the tables, the guard page below the kernel stack, PAN, SPSR sanitising) and the
 * board's device (the PL061 GPIO), on ../kernel.c, which loads and runs the EL0 program
 * (user_test.c) and answers it. Built as haltest.elf, never as the kernel image.
 */
#include <mica/objects.h>

#include "aarch64.h"
#include "fdt.h"
#include "ht_kernel.h"

/* Descriptor bits (Arm ARM D8.3): AP[1] EL0 access, AP[2] read-only, PXN, UXN. */
#define DESC_VALID  (1ul << 0)
#define DESC_TABLE  (1ul << 1)
#define DESC_AP_EL0 (1ul << 6)
#define DESC_AP_RO  (1ul << 7)
#define DESC_PXN    (1ul << 53)
#define DESC_UXN    (1ul << 54)
#define GIC_SPI     32

extern char kernel_stacks[];

/* ---- the kernel's own mappings, read back through TTBR1_EL1 (three levels from level 1) ---- */

static pte_t kernel_desc(const void *va)
{
    pte_t *table = hal_phys_to_virt(sysreg_read(ttbr1_el1) & 0x0000fffffffff000ul);

    for (unsigned level = 1; level <= 3; level++) {
        unsigned shift = HAL_PAGE_BITS + (3 - level) * HAL_PT_INDEX_BITS;
        pte_t e = table[((word_t)va >> shift) & ((1u << HAL_PT_INDEX_BITS) - 1)];
        if (!(e & DESC_VALID) || level == 3 || !(e & DESC_TABLE))
            return e;
        table = hal_phys_to_virt(e & 0x0000fffffffff000ul);
    }
    return 0;
}

/* Valid, EL1 only, never EL0-executable; read-only or not; EL1-executable or not. */
static bool kernel_desc_is(pte_t e, bool ro, bool exec)
{
    return (e & DESC_VALID) && !(e & DESC_AP_EL0) && (e & DESC_UXN) && !!(e & DESC_AP_RO) == ro &&
           !(e & DESC_PXN) == exec;
}

static void check_kernel_mappings(void)
{
    static const char rodata_probe[] = "rodata";
    extern char __mica_kernel_end[];
    paddr_t ram_top = ht_bootp->ram[0].base + ht_bootp->ram[0].size - HT_PAGE;
    bool ok = kernel_desc_is(kernel_desc((const void *)check_kernel_mappings), true, true) &&
              kernel_desc_is(kernel_desc(rodata_probe), true, false) &&
              kernel_desc_is(kernel_desc((const void *)&ht_kernel_data_word), false, false) &&
              kernel_desc_is(kernel_desc(kernel_stacks + HT_PAGE), false, false) &&
              kernel_desc_is(kernel_desc(__mica_kernel_end), false, false) &&
              kernel_desc_is(kernel_desc(hal_phys_to_virt(ram_top)), false, false);

    ht_report(TEST_KERNEL_WX, ok, "a kernel descriptor has the wrong rights");
}

/* ---- kernel faults this test provokes on purpose (ctx.c's hook) ---- */

static struct kfault {
    bool armed, seen, guard;
    word_t addr, esr;
} kfault;

bool aarch64_kernel_fault_expected(struct aarch64_kframe *f, word_t esr, word_t far, bool guard)
{
    if (!kfault.armed || far != kfault.addr)
        return false;
    kfault.armed = false;
    kfault.seen = true;
    kfault.guard = guard;
    kfault.esr = esr;
    f->elr += 4; /* past the one load or store that faulted */
    return true;
}

static void arm_kfault(word_t addr)
{
    kfault = (struct kfault){.armed = true, .addr = addr};
}

/*
 * The page below CPU 0's stack is not mapped, and an overflow into it is classified as one: with
 * SP moved to the bottom of the stack (as after an overflowing call chain), a push faults on the
 * guard page, and the exception path, which cannot use that SP, reports it from its emergency
 * stack (here to the hook, which resumes past the push; SP comes back as it was).
 */
static void check_stack_guard(void)
{
    word_t bottom = (word_t)kernel_stacks + HT_PAGE;

    arm_kfault(bottom - 16);
    __asm__ volatile("mov x9, sp\n\tmov sp, %0\n\tstr xzr, [sp, #-16]!\n\tmov sp, x9" ::"r"(bottom)
                     : "x9", "memory");
    ht_report(TEST_STACK_GUARD,
              !(kernel_desc((const void *)(bottom - 16)) & DESC_VALID) && kfault.seen &&
                  kfault.guard && ESR_EC(kfault.esr) == EC_DABT_CUR,
              "the guard page is mapped, or its fault was not seen as the stack's");
}

/* With PAN the kernel's own load from a user page is a permission fault (D5.4.2). */
static void check_pan(unsigned test, word_t uaddr)
{
    word_t v;

    if (!aarch64_has_pan) {
        ht_skip(test, "the CPU has no PAN (FEAT_PAN is Armv8.1; cortex-a53 and a72 are Armv8.0)");
        return;
    }
    arm_kfault(uaddr);
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(uaddr) : "memory");
    (void)v;
    ht_report(test,
              kfault.seen && ESR_EC(kfault.esr) == EC_DABT_CUR &&
                  ESR_ISS_FSC(kfault.esr) >= FSC_PERMISSION(0) &&
                  ESR_ISS_FSC(kfault.esr) <= FSC_PERMISSION(3),
              "the kernel read user memory, or the fault was not a permission fault");
}

bool ht_arch_syscall(struct arch_ctx *ctx, word_t nr)
{
    switch (nr) {
    case T_SET_SPSR:
        hal_ctx_set(ctx, ARCH_REG_SPSR, ht_arg(ctx, 0));
        ht_ret(ctx, 0, hal_ctx_get(ctx, ARCH_REG_SPSR));
        return true;
    case T_PAN: check_pan((unsigned)ht_arg(ctx, 0), ht_arg(ctx, 1)); return true;
    default: return false;
    }
}

_Noreturn void kernel_main(struct boot_params *bp)
{
    paddr_t gpio, size;
    uint32_t type, spi;

    ht_begin(bp, "aarch64 HAL self-test");
    check_kernel_mappings();
    check_stack_guard();
    ht_check_smp();
    word_t entry = ht_load_program();
    /* interrupts = <type number flags>, type 0 = SPI (arm,gic binding). */
    if (fdt_find_compatible(bp->dtb, "arm,pl061", &gpio, &size) == 0 &&
        fdt_compatible_u32(bp->dtb, "arm,pl061", "interrupts", 0, &type) == 0 &&
        fdt_compatible_u32(bp->dtb, "arm,pl061", "interrupts", 1, &spi) == 0 && type == 0 &&
        hal_irq_valid(GIC_SPI + spi))
        ht_device(gpio, GIC_SPI + spi);
    ht_run(entry);
}
