/* SPDX-License-Identifier: MIT */
/*
 * Tests that need a particular board's hardware, skipped elsewhere.
 *  - qemu-virt-riscv64 and qemu-virt-aarch64: user threads that touch kernel memory, execute an
 *    illegal instruction or jump to an unmapped page stop there while everything else goes on.
 *  - qemu-virt-riscv64: a real device interrupt (the goldfish RTC alarm) reaches a user-level
 *    driver through IRQControl, IRQHandler and a notification.
 *  - qemu-virt-aarch64: every kind of synchronous exception (data and instruction aborts,
 *    undefined and privileged instructions, PC, SP and data alignment, BRK) reaches a fault
 *    handler with the right type, address and detail; the PL061 GPIO's interrupt reaches a
 *    user-level driver; and two threads' FP/SIMD registers stay their own.
 */
#include <string.h>

#include "suite.h"

/* QEMU virt (hw/riscv/virt.c, and its devicetree): the goldfish RTC and its PLIC line. The kernel
 * image's first page, in the riscv64 kernel's linear map (arch/riscv64/include/arch.h). */
#define VIRT_RTC_BASE       0x101000ul
#define VIRT_RTC_IRQ        11
#define VIRT_KERNEL_TEXT    0xffffffc080200000ul
#define RTC_TIME_LOW        0x00
#define RTC_TIME_HIGH       0x04
#define RTC_ALARM_LOW       0x08
#define RTC_ALARM_HIGH      0x0c
#define RTC_IRQ_ENABLED     0x10
#define RTC_CLEAR_INTERRUPT 0x1c

/* QEMU arm virt (hw/arm/virt.c): the PL061 GPIO and its GIC SPI 7 (INTID 39), and the kernel
 * image's first page in the aarch64 kernel's linear map (arch/aarch64/include/arch.h:
 * AARCH64_KERNEL_VOFFSET + the board's load address 0x40200000). PL061 registers (PL061 TRM
 * 3.3): GPIODATA is addressed through bits [9:2] as a mask, so offset 4 is pin 0 alone. */
#define ARM_VIRT_GPIO_BASE   0x9030000ul
#define ARM_VIRT_GPIO_IRQ    39
#define ARM_VIRT_KERNEL_TEXT 0xffffff8040200000ul
#define GPIO_DATA_PIN0       0x004
#define GPIO_DIR             0x400
#define GPIO_IS              0x404
#define GPIO_IEV             0x40c
#define GPIO_IE              0x410
#define GPIO_RIS             0x414
#define GPIO_IC              0x41c

static bool on_board(const char *board)
{
    return strcmp(env_bi->board, board) == 0;
}

static bool on_virt_riscv64(void)
{
    return on_board("qemu-virt-riscv64");
}

static bool on_virt_aarch64(void)
{
    return on_board("qemu-virt-aarch64");
}

static volatile mica_word_t reached;

static void store_to(mica_word_t addr)
{
    *(volatile mica_word_t *)addr = 1;
    reached = 1;
}

static void illegal(mica_word_t arg)
{
    (void)arg;
    __builtin_trap(); /* an instruction that is defined to be illegal (unimp on RISC-V) */
    reached = 1;
}

static void jump_to(mica_word_t addr)
{
    ((void (*)(void))addr)();
    reached = 1;
}

/* Run fn(arg) in a thread below the root's priority until it stops; true if it stopped at a fault
 * (never got past it, and is not done), with its PC in *pc. */
static bool faults(thread_fn fn, mica_word_t arg, mica_word_t *pc)
{
    static struct thread t;

    reached = 0;
    if (!thread_spawn(&t, 100, fn, arg))
        return false;
    env_run_others();
    bool ok = CHECK_INV(MICA_TCB_READ_REGISTERS, mica_tcb_read_registers(t.tcb, MICA_REG_PC, 1, pc),
                        MICA_OK);
    mica_tcb_suspend(t.tcb);
    return ok && !reached && !t.done;
}

static void t_user_faults(void)
{
    const mica_word_t unmapped = (mica_word_t)1 << 30;
    mica_word_t pc = 0, text;

    if (on_virt_riscv64()) {
        text = (mica_word_t)VIRT_KERNEL_TEXT; /* 64-bit boards: no truncation */
    } else if (on_virt_aarch64()) {
        text = (mica_word_t)ARM_VIRT_KERNEL_TEXT;
    } else {
        tap_skip("needs qemu-virt-riscv64 or qemu-virt-aarch64 (the kernel's address)");
        return;
    }
    CHECK(faults(store_to, text, &pc));
    CHECK(pc >= (mica_word_t)store_to && pc < (mica_word_t)store_to + 64);
    CHECK(faults(store_to, text + 0x1000, &pc));
    CHECK(faults(illegal, 0, &pc));
    CHECK(pc >= (mica_word_t)illegal && pc < (mica_word_t)illegal + 64);
    CHECK(faults(jump_to, unmapped, &pc));
    CHECK_EQ(pc, unmapped);
    CHECK(faults(jump_to, text, &pc));
    CHECK_EQ(pc, text);
}

/*
 * The page of device registers at paddr mapped at va (env_device_frame), and its line claimed
 * and bound to notification n with badge 0x4. Returns the registers, or NULL after a failed check.
 */
static volatile uint32_t *device_driver(mica_word_t paddr, mica_word_t irq, mica_word_t va,
                                        mica_cptr_t *frame, mica_cptr_t *handler, mica_cptr_t n)
{
    volatile uint32_t *regs = env_device_frame(paddr, va, frame);

    *handler = env_slot();
    if (!regs)
        return NULL;
    CHECK_INV(
        MICA_IRQ_CONTROL_GET,
        mica_irq_control_get(MICA_INIT_IRQ_CONTROL, irq, MICA_INIT_CNODE, *handler, MICA_WORD_BITS),
        MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION,
              mica_irq_handler_set_notification(*handler, env_mint(n, MICA_RIGHTS_ALL, 0x4)),
              MICA_OK);
    return regs;
}

static uint64_t rtc_now(volatile uint32_t *rtc)
{
    uint64_t lo = rtc[RTC_TIME_LOW / 4];

    return ((uint64_t)rtc[RTC_TIME_HIGH / 4] << 32) | lo;
}

/* An alarm 1 ms from now; the RTC then raises its (level) interrupt until CLEAR_INTERRUPT. */
static void rtc_alarm(volatile uint32_t *rtc)
{
    uint64_t when = rtc_now(rtc) + 1000000;

    rtc[RTC_IRQ_ENABLED / 4] = 1;
    rtc[RTC_ALARM_HIGH / 4] = (uint32_t)(when >> 32);
    rtc[RTC_ALARM_LOW / 4] = (uint32_t)when;
}

static void t_rtc_driver(void)
{
    mica_cptr_t frame, h, n = new_ntfn();
    mica_word_t bits = 0;

    if (!on_virt_riscv64()) {
        tap_skip("needs qemu-virt-riscv64");
        return;
    }
    volatile uint32_t *rtc =
        device_driver(VIRT_RTC_BASE, VIRT_RTC_IRQ, (mica_word_t)1 << 31, &frame, &h, n);
    if (!rtc)
        return;
    /* Twice: the second alarm only gets through because the driver acknowledged the first. */
    for (int round = 0; round < 2; round++) {
        rtc_alarm(rtc);
        CHECK_SYS(MICA_SYS_RECV, mica_wait(n, &bits), MICA_OK);
        CHECK_EQ(bits, 0x4);
        rtc[RTC_CLEAR_INTERRUPT / 4] = 1;
        CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(h), MICA_OK);
    }
    rtc[RTC_IRQ_ENABLED / 4] = 0;
    mica_frame_unmap(frame);
    mica_cnode_delete(MICA_INIT_CNODE, h, MICA_WORD_BITS); /* frees the line for other tests */
}

static void gpio_pin0_interrupts(volatile uint32_t *gpio)
{
    gpio[GPIO_DIR / 4] = 1;
    gpio[GPIO_IS / 4] = 1;
    gpio[GPIO_IEV / 4] = 1;
    gpio[GPIO_IE / 4] = 1;
}

bool board_line_claim(struct board_line *l, mica_cptr_t n, mica_word_t va)
{
    if (on_virt_riscv64()) {
        l->irq = VIRT_RTC_IRQ;
        l->regs = device_driver(VIRT_RTC_BASE, l->irq, va, &l->frame, &l->handler, n);
    } else if (on_virt_aarch64()) {
        l->irq = ARM_VIRT_GPIO_IRQ;
        l->regs = device_driver(ARM_VIRT_GPIO_BASE, l->irq, va, &l->frame, &l->handler, n);
        if (l->regs)
            gpio_pin0_interrupts(l->regs);
    } else {
        tap_skip("needs qemu-virt-riscv64 or qemu-virt-aarch64 (a device whose interrupt a "
                 "test can raise)");
        return false;
    }
    return l->regs != NULL;
}

void board_line_raise(struct board_line *l)
{
    if (on_virt_riscv64())
        rtc_alarm(l->regs);
    else
        l->regs[GPIO_DATA_PIN0 / 4] = 1;
}

void board_line_lower(struct board_line *l)
{
    if (on_virt_riscv64()) {
        l->regs[RTC_CLEAR_INTERRUPT / 4] = 1;
    } else {
        l->regs[GPIO_DATA_PIN0 / 4] = 0;
        l->regs[GPIO_IC / 4] = 1;
    }
}

void board_line_release(struct board_line *l)
{
    board_line_lower(l);
    if (on_virt_riscv64())
        l->regs[RTC_IRQ_ENABLED / 4] = 0;
    else
        l->regs[GPIO_IE / 4] = 0;
    mica_frame_unmap(l->frame);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(MICA_INIT_CNODE, l->handler, MICA_WORD_BITS),
              MICA_OK);
}

/*
 * The PL061's pin 0 as an output with a level-high interrupt: driving it high raises the GIC line
 * until the driver drives it low and clears the latched status (GPIOIC). Twice, so the second
 * interrupt only gets through because the driver acknowledged the first; a third while the line
 * is masked (not yet acknowledged) must wait for the acknowledgement.
 */
static void t_gpio_driver(void)
{
    mica_cptr_t frame, h, n = new_ntfn();
    mica_word_t bits = 0;

    if (!on_virt_aarch64()) {
        tap_skip("needs qemu-virt-aarch64");
        return;
    }
    volatile uint32_t *gpio =
        device_driver(ARM_VIRT_GPIO_BASE, ARM_VIRT_GPIO_IRQ, (mica_word_t)1 << 31, &frame, &h, n);
    if (!gpio)
        return;
    gpio_pin0_interrupts(gpio);
    for (int round = 0; round < 3; round++) {
        gpio[GPIO_DATA_PIN0 / 4] = 1;
        CHECK(gpio[GPIO_RIS / 4] & 1);
        CHECK_SYS(MICA_SYS_RECV, mica_wait(n, &bits), MICA_OK);
        CHECK_EQ(bits, 0x4);
        gpio[GPIO_DATA_PIN0 / 4] = 0;
        gpio[GPIO_IC / 4] = 1;
        if (round == 1) {
            /* Raised and lowered again while masked: nothing arrives until the Ack unmasks. */
            gpio[GPIO_DATA_PIN0 / 4] = 1;
            CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, &bits), MICA_ERR_WOULD_BLOCK);
        }
        CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(h), MICA_OK);
    }
    gpio[GPIO_DATA_PIN0 / 4] = 0;
    gpio[GPIO_IC / 4] = 1;
    gpio[GPIO_IE / 4] = 0;
    CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(h), MICA_OK);
    mica_frame_unmap(frame);
    mica_cnode_delete(MICA_INIT_CNODE, h, MICA_WORD_BITS); /* frees the line for other tests */
}

#if defined(__aarch64__)
/*
 * One synchronous exception of each kind an AArch64 thread can raise (Arm ARM D19.2.37, the ESR
 * exception classes), each in a thread whose fault handler is this test: the fault message must
 * say the arch-neutral type, address and detail, and MR0 must be the faulting instruction. The SP
 * alignment fault (EC 0x26) is decoded by the kernel too, but QEMU 7.2 does not check SP
 * alignment (SCTLR_EL1.SA0), so there is no case for it here (docs/porting.md).
 */
struct fault_case {
    void (*fn)(mica_word_t);
    mica_word_t arg;
    mica_word_t type, addr, detail;
};

static mica_word_t fault_pc; /* the instruction that must fault, set by each case */
static uint64_t misaligned[2];

#define AT_FAULT(insn) "adr x9, 1f\n\tstr x9, [%[pc]]\n1:\t" insn "\n\t"

static void load_from(mica_word_t addr)
{
    __asm__ volatile(AT_FAULT("ldr x10, [%[a]]")::[pc] "r"(&fault_pc), [a] "r"(addr)
                     : "x9", "x10", "memory");
}

static void store_at(mica_word_t addr)
{
    __asm__ volatile(AT_FAULT("str xzr, [%[a]]")::[pc] "r"(&fault_pc), [a] "r"(addr)
                     : "x9", "memory");
}

static void exec_at(mica_word_t addr)
{
    fault_pc = addr;
    ((void (*)(void))addr)();
}

static void undefined(mica_word_t arg)
{
    (void)arg;
    __asm__ volatile(AT_FAULT("udf #0")::[pc] "r"(&fault_pc) : "x9", "memory");
}

/* An EL1 register from EL0: trapped (EC 0x18), an illegal instruction for the thread. */
static void privileged(mica_word_t arg)
{
    (void)arg;
    __asm__ volatile(AT_FAULT("mrs x10, sctlr_el1")::[pc] "r"(&fault_pc) : "x9", "x10", "memory");
}

/* Exclusive loads must be naturally aligned whatever SCTLR_EL1.A says (B2.5.2). */
static void exclusive_at(mica_word_t addr)
{
    __asm__ volatile(AT_FAULT("ldxr x10, [%[a]]")::[pc] "r"(&fault_pc), [a] "r"(addr)
                     : "x9", "x10", "memory");
}

/* A branch to a misaligned address: the PC alignment fault is taken at the target. */
static void branch_to(mica_word_t addr)
{
    fault_pc = addr;
    __asm__ volatile("br %0" ::"r"(addr) : "memory");
}

static void breakpoint(mica_word_t arg)
{
    (void)arg;
    __asm__ volatile(AT_FAULT("brk #0x42")::[pc] "r"(&fault_pc) : "x9", "memory");
}

#define T_ANY ((mica_word_t)-1)

static void t_aarch64_exceptions(void)
{
    const mica_word_t unmapped = (mica_word_t)1 << 30;
    const struct fault_case cases[] = {
        {load_from, unmapped + 8, MICA_FAULT_MEMORY, unmapped + 8, MICA_VM_READ},
        {store_at, unmapped + 16, MICA_FAULT_MEMORY, unmapped + 16, MICA_VM_WRITE},
        {store_at, (mica_word_t)load_from, MICA_FAULT_MEMORY, (mica_word_t)load_from,
         MICA_VM_WRITE},
        {exec_at, unmapped, MICA_FAULT_MEMORY, unmapped, MICA_VM_EXEC},
        {load_from, ARM_VIRT_KERNEL_TEXT, MICA_FAULT_MEMORY, ARM_VIRT_KERNEL_TEXT, MICA_VM_READ},
        {store_at, ARM_VIRT_KERNEL_TEXT + 64, MICA_FAULT_MEMORY, ARM_VIRT_KERNEL_TEXT + 64,
         MICA_VM_WRITE},
        {exec_at, ARM_VIRT_KERNEL_TEXT, MICA_FAULT_MEMORY, ARM_VIRT_KERNEL_TEXT, MICA_VM_EXEC},
        {undefined, 0, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION},
        {privileged, 0, MICA_FAULT_USER_EXCEPTION, 0, MICA_EXC_ILLEGAL_INSTRUCTION},
        {exclusive_at, (mica_word_t)misaligned + 4, MICA_FAULT_USER_EXCEPTION,
         (mica_word_t)misaligned + 4, MICA_EXC_ALIGNMENT},
        {branch_to, (mica_word_t)undefined + 2, MICA_FAULT_USER_EXCEPTION,
         (mica_word_t)undefined + 2, MICA_EXC_ALIGNMENT},
        {breakpoint, 0, MICA_FAULT_USER_EXCEPTION, T_ANY, MICA_EXC_BREAKPOINT},
    };
    mica_cptr_t ep = new_ep(), reply = new_reply();
    static struct thread t;

    if (!on_virt_aarch64()) {
        tap_skip("needs qemu-virt-aarch64");
        return;
    }
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct fault_case *c = &cases[i];
        mica_word_t info = 0, mr[3];
        bool started;
        fault_pc = 0;
        if (i)
            started = thread_restart(&t, c->fn, c->arg);
        else
            started = thread_create(&t, HELPER_PRIO, c->fn, c->arg, true) &&
                      CHECK_INV(MICA_TCB_SET_FAULT_HANDLER, mica_tcb_set_fault_handler(t.tcb, ep),
                                MICA_OK) &&
                      thread_start(&t);
        /* The thread runs below us until it blocks on its fault (or, wrongly, finishes). */
        env_run_others();
        if (!started || !CHECK_SYS(MICA_SYS_NBRECV, mica_nbrecv(ep, reply, NULL, &info), MICA_OK))
            return;
        for (unsigned m = 0; m < 3; m++)
            mr[m] = mica_get_mr(m);
        tap_printf("# case %u: type %lu pc %lx addr %lx detail %lu\n", i,
                   (unsigned long)mica_msginfo_label(info), (unsigned long)mr[0],
                   (unsigned long)mr[1], (unsigned long)mr[2]);
        CHECK_EQ(mica_msginfo_label(info), c->type);
        CHECK_EQ(mr[0], fault_pc);
        if (c->addr != T_ANY)
            CHECK_EQ(mr[1], c->addr);
        CHECK_EQ(mr[2], c->detail);
        CHECK(!t.done);
        CHECK_INV(MICA_TCB_SUSPEND, mica_tcb_suspend(t.tcb), MICA_OK);
    }
}

/*
 * FP/SIMD state per thread (docs/architecture.md: enabled on first use, then saved and restored
 * with the thread): a new thread's first look at v0-v31 and FPCR finds zeros, whatever another
 * thread left in them, and two threads that fill all 32 registers and FPCR with their own
 * patterns and yield to each other between fills and checks always find their own.
 */
#define FP_ROUNDS 8

struct fp_regs {
    uint64_t v[64];
    uint64_t fpcr;
};

static volatile bool fp_ok[2], fp_fresh[2];

static void fp_store(struct fp_regs *r)
{
    __asm__ volatile(".arch_extension simd\n\t"
                     "stp q0, q1, [%0, #0]\n\tstp q2, q3, [%0, #32]\n\t"
                     "stp q4, q5, [%0, #64]\n\tstp q6, q7, [%0, #96]\n\t"
                     "stp q8, q9, [%0, #128]\n\tstp q10, q11, [%0, #160]\n\t"
                     "stp q12, q13, [%0, #192]\n\tstp q14, q15, [%0, #224]\n\t"
                     "stp q16, q17, [%0, #256]\n\tstp q18, q19, [%0, #288]\n\t"
                     "stp q20, q21, [%0, #320]\n\tstp q22, q23, [%0, #352]\n\t"
                     "stp q24, q25, [%0, #384]\n\tstp q26, q27, [%0, #416]\n\t"
                     "stp q28, q29, [%0, #448]\n\tstp q30, q31, [%0, #480]\n\t"
                     "mrs x9, fpcr\n\tstr x9, [%0, #512]" ::"r"(r)
                     : "x9", "memory");
}

static void fp_load(const struct fp_regs *r)
{
    __asm__ volatile(".arch_extension simd\n\t"
                     "ldp q0, q1, [%0, #0]\n\tldp q2, q3, [%0, #32]\n\t"
                     "ldp q4, q5, [%0, #64]\n\tldp q6, q7, [%0, #96]\n\t"
                     "ldp q8, q9, [%0, #128]\n\tldp q10, q11, [%0, #160]\n\t"
                     "ldp q12, q13, [%0, #192]\n\tldp q14, q15, [%0, #224]\n\t"
                     "ldp q16, q17, [%0, #256]\n\tldp q18, q19, [%0, #288]\n\t"
                     "ldp q20, q21, [%0, #320]\n\tldp q22, q23, [%0, #352]\n\t"
                     "ldp q24, q25, [%0, #384]\n\tldp q26, q27, [%0, #416]\n\t"
                     "ldp q28, q29, [%0, #448]\n\tldp q30, q31, [%0, #480]\n\t"
                     "ldr x9, [%0, #512]\n\tmsr fpcr, x9" ::"r"(r)
                     : "x9", "memory");
}

static void fp_worker(mica_word_t id)
{
    static struct fp_regs mine[2], seen[2];
    bool ok = true, fresh = true;

    fp_store(&seen[id]);
    for (unsigned i = 0; i < 64; i++)
        fresh = fresh && seen[id].v[i] == 0;
    fp_fresh[id] = fresh && seen[id].fpcr == 0;
    for (unsigned round = 0; round < FP_ROUNDS; round++) {
        for (unsigned i = 0; i < 64; i++)
            mine[id].v[i] = (id + 1) * 0x0101010101010101ull ^ ((uint64_t)round << 32) ^ i;
        /* FPCR.RMode (bits 23:22): each thread its own rounding mode. */
        mine[id].fpcr = (id + 1 + round) % 4 << 22;
        fp_load(&mine[id]);
        mica_yield();
        fp_store(&seen[id]);
        ok = ok && memcmp(&mine[id], &seen[id], sizeof(seen[id])) == 0;
        mica_yield();
    }
    fp_ok[id] = ok;
}

static void t_fp_per_thread(void)
{
    static struct thread a, b, c;
    struct thread *both[] = {&a, &b};

    if (!on_virt_aarch64()) {
        tap_skip("needs qemu-virt-aarch64 (FP/SIMD in user threads)");
        return;
    }
    fp_ok[0] = fp_ok[1] = fp_fresh[0] = fp_fresh[1] = false;
    if (!thread_spawn(&a, HELPER_PRIO, fp_worker, 0) ||
        !thread_spawn(&b, HELPER_PRIO, fp_worker, 1) || !thread_join(both, 2))
        return;
    CHECK(fp_fresh[0]);
    CHECK(fp_fresh[1]);
    CHECK(fp_ok[0]);
    CHECK(fp_ok[1]);
    /* And a thread started after them sees none of it. */
    fp_fresh[0] = false;
    if (!thread_spawn(&c, HELPER_PRIO, fp_worker, 0) || !thread_join1(&c))
        return;
    CHECK(fp_fresh[0]);
}
#else
static void t_aarch64_exceptions(void)
{
    tap_skip("needs qemu-virt-aarch64");
}

static void t_fp_per_thread(void)
{
    tap_skip("needs qemu-virt-aarch64 (FP/SIMD in user threads)");
}
#endif

const struct tap_test board_tests[] = {
    TEST(t_user_faults,
         "board: kernel memory, an illegal instruction and unmapped pages stop only the thread",
         INV(MICA_TCB_READ_REGISTERS, MICA_OK)),
    TEST(t_rtc_driver, "board: the goldfish RTC alarm reaches a user-level driver",
         INV(MICA_IRQ_CONTROL_GET, MICA_OK), INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, MICA_OK),
         INV(MICA_IRQ_HANDLER_ACK, MICA_OK)),
    TEST(t_gpio_driver, "board: the PL061 GPIO interrupt reaches a user-level driver",
         INV(MICA_IRQ_CONTROL_GET, MICA_OK), INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, MICA_OK),
         INV(MICA_IRQ_HANDLER_ACK, MICA_OK), SYS(MICA_SYS_NBRECV, MICA_ERR_WOULD_BLOCK)),
    TEST(t_aarch64_exceptions,
         "board: aarch64 aborts, undefined instructions, alignment and BRK reach the handler",
         INV(MICA_TCB_SET_FAULT_HANDLER, MICA_OK), SYS(MICA_SYS_NBRECV, MICA_OK),
         INV(MICA_TCB_SUSPEND, MICA_OK)),
    TEST(t_fp_per_thread, "board: aarch64 FP/SIMD registers are per thread, and start zero",
         INV(MICA_TCB_RESUME, MICA_OK)),
};
DEFINE_COUNT(board);
