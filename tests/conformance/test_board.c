/* SPDX-License-Identifier: MIT */
/*
 * Tests that need a particular board's hardware, skipped elsewhere. qemu-virt-riscv64: user
 * threads that touch kernel memory, execute an illegal instruction or jump to an unmapped page
 * stop there while everything else goes on; and a real device interrupt (the goldfish RTC alarm)
 * reaches a user-level driver through IRQControl, IRQHandler and a notification.
 */
#include <string.h>

#include "suite.h"

/* QEMU virt (hw/riscv/virt.c, and its devicetree): the goldfish RTC and its PLIC line. The kernel
 * image's first page, in the riscv64 kernel's linear map (arch/riscv64/include/arch.h). */
#define VIRT_RTC_BASE       0x101000ul
#define VIRT_RTC_IRQ        11
#define VIRT_KERNEL_TEXT    ((mica_word_t)0xffffffc080200000ull) /* a 64-bit board */
#define RTC_TIME_LOW        0x00
#define RTC_TIME_HIGH       0x04
#define RTC_ALARM_LOW       0x08
#define RTC_ALARM_HIGH      0x0c
#define RTC_IRQ_ENABLED     0x10
#define RTC_CLEAR_INTERRUPT 0x1c

static bool on_virt_riscv64(void)
{
    return strcmp(env_bi->board, "qemu-virt-riscv64") == 0;
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
    mica_word_t pc = 0;

    if (!on_virt_riscv64()) {
        tap_skip("needs qemu-virt-riscv64");
        return;
    }
    CHECK(faults(store_to, VIRT_KERNEL_TEXT, &pc));
    CHECK(pc >= (mica_word_t)store_to && pc < (mica_word_t)store_to + 64);
    CHECK(faults(store_to, VIRT_KERNEL_TEXT + 0x1000, &pc));
    CHECK(faults(illegal, 0, &pc));
    CHECK(pc >= (mica_word_t)illegal && pc < (mica_word_t)illegal + 64);
    CHECK(faults(jump_to, unmapped, &pc));
    CHECK_EQ(pc, unmapped);
    CHECK(faults(jump_to, VIRT_KERNEL_TEXT, &pc));
    CHECK_EQ(pc, VIRT_KERNEL_TEXT);
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
    const mica_word_t va = (mica_word_t)1 << 31;
    mica_cptr_t ut = env_device_untyped(VIRT_RTC_BASE), frame = env_slot(), h = env_slot();
    mica_cptr_t n = new_ntfn();
    mica_word_t bits = 0;

    if (!on_virt_riscv64()) {
        tap_skip("needs qemu-virt-riscv64");
        return;
    }
    if (!ut) {
        FAIL("no device untyped covers the RTC");
        return;
    }
    /* A frame of the RTC's registers: from a device untyped of exactly that page. */
    if (!CHECK_INV(MICA_UNTYPED_RETYPE,
                   mica_untyped_retype(ut, MICA_OBJ_FRAME, MICA_PAGE_BITS, MICA_INIT_CNODE, 0, 0,
                                       frame, 1),
                   MICA_OK) ||
        !env_map_device(frame, va))
        return;
    volatile uint32_t *rtc = (volatile uint32_t *)va;
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, VIRT_RTC_IRQ, MICA_INIT_CNODE, h,
                                   MICA_WORD_BITS),
              MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION,
              mica_irq_handler_set_notification(h, env_mint(n, MICA_RIGHTS_ALL, 0x4)), MICA_OK);
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
}

const struct tap_test board_tests[] = {
    TEST(t_user_faults,
         "board: kernel memory, an illegal instruction and unmapped pages stop only the thread",
         INV(MICA_TCB_READ_REGISTERS, MICA_OK)),
    TEST(t_rtc_driver, "board: the goldfish RTC alarm reaches a user-level driver",
         INV(MICA_IRQ_CONTROL_GET, MICA_OK), INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, MICA_OK),
         INV(MICA_IRQ_HANDLER_ACK, MICA_OK)),
};
DEFINE_COUNT(board);
