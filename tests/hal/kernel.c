/* SPDX-License-Identifier: MIT */
/*
 * The arch-neutral half of the HAL self-tests' kernel side (ht_kernel.h): a stand-in for the core
 * that loads the user program into its own address space through the hal_pte_* hooks, runs it
 * with hal_user_enter, answers its syscalls (proto.h), checks each trap against what the program
 * said would happen, and prints TAP. Built into haltest.elf only, never into the kernel image.
 */
#include <string.h>

#include <mica/abi.h>
#include <mica/fault.h>
#include <mica/objects.h>

#include "ht_kernel.h"
#include "klog.h"

static const char *const test_names[] = {HAL_TESTS(HAL_TEST_NAME)};

struct boot_params *ht_bootp;
pte_t *ht_root;
volatile word_t ht_kernel_data_word = 0x6d696361;
static paddr_t root_pa, next_page;
static bool reported[TEST_COUNT];
static unsigned failures;
static paddr_t device_pa;
static word_t device_irq;

/* What the program announced with T_EXPECT, and what the trap loop saw since. */
static struct {
    bool armed;
    unsigned test;
    word_t type, addr, detail, resume;
} expect;
static uint64_t timer_deadline, timer_seen_at;
static unsigned timer_traps, device_irqs;

void ht_begin(struct boot_params *bp, const char *title)
{
    uint64_t ram = 0;

    ht_bootp = bp;
    hal_platform_init(bp);
    for (unsigned i = 0; i < bp->nram; i++)
        ram += bp->ram[i].size;
    kprintf("mica: board=%s arch=%s cpus=%u ram=%lluMiB\n", CONFIG_BOARD, CONFIG_ARCH, bp->ncpus,
            (unsigned long long)(ram >> 20));
    kprintf("# %s\n1..%d\n", title, TEST_COUNT);
    /* Pages for the program come from just above the kernel image (the reserved range that holds
     * the kernel's data), which is free RAM on every board this runs on. */
    paddr_t kernel = hal_virt_to_phys((const void *)&ht_kernel_data_word);
    for (unsigned i = 0; i < bp->nreserved; i++)
        if (kernel - bp->reserved[i].base < bp->reserved[i].size)
            next_page =
                (bp->reserved[i].base + bp->reserved[i].size + HT_PAGE - 1) & ~(HT_PAGE - 1);
    if (!next_page)
        kpanic("hal_test: the kernel image is not among the reserved ranges");
}

void ht_skip(unsigned test, const char *why)
{
    reported[test] = true;
    kprintf("ok %u - %s # SKIP %s\n", test + 1, test_names[test], why);
}

void ht_report(unsigned test, bool ok, const char *why)
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

_Noreturn void ht_finish(void)
{
    for (unsigned i = 0; i < TEST_COUNT; i++)
        if (!reported[i])
            ht_report(i, false, "never ran");
    kprintf("# %u of %u failed\n", failures, TEST_COUNT);
    hal_halt(failures ? 1 : 0);
}

_Noreturn void ht_fail_and_stop(const char *what, word_t a, word_t b)
{
    kprintf("not ok - %s (%lx, %lx)\n", what, (unsigned long)a, (unsigned long)b);
    failures++;
    ht_finish();
}

/* ---- memory for the program: pages above the kernel, clear of every reserved range ---- */

static bool page_usable(paddr_t pa)
{
    bool in_ram = false;

    for (unsigned i = 0; i < ht_bootp->nram; i++)
        if (pa >= ht_bootp->ram[i].base &&
            pa + HT_PAGE <= ht_bootp->ram[i].base + ht_bootp->ram[i].size)
            in_ram = true;
    for (unsigned i = 0; in_ram && i < ht_bootp->nreserved; i++) {
        const struct mem_range *r = &ht_bootp->reserved[i];
        if (pa < r->base + r->size && pa + HT_PAGE > r->base)
            return false;
    }
    return in_ram;
}

paddr_t ht_page_alloc(void)
{
    while (!page_usable(next_page)) {
        next_page += HT_PAGE;
        if (next_page >= ht_bootp->ram[0].base + ht_bootp->ram[0].size)
            kpanic("hal_test: out of memory");
    }
    paddr_t pa = next_page;
    next_page += HT_PAGE;
    memset(hal_phys_to_virt(pa), 0, HT_PAGE);
    return pa;
}

/* A walk with the HAL's PTE hooks, adding tables on the way; the leaf goes from invalid to valid.
 */
void ht_map(word_t va, paddr_t pa, unsigned rights, unsigned attr)
{
    if (!ht_root) {
        root_pa = ht_page_alloc();
        ht_root = hal_phys_to_virt(root_pa);
        hal_vspace_init(ht_root);
    }
    pte_t *table = ht_root;
    for (unsigned level = 0; level < HAL_PT_LEVELS - 1; level++) {
        unsigned shift = HAL_PAGE_BITS + (HAL_PT_LEVELS - 1 - level) * HAL_PT_INDEX_BITS;
        pte_t *e = &table[(va >> shift) & ((1u << HAL_PT_INDEX_BITS) - 1)];
        if (hal_pte_kind(*e, level) == HAL_PTE_INVALID)
            *e = hal_pte_table(ht_page_alloc());
        if (hal_pte_kind(*e, level) != HAL_PTE_TABLE)
            kpanic("hal_test: %lx already mapped by a large page", (unsigned long)va);
        table = hal_phys_to_virt(hal_pte_addr(*e));
    }
    pte_t *leaf = &table[(va >> HAL_PAGE_BITS) & ((1u << HAL_PT_INDEX_BITS) - 1)];
    *leaf = hal_pte_page(pa, HAL_PT_LEVELS - 1, rights, attr);
    if (hal_pte_kind(*leaf, HAL_PT_LEVELS - 1) != HAL_PTE_PAGE || hal_pte_addr(*leaf) != pa)
        kpanic("hal_test: hal_pte_page/kind/addr disagree");
    hal_tlb_page_mapped(HT_ASID, va);
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

word_t ht_load_program(void)
{
    const char *image = ht_bootp->root_elf;
    const struct elf64_ehdr *eh = (const void *)image;
    size_t size = ht_bootp->root_elf_size;

    if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 2 ||
        eh->machine != ARCH_ELF_MACHINE || eh->phentsize != sizeof(struct elf64_phdr) ||
        eh->phoff + (uint64_t)eh->phnum * sizeof(struct elf64_phdr) > size)
        kpanic("hal_test: bad user ELF");
    for (unsigned i = 0; i < eh->phnum; i++) {
        const struct elf64_phdr *ph = (const void *)(image + eh->phoff + i * sizeof(*ph));
        if (ph->type != 1 /* PT_LOAD */ || ph->memsz == 0)
            continue;
        if (ph->offset + ph->filesz > size || ph->vaddr + ph->memsz >= HAL_USER_TOP)
            kpanic("hal_test: bad user segment");
        unsigned rights = (ph->flags & 4 ? MICA_VM_READ : 0) | (ph->flags & 2 ? MICA_VM_WRITE : 0) |
                          (ph->flags & 1 ? MICA_VM_EXEC : 0);
        for (word_t va = ph->vaddr & ~(HT_PAGE - 1); va < ph->vaddr + ph->memsz; va += HT_PAGE) {
            paddr_t pa = ht_page_alloc();
            char *dst = hal_phys_to_virt(pa);
            for (word_t b = 0; b < HT_PAGE; b++) {
                word_t a = va + b;
                if (a >= ph->vaddr && a < ph->vaddr + ph->filesz)
                    dst[b] = image[ph->offset + (a - ph->vaddr)];
            }
            ht_map(va, pa, rights, MICA_VM_CACHED);
        }
    }
    return eh->entry;
}

void ht_device(paddr_t paddr, word_t irq)
{
    device_pa = paddr;
    device_irq = irq;
    ht_map(USER_DEVICE, paddr & ~(HT_PAGE - 1), MICA_VM_READ | MICA_VM_WRITE, MICA_VM_DEVICE);
}

/* ---- the program's requests ---- */

word_t ht_arg(struct arch_ctx *ctx, unsigned i)
{
    return hal_ctx_get(ctx, MICA_REG_ARG0 + i);
}

void ht_ret(struct arch_ctx *ctx, unsigned i, word_t v)
{
    hal_ctx_set(ctx, MICA_REG_ARG0 + i, v);
}

static void idle_expect(unsigned test, enum hal_trap_kind kind)
{
    struct hal_trap trap;

    hal_idle(&trap);
    if (kind == HAL_TRAP_TIMER) {
        ht_report(test, trap.kind == HAL_TRAP_TIMER && hal_time_now() >= timer_deadline,
                  "hal_idle returned something else, or too early");
    } else {
        device_irqs += trap.kind == HAL_TRAP_IRQ && trap.irq == device_irq;
        ht_report(test, trap.kind == HAL_TRAP_IRQ && trap.irq == device_irq,
                  "hal_idle returned something else");
    }
}

static void syscall(struct arch_ctx *ctx)
{
    word_t nr = ht_arg(ctx, 7);
    static bool first = true;

    if (first) {
        ht_report(TEST_USER_RUNS, true, "");
        first = false;
    }
    switch (nr) {
    case T_NULL: break;
    case T_INFO:
        ht_ret(ctx, 0, (word_t)ht_begin);
        ht_ret(ctx, 1, (word_t)&ht_kernel_data_word);
        ht_ret(ctx, 2, device_pa ? USER_DEVICE + (device_pa & (HT_PAGE - 1)) : 0);
        ht_ret(ctx, 3, device_irq);
        ht_ret(ctx, 4, hal_time_freq());
        break;
    case T_ECHO: {
        bool ok = true;
        for (unsigned i = 0; i < 7; i++) {
            ok = ok && ht_arg(ctx, i) == i + 1;
            ht_ret(ctx, i, ~ht_arg(ctx, i));
        }
        if (!ok)
            ht_report(TEST_ECHO, false, "arguments arrived wrong");
        break;
    }
    case T_REPORT:
        ht_report((unsigned)ht_arg(ctx, 0), ht_arg(ctx, 1) != 0, "checked in user mode");
        break;
    case T_EXPECT:
        expect.armed = true;
        expect.test = (unsigned)ht_arg(ctx, 0);
        expect.type = ht_arg(ctx, 1);
        expect.addr = ht_arg(ctx, 2);
        expect.detail = ht_arg(ctx, 3);
        expect.resume = ht_arg(ctx, 4);
        break;
    case T_TIMER_ARM:
        timer_traps = 0;
        timer_deadline = hal_time_now() + ht_arg(ctx, 0);
        hal_timer_set(timer_deadline);
        break;
    case T_TIMER_CHECK:
        ht_report((unsigned)ht_arg(ctx, 0), timer_traps == 1 && timer_seen_at >= timer_deadline,
                  "wrong number of timer traps, or one before the deadline");
        break;
    case T_TIMER_COUNT: ht_ret(ctx, 0, timer_traps); break;
    case T_IDLE_TIMER:
        timer_deadline = hal_time_now() + ht_arg(ctx, 1);
        hal_timer_set(timer_deadline);
        idle_expect((unsigned)ht_arg(ctx, 0), HAL_TRAP_TIMER);
        break;
    case T_IDLE_IRQ:
        hal_irq_unmask(device_irq);
        idle_expect((unsigned)ht_arg(ctx, 0), HAL_TRAP_IRQ);
        break;
    case T_UNMASK: hal_irq_unmask(device_irq); break;
    case T_MASK: hal_irq_mask(device_irq); break;
    case T_IRQ_CHECK:
        ht_report((unsigned)ht_arg(ctx, 0), device_irqs == ht_arg(ctx, 1),
                  "wrong number of device interrupts");
        break;
    case T_IRQ_COUNT: ht_ret(ctx, 0, device_irqs); break;
    case T_BENCH:
        kprintf("# syscall round trip user -> kernel -> user: %lu instructions (mean of %lu; exact "
                "only under -icount)\n",
                (unsigned long)(ht_arg(ctx, 0) / (ht_arg(ctx, 1) ? ht_arg(ctx, 1) : 1)),
                (unsigned long)ht_arg(ctx, 1));
        break;
    case MICA_SYS_DEBUG_PUTC: hal_console_putc((char)ht_arg(ctx, 0)); break;
    case MICA_SYS_DEBUG_HALT:
        ht_report(TEST_HALT, ht_arg(ctx, 0) == 0, "non-zero status");
        ht_finish();
    default:
        if (!ht_arch_syscall(ctx, nr))
            ht_fail_and_stop("unknown syscall", nr, 0);
    }
    ht_ret(ctx, 7, 0);
}

static void fault(struct arch_ctx *ctx, const struct hal_trap *trap)
{
    if (!expect.armed)
        ht_fail_and_stop("unexpected fault (type, pc)", trap->fault_type,
                         hal_ctx_get(ctx, MICA_REG_PC));
    expect.armed = false;
    bool ok = trap->fault_type == expect.type && trap->fault_detail == expect.detail &&
              (expect.addr == T_ANY || trap->fault_addr == expect.addr);
    if (!ok)
        kprintf("# got type %u addr %lx detail %lu, expected type %lu addr %lx detail %lu\n",
                trap->fault_type, (unsigned long)trap->fault_addr,
                (unsigned long)trap->fault_detail, (unsigned long)expect.type,
                (unsigned long)expect.addr, (unsigned long)expect.detail);
    ht_report(expect.test, ok, "wrong fault type, address or detail");
    hal_ctx_set(ctx, MICA_REG_PC, expect.resume);
}

/* The core's entry points (hal.h): the HAL enters these as it would enter the kernel, and every
 * trap is checked here, then the program runs on. */
struct arch_ctx *kernel_trap(struct arch_ctx *ctx, const struct hal_trap *trap)
{
    switch (trap->kind) {
    case HAL_TRAP_SYSCALL: syscall(ctx); break;
    case HAL_TRAP_FAULT: fault(ctx, trap); break;
    case HAL_TRAP_TIMER:
        timer_traps++;
        timer_seen_at = hal_time_now();
        break;
    case HAL_TRAP_IRQ:
        if (trap->irq != device_irq)
            ht_fail_and_stop("interrupt from an unexpected line", trap->irq, 0);
        device_irqs++;
        break;
    case HAL_TRAP_IPI: ht_fail_and_stop("IPI trap from user mode", 0, 0);
    }
    return ctx;
}

struct arch_ctx *kernel_syscall(struct arch_ctx *ctx)
{
    syscall(ctx);
    return ctx;
}

struct arch_ctx *kernel_fastpath_call(struct arch_ctx *ctx)
{
    return kernel_syscall(ctx);
}

struct arch_ctx *kernel_fastpath_reply_recv(struct arch_ctx *ctx)
{
    return kernel_syscall(ctx);
}

_Noreturn void ht_run(word_t entry)
{
    static struct arch_ctx ctx;

    paddr_t ipc = ht_page_alloc();

    ht_map(USER_IPC_BUFFER, ipc, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED);
    /* A pattern in the IPC buffer, written through the kernel's mapping, for TEST_IPC_BUFFER. */
    ((struct mica_ipc_buffer *)hal_phys_to_virt(ipc))->user_data = 0x1bcb0ff;
    hal_ctx_init(&ctx, entry, 0);
    hal_ctx_set_ipc_buffer(&ctx, USER_IPC_BUFFER, NULL);
    hal_vspace_load(hal_vspace_token(root_pa, HT_ASID));
    hal_user_enter(&ctx);
}

#ifdef CONFIG_SMP
static volatile unsigned secondary_up;

/* CPU 1 arrives here through the arch's entry: say so, interrupt CPU 0, then wait forever. */
_Noreturn void kernel_secondary_main(unsigned cpu)
{
    secondary_up = cpu;
    hal_ipi_send(0);
    for (;;)
        __asm__ volatile("wfi");
}

void ht_check_smp(void)
{
    struct hal_trap trap;

    if (ht_bootp->ncpus < 2) {
        ht_skip(TEST_SMP_START, "one CPU");
        ht_skip(TEST_SMP_IPI, "one CPU");
        return;
    }
    bool ok = !hal_cpu_start(0) && !hal_cpu_start(ht_bootp->ncpus) && hal_cpu_start(1);
    hal_idle(&trap);
    ht_report(TEST_SMP_START, ok && secondary_up == 1,
              "no second CPU, or a bad CPU index accepted");
    ht_report(TEST_SMP_IPI, trap.kind == HAL_TRAP_IPI, "hal_idle returned something else");
}
#else
void ht_check_smp(void)
{
    ht_skip(TEST_SMP_START, "built without CONFIG_SMP");
    ht_skip(TEST_SMP_IPI, "built without CONFIG_SMP");
}
#endif
