/* SPDX-License-Identifier: MIT */
/* Notifications: Signal, Wait and Poll, badge OR-ing, blocking waiters in FIFO order. */
#include "suite.h"

static void t_signal_poll(void)
{
    mica_cptr_t n = new_ntfn(), b = env_mint(n, MICA_RIGHTS_ALL, 0x4);
    mica_word_t bits = 0;

    CHECK_SYS(MICA_SYS_SEND, mica_signal(b), MICA_OK);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, &bits), MICA_OK);
    CHECK_EQ(bits, 0x4);
    /* Taken and cleared. */
    bits = 0x99;
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, &bits), MICA_ERR_WOULD_BLOCK);
    CHECK_EQ(bits, 0);
}

static void t_signal_wait_pending(void)
{
    mica_cptr_t n = new_ntfn(), b = env_mint(n, MICA_RIGHTS_ALL, 0x10);
    mica_word_t bits = 0;

    CHECK_SYS(MICA_SYS_SEND, mica_signal(b), MICA_OK);
    /* Bits are pending, so Wait returns at once. */
    CHECK_SYS(MICA_SYS_RECV, mica_wait(n, &bits), MICA_OK);
    CHECK_EQ(bits, 0x10);
}

static void t_unbadged_signal(void)
{
    mica_cptr_t n = new_ntfn();
    mica_word_t bits = 0x99;

    /* seL4: a signal through an unbadged cap still makes the notification active; the waiter
     * gets badge 0. Programs that use one unbadged notification as a semaphore rely on it. */
    CHECK_SYS(MICA_SYS_SEND, mica_signal(n), MICA_OK);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, &bits), MICA_OK);
    CHECK_EQ(bits, 0);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, &bits), MICA_ERR_WOULD_BLOCK);
}

static void t_badges_or(void)
{
    mica_cptr_t n = new_ntfn();
    mica_cptr_t a = env_mint(n, MICA_RIGHTS_ALL, 0x1), b = env_mint(n, MICA_RIGHTS_ALL, 0x2),
                c = env_mint(n, MICA_RIGHTS_ALL, 0x8);
    mica_word_t bits = 0;

    CHECK_SYS(MICA_SYS_SEND, mica_signal(a), MICA_OK);
    CHECK_SYS(MICA_SYS_SEND, mica_signal(c), MICA_OK);
    CHECK_SYS(MICA_SYS_SEND, mica_signal(c), MICA_OK);
    CHECK_SYS(MICA_SYS_SEND, mica_signal(b), MICA_OK);
    CHECK_SYS(MICA_SYS_RECV, mica_wait(n, &bits), MICA_OK);
    CHECK_EQ(bits, 0xb);
}

struct waiter {
    mica_cptr_t n;
    mica_word_t bits;
    mica_error_t err;
    unsigned id;
};

static void waiter(mica_word_t arg)
{
    struct waiter *w = PTR(arg);

    w->err = mica_wait(w->n, &w->bits);
    log_put(w->id);
}

static struct waiter w1, w2;
static struct thread t1, t2;

static void t_wait_blocks(void)
{
    mica_cptr_t n = new_ntfn();

    w1 = (struct waiter){.n = n, .err = MICA_ERR_COUNT, .id = 1};
    if (!thread_spawn(&t1, HELPER_PRIO, waiter, ARG(&w1)))
        return;
    env_run_others();
    CHECK(!t1.done);
    CHECK_SYS(MICA_SYS_SEND, mica_signal(env_mint(n, MICA_RIGHTS_ALL, 0x40)), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_RECV, w1.err, MICA_OK);
    CHECK_EQ(w1.bits, 0x40);
    /* The signal went to the waiter: nothing is left pending. */
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, 0), MICA_ERR_WOULD_BLOCK);
}

static void t_waiters_fifo(void)
{
    mica_cptr_t n = new_ntfn();
    mica_cptr_t b1 = env_mint(n, MICA_RIGHTS_ALL, 0x1), b2 = env_mint(n, MICA_RIGHTS_ALL, 0x2);

    w1 = (struct waiter){.n = n, .err = MICA_ERR_COUNT, .id = 1};
    w2 = (struct waiter){.n = n, .err = MICA_ERR_COUNT, .id = 2};
    if (!thread_spawn(&t1, HELPER_PRIO, waiter, ARG(&w1)))
        return;
    env_run_others();
    if (!thread_spawn(&t2, HELPER_PRIO, waiter, ARG(&w2)))
        return;
    env_run_others();
    /* One signal wakes exactly one waiter, the first. */
    CHECK_SYS(MICA_SYS_SEND, mica_signal(b1), MICA_OK);
    env_run_others();
    CHECK(t1.done);
    CHECK(!t2.done);
    CHECK_EQ(w1.bits, 0x1);
    CHECK_SYS(MICA_SYS_SEND, mica_signal(b2), MICA_OK);
    struct thread *ts[2] = {&t1, &t2};
    CHECK(thread_join(ts, 2));
    CHECK_EQ(w2.bits, 0x2);
    CHECK_EQ(log_len(), 2);
    CHECK_EQ(log_at(0), 1);
    CHECK_EQ(log_at(1), 2);
}

static void t_ntfn_rights(void)
{
    mica_cptr_t n = new_ntfn();
    mica_cptr_t ro = env_mint(n, MICA_RIGHT_READ, 0x1), wo = env_mint(n, MICA_RIGHT_WRITE, 0x1);
    mica_word_t bits = 0;

    CHECK_SYS(MICA_SYS_SEND, mica_signal(ro), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_NBSEND, mica_nbsend(ro, 0), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_RECV, mica_wait(wo, &bits), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(wo, &bits), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(ro, &bits), MICA_ERR_WOULD_BLOCK);
    CHECK_SYS(MICA_SYS_SEND, mica_signal(wo), MICA_OK);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(ro, &bits), MICA_OK);
    CHECK_EQ(bits, 0x1);
}

static void t_nbsend_signals(void)
{
    mica_cptr_t n = new_ntfn(), b = env_mint(n, MICA_RIGHTS_ALL, 0x20);
    mica_word_t bits = 0;

    /* A notification never blocks a signaller, so NBSend is a plain signal. */
    CHECK_SYS(MICA_SYS_NBSEND, mica_nbsend(b, 0), MICA_OK);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, &bits), MICA_OK);
    CHECK_EQ(bits, 0x20);
}

static void t_bound_owner_waits(void)
{
    mica_cptr_t n = new_ntfn();

    w1 = (struct waiter){.n = n, .err = MICA_ERR_COUNT, .id = 1};
    if (!thread_create(&t1, HELPER_PRIO, waiter, ARG(&w1), true))
        return;
    /* The thread a notification is bound to may still wait on it directly. */
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(t1.tcb, n), MICA_OK);
    if (!thread_start(&t1))
        return;
    env_run_others();
    CHECK(!t1.done);
    CHECK_SYS(MICA_SYS_SEND, mica_signal(env_mint(n, MICA_RIGHTS_ALL, 0x3)), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_RECV, w1.err, MICA_OK);
    CHECK_EQ(w1.bits, 0x3);
    /* A different thread (us) may not. */
    CHECK_SYS(MICA_SYS_RECV, mica_wait(n, 0), MICA_ERR_ILLEGAL_OPERATION);
}

const struct tap_test ntfn_tests[] = {
    TEST(t_signal_poll, "ntfn: signal then poll takes and clears the bits",
         SYS(MICA_SYS_SEND, MICA_OK), SYS(MICA_SYS_NBRECV, MICA_OK),
         SYS(MICA_SYS_NBRECV, MICA_ERR_WOULD_BLOCK)),
    TEST(t_signal_wait_pending, "ntfn: wait returns at once when bits are pending",
         SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_unbadged_signal, "ntfn: a signal through an unbadged cap is delivered (badge 0)",
         SYS(MICA_SYS_NBRECV, MICA_OK), SYS(MICA_SYS_NBRECV, MICA_ERR_WOULD_BLOCK)),
    TEST(t_badges_or, "ntfn: badges of several signals are OR-ed", SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_wait_blocks, "ntfn: wait blocks until a signal", SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_waiters_fifo, "ntfn: one signal wakes one waiter, in FIFO order",
         SYS(MICA_SYS_SEND, MICA_OK)),
    TEST(t_ntfn_rights, "ntfn: Signal needs WRITE, Wait and Poll need READ",
         SYS(MICA_SYS_SEND, MICA_ERR_INVALID_CAPABILITY),
         SYS(MICA_SYS_NBSEND, MICA_ERR_INVALID_CAPABILITY),
         SYS(MICA_SYS_RECV, MICA_ERR_INVALID_CAPABILITY),
         SYS(MICA_SYS_NBRECV, MICA_ERR_INVALID_CAPABILITY)),
    TEST(t_nbsend_signals, "ntfn: NBSend on a notification signals it",
         SYS(MICA_SYS_NBSEND, MICA_OK)),
    TEST(t_bound_owner_waits, "ntfn: only the bound thread may wait on a bound notification",
         SYS(MICA_SYS_RECV, MICA_OK), SYS(MICA_SYS_RECV, MICA_ERR_ILLEGAL_OPERATION)),
};
DEFINE_COUNT(ntfn);
