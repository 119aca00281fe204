/* SPDX-License-Identifier: MIT */
/* Endpoint IPC: Send/NBSend/Recv/NBRecv/Call/ReplyRecv with Reply objects, badges, short and
 * long messages, length clamping, capability transfer with and without Grant, FIFO queues. */
#include "suite.h"

/* What a helper sends or received. */
struct msg {
    mica_cptr_t ep, reply;
    mica_word_t label;
    unsigned len;
    mica_word_t mr[MICA_MSG_MAX_LEN];
    mica_word_t badge, info;
    mica_error_t err;
    unsigned caps;
    mica_cptr_t cap[MICA_MSG_MAX_CAPS];
};

static void msg_init(struct msg *m, mica_cptr_t ep, mica_word_t label, unsigned len)
{
    m->ep = ep;
    m->reply = 0;
    m->label = label;
    m->len = len;
    for (unsigned i = 0; i < MICA_MSG_MAX_LEN; i++)
        m->mr[i] = 0xa000 + i * 3 + label;
    m->badge = m->info = 0;
    m->err = MICA_ERR_COUNT;
    m->caps = 0;
}

static void load(const struct msg *m)
{
    unsigned n = m->len < MICA_MSG_MAX_LEN ? m->len : MICA_MSG_MAX_LEN;

    for (unsigned i = 0; i < n; i++)
        mica_set_mr(i, m->mr[i]);
    for (unsigned i = 0; i < m->caps; i++)
        mica_set_cap(i, m->cap[i]);
}

static mica_word_t info_of(const struct msg *m)
{
    return mica_msginfo(m->label, 0, m->caps, m->len);
}

/* Check a received message against what was sent. */
static void check_received(mica_word_t info, const struct msg *sent, unsigned want_len)
{
    CHECK_EQ(mica_msginfo_label(info), sent->label);
    CHECK_EQ(mica_msginfo_len(info), want_len);
    for (unsigned i = 0; i < want_len; i++)
        CHECK_EQ(mica_get_mr(i), sent->mr[i]);
}

static void sender(mica_word_t arg)
{
    struct msg *m = PTR(arg);

    load(m);
    m->err = mica_send(m->ep, info_of(m));
}

static void caller(mica_word_t arg)
{
    struct msg *m = PTR(arg);

    load(m);
    m->err = mica_call(m->ep, info_of(m), &m->info);
    for (unsigned i = 0; i < MICA_MSG_MAX_LEN; i++)
        m->mr[i] = mica_get_mr(i);
}

static void receiver(mica_word_t arg)
{
    struct msg *m = PTR(arg);

    m->err = mica_recv(m->ep, m->reply, &m->badge, &m->info);
    for (unsigned i = 0; i < MICA_MSG_MAX_LEN; i++)
        m->mr[i] = mica_get_mr(i);
}

static struct msg m1, m2, m3;
static struct thread t1, t2, t3;

static void t_send_recv_short(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t badge = 1, info = 0;

    msg_init(&m1, ep, 0x77, 3);
    if (!thread_spawn(&t1, HELPER_PRIO, sender, ARG(&m1)))
        return;
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, reply, &badge, &info), MICA_OK);
    CHECK_EQ(badge, 0);
    check_received(info, &m1, 3);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_SEND, m1.err, MICA_OK);
}

static void t_send_recv_long(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t info = 0;

    msg_init(&m1, ep, 0x5, MICA_MSG_MAX_LEN);
    if (!thread_spawn(&t1, HELPER_PRIO, sender, ARG(&m1)))
        return;
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, reply, 0, &info), MICA_OK);
    check_received(info, &m1, MICA_MSG_MAX_LEN);
    CHECK(thread_join1(&t1));
}

static void t_length_clamped(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t info = 0;

    msg_init(&m1, ep, 0x6, 127); /* the widest length field the message info can carry */
    if (!thread_spawn(&t1, HELPER_PRIO, sender, ARG(&m1)))
        return;
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, reply, 0, &info), MICA_OK);
    check_received(info, &m1, MICA_MSG_MAX_LEN);
    CHECK(thread_join1(&t1));
}

static void t_badge(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t badge = 0, info = 0;

    msg_init(&m1, env_mint(ep, MICA_RIGHTS_ALL, 0xbeef), 0x1, 1);
    if (!thread_spawn(&t1, HELPER_PRIO, sender, ARG(&m1)))
        return;
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, reply, &badge, &info), MICA_OK);
    CHECK_EQ(badge, 0xbeef);
    check_received(info, &m1, 1);
    CHECK(thread_join1(&t1));
}

static void t_nbsend_no_receiver(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();

    mica_set_mr(0, 1);
    CHECK_SYS(MICA_SYS_NBSEND, mica_nbsend(ep, mica_msginfo(1, 0, 0, 1)), MICA_ERR_WOULD_BLOCK);
    /* The message was dropped, not queued. */
    CHECK_SYS(MICA_SYS_NBRECV, mica_nbrecv(ep, reply, 0, 0), MICA_ERR_WOULD_BLOCK);
}

static void t_nbsend_to_waiting_receiver(void)
{
    mica_cptr_t ep = new_ep();
    struct msg out;

    msg_init(&m1, ep, 0, 0);
    m1.reply = new_reply();
    if (!thread_spawn(&t1, HELPER_PRIO, receiver, ARG(&m1)))
        return;
    env_run_others();
    msg_init(&out, ep, 0x9, 2);
    load(&out);
    CHECK_SYS(MICA_SYS_NBSEND, mica_nbsend(ep, info_of(&out)), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_RECV, m1.err, MICA_OK);
    CHECK_EQ(mica_msginfo_label(m1.info), 0x9);
    CHECK_EQ(m1.mr[0], out.mr[0]);
    CHECK_EQ(m1.mr[1], out.mr[1]);
}

static void t_nbrecv(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t info = 0;

    CHECK_SYS(MICA_SYS_NBRECV, mica_nbrecv(ep, reply, 0, 0), MICA_ERR_WOULD_BLOCK);
    msg_init(&m1, ep, 0x4, 2);
    if (!thread_spawn(&t1, HELPER_PRIO, sender, ARG(&m1)))
        return;
    env_run_others(); /* the sender is now blocked on the endpoint */
    CHECK_SYS(MICA_SYS_NBRECV, mica_nbrecv(ep, reply, 0, &info), MICA_OK);
    check_received(info, &m1, 2);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_NBRECV, mica_nbrecv(ep, reply, 0, 0), MICA_ERR_WOULD_BLOCK);
}

/* A server that answers `rounds` calls with ReplyRecv, adding 1 to MR0 and echoing the badge. */
struct server {
    mica_cptr_t ep, reply;
    int rounds;
    int use_send;             /* reply with Send on the reply cap instead of ReplyRecv */
    mica_error_t err, rr_err; /* last error; that of the last ReplyRecv */
};

static void server(mica_word_t arg)
{
    struct server *s = PTR(arg);
    mica_word_t badge = 0, info = 0;

    if (s->use_send == 2) /* a ReplyRecv whose reply object is unused only receives */
        s->err = s->rr_err = mica_reply_recv(s->ep, s->reply, 0, &badge, &info);
    else
        s->err = mica_recv(s->ep, s->reply, &badge, &info);
    for (int i = 0; i < s->rounds && s->err == MICA_OK; i++) {
        mica_set_mr(0, mica_get_mr(0) + 1);
        mica_set_mr(1, badge);
        mica_word_t rinfo = mica_msginfo(mica_msginfo_label(info) + 1, 0, 0, 2);
        if (s->use_send == 1) {
            s->err = mica_send(s->reply, rinfo);
            if (s->err == MICA_OK && i + 1 < s->rounds)
                s->err = mica_recv(s->ep, s->reply, &badge, &info);
        } else if (i + 1 < s->rounds) {
            s->err = s->rr_err = mica_reply_recv(s->ep, s->reply, rinfo, &badge, &info);
        } else {
            s->err = mica_send(s->reply, rinfo);
        }
    }
}

static struct server srv;

static bool start_server(mica_cptr_t ep, int rounds, int use_send)
{
    srv.ep = ep;
    srv.reply = new_reply();
    srv.rounds = rounds;
    srv.use_send = use_send;
    srv.err = srv.rr_err = MICA_ERR_COUNT;
    return thread_spawn(&t3, HELPER_PRIO, server, ARG(&srv));
}

static void t_call_reply_recv(void)
{
    mica_cptr_t ep = new_ep();
    mica_cptr_t b1 = env_mint(ep, MICA_RIGHTS_ALL, 11), b2 = env_mint(ep, MICA_RIGHTS_ALL, 22);
    mica_word_t info = 0;

    if (!start_server(ep, 2, 0))
        return;
    mica_set_mr(0, 100);
    CHECK_SYS(MICA_SYS_CALL, mica_call(b1, mica_msginfo(7, 0, 0, 1), &info), MICA_OK);
    CHECK_EQ(mica_msginfo_label(info), 8);
    CHECK_EQ(mica_msginfo_len(info), 2);
    CHECK_EQ(mica_get_mr(0), 101);
    CHECK_EQ(mica_get_mr(1), 11);
    mica_set_mr(0, 200);
    CHECK_SYS(MICA_SYS_CALL, mica_call(b2, mica_msginfo(9, 0, 0, 1), &info), MICA_OK);
    CHECK_EQ(mica_msginfo_label(info), 10);
    CHECK_EQ(mica_get_mr(0), 201);
    CHECK_EQ(mica_get_mr(1), 22);
    CHECK(thread_join1(&t3));
    CHECK_SYS(MICA_SYS_REPLY_RECV, srv.rr_err, MICA_OK);
    CHECK_SYS(MICA_SYS_SEND, srv.err, MICA_OK);
}

/* An echo server: each message comes back at the same length with label + 1 and every MR + 1
 * (the last reply through the Reply cap with Send); the log gets 0xe each time it receives. */
struct echo {
    mica_cptr_t ep, reply;
    int rounds;
    mica_error_t err, rr_err;
};
static struct echo echo;

static void echo_server(mica_word_t arg)
{
    struct echo *e = PTR(arg);
    mica_word_t badge, info;

    e->err = mica_recv(e->ep, e->reply, &badge, &info);
    for (int i = 0; e->err == MICA_OK; i++) {
        unsigned len = mica_msginfo_len(info);
        log_put(0xe);
        for (unsigned j = 0; j < len; j++)
            mica_set_mr(j, mica_get_mr(j) + 1);
        mica_word_t rinfo = mica_msginfo(mica_msginfo_label(info) + 1, 0, 0, len);
        if (i + 1 == e->rounds) {
            e->err = mica_send(e->reply, rinfo);
            break;
        }
        e->err = e->rr_err = mica_reply_recv(e->ep, e->reply, rinfo, &badge, &info);
    }
}

static bool start_echo(mica_cptr_t ep, int rounds)
{
    echo = (struct echo){ep, new_reply(), rounds, MICA_ERR_COUNT, MICA_ERR_COUNT};
    return thread_spawn(&t3, HELPER_PRIO, echo_server, ARG(&echo));
}

/* Lengths 0..MICA_MSG_REGS travel in registers only (the IPC fast path's case), longer ones
 * through the IPC buffers: the same results either way. */
static void t_call_lengths(void)
{
    mica_cptr_t ep = new_ep();
    mica_word_t info = 0;

    if (!start_echo(ep, MICA_MSG_REGS + 2))
        return;
    for (unsigned len = 0; len <= MICA_MSG_REGS + 1; len++) {
        for (unsigned i = 0; i <= MICA_MSG_REGS; i++)
            mica_set_mr(i, 0x100 * (len + 1) + i);
        CHECK_SYS(MICA_SYS_CALL, mica_call(ep, mica_msginfo(20 + len, 0, 0, len), &info), MICA_OK);
        CHECK_EQ(mica_msginfo_label(info), 21 + len);
        CHECK_EQ(mica_msginfo_len(info), len);
        for (unsigned i = 0; i < len; i++)
            CHECK_EQ(mica_get_mr(i), 0x100 * (len + 1) + i + 1);
        /* Only the message's registers are written: the others keep what we had there. */
        for (unsigned i = len; i < MICA_MSG_REGS; i++)
            CHECK_EQ(mica_get_mr(i), 0x100 * (len + 1) + i);
    }
    CHECK(thread_join1(&t3));
    CHECK_SYS(MICA_SYS_REPLY_RECV, echo.rr_err, MICA_OK);
    CHECK_SYS(MICA_SYS_SEND, echo.err, MICA_OK);
}

static mica_error_t log_call_err;

static void log_call(mica_word_t ep)
{
    mica_word_t info;

    mica_set_mr(0, 1);
    log_call_err = mica_call(ep, mica_msginfo(1, 0, 0, 1), &info);
    if (log_call_err == MICA_OK && mica_get_mr(0) == 2)
        log_put(0xc);
}

static void log_x(mica_word_t arg)
{
    log_put(arg);
}

/* A Call hands over to its server ahead of the ready threads of the server's priority, and the
 * reply (a Send on the Reply, the server carrying on) puts the caller ahead of its own peers:
 * the IPC partner continues the caller's turn (seL4's direct switch), and same-priority fairness
 * comes from timeslices. */
static void t_call_same_priority_order(void)
{
    mica_cptr_t ep = new_ep();
    struct thread *ts[3] = {&t1, &t2, &t3};

    /* The order holds only if no helper's 10 ms budget runs out in between. */
    if (env_skip_host_clock())
        return;
    log_reset();
    log_call_err = MICA_ERR_COUNT;
    if (!start_echo(ep, 1))
        return;
    env_run_others(); /* the server waits in Recv */
    if (!thread_spawn(&t1, HELPER_PRIO, log_call, ep) ||
        !thread_spawn(&t2, HELPER_PRIO, log_x, 0xa))
        return;
    CHECK(thread_join(ts, 3));
    CHECK_EQ(log_len(), 3);
    CHECK_EQ(log_at(0), 0xe);
    CHECK_EQ(log_at(1), 0xc);
    CHECK_EQ(log_at(2), 0xa);
    CHECK_SYS(MICA_SYS_CALL, log_call_err, MICA_OK);
    CHECK_SYS(MICA_SYS_SEND, echo.err, MICA_OK);
}

/* A client that makes `rounds` Calls of length arg to the echo server, logging 0xc after each. */
static volatile int peer_rounds;

static void peer_client(mica_word_t len)
{
    mica_word_t info;

    for (int i = 0; i < peer_rounds; i++) {
        log_call_err = mica_call(echo.ep, mica_msginfo(1, 0, 0, len), &info);
        if (log_call_err != MICA_OK)
            return;
        log_put(0xc);
    }
}

/* A caller whose reply comes through ReplyRecv from a higher-priority server resumes ahead of a
 * thread of its own priority that was ready all along: that one runs only when the caller is
 * done (its timeslice, 10 ms, is far from over). Registers-only messages (the fast path's case)
 * and ones through the IPC buffer (the slow path's) alike. */
static void t_reply_ahead_of_peers(void)
{
    static const unsigned lens[] = {0, 1, MICA_MSG_REGS + 1};

    /* The order holds only if no helper's 10 ms budget runs out in between. */
    if (env_skip_host_clock())
        return;
    for (unsigned k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
        mica_cptr_t ep = new_ep();
        struct thread *ts[3] = {&t1, &t2, &t3};

        log_reset();
        log_call_err = MICA_ERR_COUNT;
        peer_rounds = 4;
        echo = (struct echo){ep, new_reply(), 4, MICA_ERR_COUNT, MICA_ERR_COUNT};
        /* The last round's threads reported done: let them suspend themselves before they are
         * restarted, so that they queue in restart order. */
        env_run_others();
        bool ok = k == 0 ? thread_spawn(&t3, HELPER_PRIO + 10, echo_server, ARG(&echo)) &&
                               thread_spawn(&t1, HELPER_PRIO, peer_client, lens[k]) &&
                               thread_spawn(&t2, HELPER_PRIO, log_x, 0xa)
                         : thread_restart(&t3, echo_server, ARG(&echo)) &&
                               thread_restart(&t1, peer_client, lens[k]) &&
                               thread_restart(&t2, log_x, 0xa);
        if (!ok)
            return;
        CHECK(thread_join(ts, 3));
        tap_printf("# length %u\n", lens[k]);
        CHECK_EQ(log_len(), 9);
        for (unsigned i = 0; i < 8 && i < log_len(); i++)
            CHECK_EQ(log_at(i), i % 2 ? 0xc : 0xe);
        CHECK_EQ(log_at(8), 0xa);
        CHECK_SYS(MICA_SYS_CALL, log_call_err, MICA_OK);
        CHECK_SYS(MICA_SYS_REPLY_RECV, echo.rr_err, MICA_OK);
        CHECK_SYS(MICA_SYS_SEND, echo.err, MICA_OK);
    }
}

static void t_reply_with_send(void)
{
    mica_cptr_t ep = new_ep();
    mica_word_t info = 0;

    if (!start_server(ep, 1, 1))
        return;
    mica_set_mr(0, 41);
    CHECK_SYS(MICA_SYS_CALL, mica_call(ep, mica_msginfo(1, 0, 0, 1), &info), MICA_OK);
    CHECK_EQ(mica_get_mr(0), 42);
    CHECK_EQ(mica_msginfo_label(info), 2);
    CHECK(thread_join1(&t3));
    CHECK_SYS(MICA_SYS_SEND, srv.err, MICA_OK);
}

static void t_reply_recv_first(void)
{
    mica_cptr_t ep = new_ep();
    mica_word_t info = 0;

    if (!start_server(ep, 2, 2))
        return;
    env_run_others();                     /* the server now waits in its first ReplyRecv */
    CHECK_EQ(srv.rr_err, MICA_ERR_COUNT); /* not returned yet */
    for (mica_word_t i = 0; i < 2; i++) {
        mica_set_mr(0, 10 * i);
        CHECK_SYS(MICA_SYS_CALL, mica_call(ep, mica_msginfo(3, 0, 0, 1), &info), MICA_OK);
        CHECK_EQ(mica_get_mr(0), 10 * i + 1);
    }
    CHECK(thread_join1(&t3));
    CHECK_SYS(MICA_SYS_REPLY_RECV, srv.rr_err, MICA_OK);
}

static void t_reply_recv_cancelled(void)
{
    mica_cptr_t ep = new_ep();

    if (!start_server(ep, 1, 2))
        return;
    env_run_others(); /* blocked in its first ReplyRecv */
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, ep, ROOT_DEPTH), MICA_OK);
    CHECK(thread_join1(&t3));
    CHECK_SYS(MICA_SYS_REPLY_RECV, srv.rr_err, MICA_ERR_CANCELLED);
}

static void t_call_needs_grant(void)
{
    mica_cptr_t ep = new_ep();
    mica_cptr_t w = env_mint(ep, MICA_RIGHT_WRITE, 0);
    mica_cptr_t wgr = env_mint(ep, MICA_RIGHT_WRITE | MICA_RIGHT_GRANT_REPLY, 0);
    mica_cptr_t r = env_mint(ep, MICA_RIGHT_READ | MICA_RIGHT_GRANT, 0);

    CHECK_SYS(MICA_SYS_CALL, mica_call(w, mica_msginfo(1, 0, 0, 0), 0),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_CALL, mica_call(r, mica_msginfo(1, 0, 0, 0), 0),
              MICA_ERR_INVALID_CAPABILITY);
    if (!start_server(ep, 1, 0))
        return;
    mica_set_mr(0, 1);
    CHECK_SYS(MICA_SYS_CALL, mica_call(wgr, mica_msginfo(1, 0, 0, 1), 0), MICA_OK);
    CHECK_EQ(mica_get_mr(0), 2);
    CHECK(thread_join1(&t3));
}

static void t_rights(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_cptr_t ro = env_mint(ep, MICA_RIGHT_READ, 0), wo = env_mint(ep, MICA_RIGHT_WRITE, 0);

    CHECK_SYS(MICA_SYS_SEND, mica_send(ro, 0), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_NBSEND, mica_nbsend(ro, 0), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_RECV, mica_recv(wo, reply, 0, 0), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_NBRECV, mica_nbrecv(wo, reply, 0, 0), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_NBRECV, mica_nbrecv(ro, reply, 0, 0), MICA_ERR_WOULD_BLOCK);
    CHECK_SYS(MICA_SYS_NBSEND, mica_nbsend(wo, 0), MICA_ERR_WOULD_BLOCK);
}

static void t_bad_objects(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();

    /* Reply argument that is not a Reply object. */
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, ep, 0, 0), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_NBRECV, mica_nbrecv(ep, MICA_INIT_TCB, 0, 0), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_REPLY_RECV, mica_reply_recv(ep, ep, 0, 0, 0), MICA_ERR_INVALID_CAPABILITY);
    /* Receiving from something that is neither an endpoint nor a notification. */
    CHECK_SYS(MICA_SYS_RECV, mica_recv(MICA_INIT_TCB, reply, 0, 0), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_NBRECV, mica_nbrecv(reply, reply, 0, 0), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_REPLY_RECV, mica_reply_recv(MICA_INIT_TCB, reply, 0, 0, 0),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_NBSEND, mica_nbsend(env_slot(), 0), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_CALL, mica_call(env_slot(), 0, 0), MICA_ERR_INVALID_CAPABILITY);
}

static void t_call_without_reply_object(void)
{
    mica_cptr_t ep = new_ep();
    mica_word_t badge = 0;

    msg_init(&m1, ep, 0x3, 0);
    if (!thread_spawn(&t1, HELPER_PRIO, caller, ARG(&m1)))
        return;
    /* Receive the call with no reply object: the caller cannot be answered. */
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, 0, &badge, 0), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_CALL, m1.err, MICA_ERR_CANCELLED);
}

/* The same with the caller queued first: the Recv takes its message and cancels it. */
static void t_queued_call_without_reply_object(void)
{
    mica_cptr_t ep = new_ep();
    mica_word_t badge = 0;

    msg_init(&m1, ep, 0x3, 0);
    if (!thread_spawn(&t1, HELPER_PRIO, caller, ARG(&m1)))
        return;
    env_run_others(); /* the caller blocks in the endpoint's send queue */
    CHECK(!t1.done);
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, 0, &badge, 0), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_CALL, m1.err, MICA_ERR_CANCELLED);
}

static void t_reply_object_deleted(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();

    msg_init(&m1, ep, 0x3, 1);
    if (!thread_spawn(&t1, HELPER_PRIO, caller, ARG(&m1)))
        return;
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, reply, 0, 0), MICA_OK);
    env_run_others();
    CHECK(!t1.done); /* waiting for the reply */
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, reply, ROOT_DEPTH), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_CALL, m1.err, MICA_ERR_CANCELLED);
}

static void t_reply_object_reused(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t badge = 0;

    msg_init(&m1, env_mint(ep, MICA_RIGHTS_ALL, 1), 0x3, 1);
    msg_init(&m2, env_mint(ep, MICA_RIGHTS_ALL, 2), 0x4, 1);
    if (!thread_spawn(&t1, HELPER_PRIO, caller, ARG(&m1)) ||
        !thread_spawn(&t2, HELPER_PRIO, caller, ARG(&m2)))
        return;
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, reply, &badge, 0), MICA_OK);
    CHECK_EQ(badge, 1);
    /* Using the reply object for the next call abandons the first caller. */
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, reply, &badge, 0), MICA_OK);
    CHECK_EQ(badge, 2);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_CALL, m1.err, MICA_ERR_CANCELLED);
    mica_set_mr(0, 5);
    CHECK_SYS(MICA_SYS_SEND, mica_send(reply, mica_msginfo(0, 0, 0, 1)), MICA_OK);
    CHECK(thread_join1(&t2));
    CHECK_SYS(MICA_SYS_CALL, m2.err, MICA_OK);
    CHECK_EQ(m2.mr[0], 5);
}

static void t_suspend_caller(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();

    msg_init(&m1, ep, 0x3, 1);
    if (!thread_spawn(&t1, HELPER_PRIO, caller, ARG(&m1)))
        return;
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, reply, 0, 0), MICA_OK);
    /* The caller waits for our reply; suspending it abandons the call. */
    CHECK_INV(MICA_TCB_SUSPEND, mica_tcb_suspend(t1.tcb), MICA_OK);
    mica_set_mr(0, 1);
    CHECK_SYS(MICA_SYS_SEND, mica_send(reply, mica_msginfo(0, 0, 0, 1)), MICA_OK);
    CHECK_INV(MICA_TCB_RESUME, mica_tcb_resume(t1.tcb), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_CALL, m1.err, MICA_ERR_CANCELLED);
}

static void t_fifo_senders(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    struct msg *ms[3] = {&m1, &m2, &m3};
    struct thread *ts[3] = {&t1, &t2, &t3};

    for (unsigned i = 0; i < 3; i++) {
        msg_init(ms[i], env_mint(ep, MICA_RIGHTS_ALL, i + 1), i, 1);
        if (!thread_spawn(ts[i], HELPER_PRIO, sender, ARG(ms[i])))
            return;
        env_run_others(); /* each blocks before the next starts */
    }
    for (unsigned i = 0; i < 3; i++) {
        mica_word_t badge = 0;
        CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, reply, &badge, 0), MICA_OK);
        CHECK_EQ(badge, i + 1);
    }
    CHECK(thread_join(ts, 3));
}

static void t_fifo_receivers(void)
{
    mica_cptr_t ep = new_ep();
    struct msg *ms[3] = {&m1, &m2, &m3};
    struct thread *ts[3] = {&t1, &t2, &t3};

    for (unsigned i = 0; i < 3; i++) {
        msg_init(ms[i], ep, 0, 0);
        ms[i]->reply = new_reply();
        if (!thread_spawn(ts[i], HELPER_PRIO, receiver, ARG(ms[i])))
            return;
        env_run_others();
    }
    for (unsigned i = 0; i < 3; i++) {
        mica_set_mr(0, 100 + i);
        CHECK_SYS(MICA_SYS_SEND, mica_send(ep, mica_msginfo(0, 0, 0, 1)), MICA_OK);
    }
    CHECK(thread_join(ts, 3));
    for (unsigned i = 0; i < 3; i++)
        CHECK_EQ(ms[i]->mr[0], 100 + i);
}

/* A receiver that accepts one capability into `slot` (0: accepts none). */
struct cap_rx {
    mica_cptr_t ep, reply, slot;
    mica_word_t info, badge0;
    mica_error_t err;
};

static void cap_receiver(mica_word_t arg)
{
    struct cap_rx *r = PTR(arg);

    mica_set_recv_slot(ROOT, r->slot, r->slot ? ROOT_DEPTH : 0);
    r->err = mica_recv(r->ep, r->reply, 0, &r->info);
    r->badge0 = mica_get_unwrapped_badge(0);
}

static struct cap_rx rx;

static bool start_cap_receiver(mica_cptr_t ep, mica_cptr_t slot)
{
    rx.ep = ep;
    rx.reply = new_reply();
    rx.slot = slot;
    rx.err = MICA_ERR_COUNT;
    rx.info = 0;
    if (!thread_spawn(&t1, HELPER_PRIO, cap_receiver, ARG(&rx)))
        return false;
    env_run_others();
    return true;
}

static void t_cap_transfer_grant(void)
{
    mica_cptr_t ep = new_ep(), n = new_ntfn(), slot = env_slot();
    mica_cptr_t badged = env_mint(n, MICA_RIGHTS_ALL, 0x8);
    mica_word_t bits = 0;

    if (!start_cap_receiver(ep, slot))
        return;
    mica_set_cap(0, badged);
    CHECK_SYS(MICA_SYS_SEND, mica_send(ep, mica_msginfo(5, 0, 1, 0)), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_RECV, rx.err, MICA_OK);
    CHECK_EQ(mica_msginfo_caps(rx.info), 1);
    CHECK_EQ(mica_msginfo_unwrapped(rx.info), 0);
    CHECK_CAP(slot, MICA_OBJ_NOTIFICATION);
    CHECK_CAP(badged, MICA_OBJ_NOTIFICATION); /* a copy was sent; ours stays */
    /* Same object, same badge. */
    CHECK_SYS(MICA_SYS_SEND, mica_signal(slot), MICA_OK);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, &bits), MICA_OK);
    CHECK_EQ(bits, 0x8);
}

static void t_cap_transfer_no_grant(void)
{
    mica_cptr_t ep = new_ep(), n = new_ntfn(), slot = env_slot();
    mica_cptr_t nogrant = env_mint(ep, MICA_RIGHT_WRITE | MICA_RIGHT_READ, 0);

    if (!start_cap_receiver(ep, slot))
        return;
    mica_set_cap(0, n);
    CHECK_SYS(MICA_SYS_SEND, mica_send(nogrant, mica_msginfo(5, 0, 1, 0)), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_RECV, rx.err, MICA_OK);
    CHECK_EQ(mica_msginfo_label(rx.info), 5); /* the message arrived ... */
    CHECK_EQ(mica_msginfo_caps(rx.info), 0);  /* ... without the capability */
    CHECK_CAP(slot, MICA_CAP_NULL);
}

static void t_cap_transfer_not_accepted(void)
{
    mica_cptr_t ep = new_ep(), n = new_ntfn(), slot = env_slot();

    if (!start_cap_receiver(ep, 0))
        return;
    mica_set_cap(0, n);
    CHECK_SYS(MICA_SYS_SEND, mica_send(ep, mica_msginfo(6, 0, 1, 0)), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_RECV, rx.err, MICA_OK);
    CHECK_EQ(mica_msginfo_label(rx.info), 6);
    CHECK_EQ(mica_msginfo_caps(rx.info), 0);
    CHECK_CAP(slot, MICA_CAP_NULL);
}

static void t_cap_unwrap(void)
{
    mica_cptr_t ep = new_ep(), slot = env_slot();
    mica_cptr_t badged = env_mint(ep, MICA_RIGHTS_ALL, 0x33);

    if (!start_cap_receiver(ep, slot))
        return;
    /* A badged cap to the very endpoint the message goes through is unwrapped to its badge. */
    mica_set_cap(0, badged);
    CHECK_SYS(MICA_SYS_SEND, mica_send(ep, mica_msginfo(7, 0, 1, 0)), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_RECV, rx.err, MICA_OK);
    CHECK_EQ(mica_msginfo_caps(rx.info), 1);
    CHECK_EQ(mica_msginfo_unwrapped(rx.info), 1);
    CHECK_EQ(rx.badge0, 0x33);
    CHECK_CAP(slot, MICA_CAP_NULL);
}

static void t_cap_transfer_one_slot(void)
{
    mica_cptr_t ep = new_ep(), n1 = new_ntfn(), n2 = new_ntfn(), slot = env_slot();

    if (!start_cap_receiver(ep, slot))
        return;
    /* Two caps, one receive slot: the first arrives, the second cannot. */
    mica_set_cap(0, n1);
    mica_set_cap(1, n2);
    CHECK_SYS(MICA_SYS_SEND, mica_send(ep, mica_msginfo(8, 0, 2, 0)), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_RECV, rx.err, MICA_OK);
    CHECK_EQ(mica_msginfo_caps(rx.info), 1);
    CHECK_CAP(slot, MICA_OBJ_NOTIFICATION);
}

/* A server that receives on `ep` and replies with one capability. */
struct cap_server {
    mica_cptr_t ep, reply, cap;
    mica_error_t err;
};

static void cap_server(mica_word_t arg)
{
    struct cap_server *s = PTR(arg);

    s->err = mica_recv(s->ep, s->reply, 0, 0);
    if (s->err == MICA_OK) {
        mica_set_cap(0, s->cap);
        s->err = mica_send(s->reply, mica_msginfo(1, 0, 1, 0));
    }
}

static struct cap_server csrv;

/* Call through client_cap a server that receives through server_cap with its Reply object
 * named by a cap with reply_rights; returns the reply's cap count and leaves the received cap
 * (if any) in slot. */
static unsigned call_for_cap(mica_cptr_t client_cap, mica_cptr_t server_cap,
                             mica_word_t reply_rights, mica_cptr_t slot)
{
    mica_word_t info = 0;

    csrv.ep = server_cap;
    csrv.reply = env_mint(new_reply(), reply_rights, 0);
    csrv.cap = new_ntfn();
    csrv.err = MICA_ERR_COUNT;
    if (!thread_spawn(&t3, HELPER_PRIO, cap_server, ARG(&csrv)))
        return ~0u;
    env_run_others();
    mica_set_recv_slot(ROOT, slot, ROOT_DEPTH);
    CHECK_SYS(MICA_SYS_CALL, mica_call(client_cap, mica_msginfo(1, 0, 0, 0), &info), MICA_OK);
    mica_set_recv_slot(0, 0, 0);
    CHECK(thread_join1(&t3));
    CHECK_SYS(MICA_SYS_SEND, csrv.err, MICA_OK);
    return mica_msginfo_caps(info);
}

/*
 * seL4 MCS: whether a reply may carry capabilities is decided by the Grant right of the Reply
 * cap the server replies with (performInvocation_Reply(..., capReplyCanGrant)); the caller's
 * endpoint rights (GRANT_REPLY is enough to Call) play no part.
 */
static void t_reply_grant_from_reply_cap(void)
{
    mica_cptr_t ep = new_ep(), slot = env_slot();

    unsigned caps = call_for_cap(env_mint(ep, MICA_RIGHT_WRITE | MICA_RIGHT_GRANT_REPLY, 0),
                                 env_mint(ep, MICA_RIGHT_READ, 0), MICA_RIGHTS_ALL, slot);
    CHECK_EQ(caps, 1);
    CHECK_CAP(slot, MICA_OBJ_NOTIFICATION);
}

static void t_reply_no_grant_from_reply_cap(void)
{
    mica_cptr_t ep = new_ep(), slot = env_slot();

    unsigned caps = call_for_cap(env_mint(ep, MICA_RIGHTS_ALL, 0), ep,
                                 MICA_RIGHTS_ALL & ~MICA_RIGHT_GRANT, slot);
    CHECK_EQ(caps, 0);
    CHECK_CAP(slot, MICA_CAP_NULL);
}

static void t_recv_slot_occupied(void)
{
    mica_cptr_t ep = new_ep(), n = new_ntfn(), slot = new_ep();

    if (!start_cap_receiver(ep, slot))
        return;
    /* The receive slot is not empty: the message arrives, the capability does not. */
    mica_set_cap(0, n);
    CHECK_SYS(MICA_SYS_SEND, mica_send(ep, mica_msginfo(9, 0, 1, 0)), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_RECV, rx.err, MICA_OK);
    CHECK_EQ(mica_msginfo_label(rx.info), 9);
    CHECK_EQ(mica_msginfo_caps(rx.info), 0);
    CHECK_CAP(slot, MICA_OBJ_ENDPOINT);
}

static void t_send_blocks_until_received(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();

    msg_init(&m1, ep, 0x1, 0);
    if (!thread_spawn(&t1, HELPER_PRIO, sender, ARG(&m1)))
        return;
    env_run_others();
    CHECK(!t1.done);
    CHECK_EQ(m1.err, MICA_ERR_COUNT);
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, reply, 0, 0), MICA_OK);
    CHECK(thread_join1(&t1));
    CHECK_SYS(MICA_SYS_SEND, m1.err, MICA_OK);
}

const struct tap_test ipc_tests[] = {
    TEST(t_send_recv_short, "ipc: send/recv in registers", SYS(MICA_SYS_RECV, MICA_OK),
         SYS(MICA_SYS_SEND, MICA_OK)),
    TEST(t_send_recv_long, "ipc: 64-word message through the IPC buffer",
         SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_length_clamped, "ipc: message length clamped to MICA_MSG_MAX_LEN",
         SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_badge, "ipc: receiver sees the sender's badge", SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_nbsend_no_receiver, "ipc: NBSend without a receiver drops the message",
         SYS(MICA_SYS_NBSEND, MICA_ERR_WOULD_BLOCK), SYS(MICA_SYS_NBRECV, MICA_ERR_WOULD_BLOCK)),
    TEST(t_nbsend_to_waiting_receiver, "ipc: NBSend to a waiting receiver",
         SYS(MICA_SYS_NBSEND, MICA_OK)),
    TEST(t_nbrecv, "ipc: NBRecv with and without a blocked sender",
         SYS(MICA_SYS_NBRECV, MICA_ERR_WOULD_BLOCK), SYS(MICA_SYS_NBRECV, MICA_OK)),
    TEST(t_call_reply_recv, "ipc: Call and ReplyRecv with badges", SYS(MICA_SYS_CALL, MICA_OK),
         SYS(MICA_SYS_REPLY_RECV, MICA_OK)),
    TEST(t_reply_with_send, "ipc: Send on a Reply object replies", SYS(MICA_SYS_CALL, MICA_OK),
         SYS(MICA_SYS_SEND, MICA_OK)),
    TEST(t_call_lengths, "ipc: Call/ReplyRecv with 0 to MICA_MSG_REGS + 1 message registers",
         SYS(MICA_SYS_CALL, MICA_OK), SYS(MICA_SYS_REPLY_RECV, MICA_OK),
         SYS(MICA_SYS_SEND, MICA_OK)),
    TEST(t_call_same_priority_order,
         "ipc: a Call's server and a reply's caller go ahead of ready threads of their priority",
         SYS(MICA_SYS_CALL, MICA_OK), SYS(MICA_SYS_SEND, MICA_OK)),
    TEST(t_reply_ahead_of_peers,
         "ipc: a caller resumes from ReplyRecv ahead of a ready peer, fast path or not",
         SYS(MICA_SYS_CALL, MICA_OK), SYS(MICA_SYS_REPLY_RECV, MICA_OK),
         SYS(MICA_SYS_SEND, MICA_OK)),
    TEST(t_reply_recv_first, "ipc: ReplyRecv with an unused reply object only receives",
         SYS(MICA_SYS_REPLY_RECV, MICA_OK), SYS(MICA_SYS_CALL, MICA_OK)),
    TEST(t_reply_recv_cancelled, "ipc: ReplyRecv blocked on a destroyed endpoint is cancelled",
         SYS(MICA_SYS_REPLY_RECV, MICA_ERR_CANCELLED)),
    TEST(t_call_needs_grant, "ipc: Call needs WRITE and GRANT or GRANT_REPLY",
         SYS(MICA_SYS_CALL, MICA_ERR_INVALID_CAPABILITY), SYS(MICA_SYS_CALL, MICA_OK)),
    TEST(t_rights, "ipc: Send needs WRITE, Recv needs READ",
         SYS(MICA_SYS_SEND, MICA_ERR_INVALID_CAPABILITY),
         SYS(MICA_SYS_NBSEND, MICA_ERR_INVALID_CAPABILITY),
         SYS(MICA_SYS_RECV, MICA_ERR_INVALID_CAPABILITY),
         SYS(MICA_SYS_NBRECV, MICA_ERR_INVALID_CAPABILITY)),
    TEST(t_bad_objects, "ipc: wrong object types for endpoint and reply arguments",
         SYS(MICA_SYS_RECV, MICA_ERR_INVALID_CAPABILITY),
         SYS(MICA_SYS_NBRECV, MICA_ERR_INVALID_CAPABILITY),
         SYS(MICA_SYS_REPLY_RECV, MICA_ERR_INVALID_CAPABILITY),
         SYS(MICA_SYS_CALL, MICA_ERR_INVALID_CAPABILITY)),
    TEST(t_call_without_reply_object, "ipc: a call received without a reply object is cancelled",
         SYS(MICA_SYS_CALL, MICA_ERR_CANCELLED)),
    TEST(t_queued_call_without_reply_object,
         "ipc: a queued call received without a reply object is cancelled",
         SYS(MICA_SYS_RECV, MICA_OK), SYS(MICA_SYS_CALL, MICA_ERR_CANCELLED)),
    TEST(t_reply_object_deleted, "ipc: deleting the reply object cancels the caller",
         SYS(MICA_SYS_CALL, MICA_ERR_CANCELLED)),
    TEST(t_reply_object_reused, "ipc: reusing a reply object cancels its previous caller",
         SYS(MICA_SYS_CALL, MICA_ERR_CANCELLED), SYS(MICA_SYS_CALL, MICA_OK)),
    TEST(t_suspend_caller, "ipc: suspending a caller abandons its call",
         SYS(MICA_SYS_CALL, MICA_ERR_CANCELLED), INV(MICA_TCB_SUSPEND, MICA_OK)),
    TEST(t_fifo_senders, "ipc: blocked senders are served in FIFO order",
         SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_fifo_receivers, "ipc: blocked receivers are served in FIFO order",
         SYS(MICA_SYS_SEND, MICA_OK)),
    TEST(t_cap_transfer_grant, "ipc: capability transfer through a GRANT cap",
         SYS(MICA_SYS_SEND, MICA_OK), SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_cap_transfer_no_grant, "ipc: without GRANT the capability is dropped",
         SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_cap_transfer_not_accepted, "ipc: receiver that accepts no capability",
         SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_cap_unwrap, "ipc: a badged cap to the same endpoint is unwrapped",
         SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_cap_transfer_one_slot, "ipc: at most one capability per receive slot",
         SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_reply_grant_from_reply_cap, "ipc: a reply carries caps if the Reply cap has GRANT",
         SYS(MICA_SYS_CALL, MICA_OK), SYS(MICA_SYS_SEND, MICA_OK)),
    TEST(t_reply_no_grant_from_reply_cap,
         "ipc: no caps in a reply through a Reply cap without GRANT", SYS(MICA_SYS_CALL, MICA_OK),
         SYS(MICA_SYS_SEND, MICA_OK)),
    TEST(t_recv_slot_occupied, "ipc: an occupied receive slot gets no capability",
         SYS(MICA_SYS_RECV, MICA_OK)),
    TEST(t_send_blocks_until_received, "ipc: Send blocks until a receiver arrives",
         SYS(MICA_SYS_SEND, MICA_OK)),
};
DEFINE_COUNT(ipc);
