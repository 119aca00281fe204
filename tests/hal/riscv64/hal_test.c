/* SPDX-License-Identifier: MIT */
/*
 * The riscv64 HAL self-test, kernel side: a stand-in for the core that exercises every HAL path
 * with a real U-mode program (user_test.c, linked with the user runtime and embedded as an ELF).
 * It loads the program into its own Sv39 address space through the hal_pte_* hooks, runs it with
 * hal_user_run, answers its syscalls (hal_test.h), checks each trap against what the program said
 * would happen, and prints TAP. Built as haltest.elf, never as the kernel image.
 */
#include <string.h>

#include <mica/abi.h>
#include <mica/fault.h>
#include <mica/objects.h>

#include "fdt.h"
#include "hal.h"
#include "hal_test.h"
#include "klog.h"

#define PAGE      ((paddr_t)1 << HAL_PAGE_BITS)
#define ASID      1
#define BENCH_MAX 1000000

extern const char root_elf_start[], root_elf_end[];

static const char *const test_names[] = {
#define HAL_TEST_NAME(id, name) name,
    HAL_TESTS(HAL_TEST_NAME)};

static struct boot_params *bootp;
static bool reported[TEST_COUNT];
static unsigned failures;
static volatile word_t kernel_data_word = 0x6d696361;

static pte_t *user_root;
static paddr_t user_root_pa;
static paddr_t next_page;
static paddr_t rtc_base;
static uint32_t rtc_irq;

/* What the program announced with T_EXPECT, and what the trap loop saw since. */
static struct {
    bool armed;
    unsigned test;
    word_t type, addr, detail, resume;
} expect;
static uint64_t timer_deadline, timer_seen_at;
static unsigned timer_traps, rtc_irqs;

static void skip(unsigned test, const char *why)
{
    reported[test] = true;
    kprintf("ok %u - %s # SKIP %s\n", test + 1, test_names[test], why);
}

static void report(unsigned test, bool ok, const char *why)
{
    if (test >= TEST_COUNT || reported[test]) {
        kprintf("not ok - bad or repeated test number %u\n", test);
        failures++;
        return;
    }
    reported[test] = true;
    if (!ok)
        failures++;
    kprintf("%sok %u - %s%s%s\n", ok ? "" : "not ", test + 1, test_names[test], ok ? "" : ": ",
            ok ? "" : why);
}

static _Noreturn void finish(void)
{
    for (unsigned i = 0; i < TEST_COUNT; i++)
        if (!reported[i])
            report(i, false, "never ran");
    kprintf("# %u of %u failed\n", failures, TEST_COUNT);
    hal_halt(failures ? 1 : 0);
}

static _Noreturn void fail_and_stop(const char *what, word_t a, word_t b)
{
    kprintf("not ok - %s (%lx, %lx)\n", what, (unsigned long)a, (unsigned long)b);
    failures++;
    finish();
}

/* ---- memory for the program: pages above the kernel, clear of every reserved range ---- */

static bool page_usable(paddr_t pa)
{
    bool in_ram = false;

    for (unsigned i = 0; i < bootp->nram; i++)
        if (pa >= bootp->ram[i].base && pa + PAGE <= bootp->ram[i].base + bootp->ram[i].size)
            in_ram = true;
    for (unsigned i = 0; in_ram && i < bootp->nreserved; i++) {
        const struct mem_range *r = &bootp->reserved[i];
        if (pa < r->base + r->size && pa + PAGE > r->base)
            return false;
    }
    return in_ram;
}

static paddr_t page_alloc(void)
{
    while (!page_usable(next_page)) {
        next_page += PAGE;
        if (next_page >= bootp->ram[0].base + bootp->ram[0].size)
            kpanic("hal_test: out of memory");
    }
    paddr_t pa = next_page;
    next_page += PAGE;
    memset(hal_phys_to_virt(pa), 0, PAGE);
    return pa;
}

/* A three-level walk with the HAL's PTE hooks, adding tables on the way. */
static void user_map(word_t va, paddr_t pa, unsigned rights, unsigned attr)
{
    pte_t *table = user_root;

    for (unsigned level = 0; level < HAL_PT_LEVELS - 1; level++) {
        unsigned shift = HAL_PAGE_BITS + (HAL_PT_LEVELS - 1 - level) * HAL_PT_INDEX_BITS;
        pte_t *e = &table[(va >> shift) & ((1u << HAL_PT_INDEX_BITS) - 1)];
        if (hal_pte_kind(*e, level) == HAL_PTE_INVALID)
            *e = hal_pte_table(page_alloc());
        if (hal_pte_kind(*e, level) != HAL_PTE_TABLE)
            kpanic("hal_test: %lx already mapped by a large page", (unsigned long)va);
        table = hal_phys_to_virt(hal_pte_addr(*e));
    }
    pte_t *leaf = &table[(va >> HAL_PAGE_BITS) & ((1u << HAL_PT_INDEX_BITS) - 1)];
    *leaf = hal_pte_page(pa, HAL_PT_LEVELS - 1, rights, attr);
    if (hal_pte_kind(*leaf, HAL_PT_LEVELS - 1) != HAL_PTE_PAGE || hal_pte_addr(*leaf) != pa)
        kpanic("hal_test: hal_pte_page/kind/addr disagree");
    hal_tlb_page_mapped(ASID, va);
}

/* ELF64 as far as loading PT_LOAD segments goes (System V gABI, "Program Header"). */
struct elf64_ehdr {
    unsigned char ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static word_t load_program(void)
{
    const struct elf64_ehdr *eh = (const void *)root_elf_start;
    size_t size = (size_t)(root_elf_end - root_elf_start);

    if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 2 ||
        eh->machine != ARCH_ELF_MACHINE || eh->phentsize != sizeof(struct elf64_phdr) ||
        eh->phoff + (uint64_t)eh->phnum * sizeof(struct elf64_phdr) > size)
        kpanic("hal_test: bad user ELF");
    for (unsigned i = 0; i < eh->phnum; i++) {
        const struct elf64_phdr *ph = (const void *)(root_elf_start + eh->phoff + i * sizeof(*ph));
        if (ph->type != 1 /* PT_LOAD */ || ph->memsz == 0)
            continue;
        if (ph->offset + ph->filesz > size || ph->vaddr + ph->memsz >= HAL_USER_TOP)
            kpanic("hal_test: bad user segment");
        unsigned rights = (ph->flags & 4 ? MICA_VM_READ : 0) | (ph->flags & 2 ? MICA_VM_WRITE : 0) |
                          (ph->flags & 1 ? MICA_VM_EXEC : 0);
        for (word_t va = ph->vaddr & ~(PAGE - 1); va < ph->vaddr + ph->memsz; va += PAGE) {
            paddr_t pa = page_alloc();
            char *dst = hal_phys_to_virt(pa);
            for (word_t b = 0; b < PAGE; b++) {
                word_t a = va + b;
                if (a >= ph->vaddr && a < ph->vaddr + ph->filesz)
                    dst[b] = root_elf_start[ph->offset + (a - ph->vaddr)];
            }
            user_map(va, pa, rights, MICA_VM_CACHED);
        }
    }
    return eh->entry;
}

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
    extern char __kernel_end[];
    paddr_t ram_top = bootp->ram[0].base + bootp->ram[0].size - PAGE;
    bool ok = leaf_is(kernel_leaf((const void *)check_kernel_mappings), 5) &&
              leaf_is(kernel_leaf(rodata_probe), 1) &&
              leaf_is(kernel_leaf((const void *)&kernel_data_word), 3) &&
              leaf_is(kernel_leaf(__kernel_end), 3) &&
              leaf_is(kernel_leaf(hal_phys_to_virt(ram_top)), 3);

    report(TEST_KERNEL_WX, ok, "a kernel PTE has the wrong rights");
}

/* ---- the program's requests ---- */

static word_t arg(struct arch_ctx *ctx, unsigned i)
{
    return hal_ctx_get(ctx, MICA_REG_ARG0 + i);
}

static void ret(struct arch_ctx *ctx, unsigned i, word_t v)
{
    hal_ctx_set(ctx, MICA_REG_ARG0 + i, v);
}

static void idle_expect(unsigned test, enum hal_trap_kind kind)
{
    struct hal_trap trap;

    hal_idle(&trap);
    if (kind == HAL_TRAP_TIMER)
        report(test, trap.kind == HAL_TRAP_TIMER && hal_time_now() >= timer_deadline,
               "hal_idle returned something else, or too early");
    else {
        rtc_irqs += trap.kind == HAL_TRAP_IRQ && trap.irq == rtc_irq;
        report(test, trap.kind == HAL_TRAP_IRQ && trap.irq == rtc_irq,
               "hal_idle returned something else");
    }
}

static void syscall(struct arch_ctx *ctx)
{
    word_t nr = arg(ctx, 7);
    static bool first = true;

    if (first) {
        report(TEST_USER_RUNS, true, "");
        first = false;
    }
    switch (nr) {
    case T_NULL: break;
    case T_INFO:
        ret(ctx, 0, (word_t)check_kernel_mappings);
        ret(ctx, 1, (word_t)&kernel_data_word);
        ret(ctx, 2, rtc_base ? USER_RTC : 0);
        ret(ctx, 3, rtc_irq);
        ret(ctx, 4, hal_time_freq());
        break;
    case T_ECHO: {
        bool ok = true;
        for (unsigned i = 0; i < 7; i++) {
            ok = ok && arg(ctx, i) == i + 1;
            ret(ctx, i, ~arg(ctx, i));
        }
        if (!ok)
            report(TEST_ECHO, false, "arguments arrived wrong");
        break;
    }
    case T_REPORT: report((unsigned)arg(ctx, 0), arg(ctx, 1) != 0, "checked in U-mode"); break;
    case T_EXPECT:
        expect.armed = true;
        expect.test = (unsigned)arg(ctx, 0);
        expect.type = arg(ctx, 1);
        expect.addr = arg(ctx, 2);
        expect.detail = arg(ctx, 3);
        expect.resume = arg(ctx, 4);
        break;
    case T_TIMER_ARM:
        timer_traps = 0;
        timer_deadline = hal_time_now() + arg(ctx, 0);
        hal_timer_set(timer_deadline);
        break;
    case T_TIMER_CHECK:
        report((unsigned)arg(ctx, 0), timer_traps == 1 && timer_seen_at >= timer_deadline,
               "wrong number of timer traps, or one before the deadline");
        break;
    case T_TIMER_COUNT: ret(ctx, 0, timer_traps); break;
    case T_IDLE_TIMER:
        timer_deadline = hal_time_now() + arg(ctx, 1);
        hal_timer_set(timer_deadline);
        idle_expect((unsigned)arg(ctx, 0), HAL_TRAP_TIMER);
        break;
    case T_IDLE_IRQ: idle_expect((unsigned)arg(ctx, 0), HAL_TRAP_IRQ); break;
    case T_UNMASK: hal_irq_unmask(rtc_irq); break;
    case T_IRQ_CHECK:
        report((unsigned)arg(ctx, 0), rtc_irqs == arg(ctx, 1), "wrong number of RTC interrupts");
        break;
    case T_IRQ_COUNT: ret(ctx, 0, rtc_irqs); break;
    case T_BENCH:
        kprintf("# ecall round trip U -> kernel -> U: %lu instructions (rdinstret, mean of %lu; "
                "exact only under -icount)\n",
                (unsigned long)(arg(ctx, 0) / (arg(ctx, 1) ? arg(ctx, 1) : 1)),
                (unsigned long)arg(ctx, 1));
        break;
    case MICA_SYS_DEBUG_PUTC: hal_console_putc((char)arg(ctx, 0)); break;
    case MICA_SYS_DEBUG_HALT: report(TEST_HALT, arg(ctx, 0) == 0, "non-zero status"); finish();
    default: fail_and_stop("unknown syscall", nr, 0);
    }
    ret(ctx, 7, 0);
}

static void fault(struct arch_ctx *ctx, const struct hal_trap *trap)
{
    if (!expect.armed)
        fail_and_stop("unexpected fault (type, pc)", trap->fault_type,
                      hal_ctx_get(ctx, MICA_REG_PC));
    expect.armed = false;
    bool ok = trap->fault_type == expect.type && trap->fault_detail == expect.detail &&
              (expect.addr == T_ANY || trap->fault_addr == expect.addr);
    if (!ok)
        kprintf("# got type %u addr %lx detail %lu, expected type %lu addr %lx detail %lu\n",
                trap->fault_type, (unsigned long)trap->fault_addr,
                (unsigned long)trap->fault_detail, (unsigned long)expect.type,
                (unsigned long)expect.addr, (unsigned long)expect.detail);
    report(expect.test, ok, "wrong fault type, address or detail");
    hal_ctx_set(ctx, MICA_REG_PC, expect.resume);
}

static _Noreturn void run(word_t entry)
{
    static struct arch_ctx ctx;
    struct hal_trap trap;

    hal_ctx_init(&ctx, entry, 0);
    hal_ctx_set_ipc_buffer(&ctx, USER_IPC_BUFFER, NULL);
    for (;;) {
        hal_user_run(&ctx, &trap);
        switch (trap.kind) {
        case HAL_TRAP_SYSCALL: syscall(&ctx); break;
        case HAL_TRAP_FAULT: fault(&ctx, &trap); break;
        case HAL_TRAP_TIMER:
            timer_traps++;
            timer_seen_at = hal_time_now();
            break;
        case HAL_TRAP_IRQ:
            if (trap.irq != rtc_irq)
                fail_and_stop("interrupt from an unexpected line", trap.irq, 0);
            rtc_irqs++;
            break;
        }
    }
}

#ifdef CONFIG_SMP
static volatile unsigned secondary_up;

/* CPU 1 arrives here through entry.S and smp.c: say so, interrupt CPU 0, then wait forever. */
_Noreturn void kernel_secondary_main(unsigned cpu)
{
    secondary_up = cpu;
    hal_ipi_send(0);
    for (;;)
        __asm__ volatile("wfi");
}

static void check_smp(void)
{
    struct hal_trap trap;

    if (bootp->ncpus < 2) {
        skip(TEST_SMP_START, "one CPU");
        skip(TEST_SMP_IPI, "one CPU");
        return;
    }
    bool ok = !hal_cpu_start(0) && !hal_cpu_start(bootp->ncpus) && hal_cpu_start(1);
    hal_idle(&trap);
    report(TEST_SMP_START, ok && secondary_up == 1, "no second hart, or a bad CPU index accepted");
    /* The HAL has no trap kind of its own for an IPI: it is reported like a timer (ctx.c). */
    report(TEST_SMP_IPI, trap.kind == HAL_TRAP_TIMER, "hal_idle returned something else");
}
#else
static void check_smp(void)
{
    skip(TEST_SMP_START, "built without CONFIG_SMP");
    skip(TEST_SMP_IPI, "built without CONFIG_SMP");
}
#endif

_Noreturn void kernel_main(struct boot_params *bp)
{
    uint64_t ram = 0;
    paddr_t size;
    extern char __kernel_end[];

    bootp = bp;
    hal_platform_init(bp);
    for (unsigned i = 0; i < bp->nram; i++)
        ram += bp->ram[i].size;
    kprintf("mica: board=%s arch=%s cpus=%u ram=%lluMiB\n", CONFIG_BOARD, CONFIG_ARCH, bp->ncpus,
            (unsigned long long)(ram >> 20));
    kprintf("# riscv64 HAL self-test\n1..%d\n", TEST_COUNT);
    check_kernel_mappings();
    check_smp();

    next_page = hal_virt_to_phys(__kernel_end);
    user_root_pa = page_alloc();
    user_root = hal_phys_to_virt(user_root_pa);
    hal_vspace_init(user_root);
    word_t entry = load_program();
    paddr_t ipc = page_alloc();
    user_map(USER_IPC_BUFFER, ipc, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED);
    /* A pattern in the IPC buffer, written through the kernel's mapping, for IPC_BUFFER_TP. */
    ((struct mica_ipc_buffer *)hal_phys_to_virt(ipc))->user_data = 0x1bcb0ff;
    if (fdt_find_compatible(bp->dtb, "google,goldfish-rtc", &rtc_base, &size) == 0 &&
        fdt_compatible_u32(bp->dtb, "google,goldfish-rtc", "interrupts", 0, &rtc_irq) == 0 &&
        hal_irq_valid(rtc_irq))
        user_map(USER_RTC, rtc_base, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_DEVICE);
    else
        rtc_base = 0;
    hal_vspace_load(hal_vspace_token(user_root_pa, ASID));
    run(entry);
}
