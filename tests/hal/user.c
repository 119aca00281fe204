/* SPDX-License-Identifier: MIT */
/* The arch-neutral half of the HAL self-tests' user program (user.h). */
#include "user.h"

mica_word_t ut_kernel_text, ut_kernel_data, ut_timer_hz;
volatile uint32_t *ut_device;

mica_word_t ut_sys(mica_word_t nr, mica_word_t a0, mica_word_t a1)
{
    struct mica_regs r = {{a0, a1, 0, 0, 0, 0, 0, nr}};

    mica_syscall(&r);
    return r.r[0];
}

void ut_report(unsigned test, bool ok)
{
    ut_sys(T_REPORT, test, ok);
}

void ut_info(void)
{
    struct mica_regs info = {{0, 0, 0, 0, 0, 0, 0, T_INFO}};

    mica_syscall(&info);
    ut_kernel_text = info.r[0];
    ut_kernel_data = info.r[1];
    ut_device = (volatile uint32_t *)info.r[2];
    ut_timer_hz = info.r[4];
}

void ut_echo(void)
{
    struct mica_regs r = {{1, 2, 3, 4, 5, 6, 7, T_ECHO}};
    bool ok = mica_syscall(&r) == MICA_OK;

    for (unsigned i = 0; i < 7; i++)
        ok = ok && r.r[i] == ~(mica_word_t)(i + 1);
    ut_report(TEST_ECHO, ok);
}

void ut_ipc_buffer(void)
{
    struct mica_ipc_buffer *ipc = mica_ipc_buffer();

    ut_report(TEST_IPC_BUFFER, (mica_word_t)ipc == USER_IPC_BUFFER && ipc->user_data == 0x1bcb0ff);
}

void ut_spin_ms(unsigned ms)
{
    for (uint64_t start = ut_time(); ut_time() < start + ms * (ut_timer_hz / 1000);)
        ;
}

/* QEMU raises timer interrupts from a host-side timer, which can lag the counter: poll (the
 * interrupt is taken in user mode between polls) with a generous limit, then check it came
 * exactly once. */
void ut_timer(void)
{
    mica_word_t tick = ut_timer_hz / 1000; /* 1 ms */
    uint64_t start = ut_time();

    ut_sys(T_TIMER_ARM, tick, 0);
    while (ut_sys(T_TIMER_COUNT, 0, 0) == 0 && ut_time() < start + 1000 * tick)
        ;
    ut_spin_ms(3);
    ut_sys(T_TIMER_CHECK, TEST_TIMER_USER, 0);
    ut_sys(T_IDLE_TIMER, TEST_TIMER_IDLE, tick);
}

void ut_wait_irqs(mica_word_t n)
{
    uint64_t give_up = ut_time() + ut_timer_hz;

    while (ut_sys(T_IRQ_COUNT, 0, 0) < n && ut_time() < give_up)
        ;
}

void ut_bench(void)
{
    const unsigned n = 64;
    mica_word_t total = 0;

    for (unsigned i = 0; i < n; i++)
        total += ut_null_trip();
    ut_sys(T_BENCH, total, n);
}

/* The line starts masked. Each step's expectation is the count of interrupts the kernel side has
 * seen; the device keeps asserting until lowered. */
void ut_irq(void)
{
    if (!ut_device) {
        for (unsigned t = TEST_IRQ_IDLE; t <= TEST_IRQ_PENDING; t++)
            ut_report(t, false);
        return;
    }
    /* The kernel side unmasks and idles; the interrupt ends the idle. */
    ut_device_raise(true);
    ut_sys(T_IDLE_IRQ, TEST_IRQ_IDLE, 0);
    /* Reported, so masked: asserted afresh (QEMU's PLIC only pends a source the device signals
     * again), the line must not get through. */
    ut_device_lower();
    ut_device_raise(false);
    ut_spin_ms(5);
    ut_sys(T_IRQ_CHECK, TEST_IRQ_MASKED, 1);
    /* Unmasking a line that still asserts delivers it (in user mode, right after the syscall). */
    ut_sys(T_UNMASK, 0, 0);
    ut_wait_irqs(2);
    ut_sys(T_IRQ_CHECK, TEST_IRQ_UNMASK, 2);
    /* Acknowledged at the device, then unmasked: nothing more may come. */
    ut_device_lower();
    ut_sys(T_UNMASK, 0, 0);
    ut_spin_ms(5);
    ut_sys(T_IRQ_CHECK, TEST_IRQ_NO_SPURIOUS, 2);
    /* And a new one interrupts user mode. */
    ut_device_raise(false);
    ut_wait_irqs(3);
    ut_sys(T_IRQ_CHECK, TEST_IRQ_USER, 3);
    ut_device_lower();
    ut_sys(T_UNMASK, 0, 0);
    /* Masked while nothing is claimed, asserted, then unmasked: the pending line must come
     * through at the unmask (QEMU 7.2's PLIC needs a nudge for this: drivers/intc/plic.c). */
    ut_sys(T_MASK, 0, 0);
    ut_device_raise(false);
    ut_spin_ms(5);
    ut_sys(T_UNMASK, 0, 0);
    ut_wait_irqs(4);
    ut_sys(T_IRQ_CHECK, TEST_IRQ_PENDING, 4);
    ut_device_lower();
    ut_sys(T_UNMASK, 0, 0);
}
