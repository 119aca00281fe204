/* SPDX-License-Identifier: MIT */
/* SchedControl_Configure and SchedContext Bind/Unbind/Consumed: the argument checks and the
 * binding rules (one SchedContext per thread and vice versa). */
#include "suite.h"

#define SCTL (env_bi->sched_control.start)

static mica_cptr_t new_sc(void)
{
    return env_new(MICA_OBJ_SCHED_CONTEXT, MICA_SCHED_CONTEXT_BITS);
}

static void t_sched_control_configure(void)
{
    mica_cptr_t sc = new_sc();

    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
              mica_sched_control_configure(SCTL, sc, 1000, 1000, 0, 0), MICA_OK);
    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE, mica_sched_control_configure(SCTL, sc, 500, 2000, 2, 7),
              MICA_OK);
    /* every CPU's SchedControl works */
    for (mica_word_t s = env_bi->sched_control.start; s < env_bi->sched_control.end; s++)
        CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
                  mica_sched_control_configure(s, sc, 1000, 1000, 0, 0), MICA_OK);
}

/* The context the caller runs on can be reconfigured too: the time it used so far is charged
 * first (sched_commit), and the caller keeps running on it with the new parameters. */
static void t_sched_control_configure_running(void)
{
    mica_word_t us = 0;

    /* Consumed counts from the last Consumed call, not from a Configure: start the count here
     * (the root thread's usage since boot can exceed the bound below on a slow debug build). */
    CHECK_INV(MICA_SCHED_CONTEXT_CONSUMED,
              mica_sched_context_consumed(MICA_INIT_SCHED_CONTEXT, &us), MICA_OK);
    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
              mica_sched_control_configure(SCTL, MICA_INIT_SCHED_CONTEXT, TIMESLICE_US,
                                           TIMESLICE_US, 0, 0),
              MICA_OK);
    for (unsigned i = 0; i < 100; i++)
        mica_yield();
    CHECK_INV(MICA_SCHED_CONTEXT_CONSUMED,
              mica_sched_context_consumed(MICA_INIT_SCHED_CONTEXT, &us), MICA_OK);
    CHECK(us < 1000000); /* about 100 kernel entries' worth, not a stale or wrapped figure */
}

static void t_sched_control_errors(void)
{
    mica_cptr_t sc = new_sc(), ep = env_new(MICA_OBJ_ENDPOINT, 0);
    mica_word_t mr[4] = {1000, 1000, 0, 0};

    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
              mica_sched_control_configure(SCTL, sc, 2000, 1000, 0, 0), MICA_ERR_RANGE);
    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE, mica_sched_control_configure(SCTL, sc, 0, 1000, 0, 0),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
              mica_sched_control_configure(SCTL, sc, 1000, 1000, 1u << 20, 0), MICA_ERR_RANGE);
    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
              mica_sched_control_configure(SCTL, ep, 1000, 1000, 0, 0),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
              mica_invoke(SCTL, MICA_SCHED_CONTROL_CONFIGURE, 3, mr, 1, &sc, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
              mica_invoke(SCTL, MICA_SCHED_CONTROL_CONFIGURE, 4, mr, 0, &sc, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    /* SchedControl labels belong to SchedControl caps only. */
    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE, mica_sched_control_configure(sc, sc, 1000, 1000, 0, 0),
              MICA_ERR_ILLEGAL_OPERATION);
}

static void t_sched_context_bind(void)
{
    mica_cptr_t sc = new_sc(), sc2 = new_sc(), n = env_new(MICA_OBJ_NOTIFICATION, 0);
    mica_cptr_t tcb = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);
    mica_cptr_t tcb2 = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);

    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
              mica_sched_control_configure(SCTL, sc, 1000, 1000, 0, 0), MICA_OK);
    CHECK_INV(MICA_SCHED_CONTEXT_BIND, mica_sched_context_bind(sc, tcb), MICA_OK);
    /* the SC is taken, and so is the TCB */
    CHECK_INV(MICA_SCHED_CONTEXT_BIND, mica_sched_context_bind(sc, tcb2),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_SCHED_CONTEXT_BIND, mica_sched_context_bind(sc2, tcb),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_SCHED_CONTEXT_UNBIND, mica_sched_context_unbind(sc), MICA_OK);
    CHECK_INV(MICA_SCHED_CONTEXT_BIND, mica_sched_context_bind(sc, tcb2), MICA_OK);
    CHECK_INV(MICA_SCHED_CONTEXT_BIND, mica_sched_context_bind(sc2, n), MICA_OK);
}

static void t_sched_context_errors(void)
{
    mica_cptr_t sc = new_sc(), ep = env_new(MICA_OBJ_ENDPOINT, 0);
    mica_word_t us = 0;

    CHECK_INV(MICA_SCHED_CONTEXT_BIND, mica_sched_context_bind(sc, ep),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_SCHED_CONTEXT_BIND, mica_invoke(sc, MICA_SCHED_CONTEXT_BIND, 0, 0, 0, 0, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    /* Our own SchedContext cannot be taken away from under us. */
    CHECK_INV(MICA_SCHED_CONTEXT_UNBIND, mica_sched_context_unbind(MICA_INIT_SCHED_CONTEXT),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_SCHED_CONTEXT_UNBIND, mica_sched_context_unbind(sc), MICA_OK);
    /* SchedContext labels on a frame (on an endpoint a Call would be IPC). */
    CHECK_INV(MICA_SCHED_CONTEXT_BIND, mica_sched_context_bind(MICA_INIT_IPC_BUFFER, sc),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_SCHED_CONTEXT_UNBIND, mica_sched_context_unbind(MICA_INIT_IPC_BUFFER),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_SCHED_CONTEXT_CONSUMED, mica_sched_context_consumed(MICA_INIT_IPC_BUFFER, &us),
              MICA_ERR_ILLEGAL_OPERATION);
}

static void t_sched_cap_args_failed_lookup(void)
{
    mica_cptr_t sc = new_sc();

    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
              mica_sched_control_configure(SCTL, BAD_CPTR, 1000, 1000, 0, 0),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_INV(MICA_SCHED_CONTEXT_BIND, mica_sched_context_bind(sc, BAD_CPTR),
              MICA_ERR_FAILED_LOOKUP);
}

static void t_sched_context_consumed(void)
{
    mica_word_t us = ~(mica_word_t)0, us2 = ~(mica_word_t)0;

    CHECK_INV(MICA_SCHED_CONTEXT_CONSUMED,
              mica_sched_context_consumed(MICA_INIT_SCHED_CONTEXT, &us), MICA_OK);
    CHECK_INV(MICA_SCHED_CONTEXT_CONSUMED,
              mica_sched_context_consumed(MICA_INIT_SCHED_CONTEXT, &us2), MICA_OK);
    CHECK(us != ~(mica_word_t)0 && us2 != ~(mica_word_t)0);
    /* A fresh SchedContext has consumed nothing. */
    mica_cptr_t sc = new_sc();
    CHECK_INV(MICA_SCHED_CONTEXT_CONSUMED, mica_sched_context_consumed(sc, &us), MICA_OK);
    CHECK_EQ(us, 0);
}

const struct tap_test schedctx_tests[] = {
    TEST(t_sched_control_configure, "schedctx: SchedControl_Configure",
         INV(MICA_SCHED_CONTROL_CONFIGURE, MICA_OK)),
    TEST(t_sched_control_configure_running,
         "schedctx: SchedControl_Configure of the caller's own running context",
         INV(MICA_SCHED_CONTROL_CONFIGURE, MICA_OK), INV(MICA_SCHED_CONTEXT_CONSUMED, MICA_OK)),
    TEST(t_sched_control_errors, "schedctx: SchedControl_Configure errors",
         INV(MICA_SCHED_CONTROL_CONFIGURE, MICA_ERR_RANGE),
         INV(MICA_SCHED_CONTROL_CONFIGURE, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_SCHED_CONTROL_CONFIGURE, MICA_ERR_TRUNCATED_MESSAGE),
         INV(MICA_SCHED_CONTROL_CONFIGURE, MICA_ERR_ILLEGAL_OPERATION)),
    TEST(t_sched_context_bind, "schedctx: one SchedContext per thread and vice versa",
         INV(MICA_SCHED_CONTEXT_BIND, MICA_OK),
         INV(MICA_SCHED_CONTEXT_BIND, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_SCHED_CONTEXT_UNBIND, MICA_OK)),
    TEST(t_sched_context_errors, "schedctx: Bind/Unbind/Consumed errors",
         INV(MICA_SCHED_CONTEXT_BIND, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_SCHED_CONTEXT_BIND, MICA_ERR_TRUNCATED_MESSAGE),
         INV(MICA_SCHED_CONTEXT_UNBIND, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_SCHED_CONTEXT_CONSUMED, MICA_ERR_ILLEGAL_OPERATION)),
    TEST(t_sched_cap_args_failed_lookup, "schedctx: capability arguments that do not resolve",
         INV(MICA_SCHED_CONTROL_CONFIGURE, MICA_ERR_FAILED_LOOKUP),
         INV(MICA_SCHED_CONTEXT_BIND, MICA_ERR_FAILED_LOOKUP)),
    TEST(t_sched_context_consumed, "schedctx: Consumed", INV(MICA_SCHED_CONTEXT_CONSUMED, MICA_OK)),
};
DEFINE_COUNT(schedctx);
