/* SPDX-License-Identifier: MIT */
/*
 * The arch-neutral half of the HAL self-tests' user program (user.c): syscalls of proto.h, and the
 * tests that read the same on every arch (arguments both ways, the IPC buffer register, the timer
 * in user mode and in hal_idle, the null syscall's cost). The arch's user_test.c has mica_main,
 * the faults (they need the arch's instructions) and the device's interrupt tests.
 */
#ifndef MICA_HAL_TEST_USER_H
#define MICA_HAL_TEST_USER_H

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
uint64_t mica_clock(void);
int mica_main(const void *bootinfo);

/* What T_INFO said (ut_info). */
extern mica_word_t ut_kernel_text, ut_kernel_data, ut_timer_hz;
extern volatile uint32_t *ut_device;

mica_word_t ut_sys(mica_word_t nr, mica_word_t a0, mica_word_t a1);
void ut_report(unsigned test, bool ok);
void ut_info(void);
void ut_echo(void);       /* TEST_ECHO */
void ut_ipc_buffer(void); /* TEST_IPC_BUFFER */
void ut_timer(void);      /* TEST_TIMER_USER, TEST_TIMER_IDLE */
/* Poll until the kernel side has seen n device interrupts, or the timer says a second passed. */
void ut_wait_irqs(mica_word_t n);
/* Spin for ms milliseconds of the timer's counter (interrupts are taken meanwhile). */
void ut_spin_ms(unsigned ms);
void ut_bench(void);
/* TEST_IRQ_IDLE .. TEST_IRQ_USER with the device's level interrupt (ut_device_raise/lower). */
void ut_irq(void);

/* The arch's: the timer's counter as user mode reads it, one null syscall round trip in
 * instructions (T_NULL between two instruction counter reads), and the board's device: make it
 * assert its level interrupt (now, or with soon, a little later: the interrupt should then find
 * the kernel side idle) or stop asserting it. */
uint64_t ut_time(void);
mica_word_t ut_null_trip(void);
void ut_device_raise(bool soon);
void ut_device_lower(void);

#endif
