/* SPDX-License-Identifier: MIT */
/*
 * The riscv64 HAL self-test, U-mode side: a root-task-shaped program (crt0, syscall stubs and link
 * script of user/arch/riscv64) that provokes every kind of trap the HAL reports, announcing each
 * fault first (T_EXPECT) so that the kernel side can check it and resume after it; the
 * arch-neutral tests are ../user.c's.
 */
#include "user.h"

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

static volatile uint64_t misaligned_target[2];

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

static void test_counters(void)
{
    mica_word_t c0, c1, i0, i1, t0, t1;
    unsigned spins = 0;

    __asm__ volatile("rdcycle %0; rdinstret %1; rdtime %2" : "=r"(c0), "=r"(i0), "=r"(t0));
    do {
        __asm__ volatile("rdcycle %0; rdinstret %1; rdtime %2" : "=r"(c1), "=r"(i1), "=r"(t1));
    } while (t1 == t0 && ++spins < 1000000);
    ut_report(TEST_COUNTERS, c1 > c0 && i1 > i0 && t1 > t0);
}

static void test_faults(void)
{
    const mica_word_t unmapped = 0x40000000;

    FAULT(TEST_LOAD_UNMAPPED, MICA_FAULT_MEMORY, unmapped, MICA_VM_READ, "ld t0, 0(a2)");
    FAULT(TEST_STORE_UNMAPPED, MICA_FAULT_MEMORY, unmapped + 8, MICA_VM_WRITE, "sd zero, 0(a2)");
    FAULT(TEST_STORE_TEXT, MICA_FAULT_MEMORY, (mica_word_t)test_faults, MICA_VM_WRITE,
          "sw zero, 0(a2)");
    FAULT(TEST_FETCH_UNMAPPED, MICA_FAULT_MEMORY, unmapped, MICA_VM_EXEC, "jalr t0, 0(a2)");
    FAULT(TEST_LOAD_KERNEL, MICA_FAULT_MEMORY, ut_kernel_data, MICA_VM_READ, "ld t0, 0(a2)");
    FAULT(TEST_STORE_KERNEL, MICA_FAULT_MEMORY, ut_kernel_data, MICA_VM_WRITE, "sd zero, 0(a2)");
    FAULT(TEST_FETCH_KERNEL, MICA_FAULT_MEMORY, ut_kernel_text, MICA_VM_EXEC, "jalr t0, 0(a2)");
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
        ut_report(TEST_REGS_KEPT, false);
}

uint64_t ut_time(void)
{
    uint64_t t;

    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

static uint64_t rtc_now(void)
{
    uint64_t lo = ut_device[RTC_TIME_LOW / 4];

    return ((uint64_t)ut_device[RTC_TIME_HIGH / 4] << 32) | lo;
}

/* Arm the alarm after ns; the device then raises its level interrupt. */
static uint64_t rtc_arm(uint64_t ns)
{
    uint64_t when = rtc_now() + ns;

    ut_device[RTC_IRQ_ENABLED / 4] = 1;
    ut_device[RTC_ALARM_HIGH / 4] = (uint32_t)(when >> 32);
    ut_device[RTC_ALARM_LOW / 4] = (uint32_t)when;
    return when;
}

/* ALARM_STATUS reads 1 while an alarm is armed: 0 means the device has raised its interrupt. */
static void rtc_wait_fired(void)
{
    uint64_t give_up = rtc_now() + 1000 * MS;

    while (ut_device[RTC_ALARM_STATUS / 4] && rtc_now() < give_up)
        ;
}

/* An alarm 1 ms ahead: soon, or now (waiting until the device has raised its interrupt). */
void ut_device_raise(bool soon)
{
    rtc_arm(MS);
    if (!soon)
        rtc_wait_fired();
}

void ut_device_lower(void)
{
    ut_device[RTC_CLEAR_INTERRUPT / 4] = 1;
}

/* Instructions from one rdinstret to the next around a null ecall: the whole U -> kernel -> U
 * trip, the self-test's dispatch included, plus the first rdinstret. */
mica_word_t ut_null_trip(void)
{
    register mica_word_t a7_ __asm__("a7") = T_NULL;
    mica_word_t s, e;

    __asm__ volatile("rdinstret %0\n\tecall\n\trdinstret %1"
                     : "=&r"(s), "=r"(e), "+r"(a7_)
                     :
                     : "a0", "a1", "a2", "a3", "a4", "a5", "a6", "memory");
    return e - s;
}

int mica_main(const void *bootinfo)
{
    (void)bootinfo;
    ut_info();
    ut_echo();
    ut_ipc_buffer();
    test_counters();
    test_faults();
    test_regs_kept();
    ut_timer();
    ut_irq();
    ut_bench();
    return 0;
}
