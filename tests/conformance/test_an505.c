/* SPDX-License-Identifier: MIT */
/*
 * The Armv8-M faults on qemu-mps2-an505 (skipped elsewhere), each delivered to a handler (the
 * root task) with its type and address while the kernel runs on: MemManage on kernel memory,
 * UsageFault (undefined instruction, division by zero, unaligned access, an FP instruction with
 * the FPU off), BusFault on an unused peripheral slot, stack-limit (PSPLIM) violations, and a
 * thread whose SP points at a kernel object, which must neither corrupt the object nor run the
 * trap it was making. Then a user-level driver for the CMSDK dual timer's interrupt.
 */
#include <string.h>

#include "suite.h"

/* The board (arch/armv8m/link.ld, arch/armv8m/board_mps2_an505.c, docs/abi.md). */
#define AN505_KERNEL   0x10000000ul /* SSRAM1: the kernel's image */
#define AN505_HOLE     0x5020f000ul /* an unused slot of the APB expansion window */
#define AN505_DUAL_IRQ 5            /* the CMSDK dual timer (env_an505_dual) */
#define REG_PSPLIM     (MICA_REG_ARCH_BASE + 17)

/* Timer 2 of the dual timer (Arm CMSDK TRM). */
#define DUAL_T2_LOAD     (0x20 / 4)
#define DUAL_T2_CONTROL  (0x28 / 4)
#define DUAL_T2_INTCLR   (0x2c / 4)
#define DUAL_T2_RIS      (0x30 / 4)
#define DUAL_ONESHOT_IRQ 0xa3 /* enable, interrupt, 32-bit, one-shot */

/*
 * The probes, in assembly so that the faulting instruction is the one named: each is a thread
 * function, fn(arg). Other boards' builds do not have them: weak references there.
 */
#ifdef __thumb__
#define PROBE
#else
#define PROBE __attribute__((weak))
#endif
struct svc_at {
    mica_word_t sp, cptr, info, sys;
};
extern void an505_udf(mica_word_t arg) PROBE;       /* udf #0 */
extern void an505_udiv(mica_word_t zero) PROBE;     /* udiv by arg */
extern void an505_ldr(mica_word_t addr) PROBE;      /* ldr from arg */
extern void an505_vmov(mica_word_t arg) PROBE;      /* vmov s0, r0 */
extern void an505_sub_sp(mica_word_t arg) PROBE;    /* sp -= 2048 */
extern void an505_svc_at(mica_word_t svc_at) PROBE; /* sp = ..., svc */
extern void an505_spin_at(mica_word_t sp) PROBE;    /* sp = arg, spin */

#ifdef __thumb__
__asm__(".pushsection .text.an505_probes, \"ax\"\n"
        ".syntax unified\n"
        ".thumb\n"
        ".globl an505_udf, an505_udiv, an505_ldr, an505_vmov, an505_sub_sp\n"
        ".globl an505_svc_at, an505_spin_at\n"
        ".thumb_func\n"
        "an505_udf: udf #0\n"
        "    bx lr\n"
        ".thumb_func\n"
        "an505_udiv: udiv r0, r1, r0\n"
        "    bx lr\n"
        ".thumb_func\n"
        "an505_ldr: ldr r0, [r0]\n"
        "    bx lr\n"
        ".thumb_func\n"
        "an505_vmov: .inst.w 0xee000a10\n" /* vmov s0, r0: the FPU is off (CPACR) */
        "    bx lr\n"
        ".thumb_func\n"
        "an505_sub_sp: sub.w sp, sp, #2048\n"
        "    add.w sp, sp, #2048\n"
        "    bx lr\n"
        ".thumb_func\n"
        "an505_svc_at: ldr r7, [r0, #12]\n"
        "    ldr r1, [r0, #8]\n"
        "    ldr r2, [r0]\n"
        "    ldr r0, [r0, #4]\n"
        "    mov sp, r2\n"
        "    svc #0\n"
        "    udf #1\n"
        ".thumb_func\n"
        "an505_spin_at: mov sp, r0\n"
        "1:  b 1b\n"
        ".popsection\n");
#endif

static volatile mica_word_t reached;

static void store_to(mica_word_t addr)
{
    *(volatile mica_word_t *)(uintptr_t)addr = 1;
    reached = 1;
}

static void load_from(mica_word_t addr)
{
    reached = *(volatile mica_word_t *)(uintptr_t)addr;
}

static void jump_to(mica_word_t addr)
{
    ((void (*)(void))(uintptr_t)(addr | 1))();
    reached = 1;
}

static struct probe probe;

static bool setup(void)
{
    if (strcmp(env_bi->board, "qemu-mps2-an505") != 0) {
        tap_skip("needs qemu-mps2-an505");
        return false;
    }
    return probe_init(&probe);
}

static mica_word_t code(void (*fn)(mica_word_t))
{
    return (mica_word_t)(uintptr_t)fn & ~(mica_word_t)1;
}

/* Run fn(arg) on the probe: its fault's label, MR0..MR2 in mr; the probe waits for a reply. */
static mica_word_t fault_of(thread_fn fn, mica_word_t arg, mica_word_t mr[3])
{
    reached = 0;
    mr[0] = mr[1] = mr[2] = ~(mica_word_t)0;
    return probe_run(&probe, 0, fn, arg) ? probe_fault(&probe, mr) : 0;
}

/* fn(arg) faults with a memory fault at addr, kind, at PC pc (0: anywhere), and is stopped. */
static void expect_memory(thread_fn fn, mica_word_t arg, mica_word_t addr, mica_word_t kind,
                          mica_word_t pc)
{
    mica_word_t mr[3];

    CHECK_EQ(fault_of(fn, arg, mr), MICA_FAULT_MEMORY);
    CHECK_EQ(mr[1], addr);
    CHECK_EQ(mr[2], kind);
    if (pc)
        CHECK_EQ(mr[0], pc);
    CHECK(!reached);
    probe_stop(&probe);
}

/* Answer the fault waiting on the probe's reply object: resume at pc. */
static bool resume_at(mica_word_t pc)
{
    mica_set_mr(0, MICA_REG_PC);
    mica_set_mr(1, 1);
    mica_set_mr(2, pc);
    return CHECK_SYS(MICA_SYS_SEND,
                     mica_send(probe.reply, mica_msginfo(MICA_FAULT_REPLY_SET_REGS, 0, 0, 3)),
                     MICA_OK);
}

static void t_an505_memmanage(void)
{
    if (!setup())
        return;
    expect_memory(store_to, AN505_KERNEL + 0x100, AN505_KERNEL + 0x100, MICA_VM_WRITE, 0);
    expect_memory(load_from, AN505_KERNEL + 0x200, AN505_KERNEL + 0x200, MICA_VM_READ, 0);
    expect_memory(jump_to, AN505_KERNEL, AN505_KERNEL, MICA_VM_EXEC, AN505_KERNEL);
}

/* fn(arg) raises the user exception exc at its first instruction, of len bytes; the handler
 * moves the thread past it and it finishes. */
static void expect_exception(thread_fn fn, mica_word_t arg, mica_word_t exc, mica_word_t len)
{
    mica_word_t mr[3];

    CHECK_EQ(fault_of(fn, arg, mr), MICA_FAULT_USER_EXCEPTION);
    CHECK_EQ(mr[0], code(fn));
    CHECK_EQ(mr[1], 0);
    CHECK_EQ(mr[2], exc);
    if (resume_at(code(fn) + len))
        CHECK(thread_join1(&probe.t));
}

static void t_an505_usagefault(void)
{
    static uint32_t words[2];

    if (!setup())
        return;
    expect_exception(an505_udf, 0, MICA_EXC_ILLEGAL_INSTRUCTION, 2);
    expect_exception(an505_udiv, 0, MICA_EXC_DIVIDE_BY_ZERO, 4);
    expect_exception(an505_ldr, (mica_word_t)(uintptr_t)words + 1, MICA_EXC_ALIGNMENT, 2);
    expect_exception(an505_vmov, 0, MICA_EXC_ILLEGAL_INSTRUCTION, 4);
}

static void t_an505_busfault(void)
{
    mica_cptr_t f = 0;

    if (!setup() || !env_device_frame(AN505_HOLE, AN505_HOLE, &f))
        return;
    expect_memory(load_from, AN505_HOLE + 8, AN505_HOLE + 8, MICA_VM_READ, 0);
    expect_memory(store_to, AN505_HOLE + 12, AN505_HOLE + 12, MICA_VM_WRITE, 0);
    CHECK_INV(MICA_CNODE_REVOKE,
              mica_cnode_revoke(ROOT, env_device_untyped(AN505_HOLE), ROOT_DEPTH), MICA_OK);
}

/* Start fn(arg) on the probe with its stack limit 1 KiB below its initial SP; the limit. */
static mica_word_t run_limited(thread_fn fn, mica_word_t arg)
{
    mica_word_t sp = 0, limit;

    if (!probe_run(&probe, 0, fn, arg) ||
        !CHECK_INV(MICA_TCB_READ_REGISTERS,
                   mica_tcb_read_registers(probe.t.tcb, MICA_REG_SP, 1, &sp), MICA_OK))
        return 0;
    limit = (sp - 1024) & ~(mica_word_t)7;
    if (!CHECK_INV(MICA_TCB_WRITE_REGISTERS,
                   mica_tcb_write_registers(probe.t.tcb, 0, REG_PSPLIM, 1, &limit), MICA_OK))
        return 0;
    return limit;
}

/*
 * An instruction taking SP below PSPLIM faults at the limit, its PC that instruction. An SVC
 * whose frame would cross the limit stacks nothing and faults there too, and the call it was
 * making never runs.
 */
static void t_an505_psplim(void)
{
    mica_cptr_t n = 0;
    mica_word_t mr[3], limit, got = 0, bits;
    struct svc_at svc;

    if (!setup() || !(n = new_ntfn()))
        return;
    reached = 0;
    limit = run_limited(an505_sub_sp, 0);
    CHECK_EQ(probe_fault(&probe, mr), MICA_FAULT_MEMORY);
    CHECK_EQ(mr[0], code(an505_sub_sp));
    CHECK_EQ(mr[1], limit);
    CHECK_EQ(mr[2], MICA_VM_WRITE);
    CHECK_INV(MICA_TCB_READ_REGISTERS, mica_tcb_read_registers(probe.t.tcb, REG_PSPLIM, 1, &got),
              MICA_OK);
    CHECK_EQ(got, limit);
    probe_stop(&probe);

    svc.cptr = env_mint(n, MICA_RIGHTS_ALL, 0x20);
    svc.info = 0;
    svc.sys = MICA_SYS_SEND; /* a Signal, if it ran */
    svc.sp = 0;
    limit = run_limited(an505_svc_at, (mica_word_t)(uintptr_t)&svc);
    svc.sp = limit + 8; /* read when the probe runs: after we block in probe_fault */
    CHECK_EQ(probe_fault(&probe, mr), MICA_FAULT_MEMORY);
    CHECK_EQ(mr[1], limit);
    CHECK_EQ(mr[2], MICA_VM_WRITE);
    probe_stop(&probe);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, &bits), MICA_ERR_WOULD_BLOCK);
}

/* A suspended probe, resumed with SP = sp by TCB_WriteRegisters. */
static bool resume_with_sp(mica_word_t sp)
{
    return probe_run(&probe, 0, an505_spin_at, sp) && probe_stop(&probe) &&
           CHECK_INV(MICA_TCB_WRITE_REGISTERS,
                     mica_tcb_write_registers(probe.t.tcb, 1, MICA_REG_SP, 1, &sp), MICA_OK);
}

/* A periodic context for t (half of each 2 ms): its budget's end is a timer interrupt, even with
 * nothing else to run (a round-robin thread alone at its priority runs on uninterrupted). */
static bool periodic(struct thread *t)
{
    return CHECK_INV(
        MICA_SCHED_CONTROL_CONFIGURE,
        mica_sched_control_configure(env_bi->sched_control.start, t->sc, 1000, 2000, 0, 0),
        MICA_OK);
}

/*
 * SP at a notification (kernel memory), three ways: the thread traps (SVC, which would signal it
 * if it ran), an interrupt (its timeslice's end) takes it while it spins, and its handler sets
 * the SP for the kernel to write the thread's frame there. Each faults at the notification,
 * where the frame would have gone, and the notification still holds what was signalled before.
 * The handler's Resume after the SVC's fault is refused the same way.
 */
static void t_an505_kernel_sp(void)
{
    if (!setup())
        return;
    /* Retype places objects upwards from the watermark, each aligned to its size. */
    mica_cptr_t f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS), n = new_ntfn();
    mica_cptr_t n5 = env_mint(n, MICA_RIGHTS_ALL, 0x5);
    mica_word_t obj = 0, mr[3], bits = 0;
    struct svc_at svc = {0, env_mint(n, MICA_RIGHTS_ALL, 0x20), 0, MICA_SYS_SEND};

    if (!f || !n || !CHECK_INV(MICA_FRAME_GET_ADDRESS, mica_frame_get_address(f, &obj), MICA_OK))
        return;
    obj += (mica_word_t)1 << MICA_PAGE_BITS;
    svc.sp = obj + 32;
    for (int way = 0; way < 3; way++) {
        mica_signal(n5);
        if (way == 0)
            CHECK_EQ(fault_of(an505_svc_at, (mica_word_t)(uintptr_t)&svc, mr), MICA_FAULT_MEMORY);
        else if (way == 1 && periodic(&probe.t))
            CHECK_EQ(fault_of(an505_spin_at, obj + 32, mr), MICA_FAULT_MEMORY);
        else if (resume_with_sp(obj + 32))
            CHECK_EQ(probe_fault(&probe, mr), MICA_FAULT_MEMORY);
        CHECK_EQ(mr[1], obj);
        CHECK_EQ(mr[2], MICA_VM_WRITE);
        if (way == 0) {
            CHECK_SYS(MICA_SYS_SEND, mica_send(probe.reply, mica_msginfo(0, 0, 0, 0)), MICA_OK);
            CHECK_EQ(probe_fault(&probe, mr), MICA_FAULT_MEMORY);
            CHECK_EQ(mr[1], obj);
        }
        probe_stop(&probe);
        CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, &bits), MICA_OK);
        CHECK_EQ(bits, 0x5);
    }
}

/* The dual timer's timer 2, one-shot, twice: the second interrupt only gets through because the
 * driver cleared and acknowledged the first. */
static void t_an505_dual_timer(void)
{
    mica_cptr_t h = env_slot(), n = new_ntfn();
    mica_word_t bits = 0;
    volatile uint32_t *dual = env_an505_dual; /* env_init mapped it: timer 1 is the clock */

    if (!setup())
        return;
    if (!dual) {
        FAIL("the dual timer is not mapped");
        return;
    }
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, AN505_DUAL_IRQ, ROOT, h, ROOT_DEPTH),
              MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION,
              mica_irq_handler_set_notification(h, env_mint(n, MICA_RIGHTS_ALL, 0x4)), MICA_OK);
    for (int round = 0; round < 2; round++) {
        dual[DUAL_T2_CONTROL] = 0;
        dual[DUAL_T2_LOAD] = 2000; /* 100 us at 20 MHz */
        dual[DUAL_T2_CONTROL] = DUAL_ONESHOT_IRQ;
        CHECK_SYS(MICA_SYS_RECV, mica_wait(n, &bits), MICA_OK);
        CHECK_EQ(bits, 0x4);
        CHECK_EQ(dual[DUAL_T2_RIS], 1);
        dual[DUAL_T2_INTCLR] = 1;
        CHECK_EQ(dual[DUAL_T2_RIS], 0);
        CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(h), MICA_OK);
    }
    dual[DUAL_T2_CONTROL] = 0;
}

const struct tap_test an505_tests[] = {
    TEST(t_an505_memmanage, "an505: MemManage: kernel memory read, written or run faults there",
         SYS(MICA_SYS_RECV, MICA_OK), INV(MICA_TCB_SUSPEND, MICA_OK)),
    TEST(t_an505_usagefault,
         "an505: UsageFault: udf, division by zero, unaligned, FP with the FPU off; skipped over",
         SYS(MICA_SYS_SEND, MICA_OK), SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_an505_busfault, "an505: BusFault: an unused peripheral slot faults with its address",
         INV(MICA_UNTYPED_RETYPE, MICA_OK), INV(MICA_CNODE_REVOKE, MICA_OK)),
    TEST(t_an505_psplim, "an505: PSPLIM: crossing the stack limit faults at the limit",
         INV(MICA_TCB_WRITE_REGISTERS, MICA_OK), INV(MICA_TCB_READ_REGISTERS, MICA_OK),
         SYS(MICA_SYS_NBRECV, MICA_ERR_WOULD_BLOCK)),
    TEST(t_an505_kernel_sp,
         "an505: SP at a kernel object: trap, interrupt or handler-set SP fault there, object "
         "intact",
         INV(MICA_FRAME_GET_ADDRESS, MICA_OK), SYS(MICA_SYS_NBRECV, MICA_OK)),
    TEST(t_an505_dual_timer, "an505: the dual timer's interrupt reaches a user-level driver",
         INV(MICA_IRQ_CONTROL_GET, MICA_OK), INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, MICA_OK),
         INV(MICA_IRQ_HANDLER_ACK, MICA_OK)),
};
DEFINE_COUNT(an505);
