/* SPDX-License-Identifier: MIT */
/*
 * SMP: threads on the CPU of their SchedContext (the SchedControl that configured it), woken
 * there by IPC and signals from another CPU, moved by a reconfiguration, stopped by Suspend and
 * deletion while they run elsewhere; device interrupts routed to a chosen CPU. Skipped with one
 * CPU (but for IRQHandler_SetCPU's argument errors). The root task runs on CPU 0 at the
 * highest priority and spins where it waits, so that a helper's progress while it waits shows
 * the helper ran on another CPU; bounded spins make a lost wake-up a failure, not a hang.
 */
#include "suite.h"

#define SCTL(cpu) (env_bi->sched_control.start + (cpu))
#define GOAL      100000u
#define SPIN_MAX  400000000ul /* root's bound on any wait: seconds of QEMU time, without -icount */

static volatile unsigned long counter[MAX_THREADS];

static bool smp_skip(void)
{
    if (env_bi->num_cpus > 1)
        return false;
    tap_skip("one CPU");
    return true;
}

/* A helper of priority prio whose SchedContext is configured through CPU cpu's SchedControl. */
static bool spawn_on(struct thread *t, unsigned cpu, unsigned prio, thread_fn fn, mica_word_t arg)
{
    return thread_create(t, prio, fn, arg, true) &&
           CHECK_INV(
               MICA_SCHED_CONTROL_CONFIGURE,
               mica_sched_control_configure(SCTL(cpu), t->sc, TIMESLICE_US, TIMESLICE_US, 0, 0),
               MICA_OK) &&
           thread_start(t);
}

/* Spin until *p reaches want (true) or the bound runs out (false). */
static bool spin_until(volatile unsigned long *p, unsigned long want)
{
    for (unsigned long i = 0; i < SPIN_MAX; i++)
        if (*p >= want)
            return true;
    return false;
}

/* thread_join's idle sentinel runs on CPU 0 and would call a helper still running on another CPU
 * stuck: wait for it spinning instead, with the same bound. */
static bool join_spinning(struct thread *t)
{
    for (unsigned long i = 0; i < SPIN_MAX; i++)
        if (t->done)
            return true;
    return false;
}

static void spin(unsigned long n)
{
    for (volatile unsigned long i = 0; i < n; i++)
        ;
}

/* Counts in counter[arg] up to GOAL, or for ever with arg | 0x100. */
static void count_fn(mica_word_t arg)
{
    volatile unsigned long *c = &counter[arg & 0xff];

    while ((arg & 0x100) || *c < GOAL)
        (*c)++;
}

static void t_smp_pinned(void)
{
    struct thread ts[MAX_THREADS];
    struct thread *tp[MAX_THREADS];
    unsigned n = env_bi->num_cpus < MAX_THREADS ? (unsigned)env_bi->num_cpus : MAX_THREADS;

    if (smp_skip())
        return;
    for (unsigned i = 1; i < n; i++) {
        counter[i] = 0;
        tp[i - 1] = &ts[i];
        if (!spawn_on(&ts[i], i, HELPER_PRIO, count_fn, i))
            return;
    }
    /* The root task keeps CPU 0: the others count on theirs meanwhile. */
    for (unsigned i = 1; i < n; i++)
        CHECK(spin_until(&counter[i], GOAL));
    for (unsigned i = 0; i + 1 < n; i++)
        CHECK(join_spinning(tp[i]));
}

struct ping {
    mica_cptr_t ep, reply;
    unsigned rounds;
    mica_error_t err;
};

static void server_fn(mica_word_t arg)
{
    struct ping *p = PTR(arg);
    mica_word_t badge = 0, info = 0;

    p->err = mica_recv(p->ep, p->reply, &badge, &info);
    for (unsigned i = 0; p->err == MICA_OK; i++) {
        mica_set_mr(0, mica_get_mr(0) + 1);
        if (i + 1 == p->rounds) {
            p->err = mica_send(p->reply, mica_msginfo(0, 0, 0, 1));
            break;
        }
        p->err = mica_reply_recv(p->ep, p->reply, mica_msginfo(0, 0, 0, 1), &badge, &info);
    }
}

static void t_smp_call(void)
{
    struct thread s;
    struct ping p = {new_ep(), new_reply(), 200, MICA_OK};

    if (smp_skip())
        return;
    if (!spawn_on(&s, 1, HELPER_PRIO, server_fn, ARG(&p)))
        return;
    for (unsigned i = 0; i < p.rounds; i++) {
        mica_word_t info = 0;
        mica_set_mr(0, i);
        if (!CHECK_SYS(MICA_SYS_CALL, mica_call(p.ep, mica_msginfo(0, 0, 0, 1), &info), MICA_OK))
            break;
        if (!CHECK_EQ(mica_get_mr(0), i + 1))
            break;
    }
    CHECK(join_spinning(&s));
    CHECK_EQ(p.err, MICA_OK);
}

struct sig {
    mica_cptr_t in, out;
    unsigned rounds;
    volatile unsigned long seen;
};

static void signal_fn(mica_word_t arg)
{
    struct sig *s = PTR(arg);

    for (unsigned i = 0; i < s->rounds; i++) {
        if (mica_wait(s->in, NULL) != MICA_OK)
            return;
        s->seen++;
        mica_signal(s->out);
    }
}

static void t_smp_signal(void)
{
    struct thread t;
    struct sig s = {new_ntfn(), new_ntfn(), 200, 0};

    if (smp_skip())
        return;
    if (!spawn_on(&t, 1, HELPER_PRIO, signal_fn, ARG(&s)))
        return;
    for (unsigned i = 0; i < s.rounds; i++) {
        /* Signal, then wait for the answer spinning (root keeps CPU 0): the helper must have been
         * woken on CPU 1. */
        CHECK_SYS(MICA_SYS_SEND, mica_signal(s.in), MICA_OK);
        if (!CHECK(spin_until(&s.seen, i + 1)))
            break;
        CHECK_SYS(MICA_SYS_RECV, mica_wait(s.out, NULL), MICA_OK);
    }
    CHECK(join_spinning(&t));
}

/* No progress for a while: the thread does not run anywhere. */
static bool frozen(unsigned i)
{
    unsigned long a = counter[i];

    spin(2000000);
    return counter[i] == a;
}

static void t_smp_migrate(void)
{
    struct thread t;

    if (smp_skip())
        return;
    counter[0] = 0;
    /* On CPU 0 below the root task: it cannot run while the root spins. */
    if (!spawn_on(&t, 0, HELPER_PRIO, count_fn, 0x100))
        return;
    CHECK(frozen(0));
    CHECK_EQ(counter[0], 0);
    /* Configured through CPU 1's SchedControl, it goes there and runs. */
    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
              mica_sched_control_configure(SCTL(1), t.sc, TIMESLICE_US, TIMESLICE_US, 0, 0),
              MICA_OK);
    CHECK(spin_until(&counter[0], 1000));
    /* Back to CPU 0 while it runs on CPU 1: it stops there. */
    CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
              mica_sched_control_configure(SCTL(0), t.sc, TIMESLICE_US, TIMESLICE_US, 0, 0),
              MICA_OK);
    CHECK(frozen(0));
    CHECK_INV(MICA_TCB_SUSPEND, mica_tcb_suspend(t.tcb), MICA_OK);
}

static void t_smp_suspend_running(void)
{
    struct thread t;

    if (smp_skip())
        return;
    counter[1] = 0;
    if (!spawn_on(&t, 1, HELPER_PRIO, count_fn, 0x101))
        return;
    CHECK(spin_until(&counter[1], 1000));
    CHECK_INV(MICA_TCB_SUSPEND, mica_tcb_suspend(t.tcb), MICA_OK);
    CHECK(frozen(1));
    CHECK_INV(MICA_TCB_RESUME, mica_tcb_resume(t.tcb), MICA_OK);
    unsigned long now = counter[1];
    CHECK(spin_until(&counter[1], now + 1000));
    /* Registers of a thread running elsewhere: read at rest, written before it goes on. */
    mica_word_t pc = 0;
    CHECK_INV(MICA_TCB_READ_REGISTERS, mica_tcb_read_registers(t.tcb, MICA_REG_PC, 1, &pc),
              MICA_OK);
    CHECK(pc != 0);
    /* Deleted while it runs on CPU 1: it stops for good. */
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, t.tcb, ROOT_DEPTH), MICA_OK);
    CHECK(frozen(1));
}

static void recv_fn(mica_word_t arg)
{
    struct sig *s = PTR(arg);

    s->seen = 1;
    mica_recv(s->in, s->out, NULL, NULL);
    s->seen = 2;
}

static void t_smp_suspend_blocked(void)
{
    struct thread t;
    struct sig s = {new_ep(), new_reply(), 0, 0};

    if (smp_skip())
        return;
    if (!spawn_on(&t, 1, HELPER_PRIO, recv_fn, ARG(&s)))
        return;
    /* It started on CPU 1; given time, it waits in Recv there. */
    CHECK(spin_until(&s.seen, 1));
    spin(2000000);
    CHECK_INV(MICA_TCB_SUSPEND, mica_tcb_suspend(t.tcb), MICA_OK);
    /* Suspended, it no longer receives, and its Recv did not return. */
    CHECK_SYS(MICA_SYS_NBSEND, mica_nbsend(s.in, mica_msginfo(0, 0, 0, 0)), MICA_ERR_WOULD_BLOCK);
    spin(2000000);
    CHECK_EQ(s.seen, 1);
}

struct passive {
    mica_cptr_t ep, reply;
    volatile unsigned long waiting, served, calls;
    mica_error_t err;
};

/* Reaches Recv on its own context, which the root then takes away; serves on the caller's. */
static void passive_fn(mica_word_t arg)
{
    struct passive *p = PTR(arg);

    p->waiting = 1;
    mica_recv(p->ep, p->reply, NULL, NULL);
    for (;;) {
        p->served++;
        mica_reply_recv(p->ep, p->reply, mica_msginfo(0, 0, 0, 0), NULL, NULL);
    }
}

static void passive_client_fn(mica_word_t arg)
{
    struct passive *p = PTR(arg);

    for (unsigned i = 0; i < 50; i++) {
        p->err = mica_call(p->ep, mica_msginfo(0, 0, 0, 0), NULL);
        if (p->err != MICA_OK)
            return;
        p->calls++;
    }
}

static void t_smp_passive_server(void)
{
    struct thread srv, cl;
    struct passive p = {new_ep(), new_reply(), 0, 0, 0, MICA_OK};

    if (smp_skip())
        return;
    /* The server waits on CPU 0 (below the root task), then loses its context: passive. */
    if (!spawn_on(&srv, 0, HELPER_PRIO + 1, passive_fn, ARG(&p)))
        return;
    env_run_others();
    CHECK_EQ(p.waiting, 1);
    CHECK_INV(MICA_SCHED_CONTEXT_UNBIND, mica_sched_context_unbind(srv.sc), MICA_OK);
    /* A client on CPU 1 calls it while the root keeps CPU 0: the server can only have run on
     * the client's CPU, on the client's donated context. */
    if (!spawn_on(&cl, 1, HELPER_PRIO, passive_client_fn, ARG(&p)))
        return;
    CHECK(spin_until(&p.calls, 50));
    CHECK_EQ(p.served, 50);
    CHECK_SYS(MICA_SYS_CALL, p.err, MICA_OK);
    CHECK(join_spinning(&cl));
}

static volatile mica_word_t *shoot_page;

static void touch_fn(mica_word_t arg)
{
    for (;;) {
        (*shoot_page)++;
        counter[arg]++;
    }
}

static void t_smp_tlb_shootdown(void)
{
    struct thread t;
    mica_cptr_t f, ep = new_ep(), reply = new_reply();
    mica_word_t top = env_bi->user_vaddr_top ? env_bi->user_vaddr_top : (mica_word_t)1 << 30;
    mica_word_t va = (top & ~(((mica_word_t)1 << MICA_PAGE_BITS) - 1)) - (300u << MICA_PAGE_BITS);

    if (smp_skip())
        return;
    if (!(env_bi->flags & MICA_BOOT_FLAG_MMU)) {
        tap_skip("no MMU: no TLB");
        return;
    }
    f = env_new(MICA_OBJ_FRAME, MICA_PAGE_BITS);
    if (!f || !CHECK(env_map_device(f, va)))
        return;
    shoot_page = (volatile mica_word_t *)va;
    counter[2] = 0;
    if (!thread_create(&t, HELPER_PRIO, touch_fn, 2, true) ||
        !CHECK_INV(MICA_TCB_SET_FAULT_HANDLER, mica_tcb_set_fault_handler(t.tcb, ep), MICA_OK) ||
        !CHECK_INV(MICA_SCHED_CONTROL_CONFIGURE,
                   mica_sched_control_configure(SCTL(1), t.sc, TIMESLICE_US, TIMESLICE_US, 0, 0),
                   MICA_OK) ||
        !thread_start(&t))
        return;
    /* It keeps the page in CPU 1's TLB; CPU 0 unmaps it: the next touch there must fault. */
    CHECK(spin_until(&counter[2], 10000));
    CHECK_INV(MICA_FRAME_UNMAP, mica_frame_unmap(f), MICA_OK);
    CHECK(frozen(2));
    /* Its fault reaches the handler once CPU 1 gets the lock: poll for it, bounded. */
    mica_word_t badge = 0, info = 0;
    mica_error_t err = MICA_ERR_WOULD_BLOCK;
    for (unsigned long i = 0; i < SPIN_MAX / 1000 && err == MICA_ERR_WOULD_BLOCK; i++)
        err = mica_nbrecv(ep, reply, &badge, &info);
    CHECK_SYS(MICA_SYS_NBRECV, err, MICA_OK);
    CHECK_EQ(mica_msginfo_label(info), MICA_FAULT_MEMORY);
    CHECK_EQ(mica_get_mr(1), va);
    CHECK_INV(MICA_TCB_SUSPEND, mica_tcb_suspend(t.tcb), MICA_OK);
}

/* IRQHandler_SetCPU's errors, on any number of CPUs, on a line of whatever board this is. */
static void t_smp_irq_set_cpu_errors(void)
{
    mica_cptr_t h = env_slot(), n = new_ntfn();
    mica_word_t irq = irq_claim_any(h), cpu = 0;

    CHECK_SYS(MICA_SYS_DEBUG_IRQ_CPU, mica_debug_irq_cpu(~(mica_word_t)0, &cpu), MICA_ERR_RANGE);
    if (irq == ~(mica_word_t)0) {
        tap_skip("IRQControl hands out no line below 1024 on this board");
        return;
    }
    /* The boot CPU is always there; the CPU after the last started one is not. */
    CHECK_INV(MICA_IRQ_HANDLER_SET_CPU, mica_irq_handler_set_cpu(h, 0), MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_SET_CPU, mica_irq_handler_set_cpu(h, env_bi->num_cpus),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_IRQ_HANDLER_SET_CPU, mica_irq_handler_set_cpu(h, ~(mica_word_t)0),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_IRQ_HANDLER_SET_CPU, mica_invoke(h, MICA_IRQ_HANDLER_SET_CPU, 0, 0, 0, 0, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_IRQ_HANDLER_SET_CPU, mica_irq_handler_set_cpu(n, 0), MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_IRQ_HANDLER_SET_CPU, mica_irq_handler_set_cpu(MICA_INIT_IRQ_CONTROL, 0),
              MICA_ERR_ILLEGAL_OPERATION);
    /* A line that has not interrupted since it was claimed may have done so before: only the
     * debug query's answer for a claimable line is checked. */
    CHECK_SYS(MICA_SYS_DEBUG_IRQ_CPU, mica_debug_irq_cpu(irq, &cpu), MICA_OK);
    CHECK(cpu == ~(mica_word_t)0 || cpu < env_bi->num_cpus);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, h, ROOT_DEPTH), MICA_OK);
}

struct irq_waiter {
    mica_cptr_t n;
    volatile unsigned long seen;
};

static void irq_wait_fn(mica_word_t arg)
{
    struct irq_waiter *w = PTR(arg);

    while (mica_wait(w->n, NULL) == MICA_OK)
        w->seen++;
}

/* Wait for the waiter's seen-th interrupt, and return the CPU the kernel says took it (~0 after a
 * failed check). */
static mica_word_t irq_taken(struct irq_waiter *w, struct board_line *l, unsigned long seen)
{
    mica_word_t took = ~(mica_word_t)0;

    if (CHECK(spin_until(&w->seen, seen)))
        CHECK_SYS(MICA_SYS_DEBUG_IRQ_CPU, mica_debug_irq_cpu(l->irq, &took), MICA_OK);
    return took;
}

/*
 * The board's device line, first on the default CPU, then routed to CPU 1 (where its driver thread
 * waits), to the last CPU, and back to CPU 0: the kernel's record of which CPU took each interrupt
 * must follow the route. Each new route is set while the line is masked after an interrupt
 * (claimed, not yet acknowledged) and the device already requests the next one; the root task
 * acknowledges from CPU 0. Then the line is routed away from the default, its handler deleted and
 * the line claimed again: it must be back on the default CPU.
 */
static void t_smp_irq_route(void)
{
    struct thread t;
    struct board_line l;
    struct irq_waiter w = {new_ntfn(), 0};
    mica_word_t cpus[4] = {0, 1, env_bi->num_cpus - 1, 0}, took, other;

    if (smp_skip() || !board_line_claim(&l, w.n, (mica_word_t)1 << 31))
        return;
    if (!spawn_on(&t, 1, HELPER_PRIO, irq_wait_fn, ARG(&w)))
        return;
    board_line_raise(&l);
    for (unsigned i = 0; i < 4 && !tap_failed(); i++) {
        took = irq_taken(&w, &l, i + 1);
        if (i == 0) {
            CHECK(took < env_bi->num_cpus);
            cpus[0] = took; /* the default CPU (CONFIG_IRQ_DEFAULT_CPU) */
        }
        CHECK_EQ(took, cpus[i]);
        board_line_lower(&l);
        if (i + 1 < 4) {
            board_line_raise(&l);
            CHECK_INV(MICA_IRQ_HANDLER_SET_CPU, mica_irq_handler_set_cpu(l.handler, cpus[i + 1]),
                      MICA_OK);
        }
        CHECK_INV(MICA_IRQ_HANDLER_ACK, mica_irq_handler_ack(l.handler), MICA_OK);
    }
    other = cpus[0] == 1 ? 0 : 1;
    CHECK_INV(MICA_IRQ_HANDLER_SET_CPU, mica_irq_handler_set_cpu(l.handler, other), MICA_OK);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, l.handler, ROOT_DEPTH), MICA_OK);
    CHECK_INV(MICA_IRQ_CONTROL_GET,
              mica_irq_control_get(MICA_INIT_IRQ_CONTROL, l.irq, ROOT, l.handler, ROOT_DEPTH),
              MICA_OK);
    CHECK_INV(MICA_IRQ_HANDLER_SET_NOTIFICATION,
              mica_irq_handler_set_notification(l.handler, env_mint(w.n, MICA_RIGHTS_ALL, 0x4)),
              MICA_OK);
    board_line_raise(&l);
    CHECK_EQ(irq_taken(&w, &l, 5), cpus[0]);
    CHECK_INV(MICA_TCB_SUSPEND, mica_tcb_suspend(t.tcb), MICA_OK);
    board_line_release(&l);
}

const struct tap_test smp_tests[] = {
    TEST(t_smp_pinned, "smp: a thread pinned to each other CPU counts while the root task runs",
         INV(MICA_SCHED_CONTROL_CONFIGURE, MICA_OK)),
    TEST(t_smp_call, "smp: Call and ReplyRecv with a server on another CPU",
         SYS(MICA_SYS_CALL, MICA_OK)),
    TEST(t_smp_signal, "smp: a signal wakes a thread on another CPU", SYS(MICA_SYS_SEND, MICA_OK)),
    TEST(t_smp_migrate, "smp: reconfiguring a SchedContext for another CPU moves its thread",
         INV(MICA_SCHED_CONTROL_CONFIGURE, MICA_OK)),
    TEST(t_smp_suspend_running,
         "smp: suspend, register access and deletion of a thread running on another CPU",
         INV(MICA_TCB_SUSPEND, MICA_OK), INV(MICA_TCB_READ_REGISTERS, MICA_OK)),
    TEST(t_smp_suspend_blocked, "smp: suspending a thread blocked in IPC on another CPU",
         INV(MICA_TCB_SUSPEND, MICA_OK)),
    TEST(t_smp_passive_server,
         "smp: a passive server runs on the CPU of the context a caller there donates",
         INV(MICA_SCHED_CONTEXT_UNBIND, MICA_OK), SYS(MICA_SYS_CALL, MICA_OK)),
    TEST(t_smp_tlb_shootdown, "smp: a page unmapped on CPU 0 faults at once on CPU 1",
         INV(MICA_FRAME_UNMAP, MICA_OK), SYS(MICA_SYS_NBRECV, MICA_OK)),
    TEST(t_smp_irq_set_cpu_errors, "smp: IRQHandler_SetCPU argument errors",
         INV(MICA_IRQ_HANDLER_SET_CPU, MICA_OK), INV(MICA_IRQ_HANDLER_SET_CPU, MICA_ERR_RANGE),
         INV(MICA_IRQ_HANDLER_SET_CPU, MICA_ERR_TRUNCATED_MESSAGE),
         INV(MICA_IRQ_HANDLER_SET_CPU, MICA_ERR_ILLEGAL_OPERATION),
         SYS(MICA_SYS_DEBUG_IRQ_CPU, MICA_ERR_RANGE), SYS(MICA_SYS_DEBUG_IRQ_CPU, MICA_OK)),
    TEST(t_smp_irq_route,
         "smp: a device line routed to CPU 1, the last CPU and back to CPU 0 is taken there; "
         "a new claim starts on the default CPU",
         INV(MICA_IRQ_HANDLER_SET_CPU, MICA_OK), SYS(MICA_SYS_DEBUG_IRQ_CPU, MICA_OK),
         INV(MICA_IRQ_CONTROL_GET, MICA_OK)),
};
DEFINE_COUNT(smp);
