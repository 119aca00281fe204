/* SPDX-License-Identifier: MIT */
/*
 * The armv8m HAL self-test, unprivileged side: a root-task-shaped program (crt0, syscall stubs and
 * link script of user/arch/armv8m: code in place, data in RAM) that provokes every kind of trap
 * the HAL reports, announcing each fault first (T_EXPECT) so that the kernel side can check it and
 * resume after it.
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
/* user_regs.S */
bool regs_kept_probe(void);
void sp_kernel_probe(mica_word_t sp);

/* CMSDK dual timer (Arm CMSDK TRM), at the 20 MHz system clock: timer 1 free running down from
 * 0xffffffff is the clock, timer 2 one-shot the interrupt source (registers of timer 2 at +0x20).
 */
#define DUAL_LOAD        0x00
#define DUAL_VALUE       0x04
#define DUAL_CONTROL     0x08
#define DUAL_INTCLR      0x0c
#define DUAL_RIS         0x10
#define DUAL_T2          0x20
#define DUAL_FREE        0x82 /* enable, 32-bit, free running, no interrupt */
#define DUAL_ONESHOT_IRQ 0xa3 /* enable, interrupt, 32-bit, one-shot, prescale 1 */
#define TICKS_MS         20000

static volatile uint32_t *dual, *dual2;
static mica_word_t kernel_text, kernel_data, unmapped, data_area;
volatile uint32_t unaligned_target[2]; /* named in an asm statement */

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
 * side resumes at label 1 after it. r2 holds addr for insn to use; r3 is scratch. r7 may be the
 * frame pointer or hold a value the compiler keeps there, so the svc saves it around the syscall
 * number. The label's address comes from movw/movt, not adr: adr's word-aligned PC is resolved
 * when the file is assembled, and a Thumb function may be placed only 2-byte aligned.
 */
#define FAULT(test, type, addr, detail, insn)                                                      \
    do {                                                                                           \
        register mica_word_t r0_ __asm__("r0") = (test);                                           \
        register mica_word_t r1_ __asm__("r1") = (type);                                           \
        register mica_word_t r2_ __asm__("r2") = (addr);                                           \
        register mica_word_t r3_ __asm__("r3") = (detail);                                         \
        __asm__ volatile("movw r4, #:lower16:1f\n\t"                                               \
                         "movt r4, #:upper16:1f\n\t"                                               \
                         "movs r5, #0\n\t"                                                         \
                         "movs r6, #0\n\t"                                                         \
                         "push {r7}\n\t"                                                           \
                         "movs r7, %[nr]\n\t"                                                      \
                         "svc #0\n\t"                                                              \
                         "pop {r7}\n\t" insn "\n"                                                  \
                         "1:"                                                                      \
                         : "+r"(r0_), "+r"(r1_), "+r"(r2_), "+r"(r3_)                              \
                         : [nr] "i"(T_EXPECT)                                                      \
                         : "r4", "r5", "r6", "r12", "lr", "memory", "cc");                         \
    } while (0)

static void test_echo(void)
{
    struct mica_regs r = {{1, 2, 3, 4, 5, 6, 7, T_ECHO}};
    bool ok = mica_syscall(&r) == MICA_OK;

    for (unsigned i = 0; i < 7; i++)
        ok = ok && r.r[i] == ~(mica_word_t)(i + 1);
    report(TEST_ECHO, ok);
}

static void test_mode(void)
{
    mica_word_t control, sp, ipsr;

    __asm__ volatile("mrs %0, control\n\tmov %1, sp\n\tmrs %2, ipsr"
                     : "=r"(control), "=r"(sp), "=r"(ipsr));
    /* nPRIV and SPSEL set, Thread mode (IPSR 0, which unprivileged code may read as 0 anyway). */
    report(TEST_UNPRIVILEGED, (control & 3) == 3 && ipsr == 0 && sp > data_area);
}

static void test_faults(void)
{
    FAULT(TEST_LOAD_UNMAPPED, MICA_FAULT_MEMORY, unmapped, MICA_VM_READ, "ldr r3, [r2]");
    FAULT(TEST_STORE_UNMAPPED, MICA_FAULT_MEMORY, unmapped + 8, MICA_VM_WRITE, "str r3, [r2]");
    FAULT(TEST_STORE_TEXT, MICA_FAULT_MEMORY, (mica_word_t)test_faults & ~(mica_word_t)3,
          MICA_VM_WRITE, "str r3, [r2]");
    /* A Thumb branch to the data area: bit 0 set, the fault address is the even one. */
    FAULT(TEST_FETCH_XN, MICA_FAULT_MEMORY, data_area, MICA_VM_EXEC, "orr r2, r2, #1\n\tblx r2");
    FAULT(TEST_LOAD_KERNEL, MICA_FAULT_MEMORY, kernel_data, MICA_VM_READ, "ldr r3, [r2]");
    FAULT(TEST_STORE_KERNEL, MICA_FAULT_MEMORY, kernel_data, MICA_VM_WRITE, "str r2, [r2]");
    FAULT(TEST_FETCH_KERNEL, MICA_FAULT_MEMORY, kernel_text & ~(mica_word_t)1, MICA_VM_EXEC,
          "orr r2, r2, #1\n\tblx r2");
    /* SysTick's CSR: the System Control Space answers privileged accesses only. */
    FAULT(TEST_LOAD_SCS, MICA_FAULT_MEMORY, 0xe000e010, MICA_VM_READ, "ldr r3, [r2]");
    FAULT(TEST_UNDEFINED, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION, "udf #0");
    /* vmov s0, r3: the kernel is soft-float, so spell the FPv5 encoding out. */
    FAULT(TEST_FP_OFF, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION,
          ".inst.w 0xee003a10");
    FAULT(TEST_DIV_ZERO, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_DIVIDE_BY_ZERO,
          "movs r3, #0\n\tudiv r3, r2, r3");
    FAULT(TEST_UNALIGNED, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ALIGNMENT,
          "movw r3, #:lower16:unaligned_target\n\tmovt r3, #:upper16:unaligned_target\n\t"
          "adds r3, #1\n\tldr r3, [r3]");
    FAULT(TEST_BREAKPOINT, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_BREAKPOINT, "bkpt #1");
    /* The semihosting call that would exit QEMU (SYS_EXIT, ADP_Stopped_ApplicationExit) must not
     * work from unprivileged code; it is a breakpoint like any other. */
    FAULT(TEST_SEMIHOSTING, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_BREAKPOINT,
          "movs r0, #0x18\n\tmovw r1, #0x0026\n\tmovt r1, #0x2\n\tbkpt #0xab");
}

/* A stack limit 256 bytes below SP, then SP moved 512 bytes down: the move faults (SP unchanged,
 * so the hardware stacks the frame above the limit) and reports the limit. */
static void test_psplim(void)
{
    mica_word_t sp;

    __asm__ volatile("mov %0, sp" : "=r"(sp));
    mica_word_t limit = (sp - 256) & ~(mica_word_t)7;
    sys(T_PSPLIM, limit, 0);
    FAULT(TEST_PSPLIM, MICA_FAULT_MEMORY, limit, MICA_VM_WRITE, "sub sp, sp, #512");
    sys(T_PSPLIM, 0, 0);
}

static void test_regs_kept(void)
{
    /* The kernel side reports the announced fault; the user side the registers it finds after. */
    if (!regs_kept_probe())
        report(TEST_REGS_KEPT, false);
}

static mica_word_t ticks(void)
{
    return ~dual[DUAL_VALUE / 4]; /* counts down */
}

static void spin_ticks(mica_word_t n)
{
    for (mica_word_t start = ticks(); ticks() - start < n;)
        ;
}

static void test_timer(void)
{
    mica_word_t start = ticks();

    sys(T_TIMER_ARM, TICKS_MS, 0);
    while (sys(T_TIMER_COUNT, 0, 0) == 0 && ticks() - start < 1000 * TICKS_MS)
        ;
    spin_ticks(3 * TICKS_MS);
    sys(T_TIMER_CHECK, TEST_TIMER_USER, 0);
    sys(T_IDLE_TIMER, TEST_TIMER_IDLE, TICKS_MS);
}

static void dual_arm(mica_word_t n)
{
    dual2[DUAL_LOAD / 4] = n;
    dual2[DUAL_CONTROL / 4] = DUAL_ONESHOT_IRQ;
}

static void dual_wait_fired(void)
{
    for (mica_word_t start = ticks();
         !(dual2[DUAL_RIS / 4] & 1) && ticks() - start < 1000 * TICKS_MS;)
        ;
}

/* Poll until the kernel side has seen n interrupts (or a second passed); interrupts are taken in
 * Thread mode between the polls, never inside the kernel. */
static void wait_irqs(mica_word_t n)
{
    for (mica_word_t start = ticks();
         sys(T_IRQ_COUNT, 0, 0) < n && ticks() - start < 1000 * TICKS_MS;)
        ;
}

static void test_irq(void)
{
    /* The line starts masked, as every line does. */
    sys(T_UNMASK, 0, 0);
    dual_arm(TICKS_MS);
    sys(T_IDLE_IRQ, TEST_IRQ_IDLE, 0);
    /* Reported, so masked: a fresh expiry must not get through. */
    dual2[DUAL_INTCLR / 4] = 1;
    dual_arm(TICKS_MS);
    dual_wait_fired();
    spin_ticks(5 * TICKS_MS);
    sys(T_IRQ_CHECK, TEST_IRQ_MASKED, 1);
    /* The device still asserts: unmasking delivers it (in Thread mode, right after the svc). */
    sys(T_UNMASK, 0, 0);
    wait_irqs(2);
    sys(T_IRQ_CHECK, TEST_IRQ_UNMASK, 2);
    /* Acknowledged at the device, then unmasked: nothing more may come. */
    dual2[DUAL_INTCLR / 4] = 1;
    sys(T_UNMASK, 0, 0);
    spin_ticks(5 * TICKS_MS);
    sys(T_IRQ_CHECK, TEST_IRQ_NO_SPURIOUS, 2);
    /* And a new expiry interrupts the program. */
    dual_arm(TICKS_MS);
    dual_wait_fired();
    wait_irqs(3);
    sys(T_IRQ_CHECK, TEST_IRQ_USER, 3);
    dual2[DUAL_INTCLR / 4] = 1;
    sys(T_UNMASK, 0, 0);
}

/* Clock ticks (50 instructions each under -icount shift=0) over many null svc round trips: the
 * whole Thread -> kernel -> Thread trip, the self-test's dispatch included. */
static void bench(void)
{
    const unsigned n = 1000;
    struct mica_regs r;
    mica_word_t start = ticks();

    for (unsigned i = 0; i < n; i++) {
        r = (struct mica_regs){{0, 0, 0, 0, 0, 0, 0, T_NULL}};
        mica_syscall(&r);
    }
    sys(T_BENCH, (ticks() - start) * 50, n);
}

static mica_word_t info(enum t_info which)
{
    return sys(T_INFO, which, 0);
}

int mica_main(const void *bootinfo)
{
    (void)bootinfo;
    kernel_text = info(INFO_KERNEL_TEXT);
    kernel_data = info(INFO_KERNEL_DATA);
    unmapped = info(INFO_UNMAPPED);
    data_area = info(INFO_DATA);
    dual = (volatile uint32_t *)info(INFO_DUAL);
    dual2 = dual + DUAL_T2 / 4;
    dual[DUAL_CONTROL / 4] = 0;
    dual[DUAL_LOAD / 4] = 0xffffffff;
    dual[DUAL_CONTROL / 4] = DUAL_FREE;

    test_echo();
    struct mica_ipc_buffer *ipc = mica_ipc_buffer();
    report(TEST_IPC_BUFFER_R9, ipc && ipc->user_data == 0x1bcb0ff);
    test_mode();
    test_faults();
    test_psplim();
    sp_kernel_probe(kernel_data + 16);
    test_regs_kept();
    test_timer();
    test_irq();
    bench();
    return 0;
}
