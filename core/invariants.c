/* SPDX-License-Identifier: MIT */
/*
 * Kernel invariants, checked after every trap in debug builds (CONFIG_INVARIANTS): the derivation
 * tree's links, objects inside their Untyped's watermark, ready-queue and endpoint/notification
 * queue membership matching thread states, the bitmap matching the ready queues, and VSpace and
 * mapped Frame/PageTable caps agreeing with the ASID table. Everything is found from the
 * derivation tree's root, so nothing needs a registry.
 */
#include "cap.h"
#include "invariants.h"
#include "sched.h"
#include "sched_context.h"
#include "smp.h"
#include "tcb.h"
#include "vspace.h"

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            kpanic("invariant: " __VA_ARGS__);                                                     \
    } while (0)

/* Where an Untyped's child lies: its physical address and size (a zombie, by its object's). */
static paddr_t obj_paddr(const struct cap *c)
{
    if (c->type == MICA_OBJ_UNTYPED || c->type == MICA_OBJ_FRAME)
        return c->obj;
    return hal_virt_to_phys(cap_ptr(c));
}

static paddr_t obj_size(const struct cap *c)
{
    unsigned type = c->type == MICA_CAP_ZOMBIE ? c->guard_bits : c->type;
    return (paddr_t)1 << object_size_bits(type, c->size_bits);
}

static void check_children(const struct cte *n)
{
    const struct cte *prev = NULL;

    CHECK(!n->first_child == !n->last_child, "slot %p: one of first and last child missing",
          (void *)n);
    for (const struct cte *c = n->first_child; c; prev = c, c = cte_next(c)) {
        CHECK(c->prev == (prev ? (word_t)prev : ((word_t)n | CTE_LINK_PARENT)),
              "slot %p: prev link broken", (void *)c);
        CHECK(cte_next(c) || (c->next == ((word_t)n | CTE_LINK_PARENT) && n->last_child == c),
              "slot %p: the last child does not lead back to its parent %p", (void *)c, (void *)n);
        CHECK(c->cap.type != MICA_CAP_NULL, "empty slot %p in the derivation tree", (void *)c);
        if (n == &cdt_root)
            continue;
        if (n->cap.type == MICA_CAP_IRQ_CONTROL) {
            /* IRQHandlers it made (or their zombies) and copies of it (CNode_Copy, as seL4's
             * deriveCap allows). */
            CHECK(c->cap.type == MICA_CAP_IRQ_HANDLER || c->cap.type == MICA_CAP_IRQ_CONTROL ||
                      (c->cap.type == MICA_CAP_ZOMBIE && c->cap.guard_bits == MICA_CAP_IRQ_HANDLER),
                  "slot %p: odd child of IRQControl", (void *)c);
        } else if (n->cap.type != MICA_OBJ_UNTYPED) {
            CHECK(cap_same_object(&c->cap, &n->cap), "slot %p: child of another object", (void *)c);
        } else if (!cap_same_object(&c->cap, &n->cap) && !(n->cap.flags & CAP_FLAG_DEVICE)) {
            paddr_t base = n->cap.obj, pa = obj_paddr(&c->cap), size = obj_size(&c->cap);
            CHECK(pa >= base && pa + size <= base + n->cap.extra,
                  "untyped %lx: object at %lx above the watermark %lx", (unsigned long)base,
                  (unsigned long)pa, (unsigned long)n->cap.extra);
        }
    }
}

/* A zombie (delete.c): a top names its innermost zombie and its child; an inner one lies in a
 * slot of its parent's object, and its parent is a zombie. */
static void check_zombie(const struct cte *z)
{
    const struct cap *c = &z->cap;

    CHECK(c->obj != 0 || c->guard_bits == MICA_CAP_IRQ_HANDLER, "zombie %p: no object", (void *)z);
    if (c->rights) {
        const struct cte *in = (const struct cte *)c->extra, *child = (const struct cte *)c->data;
        CHECK(in && in->cap.type == MICA_CAP_ZOMBIE, "zombie %p: innermost %p is not a zombie",
              (void *)z, (void *)in);
        CHECK(!child || (child->cap.type == MICA_CAP_ZOMBIE && !child->cap.rights &&
                         child->cap.data == (word_t)z),
              "zombie %p: its child %p does not name it", (void *)z, (void *)child);
        CHECK(!child == (in == z), "zombie %p: innermost %p but child %p", (void *)z, (void *)in,
              (void *)child);
    } else {
        const struct cte *parent = (const struct cte *)c->data;
        CHECK(parent && parent->cap.type == MICA_CAP_ZOMBIE, "zombie %p: parent %p is not a zombie",
              (void *)z, (void *)parent);
        CHECK(object_holds_slot(&parent->cap, z) || parent->cap.guard_bits == MICA_CAP_IRQ_HANDLER,
              "zombie %p: not in its parent's object", (void *)z);
    }
}

static bool queued(const struct tcb_queue *q, const struct tcb *t)
{
    for (const struct tcb *x = q->head; x; x = x->ipc_next)
        if (x == t)
            return true;
    return false;
}

static void check_tcb(const struct tcb *t)
{
    const struct ready_queue *rq = &cpus[t->cpu].ready[t->prio];
    bool in_ready = false;

    for (const struct tcb *x = rq->head; x; x = x->sched_next)
        in_ready |= x == t;
    bool in_release = false;
    for (const struct tcb *x = cpus[t->cpu].release; x; x = x->sched_next)
        in_release |= x == t;
    CHECK(in_ready == (t->queue == SQ_READY) && in_release == (t->queue == SQ_RELEASE),
          "tcb %p: queue %u but %sin the ready queue, %sin the release queue", (void *)t, t->queue,
          in_ready ? "" : "not ", in_release ? "" : "not ");
    CHECK((t->queue == SQ_FRONT) == (cpus[t->cpu].front == t),
          "tcb %p: queue %u, its CPU's front thread %p", (void *)t, t->queue,
          (void *)cpus[t->cpu].front);
    CHECK(t->queue == SQ_NONE || t->state == TS_READY, "tcb %p: state %u but queued", (void *)t,
          t->state);
    /* Runnable with a usable context means queued; without one it is passive and not. */
    CHECK(t->state != TS_READY || (t->queue != SQ_NONE) == (t->sc && t->sc->configured),
          "tcb %p: ready, scheduling context %p, queue %u", (void *)t, (void *)t->sc, t->queue);
    CHECK(!t->sc || t->sc->tcb == t, "tcb %p: its scheduling context names %p", (void *)t,
          t->sc ? (void *)t->sc->tcb : NULL);
    /* A thread runs on the CPU of its scheduling context (SMP: sched_migrate keeps them equal). */
    CHECK(!t->sc || t->cpu == t->sc->cpu, "tcb %p: on cpu %u, its scheduling context on cpu %u",
          (void *)t, t->cpu, t->sc ? t->sc->cpu : 0);
    /* In a ready queue (or at its front) only with budget now; out of budget is the release
     * queue (a Yield that used up the budget once kept the thread at the front). */
    CHECK((t->queue != SQ_READY && t->queue != SQ_FRONT) ||
              refill_ready((struct sched_context *)t->sc, hal_time_now()),
          "tcb %p: ready without budget until %llu", (void *)t,
          (unsigned long long)refill_head((struct sched_context *)t->sc)->time);
    CHECK(!t->fault || t->state == TS_BLOCKED_SEND || t->state == TS_BLOCKED_REPLY,
          "tcb %p: fault %u pending in state %u", (void *)t, t->fault, t->state);
#ifdef CONFIG_SMP
    /* A thread blocks only in its own syscall, whose exit picks another thread: no other CPU
     * still names a blocked thread as its cur or user (this CPU's change on the way out, after
     * the check), so the fast path may move a blocked passive thread to the CPU of the context it
     * is lent with a store (fastpath.c, fp_move_here). */
    if (t->state == TS_BLOCKED_SEND || t->state == TS_BLOCKED_RECV ||
        t->state == TS_BLOCKED_REPLY || t->state == TS_BLOCKED_NTFN)
        for (unsigned i = 0; i < CONFIG_NR_CPUS; i++)
            CHECK(&cpus[i] == smp_this_cpu() || (cpus[i].cur != t && cpus[i].user != t),
                  "tcb %p: blocked in state %u but named by cpu %u (cur %p, user %p)", (void *)t,
                  t->state, i, (void *)cpus[i].cur, (void *)cpus[i].user);
#endif
    switch (t->state) {
    case TS_BLOCKED_SEND:
    case TS_BLOCKED_RECV: {
        const struct endpoint *ep = t->blocked_on;
        CHECK(queued(&ep->queue, t), "tcb %p: blocked on endpoint %p but not queued", (void *)t,
              (void *)ep);
        CHECK(ep->state == (t->state == TS_BLOCKED_SEND ? EP_SEND : EP_RECV),
              "endpoint %p: state %lu does not match its queue", (void *)ep,
              (unsigned long)ep->state);
        CHECK(!t->reply || t->reply->receiver == t, "tcb %p: reply object not linked back",
              (void *)t);
        break;
    }
    case TS_BLOCKED_REPLY:
        CHECK(t->reply && t->reply->caller == t && t->blocked_on == t->reply,
              "tcb %p: blocked on a reply that does not name it", (void *)t);
        break;
    case TS_BLOCKED_NTFN:
        CHECK(queued(&((const struct notification *)t->blocked_on)->waiters, t),
              "tcb %p: not in its notification's queue", (void *)t);
        break;
    default:
        CHECK(t->blocked_on == NULL, "tcb %p: runnable or inactive but blocked on %p", (void *)t,
              t->blocked_on);
        break;
    }
    CHECK(!t->bound || ntfn_bound(t->bound) == t, "tcb %p: notification binding one-sided",
          (void *)t);
}

static void check_object(const struct cap *c)
{
    switch (c->type) {
    case MICA_OBJ_TCB: check_tcb(cap_ptr(c)); break;
    case MICA_OBJ_ENDPOINT: {
        const struct endpoint *ep = cap_ptr(c);
        CHECK((ep->state == EP_IDLE) == (ep->queue.head == NULL),
              "endpoint %p: state %lu with queue head %p", (void *)ep, (unsigned long)ep->state,
              (void *)ep->queue.head);
        break;
    }
    case MICA_OBJ_SCHED_CONTEXT: {
        const struct sched_context *sc = cap_ptr(c);
        CHECK(!sc->tcb || sc->tcb->sc == sc, "sched context %p: holder %p does not hold it",
              (void *)sc, (void *)sc->tcb);
        CHECK(!sc->ntfn || sc->ntfn->sc == sc, "sched context %p: notification link one-sided",
              (void *)sc);
        if (sc->configured) {
            /* Sporadic refills add up to the budget; round robin and periodic contexts keep one
             * refill holding what is left of the slice or period. */
            uint64_t sum = 0;
            for (unsigned i = 0; i < sc->count; i++)
                sum += sc->refills[(sc->head + i) % sc->max].amount;
            bool single = sc_round_robin(sc) || sc->max == 1;
            CHECK(sc->count >= 1 && sc->count <= sc->max &&
                      (single ? sc->count == 1 && sum <= sc->budget : sum == sc->budget),
                  "sched context %p: %u refills adding up to %llu, budget %llu", (void *)sc,
                  sc->count, (unsigned long long)sum, (unsigned long long)sc->budget);
        }
        for (const struct reply *r = sc->reply, *above = NULL; r; above = r, r = r->prev)
            CHECK(r->sc == sc && r->next == above,
                  "sched context %p: call stack holds reply %p of another, or links it one way",
                  (void *)sc, (void *)r);
        break;
    }
    case MICA_OBJ_REPLY: {
        const struct reply *r = cap_ptr(c);
        CHECK(!r->caller || r->caller->state == TS_BLOCKED_REPLY, "reply %p: caller not waiting",
              (void *)r);
        CHECK(!r->receiver || r->receiver->state == TS_BLOCKED_RECV,
              "reply %p: receiver not receiving", (void *)r);
        break;
    }
    case MICA_OBJ_VSPACE:
        CHECK(vspace_lookup(c->data) == cap_ptr(c), "vspace %p: tag %lx names %p",
              (void *)cap_ptr(c), (unsigned long)c->data, vspace_lookup(c->data));
        break;
    case MICA_OBJ_FRAME:
    case MICA_OBJ_PAGE_TABLE:
        /* A mapped cap names the ASID it was mapped in (never 0); an unmapped one nothing. */
        CHECK(!(c->flags & CAP_FLAG_MAPPED) == (c->extra == 0),
              "%s cap %lx: mapped flag %d with ASID %lu",
              c->type == MICA_OBJ_FRAME ? "frame" : "page table", (unsigned long)c->obj,
              !!(c->flags & CAP_FLAG_MAPPED), (unsigned long)c->extra);
        break;
    default: break;
    }
}

static void check_ready_queues(void)
{
    /* CPUs the kernel does not run on hold nothing (their queues are only walked when in use:
     * with CONFIG_NR_CPUS = 64 the full walk dominated every syscall). */
    for (unsigned i = sched_ncpus; i < CONFIG_NR_CPUS; i++)
        CHECK(!cpus[i].l1 && !cpus[i].front && !cpus[i].cur && !cpus[i].release,
              "cpu %u is not running but has threads", i);
    for (unsigned i = 0; i < sched_ncpus; i++) {
        const struct cpu *c = &cpus[i];
        unsigned top = 0;
        for (unsigned p = 0; p < MICA_NUM_PRIORITIES; p++) {
            const struct ready_queue *q = &c->ready[p];
            bool bit = (c->l2[p / 32] >> (p % 32)) & 1;
            CHECK(bit == (q->head != NULL), "cpu %u: bitmap bit %u is %d", i, p, bit);
            if (bit)
                top = p + 1;
            CHECK(!bit || ((c->l1 >> (p / 32)) & 1), "cpu %u: l1 misses priority %u", i, p);
            const struct tcb *prev = NULL;
            for (const struct tcb *t = q->head; t; prev = t, t = t->sched_next) {
                CHECK(t->sched_prev == prev && t->prio == p && t->state == TS_READY,
                      "cpu %u: ready queue %u holds tcb %p (state %u, prio %u)", i, p, (void *)t,
                      t->state, t->prio);
            }
            CHECK(q->tail == prev, "cpu %u: ready queue %u tail is wrong", i, p);
        }
        CHECK(c->top == top, "cpu %u: top priority + 1 is %u, the lists say %u", i, c->top, top);
        /* The front thread is ready and stands outside the lists (check_tcb: not in them). */
        CHECK(!c->front || (c->front->queue == SQ_FRONT && c->front->state == TS_READY &&
                            c->front->cpu == i),
              "cpu %u: front thread %p is not ready there", i, (void *)c->front);
    }
}

void invariants_running(const struct tcb *t)
{
    const struct cpu *c = sched_cpu(t);

    /* On this CPU: with check_tcb's t->cpu == t->sc->cpu, its context's CPU is this one, which
     * the fast path's round robin and CPU comparison takes for granted (sched_switch_ok_other). */
    CHECK(c == smp_this_cpu() && c->cur == t && c->front == t && t->queue == SQ_FRONT &&
              c->cur_sc == t->sc && t->state == TS_READY && c->armed != 0,
          "running tcb %p: on cpu %u, cur %p front %p queue %u cur_sc %p sc %p armed %llu",
          (const void *)t, t->cpu, (void *)c->cur, (void *)c->front, t->queue, (void *)c->cur_sc,
          (void *)t->sc, (unsigned long long)c->armed);
}

void invariants_check(void)
{
    const struct cte *n = &cdt_root;
    unsigned long count = 0;

    check_ready_queues();
    CHECK(!cdt_root.prev && !cdt_root.next && cdt_root.cap.type == MICA_CAP_NULL,
          "tree root changed");
    /* Pre-order walk over the whole tree without recursion. */
    for (; n; n = cdt_preorder_next(n, &cdt_root)) {
        CHECK(++count < 100000000ul, "derivation tree has a cycle");
        check_children(n);
        if (n->cap.type == MICA_CAP_ZOMBIE)
            check_zombie(n);
        else if (n != &cdt_root)
            check_object(&n->cap);
    }
}

void invariants_dump(void)
{
    for (const struct cte *n = cdt_root.first_child; n; n = cdt_preorder_next(n, &cdt_root)) {
        /* Each thread once: at the cap whose parent is not a cap to it. */
        const struct cte *p = cdt_parent(n);
        if (n->cap.type == MICA_OBJ_TCB && !(p && cap_same_object(&p->cap, &n->cap))) {
            const struct tcb *t = cap_ptr(&n->cap);
            kprintf("  tcb %p: state %u prio %u blocked on %p pc %lx\n", (const void *)t, t->state,
                    t->prio, t->blocked_on, (unsigned long)tcb_reg(t, MICA_REG_PC));
        }
    }
}
