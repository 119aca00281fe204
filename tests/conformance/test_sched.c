/* SPDX-License-Identifier: MIT */
/* The scheduler: strict priority order, preemption when a higher-priority thread becomes
 * runnable, round robin inside a priority through Yield and through the timeslice. */
#include "suite.h"

static struct thread ts_[5];

static void log_id(mica_word_t id)
{
    log_put(id);
}

static void t_priority_order(void)
{
    static const unsigned prios[5] = {10, 200, 1, 254, 77};
    struct thread *ts[5];

    for (unsigned i = 0; i < 5; i++) {
        ts[i] = &ts_[i];
        if (!thread_spawn(ts[i], prios[i], log_id, prios[i]))
            return;
    }
    /* All five are runnable below us; they must run strictly by priority. */
    CHECK_EQ(log_len(), 0);
    CHECK(thread_join(ts, 5));
    CHECK_EQ(log_len(), 5);
    CHECK_EQ(log_at(0), 254);
    CHECK_EQ(log_at(1), 200);
    CHECK_EQ(log_at(2), 77);
    CHECK_EQ(log_at(3), 10);
    CHECK_EQ(log_at(4), 1);
}

static void t_fifo_within_priority(void)
{
    struct thread *ts[3];

    for (unsigned i = 0; i < 3; i++) {
        ts[i] = &ts_[i];
        if (!thread_spawn(ts[i], HELPER_PRIO, log_id, i + 1))
            return;
    }
    CHECK(thread_join(ts, 3));
    CHECK_EQ(log_len(), 3);
    for (unsigned i = 0; i < 3; i++)
        CHECK_EQ(log_at(i), i + 1);
}

static void t_preempt_on_resume(void)
{
    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(MICA_INIT_TCB, MICA_INIT_TCB, 200),
              MICA_OK);
    if (!thread_create(&ts_[0], 210, log_id, 1, true) ||
        !thread_create(&ts_[1], 190, log_id, 2, true))
        return;
    CHECK(thread_start(&ts_[1]));
    CHECK_EQ(log_len(), 0); /* lower than us: not yet */
    CHECK(thread_start(&ts_[0]));
    /* Higher than us: it ran before Resume returned. */
    CHECK_EQ(log_len(), 1);
    CHECK_EQ(log_at(0), 1);
    /* Once we block, the lower one runs too. */
    CHECK(thread_join1(&ts_[1]));
    CHECK_EQ(log_len(), 2);
}

static void t_set_priority_preempts(void)
{
    if (!thread_spawn(&ts_[0], HELPER_PRIO, log_id, 5))
        return;
    CHECK_EQ(log_len(), 0);
    /* Raising it above us makes it run at once. */
    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(MICA_INIT_TCB, MICA_INIT_TCB, 150),
              MICA_OK);
    CHECK_EQ(log_len(), 0);
    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(ts_[0].tcb, MICA_INIT_TCB, 160),
              MICA_OK);
    CHECK_EQ(log_len(), 1);
    CHECK(ts_[0].done);
}

static void t_lowering_self_yields(void)
{
    if (!thread_spawn(&ts_[0], 120, log_id, 9))
        return;
    CHECK_EQ(log_len(), 0);
    /* Dropping below a runnable thread lets it run before the invocation returns to us. */
    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(MICA_INIT_TCB, MICA_INIT_TCB, 110),
              MICA_OK);
    CHECK_EQ(log_len(), 1);
}

static void yielder(mica_word_t id)
{
    for (int i = 0; i < 3; i++) {
        log_put(id);
        mica_yield();
    }
}

static void t_round_robin_yield(void)
{
    struct thread *ts[2] = {&ts_[0], &ts_[1]};

    if (!thread_spawn(ts[0], HELPER_PRIO, yielder, 1) ||
        !thread_spawn(ts[1], HELPER_PRIO, yielder, 2))
        return;
    CHECK(thread_join(ts, 2));
    CHECK_EQ(log_len(), 6);
    for (unsigned i = 0; i < 6; i++)
        CHECK_EQ(log_at(i), 1 + (i & 1));
}

static void t_yield_alone(void)
{
    if (!thread_spawn(&ts_[0], HELPER_PRIO, log_id, 1))
        return;
    /* Nobody else at our priority: Yield returns to us, the lower thread does not run. */
    CHECK_SYS(MICA_SYS_YIELD, mica_yield(), MICA_OK);
    CHECK_SYS(MICA_SYS_YIELD, mica_yield(), MICA_OK);
    CHECK_EQ(log_len(), 0);
    CHECK(thread_join1(&ts_[0]));
    CHECK_EQ(log_len(), 1);
}

static volatile int stop_spin;
static volatile unsigned long spins[2];

/* Spin with a cheap syscall (virtual time on hosted advances per syscall) until told to stop or
 * the bound runs out. */
static void spinner(mica_word_t id)
{
    for (unsigned long i = 0; i < 2000000 && !stop_spin; i++) {
        mica_word_t type;
        mica_debug_cap_type(MICA_INIT_TCB, &type);
        spins[id]++;
        if (id == 1)
            stop_spin = 1; /* the second one got the CPU: the first was preempted */
    }
}

static void t_timeslice_round_robin(void)
{
    struct thread *ts[2] = {&ts_[0], &ts_[1]};

    stop_spin = 0;
    spins[0] = spins[1] = 0;
    if (!thread_spawn(ts[0], HELPER_PRIO, spinner, 0) ||
        !thread_spawn(ts[1], HELPER_PRIO, spinner, 1))
        return;
    CHECK(thread_join(ts, 2));
    CHECK(stop_spin);
    CHECK(spins[0] > 0 && spins[0] < 2000000);
    CHECK(spins[1] > 0);
}

const struct tap_test sched_tests[] = {
    TEST(t_priority_order, "sched: runnable threads run in priority order",
         INV(MICA_TCB_SET_PRIORITY, MICA_OK)),
    TEST(t_fifo_within_priority, "sched: same priority runs in FIFO order",
         INV(MICA_TCB_RESUME, MICA_OK)),
    TEST(t_preempt_on_resume, "sched: resuming a higher-priority thread preempts",
         INV(MICA_TCB_RESUME, MICA_OK), INV(MICA_TCB_SET_PRIORITY, MICA_OK)),
    TEST(t_set_priority_preempts, "sched: raising a thread above the caller preempts",
         INV(MICA_TCB_SET_PRIORITY, MICA_OK)),
    TEST(t_lowering_self_yields, "sched: lowering one's own priority lets others run",
         INV(MICA_TCB_SET_PRIORITY, MICA_OK)),
    TEST(t_round_robin_yield, "sched: Yield round-robins equal priorities",
         INV(MICA_TCB_RESUME, MICA_OK)),
    TEST(t_yield_alone, "sched: Yield never runs a lower priority", SYS(MICA_SYS_YIELD, MICA_OK)),
    TEST(t_timeslice_round_robin, "sched: the timeslice preempts a busy thread",
         INV(MICA_TCB_RESUME, MICA_OK)),
};
DEFINE_COUNT(sched);
