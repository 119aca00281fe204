/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks, run as the root task. Each figure is the median over BATCHES batches of the mean
 * time of one operation within a batch of BATCH operations, so the clock's own cost is spread
 * out. On hosted the clock is the host's CLOCK_MONOTONIC (user/arch/hosted/host_clock.c).
 */
#include <mica/invoke.h>
#include <mica/user.h>

#define BATCH     200
#define BATCHES   301
#define STACK     (16 * 1024)
#define DEPTH     MICA_WORD_BITS
#define ROOT_PRIO 100 /* below the partners, so that a wake-up switches to them */

uint64_t mica_hosted_clock_ns(void);

static char stack_a[STACK] __attribute__((aligned(16)));
static mica_cptr_t ep, reply, ntfn, tcb_a, buf_a, sc_a;
static uint64_t samples[BATCHES];

static void sort(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

/* Record batch b's per-operation time in tenths of ns. */
static void record(unsigned b, uint64_t t0, uint64_t t1, unsigned ops)
{
    samples[b] = (t1 - t0) * 10 / ops;
}

static void report(const char *name, const char *what)
{
    sort(samples, BATCHES);
    uint64_t med = samples[BATCHES / 2];
    mica_printf("bench: %-22s median %4lu.%lu ns  (min %lu.%lu, max %lu.%lu)  %s\n", name,
                (unsigned long)(med / 10), (unsigned long)(med % 10),
                (unsigned long)(samples[0] / 10), (unsigned long)(samples[0] % 10),
                (unsigned long)(samples[BATCHES - 1] / 10),
                (unsigned long)(samples[BATCHES - 1] % 10), what);
}

/* Raw syscalls: MR0..3 stay in registers, nothing goes through the IPC buffer. */
static void server(mica_word_t arg)
{
    struct mica_regs r = {{ep, 0, 0, 0, 0, 0, reply, MICA_SYS_RECV}};

    (void)arg;
    mica_syscall(&r);
    for (;;) {
        r.r[0] = ep;
        r.r[1] = mica_msginfo(0, 0, 0, 1);
        r.r[2]++;
        r.r[6] = reply;
        r.r[7] = MICA_SYS_REPLY_RECV;
        mica_syscall(&r);
    }
}

static void waiter(mica_word_t arg)
{
    (void)arg;
    for (;;)
        mica_wait(ntfn, NULL);
}

static void yielder(mica_word_t arg)
{
    (void)arg;
    for (;;)
        mica_yield();
}

static int start(void (*fn)(mica_word_t), mica_word_t prio)
{
    mica_word_t addr;
    mica_word_t regs[2] = {(mica_word_t)fn, (mica_word_t)(stack_a + STACK)};

    if (mica_frame_get_address(buf_a, &addr) ||
        mica_tcb_configure(tcb_a, MICA_INIT_CNODE, MICA_INIT_VSPACE, addr, buf_a) ||
        mica_tcb_set_priority(tcb_a, MICA_INIT_TCB, prio) ||
        mica_tcb_write_registers(tcb_a, 1, MICA_REG_PC, 2, regs))
        return -1;
    return 0;
}

static void bench_call(void)
{
    struct mica_regs r;

    start(server, 200);
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = mica_hosted_clock_ns();
        for (unsigned i = 0; i < BATCH; i++) {
            r = (struct mica_regs){{ep, mica_msginfo(1, 0, 0, 1), i, 0, 0, 0, 0, MICA_SYS_CALL}};
            mica_syscall(&r);
        }
        record(b, t0, mica_hosted_clock_ns(), BATCH);
    }
    mica_tcb_suspend(tcb_a);
    report("call+replyrecv", "round trip, client Call -> server ReplyRecv -> client");
}

/* The same round trip to a passive server: each Call lends the client's scheduling context to
 * the server, each ReplyRecv gives it back (MCS donation). */
static void bench_passive_call(void)
{
    struct mica_regs r;

    start(server, 200);                  /* runs on sc_a until it waits in Recv ... */
    if (mica_sched_context_unbind(sc_a)) /* ... then has no time of its own */
        mica_printf("bench: unbind failed\n");
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = mica_hosted_clock_ns();
        for (unsigned i = 0; i < BATCH; i++) {
            r = (struct mica_regs){{ep, mica_msginfo(1, 0, 0, 1), i, 0, 0, 0, 0, MICA_SYS_CALL}};
            mica_syscall(&r);
        }
        record(b, t0, mica_hosted_clock_ns(), BATCH);
    }
    mica_tcb_suspend(tcb_a);
    mica_sched_context_bind(sc_a, tcb_a);
    report("passive call+replyrecv", "round trip to a passive server on the client's SchedContext");
}

static void bench_signal(void)
{
    start(waiter, 200);
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = mica_hosted_clock_ns();
        for (unsigned i = 0; i < BATCH; i++)
            mica_signal(ntfn);
        record(b, t0, mica_hosted_clock_ns(), BATCH);
    }
    mica_tcb_suspend(tcb_a);
    report("signal-to-wake", "Signal wakes a higher-priority waiter, which Waits again");
}

static void bench_yield(void)
{
    start(yielder, ROOT_PRIO);
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = mica_hosted_clock_ns();
        for (unsigned i = 0; i < BATCH; i++)
            mica_yield();
        record(b, t0, mica_hosted_clock_ns(), 2 * BATCH);
    }
    mica_tcb_suspend(tcb_a);
    report("yield", "one Yield that switches to another thread of the same priority");
}

static void bench_null(void)
{
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = mica_hosted_clock_ns();
        for (unsigned i = 0; i < BATCH; i++)
            mica_debug_cap_type(0, NULL);
        record(b, t0, mica_hosted_clock_ns(), BATCH);
    }
    report("null syscall", "MICA_SYS_DEBUG_CAP_TYPE on the null cptr 0");
}

int mica_main(const struct mica_bootinfo *bi)
{
    mica_cptr_t next = bi->empty.start, ut = 0;

    for (mica_word_t i = bi->untyped.start; i < bi->untyped.end && !ut; i++)
        if (bi->untyped_list[i - bi->untyped.start].size_bits >= 16)
            ut = i;
    ep = next++;
    reply = next++;
    ntfn = next++;
    tcb_a = next++;
    buf_a = next++;
    sc_a = next++;
    static const mica_word_t types[] = {MICA_OBJ_ENDPOINT, MICA_OBJ_REPLY, MICA_OBJ_NOTIFICATION,
                                        MICA_OBJ_TCB,      MICA_OBJ_FRAME, MICA_OBJ_SCHED_CONTEXT};
    for (unsigned i = 0; i < 6; i++) {
        mica_error_t err =
            mica_untyped_retype(ut, types[i], MICA_PAGE_BITS, MICA_INIT_CNODE, 0, 0, ep + i, 1);
        if (err) {
            mica_printf("bench: setup failed: %d\n", err);
            return 1;
        }
    }
    /* The partner thread needs a scheduling context to run: round robin, 10 ms slices. */
    if (mica_tcb_set_priority(MICA_INIT_TCB, MICA_INIT_TCB, ROOT_PRIO) ||
        mica_sched_control_configure(bi->sched_control.start, sc_a, 10000, 10000, 0, 0) ||
        mica_sched_context_bind(sc_a, tcb_a))
        return 1;
    mica_printf("bench: %s, %u batches of %u operations\n", bi->board, BATCHES, BATCH);
    bench_call();
    bench_passive_call();
    bench_signal();
    bench_yield();
    bench_null();
    return 0;
}
