/* SPDX-License-Identifier: MIT */
/*
 * Timed waits in user space, on the kernel's scheduling contexts: no timer device and no kernel
 * timeout. A sleeper thread whose SchedContext gets `budget` every `us` microseconds spends that
 * budget and is then held by the kernel until its next period begins, `us` after it was
 * configured; it then signals the caller's notification. The kernel's tickless timer makes that
 * wake-up exact to its clock, and a sleep is never shorter than asked. Each timeout costs its
 * sleeper MICA_TIMER_SPIN_US of CPU at the timer's priority.
 *
 * A timer needs a SchedControl cap (env->sched_control) and makes nsleepers threads, so that many
 * timeouts can run at once.
 */
#ifndef MICA_TIMER_H
#define MICA_TIMER_H

#include <mica/thread.h>

#define MICA_TIMER_MAX_SLEEPERS 8
/* A sleeper's budget. The kernel takes an overrun (the budget is checked at kernel entries) out
 * of later periods in steps of budget - 10 us; 100 us keeps a slow poll's overrun (QEMU on host
 * time) from costing whole periods. */
#define MICA_TIMER_SPIN_US 100

struct mica_sleeper {
    struct mica_thread thread;
    mica_cptr_t go;          /* the sleeper waits here for its next timeout */
    mica_cptr_t target;      /* notification cap it signals when the time has come */
    mica_word_t us;          /* the timeout it is timing */
    volatile mica_word_t st; /* idle, armed, fired, cancelled */
    struct mica_timer *timer;
};

struct mica_timer {
    struct mica_env *env;
    mica_cptr_t sleep_ntfn; /* mica_sleep_us's own */
    unsigned n;
    struct mica_sleeper s[MICA_TIMER_MAX_SLEEPERS];
    struct mica_mem mpu_block; /* MPU boards: the sleepers' stacks and IPC buffer */
};

/* nsleepers threads at priority (at most env's MCP); they should run above the threads that use
 * the timer, or they wake late. On MPU boards the sleepers share one block of memory (their
 * stacks of MICA_TIMER_MPU_STACK bytes and one IPC buffer, which they never read), so a timer
 * takes one MPU region of the VSpace however many sleepers it has. */
#define MICA_TIMER_MPU_STACK 4096
mica_error_t mica_timer_init(struct mica_timer *tm, struct mica_env *env, unsigned priority,
                             unsigned nsleepers);

/* Signal ntfn (a cap in env's CSpace; its badge tells the waiter it was the timer) once `us`
 * microseconds have passed. *handle names the timeout for mica_timer_cancel.
 * MICA_ERR_NOT_ENOUGH_MEMORY when every sleeper is timing a timeout. */
mica_error_t mica_timer_after(struct mica_timer *tm, mica_word_t us, mica_cptr_t ntfn, int *handle);
/* Stop a timeout: true if it had not fired (no signal will come), false if its signal was sent or
 * is being sent. */
bool mica_timer_cancel(struct mica_timer *tm, int handle);

/* Block the caller for `us` microseconds. */
mica_error_t mica_sleep_us(struct mica_timer *tm, mica_word_t us);

/*
 * Wait on a notification with a timeout. wait is the notification (READ), signal a cap to the
 * same notification badged with `bit`, which nobody else uses: mica_timeout_init mints it.
 * mica_timed_wait returns MICA_OK and the bits that came (without `bit`), or
 * MICA_ERR_WOULD_BLOCK when `us` passed first (*bits = 0); other errors as mica_timer_after's
 * (then *bits is untouched).
 */
struct mica_timeout {
    struct mica_timer *timer;
    mica_cptr_t wait, signal;
    mica_word_t bit;
};
mica_error_t mica_timeout_init(struct mica_timeout *to, struct mica_timer *tm, mica_cptr_t ntfn,
                               mica_word_t bit);
mica_error_t mica_timed_wait(struct mica_timeout *to, mica_word_t us, mica_word_t *bits);

#endif
