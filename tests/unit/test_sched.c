/* SPDX-License-Identifier: MIT */
/*
 * Host test of core/sched.c and the refills of core/sched_context.c: ready queues over all 256
 * priorities, the two-level bitmap, FIFO order within a priority (with the front thread kept out
 * of the lists), rotation, priority changes, block/wake, charging the current scheduling context,
 * periodic and sporadic refills.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "invocation.h"
#include "sched.h"
#include "sched_context.h"

void hal_ctx_set(struct arch_ctx *ctx, unsigned reg, word_t val)
{
    ctx->regs[reg] = val;
}

static uint64_t now;

uint64_t hal_time_now(void)
{
    return now;
}

static uint64_t armed = UINT64_MAX;

void hal_timer_set(uint64_t deadline)
{
    armed = deadline;
}

uint64_t hal_time_freq(void)
{
    return 1000000000u; /* ns ticks, as on hosted */
}

/* What sched_context.c's invocation code needs; these tests do not invoke. */
int inv_cap(const struct inv *inv, unsigned i, struct cte **slot)
{
    (void)inv, (void)i, (void)slot;
    return MICA_ERR_INVALID_CAPABILITY;
}
int inv_cap_typed(const struct inv *inv, unsigned i, unsigned type, bool allow_null,
                  struct cte **slot)
{
    (void)type, (void)allow_null;
    return inv_cap(inv, i, slot);
}
void inv_ret(struct inv *inv, unsigned i, word_t v)
{
    (void)inv, (void)i, (void)v;
}
bool preempt_point(void)
{
    return false;
}

static struct tcb threads[8];
static struct sched_context scs[8];

static int setup(void **state)
{
    (void)state;
    memset(threads, 0, sizeof(threads));
    memset(scs, 0, sizeof(scs));
    memset(cpus, 0, sizeof(cpus));
    now = 0;
    sched_init();
    for (unsigned i = 0; i < 8; i++) {
        sched_context_configure(&scs[i], 1000, 1000, 1, 0); /* round robin */
        scs[i].tcb = &threads[i];
        threads[i].sc = &scs[i];
    }
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

/* The front thread (kept out of the lists, normally the running one) keeps its place in the
 * order: overtaken by a higher priority it goes back to the head of its priority, before the
 * threads queued behind it, and a rotation puts it behind them. */
static void test_front_thread_keeps_its_place(void **state)
{
    (void)state;
    ready(0, 10);
    assert_int_equal(threads[0].queue, SQ_FRONT);
    ready(1, 10);
    assert_int_equal(threads[1].queue, SQ_READY);
    assert_ptr_equal(sched_next(&cpus[0]), &threads[0]);
    ready(2, 20);
    assert_int_equal(threads[2].queue, SQ_FRONT);
    assert_int_equal(threads[0].queue, SQ_READY);
    assert_ptr_equal(sched_next(&cpus[0]), &threads[2]);
    sched_block(&threads[2], TS_BLOCKED_RECV, &threads[7]);
    assert_int_equal(threads[2].queue, SQ_NONE);
    assert_ptr_equal(sched_next(&cpus[0]), &threads[0]);
    assert_int_equal(threads[0].queue, SQ_FRONT);
    sched_rotate(&threads[0]);
    assert_ptr_equal(sched_next(&cpus[0]), &threads[1]);
    sched_block(&threads[1], TS_BLOCKED_RECV, &threads[7]);
    assert_ptr_equal(sched_next(&cpus[0]), &threads[0]);
    assert_int_equal(cpus[0].l1, 0);
}

/* A lower front thread passed over by sched_next (here after dropping its priority) goes back to
 * the head of its priority too. */
static void test_front_thread_passed_over(void **state)
{
    (void)state;
    ready(0, 30);
    ready(1, 20);
    assert_int_equal(threads[1].queue, SQ_READY);
    sched_set_prio(&threads[0], 5);
    assert_int_equal(threads[0].queue, SQ_FRONT);
    ready(2, 5); /* behind 0 */
    assert_ptr_equal(sched_next(&cpus[0]), &threads[1]);
    assert_int_equal(threads[1].queue, SQ_FRONT);
    assert_int_equal(threads[0].queue, SQ_READY);
    sched_block(&threads[1], TS_BLOCKED_RECV, &threads[7]);
    assert_ptr_equal(sched_next(&cpus[0]), &threads[0]);
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

static void test_commit_charges_the_current_context(void **state)
{
    (void)state;
    now = 1000;
    sched_commit(&cpus[0]); /* nobody running: just starts the clock */
    cpus[0].cur_sc = &scs[0];
    now = 1750;
    sched_commit(&cpus[0]);
    assert_int_equal(sc_consumed(&scs[0]), 750);
    assert_int_equal(refill_head(&scs[0])->amount, 250); /* round robin: a slice of 1000 */
    now = 2000;
    cpus[0].cur_sc = NULL; /* nothing running: nothing charged */
    sched_commit(&cpus[0]);
    assert_int_equal(sc_consumed(&scs[0]), 750);
}

static void test_passive_thread_is_not_queued(void **state)
{
    (void)state;
    threads[0].sc = NULL;
    ready(0, 10);
    assert_int_equal(threads[0].queue, SQ_NONE);
    assert_null(sched_next(&cpus[0]));
    assert_int_equal(armed, UINT64_MAX);        /* tickless: nothing to wait for */
    sched_context_donate(&scs[1], &threads[0]); /* now it has time */
    assert_ptr_equal(sched_pick(&cpus[0]), &threads[0]);
    sched_context_donate(&scs[1], NULL);
    assert_null(sched_pick(&cpus[0]));
}

static void test_periodic_refill(void **state)
{
    (void)state;
    struct sched_context *sc = &scs[0];
    sched_context_configure(sc, 300000, 1000000, 1, 0); /* 300 us every 1 ms */
    sc_charge(sc, 100000);
    assert_true(refill_ready(sc, now));
    assert_int_equal(refill_head(sc)->amount, 200000);
    sc_charge(sc, 200000); /* used up: the whole budget comes back at the next period */
    assert_false(refill_ready(sc, 999999));
    assert_true(refill_ready(sc, 1000000));
    assert_int_equal(refill_head(sc)->amount, 300000);
    /* Blocked for several periods: a new period starts on the period grid. */
    now = 3500000;
    refill_unblock(sc, now);
    assert_int_equal(refill_head(sc)->time, 3000000);
    assert_int_equal(refill_head(sc)->amount, 300000);
}

static uint64_t refill_sum(struct sched_context *sc)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < sc->count; i++)
        sum += sc->refills[(sc->head + i) % sc->max].amount;
    return sum;
}

static void test_sporadic_refills(void **state)
{
    (void)state;
    struct sched_context *sc = &scs[0];
    sched_context_configure(sc, 400000, 1000000, 4, 0); /* 400 us every 1 ms, 3 extra refills */
    sc_charge(sc, 100000); /* ran 100 us from 0: that comes back at 1 ms */
    assert_int_equal(sc->count, 2);
    assert_int_equal(refill_head(sc)->time, 100000);
    assert_int_equal(refill_head(sc)->amount, 300000);
    assert_int_equal(sc->refills[(sc->head + 1) % sc->max].time, 1000000);
    sc_charge(sc, 300000); /* the rest: nothing left until 1 ms */
    assert_false(refill_ready(sc, 999999));
    assert_true(refill_ready(sc, 1000000));
    assert_int_equal(refill_sum(sc), 400000);
    /* Never more than max refills, and the amounts always add up to the budget. */
    now = 1000000;
    for (unsigned i = 0; i < 20; i++) {
        now += 50000;
        refill_unblock(sc, now);
        if (refill_ready(sc, now))
            sc_charge(sc, 20000);
        assert_true(sc->count <= sc->max);
        assert_int_equal(refill_sum(sc), 400000);
    }
}

static void test_exhausted_thread_waits_in_release_queue(void **state)
{
    (void)state;
    sched_context_configure(&scs[0], 100000, 1000000, 1, 0);
    ready(0, 10);
    ready(1, 5);
    assert_ptr_equal(sched_next(&cpus[0]), &threads[0]);
    assert_int_equal(armed, 100000); /* armed for the budget */
    now = 100000;
    sched_after_trap(&cpus[0]); /* budget gone: to the release queue */
    assert_int_equal(threads[0].queue, SQ_RELEASE);
    assert_ptr_equal(sched_next(&cpus[0]), &threads[1]);
    assert_int_equal(armed, 1000000); /* round robin alone needs no slice: only the release */
    now = 1000000;
    assert_ptr_equal(sched_next(&cpus[0]), &threads[0]); /* released at the next period */
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_empty, setup),
        cmocka_unit_test_setup(test_every_priority_is_found, setup),
        cmocka_unit_test_setup(test_highest_wins, setup),
        cmocka_unit_test_setup(test_fifo_and_rotate, setup),
        cmocka_unit_test_setup(test_front_thread_keeps_its_place, setup),
        cmocka_unit_test_setup(test_front_thread_passed_over, setup),
        cmocka_unit_test_setup(test_set_prio_requeues, setup),
        cmocka_unit_test_setup(test_block_and_wake, setup),
        cmocka_unit_test_setup(test_commit_charges_the_current_context, setup),
        cmocka_unit_test_setup(test_passive_thread_is_not_queued, setup),
        cmocka_unit_test_setup(test_periodic_refill, setup),
        cmocka_unit_test_setup(test_sporadic_refills, setup),
        cmocka_unit_test_setup(test_exhausted_thread_waits_in_release_queue, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
