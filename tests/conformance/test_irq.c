/* SPDX-License-Identifier: MIT */
/* IRQControl_Get and the IRQHandler invocations. The suite does not know the board's interrupt
 * numbering, so it claims the first line that IRQControl hands out and releases it afterwards. */
#include "suite.h"

#define IRQ_SEARCH_MAX 1024

mica_word_t irq_claim_any(mica_cptr_t slot)
{
    for (mica_word_t irq = 0; irq < IRQ_SEARCH_MAX; irq++) {
        if (mica_irq_control_get(MICA_INIT_IRQ_CONTROL, irq, ROOT, slot, ROOT_DEPTH) == MICA_OK)
            return irq;
    }
    return ~(mica_word_t)0;
}

static void t_irq_get(void)
{
    mica_cptr_t h = env_slot(), h2 = env_slot();
    mica_word_t irq = irq_claim_any(h);

    if (irq == ~(mica_word_t)0) {
        tap_skip("IRQControl hands out no line below 1024 on this board");
        return;
    }
    CHECK_CAP(h, MICA_CAP_IRQ_HANDLER);
    /* The line is taken now. */
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, irq, ROOT, h2, ROOT_DEPTH),
              MICA_ERR_REVOKE_FIRST);
    CHECK_CAP(h2, MICA_CAP_NULL);
    /* Deleting the handler cap releases it. */
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, h, ROOT_DEPTH), MICA_OK);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, irq, ROOT, h2, ROOT_DEPTH), MICA_OK);
    CHECK_CAP(h2, MICA_CAP_IRQ_HANDLER);
}

static void t_irq_get_errors(void)
{
    mica_cptr_t h = env_slot(), n = new_ntfn();
    mica_word_t irq = irq_claim_any(h);
    mica_word_t mr[3] = {0, env_slot(), ROOT_DEPTH};

    CHECK_INV(
        MICA_IRQ_CONTROL_GET,
        mica_irq_control_get(MICA_INIT_IRQ_CONTROL, ~(mica_word_t)0 >> 1, ROOT, mr[1], ROOT_DEPTH),
        MICA_ERR_RANGE);
    if (irq == ~(mica_word_t)0) {
        tap_skip("IRQControl hands out no line below 1024 on this board");
        return;
    }
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, h, ROOT_DEPTH), MICA_OK);
    mr[0] = irq;
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, irq, ROOT, n, ROOT_DEPTH),
              MICA_ERR_DELETE_FIRST);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, irq, ROOT, mr[1], 0), MICA_ERR_RANGE);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, irq, ROOT,
                                   mr[1] | ((mica_word_t)1 << (MICA_WORD_BITS - 1)), ROOT_DEPTH),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, irq, n, mr[1], ROOT_DEPTH),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_invoke(MICA_INIT_IRQ_CONTROL, MICA_IRQ_CONTROL_GET, 2, mr, 1,
                          (mica_cptr_t[]){ROOT}, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_invoke(MICA_INIT_IRQ_CONTROL, MICA_IRQ_CONTROL_GET, 3, mr, 0, 0, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IPC_BUFFER, irq, ROOT, mr[1], ROOT_DEPTH),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_CAP(mr[1], MICA_CAP_NULL);
}

static void t_irq_handler(void)
{
    mica_cptr_t h = env_slot(), n = new_ntfn(), ep = new_ep();

    if (irq_claim_any(h) == ~(mica_word_t)0) {
        tap_skip("IRQControl hands out no line below 1024 on this board");
        return;
    }
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, mica_irq_handler_set_notification(h, n), MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(h), MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_CLEAR, mica_irq_handler_clear(h), MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, mica_irq_handler_set_notification(h, 0), MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, mica_irq_handler_set_notification(h, ep),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, mica_irq_handler_set_notification(h, BAD_CPTR),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION,
              mica_invoke(h, MICA_IRQ_HANDLER_SET_NOTIFICATION, 0, 0, 0, 0, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    /* Handler labels on something else (a frame: on a notification a Call would signal). */
    CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(MICA_INIT_IPC_BUFFER),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_IRQ_HANDLER_CLEAR, mica_irq_handler_clear(MICA_INIT_IRQ_CONTROL),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION,
              mica_irq_handler_set_notification(MICA_INIT_IPC_BUFFER, n),
              MICA_ERR_ILLEGAL_OPERATION);
}

/*
 * The hosted machine's stand-in for a device raising a line (arch/hosted/irq.c): it only latches
 * the line, the kernel sees it at its next entry. Absent on other boards, where nothing in the
 * suite can raise an interrupt, so the delivery test is skipped there.
 */
extern void hosted_irq_inject(unsigned irq) __attribute__((weak));

/* Poll n a few times (each syscall is a kernel entry that may take a pending line). */
static mica_error_t poll_a_while(mica_cptr_t n, mica_word_t *bits)
{
    mica_error_t err = MICA_ERR_WOULD_BLOCK;

    for (int i = 0; i < 4 && err == MICA_ERR_WOULD_BLOCK; i++) {
        mica_yield();
        err = mica_poll(n, bits);
    }
    return err;
}

static void t_irq_delivery(void)
{
    mica_cptr_t h = env_slot(), n = new_ntfn();
    mica_word_t bits = 0, irq;

    if (!hosted_irq_inject) {
        tap_skip("the suite cannot raise an interrupt on this board");
        return;
    }
    irq = irq_claim_any(h);
    if (irq == ~(mica_word_t)0) {
        FAIL("no IRQ line to claim");
        return;
    }
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION,
              mica_irq_handler_set_notification(h, env_mint(n, MICA_RIGHTS_ALL, 0x10)), MICA_OK);
    hosted_irq_inject((unsigned)irq);
    CHECK_SYS(MICA_SYS_NBRECV, poll_a_while(n, &bits), MICA_OK);
    CHECK_EQ(bits, 0x10);
    /* The line stays masked until Ack: a second interrupt is held back ... */
    hosted_irq_inject((unsigned)irq);
    CHECK_SYS(MICA_SYS_NBRECV, poll_a_while(n, &bits), MICA_ERR_WOULD_BLOCK);
    /* ... and arrives once acknowledged. */
    CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(h), MICA_OK);
    CHECK_SYS(MICA_SYS_NBRECV, poll_a_while(n, &bits), MICA_OK);
    CHECK_EQ(bits, 0x10);
    /* Without a notification nothing is signalled. */
    CHECK_INV(MICA_IRQ_HANDLER_CLEAR, mica_irq_handler_clear(h), MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(h), MICA_OK);
    hosted_irq_inject((unsigned)irq);
    CHECK_SYS(MICA_SYS_NBRECV, poll_a_while(n, &bits), MICA_ERR_WOULD_BLOCK);
}

/* Lines hal_irq_valid refuses: on hosted 0 and 64 and up (arch/hosted/irq.c), and anything beyond
 * the kernel's table everywhere. */
static void t_irq_invalid_lines(void)
{
    mica_cptr_t h = env_slot();

    if (!hosted_irq_inject) {
        tap_skip("which lines are invalid is board specific; known on hosted only");
        return;
    }
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, 0, ROOT, h, ROOT_DEPTH), MICA_ERR_RANGE);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, 64, ROOT, h, ROOT_DEPTH), MICA_ERR_RANGE);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, 4096, ROOT, h, ROOT_DEPTH),
              MICA_ERR_RANGE);
    CHECK_CAP(h, MICA_CAP_NULL);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, 63, ROOT, h, ROOT_DEPTH), MICA_OK);
    CHECK_CAP(h, MICA_CAP_IRQ_HANDLER);
}

/* A copied handler cap keeps the line claimed; the line is free once the last copy is gone. */
static void t_irq_handler_copies(void)
{
    mica_cptr_t h = env_slot(), h2 = env_slot(), h3 = env_slot();
    mica_word_t irq = irq_claim_any(h);

    if (irq == ~(mica_word_t)0) {
        tap_skip("IRQControl hands out no line below 1024 on this board");
        return;
    }
    CHECK_INV(MICA_CNODE_COPY,
              mica_cnode_copy(ROOT, h2, ROOT_DEPTH, ROOT, h, ROOT_DEPTH, MICA_RIGHTS_ALL), MICA_OK);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, h, ROOT_DEPTH), MICA_OK);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, irq, ROOT, h3, ROOT_DEPTH),
              MICA_ERR_REVOKE_FIRST);
    /* The copy still works as a handler. */
    CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(h2), MICA_OK);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, h2, ROOT_DEPTH), MICA_OK);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, irq, ROOT, h3, ROOT_DEPTH), MICA_OK);
}

/* Deleting the handler unbinds the notification with it: an interrupt raised then reaches no
 * one; once the line is claimed again, the new owner's notification gets the next one. */
static void t_irq_delete_releases(void)
{
    mica_cptr_t h = env_slot(), h2 = env_slot(), n = new_ntfn(), n2 = new_ntfn();
    mica_word_t bits = 0, irq;

    if (!hosted_irq_inject) {
        tap_skip("the suite cannot raise an interrupt on this board");
        return;
    }
    irq = irq_claim_any(h);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, mica_irq_handler_set_notification(h, n), MICA_OK);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, h, ROOT_DEPTH), MICA_OK);
    hosted_irq_inject((unsigned)irq);
    CHECK_SYS(MICA_SYS_NBRECV, poll_a_while(n, &bits), MICA_ERR_WOULD_BLOCK);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, irq, ROOT, h2, ROOT_DEPTH), MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION,
              mica_irq_handler_set_notification(h2, env_mint(n2, MICA_RIGHTS_ALL, 0x3)), MICA_OK);
    /* The line raised while nobody held it may have fired between Get and SetNotification (and
     * was masked with nobody to tell): a driver acknowledges once it is set up. */
    CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(h2), MICA_OK);
    hosted_irq_inject((unsigned)irq);
    CHECK_SYS(MICA_SYS_NBRECV, poll_a_while(n2, &bits), MICA_OK);
    CHECK_EQ(bits, 0x3);
    CHECK_SYS(MICA_SYS_NBRECV, poll_a_while(n, &bits), MICA_ERR_WOULD_BLOCK);
}

/* SetNotification replaces the bound notification; the old one hears nothing more. */
static void t_irq_set_notification_replaces(void)
{
    mica_cptr_t h = env_slot(), n1 = new_ntfn(), n2 = new_ntfn();
    mica_word_t bits = 0, irq;

    if (!hosted_irq_inject) {
        tap_skip("the suite cannot raise an interrupt on this board");
        return;
    }
    irq = irq_claim_any(h);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION,
              mica_irq_handler_set_notification(h, env_mint(n1, MICA_RIGHTS_ALL, 0x1)), MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION,
              mica_irq_handler_set_notification(h, env_mint(n2, MICA_RIGHTS_ALL, 0x2)), MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(h), MICA_OK);
    hosted_irq_inject((unsigned)irq);
    CHECK_SYS(MICA_SYS_NBRECV, poll_a_while(n2, &bits), MICA_OK);
    CHECK_EQ(bits, 0x2);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n1, &bits), MICA_ERR_WOULD_BLOCK);
    /* Masked until Ack, then the next one arrives. */
    CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(h), MICA_OK);
    hosted_irq_inject((unsigned)irq);
    CHECK_SYS(MICA_SYS_NBRECV, poll_a_while(n2, &bits), MICA_OK);
}

struct irq_waiter {
    mica_cptr_t n;
    mica_word_t bits;
    mica_error_t err;
};

static void irq_wait_fn(mica_word_t arg)
{
    struct irq_waiter *w = PTR(arg);

    w->err = mica_wait(w->n, &w->bits);
}

static struct irq_waiter irq_w;
static struct thread irq_t;

/* A driver thread blocked in Wait is woken by the interrupt with the handler's badge. */
static void t_irq_wakes_waiter(void)
{
    mica_cptr_t h = env_slot(), n = new_ntfn();
    mica_word_t irq;

    if (!hosted_irq_inject) {
        tap_skip("the suite cannot raise an interrupt on this board");
        return;
    }
    irq = irq_claim_any(h);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION,
              mica_irq_handler_set_notification(h, env_mint(n, MICA_RIGHTS_ALL, 0x80)), MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(h), MICA_OK);
    irq_w = (struct irq_waiter){.n = n, .err = MICA_ERR_COUNT};
    if (!thread_spawn(&irq_t, HELPER_PRIO, irq_wait_fn, ARG(&irq_w)))
        return;
    env_run_others();
    CHECK(!irq_t.done); /* blocked: nothing has signalled yet */
    hosted_irq_inject((unsigned)irq);
    thread_join1(&irq_t);
    CHECK_EQ(irq_w.err, MICA_OK);
    CHECK_EQ(irq_w.bits, 0x80);
}

/* Issue 9: CNode_Copy of IRQControl was allowed, and the invariant checker then panicked. As in
 * seL4, a copy is a child of IRQControl and hands out lines too; revoking it takes them back. */
static void t_irq_control_copy(void)
{
    mica_cptr_t copy = env_slot(), h = env_slot();

    CHECK_INV(MICA_CNODE_COPY,
              mica_cnode_copy(ROOT, copy, ROOT_DEPTH, ROOT, MICA_INIT_IRQ_CONTROL, ROOT_DEPTH,
                              MICA_RIGHTS_ALL),
              MICA_OK);
    CHECK_CAP(copy, MICA_CAP_IRQ_CONTROL);
    mica_word_t irq = ~(mica_word_t)0;
    for (mica_word_t i = 0; i < IRQ_SEARCH_MAX && irq == ~(mica_word_t)0; i++)
        if (mica_irq_control_get(copy, i, ROOT, h, ROOT_DEPTH) == MICA_OK)
            irq = i;
    if (irq == ~(mica_word_t)0) {
        tap_skip("IRQControl hands out no line below 1024 on this board");
        return;
    }
    CHECK_CAP(h, MICA_CAP_IRQ_HANDLER);
    CHECK_INV(MICA_CNODE_REVOKE, mica_cnode_revoke(ROOT, copy, ROOT_DEPTH), MICA_OK);
    CHECK_CAP(h, MICA_CAP_NULL);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, copy, ROOT_DEPTH), MICA_OK);
    /* The line is free again for the original. */
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, irq, ROOT, h, ROOT_DEPTH), MICA_OK);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, h, ROOT_DEPTH), MICA_OK);
}

const struct tap_test irq_tests[] = {
    TEST(t_irq_get, "irq: claim a line; a claimed line cannot be claimed twice",
         INV(MICA_IRQ_CONTROL_GET, MICA_OK), INV(MICA_IRQ_CONTROL_GET, MICA_ERR_REVOKE_FIRST)),
    TEST(t_irq_get_errors, "irq: IRQControl_Get argument errors",
         INV(MICA_IRQ_CONTROL_GET, MICA_ERR_RANGE),
         INV(MICA_IRQ_CONTROL_GET, MICA_ERR_DELETE_FIRST),
         INV(MICA_IRQ_CONTROL_GET, MICA_ERR_FAILED_LOOKUP),
         INV(MICA_IRQ_CONTROL_GET, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_IRQ_CONTROL_GET, MICA_ERR_TRUNCATED_MESSAGE),
         INV(MICA_IRQ_CONTROL_GET, MICA_ERR_ILLEGAL_OPERATION)),
    TEST(t_irq_delivery, "irq: a line signals its notification and stays masked until Ack",
         INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, MICA_OK), INV(MICA_IRQ_HANDLER_ACK, MICA_OK),
         INV(MICA_IRQ_HANDLER_CLEAR, MICA_OK), SYS(MICA_SYS_NBRECV, MICA_OK),
         SYS(MICA_SYS_NBRECV, MICA_ERR_WOULD_BLOCK)),
    TEST(t_irq_handler, "irq: SetNotification, Ack, Clear",
         INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, MICA_OK), INV(MICA_IRQ_HANDLER_ACK, MICA_OK),
         INV(MICA_IRQ_HANDLER_CLEAR, MICA_OK),
         INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, MICA_ERR_TRUNCATED_MESSAGE),
         INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, MICA_ERR_FAILED_LOOKUP),
         INV(MICA_IRQ_HANDLER_ACK, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_IRQ_HANDLER_CLEAR, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, MICA_ERR_ILLEGAL_OPERATION)),
    TEST(t_irq_invalid_lines, "irq: lines the board does not have are RANGE",
         INV(MICA_IRQ_CONTROL_GET, MICA_ERR_RANGE), INV(MICA_IRQ_CONTROL_GET, MICA_OK)),
    TEST(t_irq_handler_copies, "irq: the line stays claimed until the last handler copy is deleted",
         INV(MICA_CNODE_COPY, MICA_OK), INV(MICA_IRQ_CONTROL_GET, MICA_ERR_REVOKE_FIRST),
         INV(MICA_IRQ_CONTROL_GET, MICA_OK), INV(MICA_IRQ_HANDLER_ACK, MICA_OK)),
    TEST(t_irq_delete_releases, "irq: deleting the handler unbinds it; a new claim gets the line",
         INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, MICA_OK), INV(MICA_IRQ_CONTROL_GET, MICA_OK),
         INV(MICA_IRQ_HANDLER_ACK, MICA_OK), SYS(MICA_SYS_NBRECV, MICA_OK),
         SYS(MICA_SYS_NBRECV, MICA_ERR_WOULD_BLOCK)),
    TEST(t_irq_set_notification_replaces, "irq: SetNotification replaces the bound notification",
         INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, MICA_OK), INV(MICA_IRQ_HANDLER_ACK, MICA_OK),
         SYS(MICA_SYS_NBRECV, MICA_OK), SYS(MICA_SYS_NBRECV, MICA_ERR_WOULD_BLOCK)),
    TEST(t_irq_wakes_waiter, "irq: an interrupt wakes a thread waiting on the notification",
         INV(MICA_IRQ_HANDLER_SET_NOTIFICATION, MICA_OK), INV(MICA_IRQ_HANDLER_ACK, MICA_OK)),
    TEST(t_irq_control_copy, "irq: a copy of IRQControl hands out lines, revoking it frees them",
         INV(MICA_CNODE_COPY, MICA_OK), INV(MICA_CNODE_REVOKE, MICA_OK),
         INV(MICA_IRQ_CONTROL_GET, MICA_OK)),
};
DEFINE_COUNT(irq);
