/* SPDX-License-Identifier: MIT */
/*
 * The armv8m HAL self-test, kernel side: a stand-in for the core that exercises every HAL path
 * with a real unprivileged program (user_test.c, linked with the user runtime and embedded as an
 * ELF). It places the program as the root task is placed (code in place, data copied), gives it
 * MPU regions through hal_mpu_encode/hal_mpu_activate, runs it with hal_user_enter, answers its
 * syscalls (hal_test.h), checks each trap against what the program said would happen, and prints
 * TAP. Built as haltest.elf, never as the kernel image. Board addresses (the AN505's timers) are
 * this test's, as the goldfish RTC's are riscv64's.
 */
#include <string.h>

#include <mica/abi.h>
#include <mica/fault.h>
#include <mica/objects.h>

#include "hal.h"
#include "hal_test.h"
#include "klog.h"

#define AN505_TIMER0   0x50000000u
#define AN505_TIMER1   0x50001000u /* the kernel's clock (board data) */
#define AN505_DUAL     0x50002000u
#define AN505_DUAL_IRQ 5u
#define STACK_BYTES    8192u
#define IPC_BYTES      1024u
#define UNMAPPED_GAP   0x10000u
#define BENCH_MAX      1000000u

_Static_assert(TEST_SP_KERNEL == 19 && TEST_REGS_KEPT == 20 && T_EXPECT == 103,
               "user_regs.S repeats these numbers");

extern const char root_elf_start[], root_elf_end[];

static const char *const test_names[] = {
#define HAL_TEST_NAME(id, name) name,
    HAL_TESTS(HAL_TEST_NAME)};

static bool reported[TEST_COUNT];
static unsigned failures;
static volatile word_t kernel_data_word = INFO_CANARY;

static struct mpu_region regions[HAL_MPU_REGIONS];
static unsigned nregions;
static word_t data_lo, unmapped, stack_base;
static bool have_dual;

/* What the program announced with T_EXPECT, and what the trap loop saw since. */
static struct {
    bool armed;
    unsigned test, times;
    word_t type, addr, detail, resume, resume_sp;
} expect;
static uint64_t timer_deadline, timer_seen_at;
static unsigned timer_traps, dual_irqs;

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

static word_t up(word_t a, word_t to)
{
    return (a + to - 1) & ~(to - 1);
}

static void add_region(word_t base, word_t end, unsigned rights, unsigned attr)
{
    regions[nregions++] = (struct mpu_region){base, end - base, rights, attr};
}

/*
 * ELF32 as far as placing PT_LOAD segments goes (System V gABI, "Program Header"): code where the
 * image holds it, data copied to its address, then the stack and the IPC buffer after the data,
 * read-write like it. Returns the entry point; *sp and *ipc get the stack top and IPC buffer.
 */
struct elf32_ehdr {
    unsigned char ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf32_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

static word_t place_program(word_t *sp, word_t *ipc)
{
    const struct elf32_ehdr *eh = (const void *)root_elf_start;
    size_t size = (size_t)(root_elf_end - root_elf_start);
    word_t data_end = 0;

    if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 1 ||
        eh->machine != ARCH_ELF_MACHINE || eh->phentsize != sizeof(struct elf32_phdr) ||
        eh->phoff + (uint64_t)eh->phnum * sizeof(struct elf32_phdr) > size)
        kpanic("hal_test: bad user ELF");
    for (unsigned i = 0; i < eh->phnum; i++) {
        const struct elf32_phdr *ph = (const void *)(root_elf_start + eh->phoff + i * sizeof(*ph));
        if (ph->type != 1 /* PT_LOAD */ || ph->memsz == 0)
            continue;
        if (ph->offset + ph->filesz > size)
            kpanic("hal_test: bad user segment");
        if (!(ph->flags & 2)) {
            if ((word_t)(uintptr_t)root_elf_start + ph->offset != ph->vaddr)
                kpanic("hal_test: code not linked where the image holds it");
            add_region(ph->vaddr & ~31u, up(ph->vaddr + ph->memsz, 32), MICA_VM_READ | MICA_VM_EXEC,
                       MICA_VM_CACHED);
            continue;
        }
        char *dst = hal_phys_to_virt(ph->vaddr);
        memcpy(dst, root_elf_start + ph->offset, ph->filesz);
        memset(dst + ph->filesz, 0, ph->memsz - ph->filesz);
        data_lo = ph->vaddr & ~31u;
        data_end = up(ph->vaddr + ph->memsz, 32);
    }
    if (!data_end)
        kpanic("hal_test: the program has no data segment");
    *sp = data_end + STACK_BYTES;
    *ipc = *sp;
    memset(hal_phys_to_virt(data_end), 0, STACK_BYTES + IPC_BYTES);
    add_region(data_lo, *ipc + IPC_BYTES, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED);
    unmapped = *ipc + IPC_BYTES + UNMAPPED_GAP;
    return eh->entry;
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

static word_t info(enum t_info which)
{
    switch (which) {
    case INFO_KERNEL_TEXT: return (word_t)(uintptr_t)finish;
    case INFO_KERNEL_DATA: return (word_t)(uintptr_t)&kernel_data_word;
    case INFO_UNMAPPED: return unmapped;
    case INFO_DATA: return data_lo;
    case INFO_DUAL: return have_dual ? AN505_DUAL : 0;
    case INFO_STACK_BASE: return stack_base;
    }
    return 0;
}

/* The deadline's HAL_TRAP_TIMER, from hal_idle, not before the deadline. */
static void idle_timer(unsigned test, word_t ticks)
{
    struct hal_trap trap;

    timer_deadline = hal_time_now() + ticks;
    hal_timer_set(timer_deadline);
    hal_idle(&trap);
    report(test, trap.kind == HAL_TRAP_TIMER && hal_time_now() >= timer_deadline,
           "hal_idle returned something else, or too early");
}

/*
 * A deadline beyond the 32-bit deadline timer: armed at the timer's limit. To see the early fire
 * without waiting three minutes, the test (which owns the hardware) moves the timer to the end of
 * its count: the fire is reported before the deadline, and arming again arms the limit again.
 */
static void check_timer_far(void)
{
    volatile uint32_t *t0 = hal_phys_to_virt(AN505_TIMER0);
    uint64_t deadline = hal_time_now() + ((uint64_t)1 << 32) + 20000;
    struct hal_trap trap;

    hal_timer_set(deadline);
    bool ok = t0[1] > 0xfff00000u; /* VALUE: armed at the limit, counting down */
    t0[1] = 1000;
    hal_idle(&trap);
    ok = ok && trap.kind == HAL_TRAP_TIMER && hal_time_now() < deadline;
    hal_timer_set(deadline);
    ok = ok && t0[1] > 0xfff00000u;
    hal_timer_set(UINT64_MAX);
    report(TEST_TIMER_FAR, ok, "not armed at the limit, or the early fire was not reported");
}

static void idle_irq(unsigned test)
{
    struct hal_trap trap;

    hal_idle(&trap);
    dual_irqs += trap.kind == HAL_TRAP_IRQ && trap.irq == AN505_DUAL_IRQ;
    report(test, trap.kind == HAL_TRAP_IRQ && trap.irq == AN505_DUAL_IRQ,
           "hal_idle returned something else");
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
    case T_INFO: ret(ctx, 0, info((enum t_info)arg(ctx, 0))); break;
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
    case T_REPORT: report((unsigned)arg(ctx, 0), arg(ctx, 1) != 0, "checked in Thread mode"); break;
    case T_EXPECT:
        expect.armed = true;
        expect.test = (unsigned)arg(ctx, 0);
        expect.type = arg(ctx, 1);
        expect.addr = arg(ctx, 2);
        expect.detail = arg(ctx, 3);
        expect.resume = arg(ctx, 4);
        expect.resume_sp = arg(ctx, 5);
        expect.times = arg(ctx, 6) ? (unsigned)arg(ctx, 6) : 1;
        break;
    case T_PSPLIM: hal_ctx_set(ctx, ARCH_REG_PSPLIM, arg(ctx, 0)); break;
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
    case T_IDLE_TIMER: idle_timer((unsigned)arg(ctx, 0), arg(ctx, 1)); break;
    case T_IDLE_IRQ: idle_irq((unsigned)arg(ctx, 0)); break;
    case T_UNMASK: hal_irq_unmask(AN505_DUAL_IRQ); break;
    case T_IRQ_CHECK:
        report((unsigned)arg(ctx, 0), dual_irqs == arg(ctx, 1), "wrong number of interrupts");
        break;
    case T_IRQ_COUNT: ret(ctx, 0, dual_irqs); break;
    case T_BENCH:
        kprintf("# svc round trip Thread -> kernel -> Thread: %lu instructions (a timer at 50 "
                "instructions a tick, mean of %lu; exact only under -icount)\n",
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
    bool ok = trap->fault_type == expect.type && trap->fault_detail == expect.detail &&
              (expect.addr == T_ANY || trap->fault_addr == expect.addr);
    if (!ok)
        kprintf("# got type %u addr %lx detail %lu, expected type %lu addr %lx detail %lu\n",
                trap->fault_type, (unsigned long)trap->fault_addr,
                (unsigned long)trap->fault_detail, (unsigned long)expect.type,
                (unsigned long)expect.addr, (unsigned long)expect.detail);
    if (kernel_data_word != INFO_CANARY) {
        kprintf("# the kernel's canary word changed: %lx\n", (unsigned long)kernel_data_word);
        ok = false;
    }
    if (!ok || --expect.times == 0) {
        expect.armed = false;
        report(expect.test, ok, "wrong fault type, address or detail, or the kernel was hit");
        hal_ctx_set(ctx, MICA_REG_PC, expect.resume);
        if (expect.resume_sp)
            hal_ctx_set(ctx, MICA_REG_SP, expect.resume_sp);
    }
}

/* hal_ctx_set keeps what the hardware needs of xPSR, PC and PSPLIM whatever is written. */
static void check_ctx_set(void)
{
    struct arch_ctx c;

    hal_ctx_init(&c, 0x10001, 0x20000);
    hal_ctx_set(&c, ARCH_REG_XPSR, 0);
    bool ok = hal_ctx_get(&c, ARCH_REG_XPSR) == XPSR_T;
    hal_ctx_set(&c, ARCH_REG_XPSR, ~(word_t)0);
    ok = ok && hal_ctx_get(&c, ARCH_REG_XPSR) == (XPSR_APSR | XPSR_T);
    ok = ok && hal_ctx_get(&c, MICA_REG_PC) == 0x10000;
    hal_ctx_set(&c, ARCH_REG_PSPLIM, 0x2001f);
    ok = ok && hal_ctx_get(&c, ARCH_REG_PSPLIM) == 0x20018;
    hal_ctx_set(&c, MICA_REG_ARG0 + 5, 55);
    ok = ok && hal_ctx_get(&c, ARCH_REG_R(5)) == 55;
    report(TEST_XPSR_SANITISED, ok, "a register read back wrong");
}

/*
 * The clock counts on across a wrap of its 32-bit timer: move the timer to just before the wrap
 * (the test owns the hardware), idle past it, and compare.
 */
static void check_clock_wrap(void)
{
    volatile uint32_t *t1 = hal_phys_to_virt(AN505_TIMER1);
    struct hal_trap trap;

    t1[1] = 2000; /* VALUE: 2000 ticks to the wrap */
    uint64_t before = hal_time_now();
    uint64_t deadline = before + 5000;
    hal_timer_set(deadline);
    do
        hal_idle(&trap);
    while (hal_time_now() < deadline);
    uint64_t after = hal_time_now();
    report(TEST_CLOCK_WRAP,
           trap.kind == HAL_TRAP_TIMER && after >= deadline && after - before < 1000000 &&
               (after >> 32) == (before >> 32) + 1,
           "the clock went backwards, jumped, or did not count the wrap");
}

/* The core's entry points (hal.h): the HAL enters these as it would enter the kernel; every trap
 * is checked here, then the program runs on. */
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
        if (trap->irq != AN505_DUAL_IRQ)
            fail_and_stop("interrupt from an unexpected line", trap->irq, 0);
        dual_irqs++;
        break;
    case HAL_TRAP_IPI: fail_and_stop("IPI on a single-core board", 0, 0);
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

static _Noreturn void run(word_t entry, word_t sp, word_t ipc)
{
    static struct arch_ctx ctx;

    hal_ctx_init(&ctx, entry, sp);
    hal_ctx_set_ipc_buffer(&ctx, ipc, hal_phys_to_virt(ipc));
    hal_user_enter(&ctx);
}

_Noreturn void kernel_main(struct boot_params *bp)
{
    uint64_t ram = 0;
    struct arch_mpu_state state;
    word_t sp, ipc;

    hal_platform_init(bp);
    for (unsigned i = 0; i < bp->nram; i++)
        ram += bp->ram[i].size;
    kprintf("mica: board=%s arch=%s cpus=%u ram=%lluMiB\n", CONFIG_BOARD, CONFIG_ARCH, bp->ncpus,
            (unsigned long long)(ram >> 20));
    kprintf("# armv8m HAL self-test\n1..%d\n", TEST_COUNT);
    check_ctx_set();
    check_clock_wrap();
    check_timer_far();

    word_t entry = place_program(&sp, &ipc);
    /* A pattern in the IPC buffer, written by the kernel, for IPC_BUFFER_R9. */
    ((struct mica_ipc_buffer *)hal_phys_to_virt(ipc))->user_data = 0x1bcb0ff;
    have_dual = hal_irq_valid(AN505_DUAL_IRQ);
    if (!have_dual)
        kpanic("hal_test: the dual timer's line is not the user's");
    add_region(AN505_DUAL, AN505_DUAL + 0x1000, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_DEVICE);
    if (hal_mpu_encode(regions, nregions, &state))
        kpanic("hal_test: the program's regions do not fit");
    hal_mpu_activate(&state);
    stack_base = sp - STACK_BYTES;
    run(entry, sp, ipc);
}
