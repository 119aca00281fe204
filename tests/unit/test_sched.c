/* SPDX-License-Identifier: MIT */
/*
 * Host test of core/sched.c: ready queues over all 256 priorities, the two-level bitmap, FIFO
 * order within a priority, rotation, priority changes and block/wake.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched.h"

void hal_ctx_set(struct arch_ctx *ctx, unsigned reg, word_t val)
{
    ctx->regs[reg] = val;
}

static uint64_t now;

uint64_t hal_time_now(void)
{
    return now;
}

static struct tcb threads[8];

static int setup(void **state)
{
    (void)state;
    memset(threads, 0, sizeof(threads));
    memset(cpus, 0, sizeof(cpus));
    return 0;
}

static struct tcb *ready(unsigned i, unsigned prio)
{
    threads[i].prio = (uint8_t)prio;
    threads[i].state = TS_READY;
    sched_enqueue(&threads[i]);
    return &threads[i];
}

static void test_empty(void **state)
{
    (void)state;
    assert_null(sched_pick(&cpus[0]));
}

static void test_every_priority_is_found(void **state)
{
    (void)state;
    for (unsigned p = 0; p < MICA_NUM_PRIORITIES; p++) {
        struct tcb *t = ready(0, p);
        assert_ptr_equal(sched_pick(&cpus[0]), t);
        sched_dequeue(t);
        assert_null(sched_pick(&cpus[0]));
        assert_int_equal(cpus[0].l1, 0);
    }
}

static void test_highest_wins(void **state)
{
    (void)state;
    ready(0, 3);
    ready(1, 200);
    struct tcb *top = ready(2, 255);
    ready(3, 31);
    ready(4, 32);
    assert_ptr_equal(sched_pick(&cpus[0]), top);
    sched_dequeue(top);
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[1]);
    sched_dequeue(&threads[1]);
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[4]);
    sched_dequeue(&threads[4]);
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[3]);
    sched_dequeue(&threads[3]);
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[0]);
}

static void test_fifo_and_rotate(void **state)
{
    (void)state;
    ready(0, 10);
    ready(1, 10);
    ready(2, 10);
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[0]);
    sched_rotate(&threads[0]);
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[1]);
    sched_rotate(&threads[1]);
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[2]);
    sched_dequeue(&threads[2]); /* from the middle of the order */
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[0]);
    sched_rotate(&threads[0]);
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[1]);
}

static void test_set_prio_requeues(void **state)
{
    (void)state;
    ready(0, 10);
    ready(1, 20);
    sched_set_prio(&threads[0], 30);
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[0]);
    sched_set_prio(&threads[0], 5);
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[1]);
    assert_false(cpus[0].l2[30 / 32] & (1u << 30));
    /* A blocked thread's priority changes without touching the queues. */
    sched_block(&threads[1], TS_BLOCKED_RECV, &threads[7]);
    sched_set_prio(&threads[1], 40);
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[0]);
}

static void test_block_and_wake(void **state)
{
    (void)state;
    ready(0, 50);
    ready(1, 40);
    sched_block(&threads[0], TS_BLOCKED_SEND, &threads[7]);
    assert_int_equal(threads[0].state, TS_BLOCKED_SEND);
    assert_ptr_equal(threads[0].blocked_on, &threads[7]);
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[1]);
    sched_wake(&threads[0], MICA_ERR_CANCELLED);
    assert_int_equal(threads[0].state, TS_READY);
    assert_null(threads[0].blocked_on);
    assert_int_equal(threads[0].ctx.regs[MICA_REG_ARG7], MICA_ERR_CANCELLED);
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[0]);
}

static void test_account_charges_the_running_thread(void **state)
{
    (void)state;
    struct sched_context sc = {0};
    threads[0].sc = &sc;
    now = 1000;
    sched_account(&cpus[0]); /* nobody running: just starts the clock */
    cpus[0].cur = &threads[0];
    now = 1750;
    sched_account(&cpus[0]);
    assert_int_equal(sc.consumed, 750);
    now = 2000;
    cpus[0].cur = &threads[1]; /* no scheduling context: nothing charged */
    sched_account(&cpus[0]);
    assert_int_equal(sc.consumed, 750);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_empty, setup),
        cmocka_unit_test_setup(test_every_priority_is_found, setup),
        cmocka_unit_test_setup(test_highest_wins, setup),
        cmocka_unit_test_setup(test_fifo_and_rotate, setup),
        cmocka_unit_test_setup(test_set_prio_requeues, setup),
        cmocka_unit_test_setup(test_block_and_wake, setup),
        cmocka_unit_test_setup(test_account_charges_the_running_thread, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
