/* SPDX-License-Identifier: MIT */
/*
 * The supervisor: it spawns the PDs the system file says it supervises, from their ELF images
 * in the system table (mapped into it as "system") and the bundles of caps the loader gave it,
 * and it is their fault handler. A PD that faults is taken apart (one Revoke of its Untyped; we
 * check that the Untyped is empty again, i.e. that no kernel memory stayed behind) and spawned
 * again after a back-off that doubles with each crash in a row (1 ms .. 64 ms); a PD that ran
 * for a second is no longer "in a row". Its faults and the console's requests (ps, kill,
 * restart) come on one endpoint (faults_on = "sup"); timeouts on the notification bound to its
 * thread.
 */
#include <string.h>

#include "demo.h"

#include <mica/timer.h>

#define MAX_CHILD   8
#define BACKOFF_MAX 64 /* ms */
#define STABLE_MS   1000

struct child {
    uint32_t pd; /* table index */
    const char *name;
    struct mica_process proc;
    int state;
    unsigned restarts, faults, empty_ok, empty_bad, in_a_row;
    int timeout;        /* the timer's handle while a timeout runs */
    mica_cptr_t wake;   /* our notification, badged with this child's bit */
    mica_cptr_t bundle; /* its first bundle slot */
};

static struct mica_env env;
static struct mica_timer timer;
static struct mica_sys sys;
static struct child kids[MAX_CHILD];
static unsigned nkids;
static uint32_t me;
static mica_cptr_t sched_control;
static const struct mica_procinfo *info;

static mica_cptr_t src_cap(void *ctx, uint32_t pd, uint32_t j)
{
    (void)pd;
    return ((struct child *)ctx)->bundle + j;
}

static mica_cptr_t src_frames(void *ctx, uint32_t pd, uint32_t k)
{
    const struct mica_sys_pd *d = &sys.pd[pd];
    mica_cptr_t slot = ((struct child *)ctx)->bundle + d->ncaps;

    for (uint32_t i = 0; i < k; i++)
        slot += mica_sys_obj_frames(&sys, sys.map[d->first_map + i].obj);
    return slot;
}

static mica_cptr_t bundle_ut(const struct child *c)
{
    return c->bundle + mica_sys_bundle_size(&sys, c->pd) - 2;
}

static mica_error_t spawn(struct child *c)
{
    struct mica_sys_sources src = {
        .ctx = c,
        .cap = src_cap,
        .frames = src_frames,
        .ut = bundle_ut(c),
        .fault_ep = bundle_ut(c) + 1,
        .sched_control = sched_control,
        .badged = true,
    };
    mica_error_t err = mica_sys_spawn(&c->proc, &env, &sys, c->pd, &src);

    c->state = err ? PD_STOPPED : PD_RUNNING;
    if (!err)
        mica_timer_after(&timer, STABLE_MS * 1000, c->wake, &c->timeout);
    return err;
}

/* Take c apart and check that nothing of it is left: its Untyped can be retyped whole again,
 * and we hold as many slots as before it was first spawned. */
static void teardown(struct child *c)
{
    mica_timer_cancel(&timer, c->timeout);
    c->timeout = 0;
    if (c->state != PD_RUNNING)
        return;
    mica_word_t range = c->proc.alloc.count, before = mica_slots_in_use(&env.alloc);
    mica_process_destroy(&c->proc);
    c->state = PD_STOPPED;
    bool empty = mica_untyped_is_empty(&env.alloc, bundle_ut(c), sys.pd[c->pd].ut_bits);
    mica_word_t freed = before - mica_slots_in_use(&env.alloc);
    if (empty && freed == range) {
        c->empty_ok++;
    } else {
        c->empty_bad++;
        demo_log("'%s' torn down, but %s (%lu slots given back of %lu)\n", c->name,
                 empty ? "not all our slots came back" : "its Untyped is not empty",
                 (unsigned long)freed, (unsigned long)range);
    }
}

static void on_timeout(struct child *c);

static const char *const fault_names[] = {"none",           "memory",     "unknown syscall",
                                          "user exception", "capability", "timeout"};

static void on_fault(struct child *c, mica_word_t label)
{
    if (label == MICA_PROC_EXIT) {
        demo_log("'%s' exited with status %ld\n", c->name, (long)mica_get_mr(0));
        teardown(c);
        return;
    }
    c->faults++;
    mica_word_t pc = mica_get_mr(0), addr = mica_get_mr(1);
    teardown(c);
    c->in_a_row++;
    unsigned ms = 1u << (c->in_a_row - 1 < 6 ? c->in_a_row - 1 : 6);
    ms = ms > BACKOFF_MAX ? BACKOFF_MAX : ms;
    demo_log("'%s' %s fault at pc 0x%lx address 0x%lx; Untyped empty again (%u of %u); "
             "restart in %u ms\n",
             c->name, label < 6 ? fault_names[label] : "unknown", (unsigned long)pc,
             (unsigned long)addr, c->empty_ok, c->empty_ok + c->empty_bad, ms);
    c->state = PD_WAITING;
    mica_error_t err = mica_timer_after(&timer, ms * 1000, c->wake, &c->timeout);
    if (err) {
        demo_log("no timer for the back-off of '%s' (error %d): restarting it now\n", c->name, err);
        c->state = PD_WAITING;
        on_timeout(c);
    }
}

static void on_timeout(struct child *c)
{
    c->timeout = 0;
    if (c->state == PD_RUNNING) {
        c->in_a_row = 0; /* it ran for a second */
        return;
    }
    if (c->state != PD_WAITING)
        return;
    c->restarts++;
    mica_error_t err = spawn(c);
    if (err)
        demo_log("restart of '%s' failed: error %d\n", c->name, err);
    else
        demo_log("restarted '%s' (restart %u)\n", c->name, c->restarts);
}

static struct child *by_name(const char *name)
{
    for (unsigned i = 0; i < nkids; i++)
        if (strcmp(kids[i].name, name) == 0)
            return &kids[i];
    return 0;
}

/* ps, kill, restart from the console. */
static mica_word_t request(mica_word_t label)
{
    char name[MICA_PROC_NAME_LEN];
    struct child *c;

    if (label == SUP_PS) {

        mica_word_t i = mica_get_mr(0);
        if (i >= nkids) {
            mica_set_mr(0, ~(mica_word_t)0);
            return 1;
        }
        c = &kids[i];
        mica_set_mr(0, (mica_word_t)c->state);
        mica_set_mr(1, c->restarts);
        mica_set_mr(2, c->faults);
        mica_set_mr(3, c->empty_ok);
        mica_set_mr(4, c->empty_bad);
        mica_set_mr(5, sys.pd[c->pd].ut_bits);
        demo_put_name(6, c->name);
        return 6 + (MICA_PROC_NAME_LEN + sizeof(mica_word_t) - 1) / sizeof(mica_word_t);
    }
    demo_get_name(0, name);
    if (!(c = by_name(name))) {
        mica_set_mr(0, MICA_ERR_FAILED_LOOKUP);
        return 1;
    }
    teardown(c);
    mica_error_t err = MICA_OK;
    if (label == SUP_KILL) {
        c->state = PD_KILLED;
        demo_log("killed '%s'\n", c->name);
    } else {
        c->in_a_row = 0;
        c->restarts++;
        if (!(err = spawn(c)))
            demo_log("restarted '%s' on request (restart %u)\n", c->name, c->restarts);
    }
    mica_set_mr(0, err);
    return 1;
}

static bool setup(mica_cptr_t *wake)
{
    mica_word_t size;
    const void *blob = demo_mem(info, "system", &size);
    const char *why;

    mica_env_init_proc(&env, info);
    sched_control = demo_cap(info, "sched_control");
    if (!blob || mica_sys_open(&sys, blob, size, &why)) {
        demo_log("no system table: %s\n", blob ? why : "not mapped");
        return false;
    }
    me = mica_sys_find_pd(&sys, info->name);
    if (me == MICA_SYS_NONE || mica_alloc_object(&env.alloc, MICA_OBJ_NOTIFICATION, 0, wake) ||
        mica_tcb_bind_notification(MICA_PROC_TCB, *wake))
        return false;
    for (uint32_t pd = 0; pd < sys.h->npd && nkids < MAX_CHILD; pd++) {
        if (sys.pd[pd].supervisor != me)
            continue;
        struct child *c = &kids[nkids];
        *c = (struct child){.pd = pd, .name = mica_sys_str(&sys, sys.pd[pd].name)};
        c->bundle = mica_sys_bundle_slot(&sys, me, pd);
        c->wake = mica_alloc_mint(&env.alloc, *wake, MICA_RIGHT_WRITE, (mica_word_t)1 << nkids);
        if (!c->wake)
            return false;
        nkids++;
    }
    return mica_timer_init(&timer, &env, (unsigned)info->mcp, nkids) == MICA_OK;
}

int mica_proc_main(const struct mica_procinfo *pi)
{
    mica_cptr_t ep, reply, wake;

    info = pi;
    demo_log_init(info);
    ep = demo_cap(info, "sup");
    if (!ep || !setup(&wake) || mica_alloc_object(&env.alloc, MICA_OBJ_REPLY, 0, &reply)) {
        demo_log("cannot start\n");
        return 1;
    }
    for (unsigned i = 0; i < nkids; i++) {
        struct child *c = &kids[i];
        c->state = PD_STOPPED;

        if (!(sys.pd[c->pd].flags & MICA_SYS_AUTOSTART))
            continue;
        mica_error_t err = spawn(c);
        if (err)
            demo_log("spawning '%s' failed: error %d\n", c->name, err);
    }
    demo_log("supervising %u PDs\n", nkids);
    for (;;) {
        mica_word_t badge, msg;
        if (mica_recv(ep, reply, &badge, &msg) != MICA_OK)
            continue;
        if (msg == 0) { /* our notification: timeouts, one bit per child */
            for (unsigned i = 0; i < nkids; i++)
                if (badge & ((mica_word_t)1 << i))
                    on_timeout(&kids[i]);
            continue;
        }
        if (badge & MICA_SYS_FAULT_BIT) {
            uint32_t pd = (uint32_t)(badge & ~(mica_word_t)MICA_SYS_FAULT_BIT) - 1;
            for (unsigned i = 0; i < nkids; i++)
                if (kids[i].pd == pd)
                    on_fault(&kids[i], mica_msginfo_label(msg));
            continue; /* no answer: the thread stays stopped until it is taken apart */
        }
        mica_word_t n = request(mica_msginfo_label(msg));
        mica_send(reply, mica_msginfo(0, 0, 0, (unsigned)n));
    }
}
