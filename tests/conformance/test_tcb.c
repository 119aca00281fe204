/* SPDX-License-Identifier: MIT */
/* TCB invocations: Configure, priorities under MCP authority, Suspend/Resume, Read/Write
 * registers, notification binding and fault/timeout handlers. */
#include "suite.h"

static volatile mica_word_t seen_arg;

static void record_arg(mica_word_t arg)
{
    seen_arg = arg;
}

static void t_thread_runs(void)
{
    static struct thread t;

    seen_arg = 0;
    if (!thread_spawn(&t, HELPER_PRIO, record_arg, 0x1234))
        return;
    CHECK(thread_join1(&t));
    CHECK_EQ(seen_arg, 0x1234);
}

static void t_configure_errors(void)
{
    mica_cptr_t tcb = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);
    mica_cptr_t frame = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t ep = new_ep();
    mica_word_t va = (mica_word_t)1 << 20;

    CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(tcb, ep, MICA_INIT_VSPACE, va, frame),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(tcb, ROOT, ep, va, frame),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(tcb, ROOT, MICA_INIT_VSPACE, va, ep),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_TCB_CONFIGURE,
              mica_tcb_configure(tcb, ROOT, MICA_INIT_VSPACE,
                                 va + (1u << (MICA_IPC_BUFFER_BITS - 1)), frame),
              MICA_ERR_ALIGNMENT);
    CHECK_INV(
        MICA_TCB_CONFIGURE,
        mica_invoke(tcb, MICA_TCB_CONFIGURE, 1, &va, 2, (mica_cptr_t[]){ROOT, MICA_INIT_VSPACE}, 0),
        MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_TCB_CONFIGURE,
              mica_invoke(tcb, MICA_TCB_CONFIGURE, 0, &va, 3,
                          (mica_cptr_t[]){ROOT, MICA_INIT_VSPACE, frame}, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(tcb, ROOT, MICA_INIT_VSPACE, va, frame),
              MICA_OK);
    /* Null cptrs leave the configuration as it is. */
    CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(tcb, 0, 0, va, 0), MICA_OK);
}

static void t_configure_small_frame(void)
{
    mica_cptr_t tcb = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);
    mica_cptr_t s = env_slot();
    mica_error_t err =
        mica_untyped_retype(env_pool(), MICA_OBJ_FRAME, MICA_IPC_BUFFER_BITS - 1, ROOT, 0, 0, s, 1);

    if (err != MICA_OK) {
        tap_skip("board has no frames smaller than an IPC buffer");
        return;
    }
    CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(tcb, ROOT, MICA_INIT_VSPACE, 0x100000, s),
              MICA_ERR_INVALID_ARGUMENT);
}

static void t_set_priority_range(void)
{
    mica_cptr_t tcb = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);

    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(tcb, MICA_INIT_TCB, 255), MICA_OK);
    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(tcb, MICA_INIT_TCB, 0), MICA_OK);
    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(tcb, MICA_INIT_TCB, 256),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_TCB_SET_MC_PRIORITY, mica_tcb_set_mc_priority(tcb, MICA_INIT_TCB, 256),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_TCB_SET_MC_PRIORITY, mica_tcb_set_mc_priority(tcb, MICA_INIT_TCB, 255), MICA_OK);
}

static void t_priority_mcp_authority(void)
{
    mica_cptr_t auth = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);
    mica_cptr_t tcb = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);

    /* A new TCB has MCP 0: it can only grant priority 0. */
    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(tcb, auth, 1), MICA_ERR_RANGE);
    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(tcb, auth, 0), MICA_OK);
    CHECK_INV(MICA_TCB_SET_MC_PRIORITY, mica_tcb_set_mc_priority(auth, MICA_INIT_TCB, 50), MICA_OK);
    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(tcb, auth, 50), MICA_OK);
    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(tcb, auth, 51), MICA_ERR_RANGE);
    CHECK_INV(MICA_TCB_SET_MC_PRIORITY, mica_tcb_set_mc_priority(tcb, auth, 51), MICA_ERR_RANGE);
    CHECK_INV(MICA_TCB_SET_MC_PRIORITY, mica_tcb_set_mc_priority(tcb, auth, 50), MICA_OK);
    /* A thread cannot raise its own MCP with its own authority either. */
    CHECK_INV(MICA_TCB_SET_MC_PRIORITY, mica_tcb_set_mc_priority(auth, auth, 51), MICA_ERR_RANGE);
}

static void t_priority_authority_errors(void)
{
    mica_cptr_t tcb = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);
    mica_cptr_t ep = new_ep();
    mica_word_t v = 1;

    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(tcb, ep, 1),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_TCB_SET_MC_PRIORITY, mica_tcb_set_mc_priority(tcb, ep, 1),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_invoke(tcb, MICA_TCB_SET_PRIORITY, 1, &v, 0, 0, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_TCB_SET_PRIORITY,
              mica_invoke(tcb, MICA_TCB_SET_PRIORITY, 0, &v, 1, (mica_cptr_t[]){MICA_INIT_TCB}, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_TCB_SET_MC_PRIORITY, mica_invoke(tcb, MICA_TCB_SET_MC_PRIORITY, 1, &v, 0, 0, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
}

struct blocked_recv {
    mica_cptr_t ep, reply;
    mica_error_t err;
    mica_word_t badge;
    int rounds;
};

static void recv_once(mica_word_t arg)
{
    struct blocked_recv *b = PTR(arg);

    b->err = mica_recv(b->ep, b->reply, &b->badge, 0);
    b->rounds++;
}

static void t_suspend_resume_blocked(void)
{
    static struct thread t;
    static struct blocked_recv b;

    b.ep = new_ep();
    b.reply = new_reply();
    b.err = MICA_ERR_COUNT;
    b.rounds = 0;
    if (!thread_spawn(&t, HELPER_PRIO, recv_once, ARG(&b)))
        return;
    env_run_others();
    CHECK_SYS(MICA_SYS_NBSEND, mica_nbsend(b.ep, 0), MICA_OK); /* it was waiting: delivered */
    CHECK(thread_join1(&t));
    CHECK_SYS(MICA_SYS_RECV, b.err, MICA_OK);

    /* Again, but suspended while blocked: it leaves the endpoint queue. */
    static struct thread t2;
    b.err = MICA_ERR_COUNT;
    if (!thread_spawn(&t2, HELPER_PRIO, recv_once, ARG(&b)))
        return;
    env_run_others();
    CHECK_INV(MICA_TCB_SUSPEND, mica_tcb_suspend(t2.tcb), MICA_OK);
    CHECK_SYS(MICA_SYS_NBSEND, mica_nbsend(b.ep, 0), MICA_ERR_WOULD_BLOCK);
    CHECK_INV(MICA_TCB_RESUME, mica_tcb_resume(t2.tcb), MICA_OK);
    CHECK(thread_join1(&t2));
    CHECK_SYS(MICA_SYS_RECV, b.err, MICA_ERR_CANCELLED);
}

static volatile int ran;

static void set_ran(mica_word_t arg)
{
    ran = (int)arg;
}

static void t_suspend_before_run(void)
{
    static struct thread t;

    ran = 0;
    if (!thread_spawn(&t, HELPER_PRIO, set_ran, 7))
        return;
    /* Lower priority than us: it has not run yet. Suspended, it must not run at all. */
    CHECK_INV(MICA_TCB_SUSPEND, mica_tcb_suspend(t.tcb), MICA_OK);
    env_run_others();
    CHECK_EQ(ran, 0);
    CHECK_INV(MICA_TCB_RESUME, mica_tcb_resume(t.tcb), MICA_OK);
    CHECK(thread_join1(&t));
    CHECK_EQ(ran, 7);
    /* Resuming a thread that is not inactive changes nothing. */
    CHECK_INV(MICA_TCB_RESUME, mica_tcb_resume(MICA_INIT_TCB), MICA_OK);
}

static void t_registers_roundtrip(void)
{
    static struct thread t;
    mica_word_t in[MICA_REG_ARG7 + 1], out[MICA_REG_ARG7 + 1];

    ran = 0;
    if (!thread_create(&t, HELPER_PRIO, set_ran, 0, true))
        return;
    for (unsigned i = 0; i <= MICA_REG_ARG7; i++)
        in[i] = 0x1000 + i * 0x10;
    CHECK_INV(MICA_TCB_WRITE_REGISTERS,
              mica_tcb_write_registers(t.tcb, 0, MICA_REG_PC, MICA_REG_ARG7 + 1, in), MICA_OK);
    CHECK_INV(MICA_TCB_READ_REGISTERS,
              mica_tcb_read_registers(t.tcb, MICA_REG_PC, MICA_REG_ARG7 + 1, out), MICA_OK);
    for (unsigned i = 0; i <= MICA_REG_ARG7; i++)
        CHECK_EQ(out[i], in[i]);
    /* A partial read from the middle. */
    CHECK_INV(MICA_TCB_READ_REGISTERS, mica_tcb_read_registers(t.tcb, MICA_REG_ARG0 + 3, 2, out),
              MICA_OK);
    CHECK_EQ(out[0], in[MICA_REG_ARG0 + 3]);
    CHECK_EQ(out[1], in[MICA_REG_ARG0 + 4]);
    /* It was never resumed, so it never ran (those PC values would have crashed it). */
    env_run_others();
    CHECK_EQ(ran, 0);
    /* Now real values, resumed by WriteRegisters itself. */
    CHECK(thread_start(&t));
    CHECK(thread_join1(&t));
}

static void t_write_registers_resume(void)
{
    static struct thread t;
    mica_word_t pc = 0;

    seen_arg = 0;
    if (!thread_spawn(&t, HELPER_PRIO, record_arg, 0x1))
        return;
    CHECK(thread_join1(&t));
    CHECK_EQ(seen_arg, 0x1);
    /* It suspended itself; it has a PC somewhere in its code. */
    CHECK_INV(MICA_TCB_READ_REGISTERS, mica_tcb_read_registers(t.tcb, MICA_REG_PC, 1, &pc),
              MICA_OK);
    CHECK(pc != 0);
    /* New PC/SP/ARG0 with resume = 1: it runs again without a separate Resume. */
    if (!thread_restart(&t, record_arg, 0x77))
        return;
    CHECK(thread_join1(&t));
    CHECK_EQ(seen_arg, 0x77);
}

static void t_registers_errors(void)
{
    mica_cptr_t tcb = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);
    mica_word_t v[MICA_MSG_MAX_LEN] = {0}; /* room for whatever a faulty kernel returns */

    CHECK_INV(MICA_TCB_READ_REGISTERS, mica_tcb_read_registers(MICA_INIT_TCB, 0, 1, v),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_WRITE_REGISTERS, mica_tcb_write_registers(MICA_INIT_TCB, 0, 0, 1, v),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_READ_REGISTERS, mica_tcb_read_registers(tcb, 100000, 1, v), MICA_ERR_RANGE);
    CHECK_INV(MICA_TCB_READ_REGISTERS, mica_tcb_read_registers(tcb, 0, 100000, v), MICA_ERR_RANGE);
    CHECK_INV(MICA_TCB_WRITE_REGISTERS, mica_tcb_write_registers(tcb, 0, 100000, 1, v),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_TCB_READ_REGISTERS, mica_invoke(tcb, MICA_TCB_READ_REGISTERS, 1, v, 0, 0, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_TCB_WRITE_REGISTERS, mica_invoke(tcb, MICA_TCB_WRITE_REGISTERS, 2, v, 0, 0, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    /* count says 3 values, the message carries 1 */
    CHECK_INV(MICA_TCB_WRITE_REGISTERS,
              mica_invoke(tcb, MICA_TCB_WRITE_REGISTERS, 4, (mica_word_t[]){0, 0, 3, 5}, 0, 0, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
}

struct bound_recv {
    mica_cptr_t ep, reply;
    mica_error_t err;
    mica_word_t badge;
};

static void recv_bound(mica_word_t arg)
{
    struct bound_recv *b = PTR(arg);

    b->err = mica_recv(b->ep, b->reply, &b->badge, 0);
}

static void t_bound_notification_wakes_recv(void)
{
    static struct thread t;
    static struct bound_recv b;
    mica_cptr_t n = new_ntfn();

    b.ep = new_ep();
    b.reply = new_reply();
    b.err = MICA_ERR_COUNT;
    b.badge = 0;
    if (!thread_create(&t, HELPER_PRIO, recv_bound, ARG(&b), true))
        return;
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(t.tcb, n), MICA_OK);
    if (!thread_start(&t))
        return;
    env_run_others();
    CHECK_EQ(b.err, MICA_ERR_COUNT); /* blocked in Recv */
    CHECK_SYS(MICA_SYS_SEND, mica_signal(env_mint(n, MICA_RIGHTS_ALL, 0x60)), MICA_OK);
    CHECK(thread_join1(&t));
    CHECK_SYS(MICA_SYS_RECV, b.err, MICA_OK);
    CHECK_EQ(b.badge, 0x60);
}

static void t_bound_notification_pending(void)
{
    static struct thread t;
    static struct bound_recv b;
    mica_cptr_t n = new_ntfn();

    b.ep = new_ep();
    b.reply = new_reply();
    b.err = MICA_ERR_COUNT;
    b.badge = 0;
    if (!thread_create(&t, HELPER_PRIO, recv_bound, ARG(&b), true))
        return;
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(t.tcb, n), MICA_OK);
    /* Signalled before the thread ever receives: its Recv returns at once. */
    CHECK_SYS(MICA_SYS_SEND, mica_signal(env_mint(n, MICA_RIGHTS_ALL, 0x5)), MICA_OK);
    if (!thread_start(&t))
        return;
    CHECK(thread_join1(&t));
    CHECK_SYS(MICA_SYS_RECV, b.err, MICA_OK);
    CHECK_EQ(b.badge, 0x5);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, 0), MICA_ERR_ILLEGAL_OPERATION); /* still bound */
}

struct two_recvs {
    mica_cptr_t ep, reply;
    mica_error_t err[2];
    mica_word_t badge[2], label[2];
};

static void recv_twice(mica_word_t arg)
{
    struct two_recvs *b = PTR(arg);

    for (int i = 0; i < 2; i++) {
        mica_word_t info = 0;
        b->err[i] = mica_recv(b->ep, b->reply, &b->badge[i], &info);
        b->label[i] = mica_msginfo_label(info);
    }
}

static void send_once(mica_word_t arg)
{
    mica_send((mica_cptr_t)arg, mica_msginfo(0x42, 0, 0, 0));
}

static void t_bound_notification_first(void)
{
    static struct thread sender, t;
    static struct two_recvs b;
    mica_cptr_t n = new_ntfn();

    b = (struct two_recvs){.ep = new_ep(), .reply = new_reply()};
    if (!thread_spawn(&sender, HELPER_PRIO, send_once, env_mint(b.ep, MICA_RIGHTS_ALL, 0x7)))
        return;
    env_run_others(); /* a sender is queued on the endpoint */
    if (!thread_create(&t, HELPER_PRIO, recv_twice, ARG(&b), true))
        return;
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(t.tcb, n), MICA_OK);
    CHECK_SYS(MICA_SYS_SEND, mica_signal(env_mint(n, MICA_RIGHTS_ALL, 0x100)), MICA_OK);
    if (!thread_start(&t))
        return;
    struct thread *ts[2] = {&sender, &t};
    CHECK(thread_join(ts, 2));
    /* The pending notification is taken before the queued message. */
    CHECK_SYS(MICA_SYS_RECV, b.err[0], MICA_OK);
    CHECK_EQ(b.badge[0], 0x100);
    CHECK_EQ(b.label[0], 0);
    CHECK_SYS(MICA_SYS_RECV, b.err[1], MICA_OK);
    CHECK_EQ(b.badge[1], 0x7);
    CHECK_EQ(b.label[1], 0x42);
}

static void t_bind_errors(void)
{
    mica_cptr_t a = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);
    mica_cptr_t b = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);
    mica_cptr_t n = new_ntfn(), n2 = new_ntfn(), ep = new_ep();
    mica_cptr_t wo = env_mint(n2, MICA_RIGHT_WRITE, 0);

    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(a, ep),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(a, wo),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(a, n), MICA_OK);
    /* a is bound already; n is bound already */
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(a, n2),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(b, n),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_invoke(b, MICA_TCB_BIND_NOTIFICATION, 0, 0, 0, 0, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    /* Another thread may not wait on a notification bound to a. */
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, 0), MICA_ERR_ILLEGAL_OPERATION);
}

static void t_unbind(void)
{
    mica_cptr_t a = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);
    mica_cptr_t b = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);
    mica_cptr_t n = new_ntfn();

    CHECK_INV(MICA_TCB_UNBIND_NOTIFICATION, mica_tcb_unbind_notification(a),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(a, n), MICA_OK);
    CHECK_INV(MICA_TCB_UNBIND_NOTIFICATION, mica_tcb_unbind_notification(a), MICA_OK);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, 0), MICA_ERR_WOULD_BLOCK); /* unbound again */
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(b, n), MICA_OK);
    /* Deleting the bound TCB unbinds it. */
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, b, ROOT_DEPTH), MICA_OK);
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(a, n), MICA_OK);
}

static void t_fault_handlers(void)
{
    mica_cptr_t tcb = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);
    mica_cptr_t ep = new_ep(), n = new_ntfn();

    CHECK_INV(MICA_TCB_SET_FAULT_HANDLER, mica_tcb_set_fault_handler(tcb, ep), MICA_OK);
    CHECK_INV(MICA_TCB_SET_FAULT_HANDLER, mica_tcb_set_fault_handler(tcb, 0), MICA_OK);
    CHECK_INV(MICA_TCB_SET_FAULT_HANDLER, mica_tcb_set_fault_handler(tcb, n),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_TCB_SET_FAULT_HANDLER,
              mica_invoke(tcb, MICA_TCB_SET_FAULT_HANDLER, 0, 0, 0, 0, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_TCB_SET_TIMEOUT_HANDLER, mica_tcb_set_timeout_handler(tcb, ep), MICA_OK);
    CHECK_INV(MICA_TCB_SET_TIMEOUT_HANDLER, mica_tcb_set_timeout_handler(tcb, 0), MICA_OK);
    CHECK_INV(MICA_TCB_SET_TIMEOUT_HANDLER, mica_tcb_set_timeout_handler(tcb, n),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_TCB_SET_TIMEOUT_HANDLER,
              mica_invoke(tcb, MICA_TCB_SET_TIMEOUT_HANDLER, 0, 0, 0, 0, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
}

static void t_cap_args_failed_lookup(void)
{
    mica_cptr_t tcb = env_new(MICA_OBJ_TCB, MICA_TCB_BITS);

    CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(tcb, BAD_CPTR, 0, 0x100000, 0),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(tcb, BAD_CPTR, 1),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_INV(MICA_TCB_SET_MC_PRIORITY, mica_tcb_set_mc_priority(tcb, BAD_CPTR, 1),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(tcb, BAD_CPTR),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_INV(MICA_TCB_SET_FAULT_HANDLER, mica_tcb_set_fault_handler(tcb, BAD_CPTR),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_INV(MICA_TCB_SET_TIMEOUT_HANDLER, mica_tcb_set_timeout_handler(tcb, BAD_CPTR),
              MICA_ERR_FAILED_LOOKUP);
    /* Nothing changed: the TCB still has no notification to unbind. */
    CHECK_INV(MICA_TCB_UNBIND_NOTIFICATION, mica_tcb_unbind_notification(tcb),
              MICA_ERR_ILLEGAL_OPERATION);
}

static void t_tcb_wrong_label(void)
{
    mica_cptr_t n = MICA_INIT_IPC_BUFFER; /* a frame: Call on it is an invocation, not IPC */

    CHECK_EQ(mica_invoke(MICA_INIT_TCB, MICA_TCB_SET_TIMEOUT_HANDLER + 1, 0, 0, 0, 0, 0),
             MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_SUSPEND, mica_tcb_suspend(n), MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_RESUME, mica_tcb_resume(n), MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(n, 0, 0, 0, 0), MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_SET_PRIORITY, mica_tcb_set_priority(n, MICA_INIT_TCB, 1),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_SET_MC_PRIORITY, mica_tcb_set_mc_priority(n, MICA_INIT_TCB, 1),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_READ_REGISTERS, mica_tcb_read_registers(n, 0, 1, &(mica_word_t){0}),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_WRITE_REGISTERS, mica_tcb_write_registers(n, 0, 0, 1, &(mica_word_t){0}),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_BIND_NOTIFICATION, mica_tcb_bind_notification(n, n),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_UNBIND_NOTIFICATION, mica_tcb_unbind_notification(n),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_SET_FAULT_HANDLER, mica_tcb_set_fault_handler(n, 0),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_TCB_SET_TIMEOUT_HANDLER, mica_tcb_set_timeout_handler(n, 0),
              MICA_ERR_ILLEGAL_OPERATION);
}

/* Issue 9: TCB -> CSpace -> TCB chains recursed like nested CNodes. TCB i's CSpace slot holds
 * the only cap to CNode i, whose slot 0 holds the only cap to TCB i+1; Delete the first TCB. */
static void t_delete_tcb_cspace_chain(void)
{
    enum { n = 250 };
    static mica_cptr_t tcb[n], cn[n];

    /* All TCBs first: interleaved with the small CNodes, each would waste its alignment. */
    for (unsigned i = 0; i < n; i++)
        if (!(tcb[i] = env_new(MICA_OBJ_TCB, 0)))
            return;
    for (unsigned i = 0; i < n; i++) {
        cn[i] = env_new(MICA_OBJ_CNODE, 1);
        if (!cn[i] ||
            !CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(tcb[i], cn[i], 0, 0, 0), MICA_OK))
            return;
    }
    for (unsigned i = 0; i + 1 < n; i++)
        if (!CHECK_INV(MICA_CNODE_MOVE, mica_cnode_move(cn[i], 0, 1, ROOT, tcb[i + 1], ROOT_DEPTH),
                       MICA_OK))
            return;
    /* Now each TCB's own slot holds the only cap to its CNode. */
    for (unsigned i = 0; i < n; i++)
        if (!CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, cn[i], ROOT_DEPTH), MICA_OK))
            return;
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, tcb[0], ROOT_DEPTH), MICA_OK);
    CHECK_CAP(tcb[0], MICA_CAP_NULL);
    CHECK_INV(MICA_CNODE_REVOKE, mica_cnode_revoke(ROOT, env_pool(), ROOT_DEPTH), MICA_OK);
}

/* Issue 9: the kernel writes received messages into the IPC buffer and sends what is in it, so
 * a frame cap without READ or WRITE is not one (seL4's lookupIPCBuffer). */
static void t_ipc_buffer_needs_read_write(void)
{
    mica_cptr_t t = env_new(MICA_OBJ_TCB, 0), f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    mica_cptr_t ro = env_mint(f, MICA_RIGHT_READ, 0), wo = env_mint(f, MICA_RIGHT_WRITE, 0);
    mica_cptr_t none = env_mint(f, 0, 0);

    CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(t, 0, 0, 0, ro), MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(t, 0, 0, 0, wo), MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(t, 0, 0, 0, none),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_TCB_CONFIGURE, mica_tcb_configure(t, 0, 0, 0, f), MICA_OK);
}

const struct tap_test tcb_tests[] = {
    TEST(t_thread_runs, "tcb: configure, write registers, resume: a thread runs",
         INV(MICA_TCB_CONFIGURE, MICA_OK), INV(MICA_TCB_WRITE_REGISTERS, MICA_OK),
         INV(MICA_TCB_RESUME, MICA_OK)),
    TEST(t_configure_errors, "tcb: configure argument errors",
         INV(MICA_TCB_CONFIGURE, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_TCB_CONFIGURE, MICA_ERR_ALIGNMENT),
         INV(MICA_TCB_CONFIGURE, MICA_ERR_TRUNCATED_MESSAGE), INV(MICA_TCB_CONFIGURE, MICA_OK)),
    TEST(t_configure_small_frame, "tcb: IPC buffer frame smaller than an IPC buffer",
         INV(MICA_TCB_CONFIGURE, MICA_ERR_INVALID_ARGUMENT)),
    TEST(t_set_priority_range, "tcb: priorities 0..255", INV(MICA_TCB_SET_PRIORITY, MICA_OK),
         INV(MICA_TCB_SET_PRIORITY, MICA_ERR_RANGE), INV(MICA_TCB_SET_MC_PRIORITY, MICA_ERR_RANGE),
         INV(MICA_TCB_SET_MC_PRIORITY, MICA_OK)),
    TEST(t_priority_mcp_authority, "tcb: no priority above the authority's MCP",
         INV(MICA_TCB_SET_PRIORITY, MICA_ERR_RANGE), INV(MICA_TCB_SET_MC_PRIORITY, MICA_ERR_RANGE),
         INV(MICA_TCB_SET_MC_PRIORITY, MICA_OK)),
    TEST(t_priority_authority_errors, "tcb: authority not a TCB, truncated messages",
         INV(MICA_TCB_SET_PRIORITY, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_TCB_SET_MC_PRIORITY, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_TCB_SET_PRIORITY, MICA_ERR_TRUNCATED_MESSAGE),
         INV(MICA_TCB_SET_MC_PRIORITY, MICA_ERR_TRUNCATED_MESSAGE)),
    TEST(t_suspend_resume_blocked, "tcb: suspend removes a receiver from the queue",
         INV(MICA_TCB_SUSPEND, MICA_OK), INV(MICA_TCB_RESUME, MICA_OK),
         SYS(MICA_SYS_RECV, MICA_ERR_CANCELLED), SYS(MICA_SYS_NBSEND, MICA_ERR_WOULD_BLOCK)),
    TEST(t_suspend_before_run, "tcb: a suspended thread does not run until resumed",
         INV(MICA_TCB_SUSPEND, MICA_OK), INV(MICA_TCB_RESUME, MICA_OK)),
    TEST(t_registers_roundtrip, "tcb: write then read registers",
         INV(MICA_TCB_WRITE_REGISTERS, MICA_OK), INV(MICA_TCB_READ_REGISTERS, MICA_OK)),
    TEST(t_write_registers_resume, "tcb: WriteRegisters with resume restarts a thread",
         INV(MICA_TCB_READ_REGISTERS, MICA_OK), INV(MICA_TCB_WRITE_REGISTERS, MICA_OK)),
    TEST(t_registers_errors, "tcb: register access errors",
         INV(MICA_TCB_READ_REGISTERS, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_WRITE_REGISTERS, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_READ_REGISTERS, MICA_ERR_RANGE),
         INV(MICA_TCB_WRITE_REGISTERS, MICA_ERR_RANGE),
         INV(MICA_TCB_READ_REGISTERS, MICA_ERR_TRUNCATED_MESSAGE),
         INV(MICA_TCB_WRITE_REGISTERS, MICA_ERR_TRUNCATED_MESSAGE)),
    TEST(t_bound_notification_wakes_recv, "tcb: a bound notification wakes a thread in Recv",
         INV(MICA_TCB_BIND_NOTIFICATION, MICA_OK), SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_bound_notification_pending, "tcb: a pending bound notification ends Recv at once",
         INV(MICA_TCB_BIND_NOTIFICATION, MICA_OK), SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_bound_notification_first, "tcb: a bound notification is taken before queued messages",
         INV(MICA_TCB_BIND_NOTIFICATION, MICA_OK), SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_bind_errors, "tcb: bind errors",
         INV(MICA_TCB_BIND_NOTIFICATION, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_TCB_BIND_NOTIFICATION, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_BIND_NOTIFICATION, MICA_ERR_TRUNCATED_MESSAGE),
         SYS(MICA_SYS_NBRECV, MICA_ERR_ILLEGAL_OPERATION)),
    TEST(t_unbind, "tcb: unbind, rebind, unbind on delete",
         INV(MICA_TCB_UNBIND_NOTIFICATION, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_UNBIND_NOTIFICATION, MICA_OK), INV(MICA_TCB_BIND_NOTIFICATION, MICA_OK)),
    TEST(t_fault_handlers, "tcb: fault and timeout handlers",
         INV(MICA_TCB_SET_FAULT_HANDLER, MICA_OK),
         INV(MICA_TCB_SET_FAULT_HANDLER, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_TCB_SET_FAULT_HANDLER, MICA_ERR_TRUNCATED_MESSAGE),
         INV(MICA_TCB_SET_TIMEOUT_HANDLER, MICA_OK),
         INV(MICA_TCB_SET_TIMEOUT_HANDLER, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_TCB_SET_TIMEOUT_HANDLER, MICA_ERR_TRUNCATED_MESSAGE)),
    TEST(t_cap_args_failed_lookup, "tcb: capability arguments that do not resolve",
         INV(MICA_TCB_CONFIGURE, MICA_ERR_FAILED_LOOKUP),
         INV(MICA_TCB_SET_PRIORITY, MICA_ERR_FAILED_LOOKUP),
         INV(MICA_TCB_SET_MC_PRIORITY, MICA_ERR_FAILED_LOOKUP),
         INV(MICA_TCB_BIND_NOTIFICATION, MICA_ERR_FAILED_LOOKUP),
         INV(MICA_TCB_SET_FAULT_HANDLER, MICA_ERR_FAILED_LOOKUP),
         INV(MICA_TCB_SET_TIMEOUT_HANDLER, MICA_ERR_FAILED_LOOKUP)),
    TEST(t_tcb_wrong_label, "tcb: TCB labels on a non-TCB, unknown TCB label",
         INV(MICA_TCB_CONFIGURE, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_SET_PRIORITY, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_SET_MC_PRIORITY, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_SUSPEND, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_RESUME, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_READ_REGISTERS, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_WRITE_REGISTERS, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_BIND_NOTIFICATION, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_UNBIND_NOTIFICATION, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_SET_FAULT_HANDLER, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_TCB_SET_TIMEOUT_HANDLER, MICA_ERR_ILLEGAL_OPERATION)),
    TEST(t_delete_tcb_cspace_chain, "tcb: deleting a chain of 250 TCB -> CSpace -> TCB links",
         INV(MICA_TCB_CONFIGURE, MICA_OK), INV(MICA_CNODE_DELETE, MICA_OK)),
    TEST(t_ipc_buffer_needs_read_write, "tcb: the IPC buffer frame cap needs READ and WRITE",
         INV(MICA_TCB_CONFIGURE, MICA_ERR_INVALID_CAPABILITY), INV(MICA_TCB_CONFIGURE, MICA_OK)),
};
DEFINE_COUNT(tcb);
