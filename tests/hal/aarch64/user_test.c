/* SPDX-License-Identifier: MIT */
/*
 * The aarch64 HAL self-test, EL0 side: a root-task-shaped program (crt0, syscall stubs and link
 * script of user/arch/aarch64) that provokes every kind of exception the HAL reports, announcing
 * each fault first (T_EXPECT) so that the kernel side can check it and resume after it; the
 * arch-neutral tests are ../user.c's.
 */
#include "user.h"

static volatile uint64_t misaligned_target[2];
static volatile mica_word_t user_word = 0x5a5a;

/*
 * Announce fault (type, addr, detail) for test, then run insn, which must raise it; the kernel
 * side resumes at label 1 after it. x2 holds addr for insn to use; x9 and x10 are scratch.
 */
#define FAULT(test, type, addr, detail, insn)                                                      \
    do {                                                                                           \
        register mica_word_t x0_ __asm__("x0") = (test);                                           \
        register mica_word_t x1_ __asm__("x1") = (type);                                           \
        register mica_word_t x2_ __asm__("x2") = (addr);                                           \
        register mica_word_t x3_ __asm__("x3") = (detail);                                         \
        register mica_word_t x7_ __asm__("x7") = T_EXPECT;                                         \
        __asm__ volatile("adr x4, 1f\n\tsvc #0\n\t" insn "\n1:"                                    \
                         : "+r"(x0_), "+r"(x1_), "+r"(x2_), "+r"(x3_), "+r"(x7_)                   \
                         :                                                                         \
                         : "x4", "x5", "x6", "x9", "x10", "x30", "memory");                        \
    } while (0)

/* The same for a fault whose address is insn's own. */
#define FAULT_HERE(test, type, detail, insn)                                                       \
    do {                                                                                           \
        register mica_word_t x0_ __asm__("x0") = (test);                                           \
        register mica_word_t x1_ __asm__("x1") = (type);                                           \
        register mica_word_t x3_ __asm__("x3") = (detail);                                         \
        register mica_word_t x7_ __asm__("x7") = T_EXPECT;                                         \
        __asm__ volatile("adr x2, 2f\n\tadr x4, 1f\n\tsvc #0\n2:\t" insn "\n1:"                    \
                         : "+r"(x0_), "+r"(x1_), "+r"(x3_), "+r"(x7_)                              \
                         :                                                                         \
                         : "x2", "x4", "x5", "x6", "memory");                                      \
    } while (0)

uint64_t ut_time(void)
{
    uint64_t t;

    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(t));
    return t;
}

static uint64_t cycles(void)
{
    uint64_t c;

    __asm__ volatile("mrs %0, pmccntr_el0" : "=r"(c));
    return c;
}

static void test_counters(void)
{
    uint64_t c0 = cycles(), t0 = ut_time(), c1, t1;
    unsigned spins = 0;

    do {
        c1 = cycles();
        t1 = ut_time();
    } while (t1 == t0 && ++spins < 1000000);
    ut_report(TEST_COUNTERS, c1 > c0 && t1 > t0);
}

static void test_faults(void)
{
    const mica_word_t unmapped = 0x40000000;

    FAULT(TEST_LOAD_UNMAPPED, MICA_FAULT_MEMORY, unmapped, MICA_VM_READ, "ldr x9, [x2]");
    FAULT(TEST_STORE_UNMAPPED, MICA_FAULT_MEMORY, unmapped + 8, MICA_VM_WRITE, "str xzr, [x2]");
    FAULT(TEST_STORE_TEXT, MICA_FAULT_MEMORY, (mica_word_t)test_faults, MICA_VM_WRITE,
          "str wzr, [x2]");
    FAULT(TEST_FETCH_UNMAPPED, MICA_FAULT_MEMORY, unmapped, MICA_VM_EXEC, "blr x2");
    FAULT(TEST_LOAD_KERNEL, MICA_FAULT_MEMORY, ut_kernel_data, MICA_VM_READ, "ldr x9, [x2]");
    FAULT(TEST_STORE_KERNEL, MICA_FAULT_MEMORY, ut_kernel_data, MICA_VM_WRITE, "str xzr, [x2]");
    FAULT(TEST_FETCH_KERNEL, MICA_FAULT_MEMORY, ut_kernel_text, MICA_VM_EXEC, "blr x2");
    FAULT(TEST_UNDEFINED, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION, "udf #0");
    FAULT(TEST_SYSREG_PRIV, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION,
          "mrs x9, sctlr_el1");
    FAULT(TEST_WFI_TRAPPED, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION, "wfi");
    /* Exclusive loads must be naturally aligned whatever SCTLR_EL1.A says (Arm ARM B2.5.2). */
    FAULT(TEST_EXCLUSIVE_ALIGN, MICA_FAULT_USER_EXCEPTION, (mica_word_t)misaligned_target + 4,
          MICA_EXC_ALIGNMENT, "ldxr x9, [x2]");
    FAULT(TEST_PC_ALIGN, MICA_FAULT_USER_EXCEPTION, (mica_word_t)test_faults + 2,
          MICA_EXC_ALIGNMENT, "br x2");
    FAULT_HERE(TEST_BREAKPOINT, MICA_FAULT_USER_EXCEPTION, MICA_EXC_BREAKPOINT, "brk #0");
    FAULT(TEST_TRAP_BRK, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION, "brk #1");
}

/* FP/SIMD on first use: no fault reaches the kernel side (T_EXPECT is not armed, so one would
 * stop the test), v1 starts zero, and v0 keeps its value across a syscall. */
static void test_fp(void)
{
    mica_word_t before = 1, after = 0, zero = 1;
    register mica_word_t x7_ __asm__("x7") = T_NULL;

    __asm__ volatile(".arch_extension fp\n\t"
                     "fmov d0, %[b]\n\tfmov %[z], d1\n\tsvc #0\n\tfmov %[a], d0"
                     : [a] "=&r"(after), [z] "=&r"(zero), "+r"(x7_)
                     : [b] "r"(before = 0x0123456789abcdef)
                     : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "memory");
    ut_report(TEST_FP_FIRST_USE, after == before && zero == 0);
}

/* Callee-saved and temporary registers hold a pattern across an undefined instruction fault. */
static void test_regs_kept(void)
{
    mica_word_t out[20];
    register mica_word_t x0_ __asm__("x0") = TEST_REGS_KEPT;
    register mica_word_t x1_ __asm__("x1") = MICA_FAULT_USER_EXCEPTION;
    register mica_word_t x2_ __asm__("x2") = 0;
    register mica_word_t x3_ __asm__("x3") = MICA_EXC_ILLEGAL_INSTRUCTION;
    register mica_word_t x7_ __asm__("x7") = T_EXPECT;
    register mica_word_t *p __asm__("x8") = out;

    __asm__ volatile("mov x9, #0x109\n\tmov x10, #0x10a\n\tmov x11, #0x10b\n\t"
                     "mov x12, #0x10c\n\tmov x13, #0x10d\n\tmov x14, #0x10e\n\t"
                     "mov x15, #0x10f\n\tmov x16, #0x110\n\tmov x17, #0x111\n\t"
                     "mov x18, #0x112\n\tmov x19, #0x113\n\tmov x20, #0x114\n\t"
                     "mov x21, #0x115\n\tmov x22, #0x116\n\tmov x23, #0x117\n\t"
                     "mov x24, #0x118\n\tmov x25, #0x119\n\tmov x26, #0x11a\n\t"
                     "mov x27, #0x11b\n\tmov x28, #0x11c\n\t"
                     "adr x4, 1f\n\tsvc #0\n\tudf #0\n1:\n\t"
                     "stp x9, x10, [x8, #0]\n\tstp x11, x12, [x8, #16]\n\t"
                     "stp x13, x14, [x8, #32]\n\tstp x15, x16, [x8, #48]\n\t"
                     "stp x17, x18, [x8, #64]\n\tstp x19, x20, [x8, #80]\n\t"
                     "stp x21, x22, [x8, #96]\n\tstp x23, x24, [x8, #112]\n\t"
                     "stp x25, x26, [x8, #128]\n\tstp x27, x28, [x8, #144]"
                     : "+r"(x0_), "+r"(x1_), "+r"(x2_), "+r"(x3_), "+r"(x7_), "+r"(p)
                     :
                     : "x4", "x5", "x6", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16",
                       "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27",
                       "x28", "memory");
    bool ok = p == out;
    for (unsigned i = 0; i < 20; i++)
        ok = ok && out[i] == 0x109 + i;
    /* A failed check is reported by the kernel side too, as a second report of the test. */
    if (!ok)
        ut_report(TEST_REGS_KEPT, false);
}

/*
 * SPSR from the user (TCB_WriteRegisters, a fault handler) keeps NZCV only: all ones comes back
 * as the four flags, which the thread then sees in NZCV; and it still runs at EL0 with interrupts
 * enabled: an EL1 register still traps (the test's verdict).
 */
static void test_spsr(void)
{
    register mica_word_t x0_ __asm__("x0") = ~(mica_word_t)0;
    register mica_word_t x7_ __asm__("x7") = T_SET_SPSR;
    mica_word_t nzcv;

    __asm__ volatile("svc #0\n\tmrs %[n], nzcv"
                     : "+r"(x0_), "+r"(x7_), [n] "=r"(nzcv)
                     :
                     : "x1", "x2", "x3", "x4", "x5", "x6", "memory");
    if (x0_ != 0xf0000000ul || nzcv != 0xf0000000ul)
        ut_report(TEST_SPSR_SANITISED, false);
    FAULT(TEST_SPSR_SANITISED, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION,
          "mrs x9, spsr_el1");
}

static void gpio(unsigned off, uint32_t v)
{
    ut_device[off / 4] = v;
}

/* The PL061's pin 0 as an output with a level-high interrupt: driving it high raises the line at
 * once (soon or not) until it is driven low and the latched status cleared (GPIOIC). */
void ut_device_raise(bool soon)
{
    (void)soon;
    gpio(GPIO_DIR, 1);
    gpio(GPIO_IS, 1);
    gpio(GPIO_IEV, 1);
    gpio(GPIO_IE, 1);
    gpio(GPIO_DATA_PIN0, 1);
}

void ut_device_lower(void)
{
    gpio(GPIO_DATA_PIN0, 0);
    gpio(GPIO_IC, 1);
}

/* Instructions from one PMCCNTR_EL0 read to the next around a null svc: the whole EL0 -> EL1 ->
 * EL0 trip, the self-test's dispatch included, plus the first read. */
mica_word_t ut_null_trip(void)
{
    register mica_word_t x7_ __asm__("x7") = T_NULL;
    mica_word_t s, e;

    __asm__ volatile("mrs %0, pmccntr_el0\n\tsvc #0\n\tmrs %1, pmccntr_el0"
                     : "=&r"(s), "=r"(e), "+r"(x7_)
                     :
                     : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "memory");
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
    test_fp();
    test_regs_kept();
    test_spsr();
    ut_sys(T_PAN, TEST_PAN, (mica_word_t)&user_word);
    ut_timer();
    ut_irq();
    ut_bench();
    return 0;
}
