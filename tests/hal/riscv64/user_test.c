/* SPDX-License-Identifier: MIT */
/*
 * The riscv64 HAL self-test, U-mode side: a root-task-shaped program (crt0, syscall stubs and link
 * script of user/arch/riscv64) that provokes every kind of trap the HAL reports, announcing each
 * fault first (T_EXPECT) so that the kernel side can check it and resume after it.
 */
#include <stdbool.h>
#include <stdint.h>

#include <mica/abi.h>
#include <mica/fault.h>
#include <mica/objects.h>

#include "hal_test.h"

/* From <mica/user.h> (the user runtime); declared here so the test needs only the arch part. */
struct mica_regs {
    mica_word_t r[8];
};
enum mica_error mica_syscall(struct mica_regs *regs);
struct mica_ipc_buffer *mica_ipc_buffer(void);
int mica_main(const void *bootinfo);

/* Goldfish RTC registers (QEMU hw/rtc/goldfish_rtc.c): times in ns; reading TIME_LOW latches
 * TIME_HIGH; writing ALARM_LOW arms the alarm at ALARM_HIGH:ALARM_LOW. */
#define RTC_TIME_LOW        0x00
#define RTC_TIME_HIGH       0x04
#define RTC_ALARM_LOW       0x08
#define RTC_ALARM_HIGH      0x0c
#define RTC_IRQ_ENABLED     0x10
#define RTC_ALARM_STATUS    0x18
#define RTC_CLEAR_INTERRUPT 0x1c
#define MS                  1000000ull

static volatile uint32_t *rtc;
static mica_word_t kernel_text, kernel_data, timebase_hz;
static volatile uint64_t misaligned_target[2];

static mica_word_t sys(mica_word_t nr, mica_word_t a0, mica_word_t a1)
{
    struct mica_regs r = {{a0, a1, 0, 0, 0, 0, 0, nr}};

    mica_syscall(&r);
    return r.r[0];
}

static void report(unsigned test, bool ok)
{
    sys(T_REPORT, test, ok);
}

/*
 * Announce fault (type, addr, detail) for test, then run insn, which must raise it; the kernel
 * side resumes at label 1 after it. a2 holds addr for insn to use; t0 is scratch.
 */
#define FAULT(test, type, addr, detail, insn)                                                      \
    do {                                                                                           \
        register mica_word_t a0_ __asm__("a0") = (test);                                           \
        register mica_word_t a1_ __asm__("a1") = (type);                                           \
        register mica_word_t a2_ __asm__("a2") = (addr);                                           \
        register mica_word_t a3_ __asm__("a3") = (detail);                                         \
        register mica_word_t a7_ __asm__("a7") = T_EXPECT;                                         \
        __asm__ volatile("la a4, 1f\n\tecall\n\t" insn "\n1:"                                      \
                         : "+r"(a0_), "+r"(a1_), "+r"(a2_), "+r"(a3_), "+r"(a7_)                   \
                         :                                                                         \
                         : "a4", "a5", "a6", "t0", "memory");                                      \
    } while (0)

static void test_echo(void)
{
    struct mica_regs r = {{1, 2, 3, 4, 5, 6, 7, T_ECHO}};
    bool ok = mica_syscall(&r) == MICA_OK;

    for (unsigned i = 0; i < 7; i++)
        ok = ok && r.r[i] == ~(mica_word_t)(i + 1);
    report(TEST_ECHO, ok);
}

static void test_counters(void)
{
    mica_word_t c0, c1, i0, i1, t0, t1;
    unsigned spins = 0;

    __asm__ volatile("rdcycle %0; rdinstret %1; rdtime %2" : "=r"(c0), "=r"(i0), "=r"(t0));
    do {
        __asm__ volatile("rdcycle %0; rdinstret %1; rdtime %2" : "=r"(c1), "=r"(i1), "=r"(t1));
    } while (t1 == t0 && ++spins < 1000000);
    report(TEST_COUNTERS, c1 > c0 && i1 > i0 && t1 > t0);
}

static void test_faults(void)
{
    const mica_word_t unmapped = 0x40000000;

    FAULT(TEST_LOAD_UNMAPPED, MICA_FAULT_MEMORY, unmapped, MICA_VM_READ, "ld t0, 0(a2)");
    FAULT(TEST_STORE_UNMAPPED, MICA_FAULT_MEMORY, unmapped + 8, MICA_VM_WRITE, "sd zero, 0(a2)");
    FAULT(TEST_STORE_TEXT, MICA_FAULT_MEMORY, (mica_word_t)test_faults, MICA_VM_WRITE,
          "sw zero, 0(a2)");
    FAULT(TEST_FETCH_UNMAPPED, MICA_FAULT_MEMORY, unmapped, MICA_VM_EXEC, "jalr t0, 0(a2)");
    FAULT(TEST_LOAD_KERNEL, MICA_FAULT_MEMORY, kernel_data, MICA_VM_READ, "ld t0, 0(a2)");
    FAULT(TEST_STORE_KERNEL, MICA_FAULT_MEMORY, kernel_data, MICA_VM_WRITE, "sd zero, 0(a2)");
    FAULT(TEST_FETCH_KERNEL, MICA_FAULT_MEMORY, kernel_text, MICA_VM_EXEC, "jalr t0, 0(a2)");
    FAULT(TEST_ILLEGAL, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION, ".word 0");
    FAULT(TEST_CSR_PRIV, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION,
          "csrr t0, sstatus");
    /* fmv.x.d t0, f0 (0xe20002d3): the assembler has no F/D for rv64imac, so spell it out. */
    FAULT(TEST_FP_OFF, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION,
          ".word 0xe20002d3");
    /* AMOs must be naturally aligned (unprivileged spec, "A" extension): address + 2 faults. */
    FAULT(TEST_MISALIGNED, MICA_FAULT_USER_EXCEPTION, (mica_word_t)misaligned_target + 2,
          MICA_EXC_ALIGNMENT, "amoadd.w t0, zero, (a2)");
    FAULT(TEST_BREAKPOINT, MICA_FAULT_USER_EXCEPTION, T_ANY, MICA_EXC_BREAKPOINT, "ebreak");
}

/* Callee-saved and temporary registers hold a pattern across an illegal instruction fault. */
static void test_regs_kept(void)
{
    mica_word_t out[16];
    register mica_word_t a0_ __asm__("a0") = TEST_REGS_KEPT;
    register mica_word_t a1_ __asm__("a1") = MICA_FAULT_USER_EXCEPTION;
    register mica_word_t a2_ __asm__("a2") = 0;
    register mica_word_t a3_ __asm__("a3") = MICA_EXC_ILLEGAL_INSTRUCTION;
    register mica_word_t a7_ __asm__("a7") = T_EXPECT;
    register mica_word_t *p __asm__("t0") = out;

    __asm__ volatile("li t1, 0x101\n\tli t2, 0x102\n\tli t3, 0x103\n\tli t4, 0x104\n\t"
                     "li t5, 0x105\n\tli t6, 0x106\n\tli s2, 0x202\n\tli s3, 0x203\n\t"
                     "li s4, 0x204\n\tli s5, 0x205\n\tli s6, 0x206\n\tli s7, 0x207\n\t"
                     "li s8, 0x208\n\tli s9, 0x209\n\tli s10, 0x20a\n\tli s11, 0x20b\n\t"
                     "la a4, 1f\n\tecall\n\t.word 0\n1:\n\t"
                     "sd t1, 0(t0)\n\tsd t2, 8(t0)\n\tsd t3, 16(t0)\n\tsd t4, 24(t0)\n\t"
                     "sd t5, 32(t0)\n\tsd t6, 40(t0)\n\tsd s2, 48(t0)\n\tsd s3, 56(t0)\n\t"
                     "sd s4, 64(t0)\n\tsd s5, 72(t0)\n\tsd s6, 80(t0)\n\tsd s7, 88(t0)\n\t"
                     "sd s8, 96(t0)\n\tsd s9, 104(t0)\n\tsd s10, 112(t0)\n\tsd s11, 120(t0)"
                     : "+r"(a0_), "+r"(a1_), "+r"(a2_), "+r"(a3_), "+r"(a7_), "+r"(p)
                     :
                     : "a4", "a5", "a6", "t1", "t2", "t3", "t4", "t5", "t6", "s2", "s3", "s4", "s5",
                       "s6", "s7", "s8", "s9", "s10", "s11", "memory");
    bool ok = p == out;
    for (unsigned i = 0; i < 6; i++)
        ok = ok && out[i] == 0x101 + i;
    for (unsigned i = 0; i < 10; i++)
        ok = ok && out[6 + i] == 0x202 + i;
    /* A failed check is reported by the kernel side too, as a second report of the test. */
    if (!ok)
        report(TEST_REGS_KEPT, false);
}

static mica_word_t rdtime(void)
{
    mica_word_t t;

    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

static void test_timer(void)
{
    mica_word_t tick = timebase_hz / 1000; /* 1 ms */
    mica_word_t start = rdtime();

    sys(T_TIMER_ARM, tick, 0);
    /* QEMU raises STIP from a host-side timer, which can lag the time CSR: poll (the interrupt is
     * taken in U-mode between polls) with a generous limit, then check it came exactly once. */
    while (sys(T_TIMER_COUNT, 0, 0) == 0 && rdtime() < start + 1000 * tick)
        ;
    for (start = rdtime(); rdtime() < start + 3 * tick;)
        ;
    sys(T_TIMER_CHECK, TEST_TIMER_USER, 0);
    sys(T_IDLE_TIMER, TEST_TIMER_IDLE, tick);
}

static uint64_t rtc_now(void)
{
    uint64_t lo = rtc[RTC_TIME_LOW / 4];

    return ((uint64_t)rtc[RTC_TIME_HIGH / 4] << 32) | lo;
}

/* Arm the alarm after ns and return when it is; the device then raises its level interrupt. */
static uint64_t rtc_arm(uint64_t ns)
{
    uint64_t when = rtc_now() + ns;

    rtc[RTC_IRQ_ENABLED / 4] = 1;
    rtc[RTC_ALARM_HIGH / 4] = (uint32_t)(when >> 32);
    rtc[RTC_ALARM_LOW / 4] = (uint32_t)when;
    return when;
}

static void rtc_wait_until(uint64_t when)
{
    while (rtc_now() < when)
        ;
}

/* ALARM_STATUS reads 1 while an alarm is armed: 0 means the device has raised its interrupt. */
static void rtc_wait_fired(void)
{
    uint64_t give_up = rtc_now() + 1000 * MS;

    while (rtc[RTC_ALARM_STATUS / 4] && rtc_now() < give_up)
        ;
}

/* Poll until the kernel side has seen n RTC interrupts (or a second passed); interrupts are
 * taken in U-mode between the polls, never inside the kernel. */
static void wait_irqs(mica_word_t n)
{
    uint64_t give_up = rtc_now() + 1000 * MS;

    while (sys(T_IRQ_COUNT, 0, 0) < n && rtc_now() < give_up)
        ;
}

static void test_irq(void)
{
    if (!rtc) {
        for (unsigned t = TEST_IRQ_IDLE; t <= TEST_IRQ_USER; t++)
            report(t, false);
        return;
    }
    /* The line starts masked, as every line does. */
    sys(T_UNMASK, 0, 0);
    rtc_arm(MS);
    sys(T_IDLE_IRQ, TEST_IRQ_IDLE, 0);
    /* Reported, so masked: a fresh alarm must not get through. */
    rtc[RTC_CLEAR_INTERRUPT / 4] = 1;
    rtc_arm(MS);
    rtc_wait_fired();
    rtc_wait_until(rtc_now() + 5 * MS);
    sys(T_IRQ_CHECK, TEST_IRQ_MASKED, 1);
    /* The device still asserts: unmasking delivers it (in U-mode, right after the ecall). */
    sys(T_UNMASK, 0, 0);
    wait_irqs(2);
    sys(T_IRQ_CHECK, TEST_IRQ_UNMASK, 2);
    /* Acknowledged at the device, then unmasked: nothing more may come. */
    rtc[RTC_CLEAR_INTERRUPT / 4] = 1;
    sys(T_UNMASK, 0, 0);
    rtc_wait_until(rtc_now() + 5 * MS);
    sys(T_IRQ_CHECK, TEST_IRQ_NO_SPURIOUS, 2);
    /* And a new alarm interrupts U-mode. */
    rtc_arm(MS);
    rtc_wait_fired();
    wait_irqs(3);
    sys(T_IRQ_CHECK, TEST_IRQ_USER, 3);
    rtc[RTC_CLEAR_INTERRUPT / 4] = 1;
    sys(T_UNMASK, 0, 0);
}

/* Instructions from one rdinstret to the next around a null ecall: the whole U -> kernel -> U
 * trip, the self-test's dispatch included, plus the first rdinstret. */
static void bench(void)
{
    const unsigned n = 64;
    mica_word_t total = 0;

    for (unsigned i = 0; i < n; i++) {
        register mica_word_t a7_ __asm__("a7") = T_NULL;
        mica_word_t s, e;
        __asm__ volatile("rdinstret %0\n\tecall\n\trdinstret %1"
                         : "=&r"(s), "=r"(e), "+r"(a7_)
                         :
                         : "a0", "a1", "a2", "a3", "a4", "a5", "a6", "memory");
        total += e - s;
    }
    sys(T_BENCH, total, n);
}

int mica_main(const void *bootinfo)
{
    struct mica_regs info = {{0, 0, 0, 0, 0, 0, 0, T_INFO}};

    (void)bootinfo;
    mica_syscall(&info);
    kernel_text = info.r[0];
    kernel_data = info.r[1];
    rtc = (volatile uint32_t *)info.r[2];
    timebase_hz = info.r[4];

    test_echo();
    struct mica_ipc_buffer *ipc = mica_ipc_buffer();
    report(TEST_IPC_BUFFER_TP, (mica_word_t)ipc == USER_IPC_BUFFER && ipc->user_data == 0x1bcb0ff);
    test_counters();
    test_faults();
    test_regs_kept();
    test_timer();
    test_irq();
    bench();
    return 0;
}
