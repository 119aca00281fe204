/* SPDX-License-Identifier: MIT */
/*
 * The memory server: a pager for the processes it runs (the system file makes it forkdemo's
 * supervisor, and their faults come to it on "mem", faults_on). It offers them mmap/munmap of
 * anonymous memory and fork with copy-on-write: at a fork every writable page of the parent
 * becomes read-only in both processes, sharing one frame; the first write to a shared page
 * faults here, and the writer gets a copy of its own; the last sharer just gets its page
 * writable again. Only pages that are written are copied.
 *
 * The console's `fork` runs forkdemo once: it maps a buffer, forks, parent and child write to
 * pages of it, meet at a barrier, read everything back and exit; then both are taken apart and
 * the console is told what was shared, copied and kept.
 */
#include <string.h>

#include "demo.h"

#define PAGE      ((mica_word_t)1 << MICA_PAGE_BITS)
#define MAX_PAGES 160
#define MMAP_BASE 0xd0000000ul
#define CHILD_UT  17      /* the forked child's objects and copies */
#define MMAP_UT   17      /* the parent's mmap'd pages and its copies */
#define CHILD_ID  0x4000u /* the child's fault badge: MICA_SYS_FAULT_BIT | CHILD_ID */
#define CHILD_MEM 0x4000u /* the child's client badge on "mem" */
#define NREPLY    4

struct page {
    mica_word_t vaddr;
    mica_cptr_t frame;  /* the cap the process maps it with (our slot) */
    mica_word_t rights; /* what the process may do with it */
    bool shared;        /* read-only for now: copy (or take back) on the first write */
    bool buffer;        /* in mmap'd memory: counted for the console */
};

struct proc {
    const char *what;
    struct mica_alloc *alloc; /* where its objects and frames come from */
    struct mica_vspace *vs;
    mica_cptr_t tcb;
    struct page pages[MAX_PAGES];
    unsigned npages;
    mica_word_t next_mmap;
    bool live, exited;
    int barrier; /* the Reply object it waits on at the barrier, or -1 */
};

static struct mica_env env;
static struct mica_sys sys;
static const struct mica_procinfo *info;
static uint32_t me, demo_pd;
static mica_cptr_t ep, child_ut, mmap_ut, sched_control;
static struct mica_process parent_proc;
static struct mica_alloc child_alloc, mmap_alloc;
static struct mica_vspace child_vs, parent_vs;
static struct proc parent, child;
static mica_cptr_t reply[NREPLY];
static bool reply_held[NREPLY];
static int console_reply = -1;
static unsigned cur; /* the Reply object we receive with */
static mica_word_t scratch_src, scratch_dst;
static mica_cptr_t child_ipc;

static unsigned nregs;
/* Statistics: over the server's life, and for the current fork test. */
static mica_word_t faults_total, copies_total;
static mica_word_t shared_at_fork, buf_copied, buf_reused, other_copied;

static struct page *find_page(struct proc *p, mica_word_t vaddr)
{
    for (unsigned i = 0; i < p->npages; i++)
        if (p->pages[i].vaddr == (vaddr & ~(PAGE - 1)))
            return &p->pages[i];
    return 0;
}

static void note_page(void *ctx, mica_word_t vaddr, mica_cptr_t frame, mica_word_t rights)
{
    struct proc *p = ctx;

    if (p->npages < MAX_PAGES)
        p->pages[p->npages++] = (struct page){vaddr, frame, rights, false, false};
}

/* Map a copy of frame f at our scratch address va (read-only or read-write); the copy's slot. */
static mica_cptr_t scratch_map(mica_cptr_t f, mica_word_t va, mica_word_t rights)
{
    mica_cptr_t s = mica_slot_alloc(&env.alloc);

    if (!s ||
        mica_cnode_copy(env.alloc.cnode, s, MICA_WORD_BITS, env.alloc.cnode, f, MICA_WORD_BITS,
                        MICA_RIGHTS_ALL) ||
        mica_vspace_map(&env.vspace, s, va, rights, MICA_VM_CACHED)) {
        if (s)
            mica_alloc_free(&env.alloc, s);
        return 0;
    }
    return s;
}

static mica_error_t copy_frame(mica_cptr_t from, mica_cptr_t to)
{
    mica_cptr_t a = scratch_map(from, scratch_src, MICA_VM_READ);
    mica_cptr_t b = scratch_map(to, scratch_dst, MICA_VM_READ | MICA_VM_WRITE);

    if (a && b)
        memcpy((void *)scratch_dst, (const void *)scratch_src, PAGE);
    if (a)
        mica_alloc_free(&env.alloc, a);
    if (b)
        mica_alloc_free(&env.alloc, b);
    return a && b ? MICA_OK : MICA_ERR_RANGE;
}

static struct proc *peer(struct proc *p)
{
    return p == &parent ? &child : &parent;
}

/* A write to a page that is shared: the last sharer takes it back, the others get a copy. */
static bool cow(struct proc *p, struct page *pg)
{
    struct page *other = peer(p)->live ? find_page(peer(p), pg->vaddr) : 0;

    if (other && other->shared) {
        mica_cptr_t f;
        if (mica_alloc_object(p->alloc, MICA_OBJ_FRAME, MICA_PAGE_BITS, &f) ||
            copy_frame(pg->frame, f))
            return false;
        mica_frame_unmap(pg->frame);
        if (mica_vspace_map(p->vs, f, pg->vaddr, pg->rights, MICA_VM_CACHED))
            return false;
        pg->frame = f;
        copies_total++;
        if (pg->buffer)
            buf_copied++;
        else
            other_copied++;
    } else {
        if (mica_frame_remap(pg->frame, pg->rights, MICA_VM_CACHED))
            return false;
        if (pg->buffer)
            buf_reused++;
    }
    pg->shared = false;
    return true;
}

static void on_fault(struct proc *p, mica_word_t label)
{
    if (label == MICA_PROC_EXIT) {
        if (mica_get_mr(0))
            demo_log("%s exited with status %ld\n", p->what, (long)mica_get_mr(0));
        p->exited = true;
        return;
    }

    mica_word_t addr = mica_get_mr(1), access = mica_get_mr(2);
    struct page *pg = find_page(p, addr);
    faults_total++;
    if (label == MICA_FAULT_MEMORY && pg && pg->shared && (access & MICA_VM_WRITE) &&
        (pg->rights & MICA_VM_WRITE) && cow(p, pg)) {
        mica_send(reply[cur], mica_msginfo(0, 0, 0, 0)); /* resume: the store runs again */
        return;
    }
    demo_log("%s: fault %lu at address 0x%lx that is not copy-on-write: stopped\n", p->what,
             (unsigned long)label, (unsigned long)addr);
    p->exited = true;
}

static mica_word_t mmap_pages(struct proc *p, mica_word_t n)
{
    mica_cptr_t f;
    mica_word_t va = p->next_mmap;

    mica_error_t err;

    if (n == 0 || n > 64 || p->npages + n > MAX_PAGES)
        return 0;
    if ((err = mica_alloc_objects(p->alloc, MICA_OBJ_FRAME, MICA_PAGE_BITS, n, &f))) {
        demo_log("mmap: no memory (error %d)\n", err);

        return 0;
    }
    for (mica_word_t i = 0; i < n; i++) {
        if ((err = mica_vspace_map(p->vs, f + i, va + i * PAGE, MICA_VM_READ | MICA_VM_WRITE,
                                   MICA_VM_CACHED))) {
            demo_log("mmap: map at 0x%lx failed (error %d)\n", (unsigned long)(va + i * PAGE), err);
            return 0;
        }

        p->pages[p->npages++] =
            (struct page){va + i * PAGE, f + i, MICA_VM_READ | MICA_VM_WRITE, false, true};
    }
    p->next_mmap += (n + 1) * PAGE; /* a guard page between mappings */
    return va;
}

static void munmap_pages(struct proc *p, mica_word_t va, mica_word_t n)
{
    for (mica_word_t i = 0; i < n; i++) {
        struct page *pg = find_page(p, va + i * PAGE);
        if (!pg || !pg->buffer || pg->shared)
            continue;
        mica_frame_unmap(pg->frame);
        *pg = p->pages[--p->npages];
    }
}

/* Registers of a thread: as many ids as the arch has (PC, SP, ARG0..7, then its own). */
static unsigned count_regs(mica_cptr_t tcb)
{
    mica_word_t v;
    unsigned n = MICA_REG_ARG7 + 1;

    while (n < MICA_MSG_MAX_LEN && mica_tcb_read_registers(tcb, n, 1, &v) == MICA_OK)
        n++;
    return n;
}

/* The child's CSpace: the parent's caps in the same slots (its info page says where they
 * are), but its own badges on "mem" and "exit". */
static mica_error_t child_cspace(mica_cptr_t cnode, mica_cptr_t guarded, mica_cptr_t tcb,
                                 mica_cptr_t vs, mica_cptr_t fault_ep)
{
    const struct mica_sys_pd *d = &sys.pd[demo_pd];
    mica_cptr_t bundle = mica_sys_bundle_slot(&sys, me, demo_pd);
    unsigned bits = d->cnode_bits;
    mica_error_t err;

    if ((err = mica_cnode_copy(cnode, MICA_PROC_TCB, bits, env.alloc.cnode, tcb, MICA_WORD_BITS,
                               MICA_RIGHTS_ALL)) ||
        (err = mica_cnode_copy(cnode, MICA_PROC_CNODE, bits, env.alloc.cnode, guarded,
                               MICA_WORD_BITS, MICA_RIGHTS_ALL)) ||
        (err = mica_cnode_copy(cnode, MICA_PROC_VSPACE, bits, env.alloc.cnode, vs, MICA_WORD_BITS,
                               MICA_RIGHTS_ALL)))
        return err;
    for (uint32_t j = 0; j < d->ncaps && !err; j++) {
        const struct mica_sys_cap *c = &sys.cap[d->first_cap + j];
        const char *name = mica_sys_str(&sys, c->name);
        if (!strcmp(name, "exit"))
            err = mica_cnode_copy(cnode, c->slot, bits, env.alloc.cnode, fault_ep, MICA_WORD_BITS,
                                  MICA_RIGHTS_ALL);
        else if (!strcmp(name, "mem"))
            err = mica_cnode_mint(cnode, c->slot, bits, env.alloc.cnode, ep, MICA_WORD_BITS,
                                  MICA_RIGHT_WRITE | MICA_RIGHT_GRANT_REPLY, CHILD_MEM);
        else
            err = mica_cnode_copy(cnode, c->slot, bits, env.alloc.cnode, bundle + j, MICA_WORD_BITS,
                                  c->rights);
    }
    return err;
}

/* The child's pages: writable ones shared copy-on-write (read-only in both), the IPC buffer a
 * copy of its own (the kernel writes it), the rest shared read-only. */
static mica_error_t child_pages(void)
{
    mica_error_t err = MICA_OK;

    shared_at_fork = 0;
    for (unsigned i = 0; i < parent.npages && !err; i++) {
        struct page *pg = &parent.pages[i];
        mica_cptr_t f;
        mica_word_t ro = pg->rights & ~(mica_word_t)MICA_VM_WRITE;
        if (pg->vaddr == MICA_PROC_IPC_BUFFER) {
            if (!(err = mica_alloc_object(&child_alloc, MICA_OBJ_FRAME, MICA_PAGE_BITS, &f)) &&
                !(err = copy_frame(pg->frame, f)))
                err = mica_vspace_map(&child_vs, f, pg->vaddr, pg->rights, MICA_VM_CACHED);
            child_ipc = f;
            continue;
        }
        if (!(f = mica_slot_alloc(&child_alloc)))
            return MICA_ERR_RANGE;
        if ((err = mica_cnode_copy(child_alloc.cnode, f, MICA_WORD_BITS, child_alloc.cnode,
                                   pg->frame, MICA_WORD_BITS, MICA_RIGHTS_ALL)))
            break;
        if (pg->rights & MICA_VM_WRITE) {
            if ((err = mica_frame_remap(pg->frame, ro, MICA_VM_CACHED)))
                break;
            pg->shared = true;
            shared_at_fork += pg->buffer;
        }
        err = mica_vspace_map(&child_vs, f, pg->vaddr, ro, MICA_VM_CACHED);
        if (child.npages < MAX_PAGES)
            child.pages[child.npages++] =
                (struct page){pg->vaddr, f, pg->rights, pg->shared, pg->buffer};
    }
    return err;
}

/* Fork the parent, blocked in its Call: the child gets its registers, returning 0 from it. */
static mica_error_t fork_parent(void)
{
    const struct mica_sys_pd *d = &sys.pd[demo_pd];
    mica_cptr_t cnode, guarded, vs, tcb, sc, fault_ep;
    mica_word_t regs[MICA_MSG_MAX_LEN];
    mica_error_t err;

    if (child.live)
        return MICA_ERR_ILLEGAL_OPERATION;
    if ((err = mica_alloc_sub_from(&child_alloc, &env.alloc, child_ut, 0, CHILD_UT, 256)))
        return err;
    child = (struct proc){.what = "forkdemo child",
                          .alloc = &child_alloc,
                          .vs = &child_vs,
                          .barrier = -1,
                          .next_mmap = parent.next_mmap};
    if ((err = mica_alloc_object(&child_alloc, MICA_OBJ_CNODE, d->cnode_bits, &cnode)) ||
        (err = mica_alloc_object(&child_alloc, MICA_OBJ_VSPACE, 0, &vs)) ||
        (err = mica_alloc_object(&child_alloc, MICA_OBJ_TCB, 0, &tcb)) ||
        (err = mica_alloc_object(&child_alloc, MICA_OBJ_SCHED_CONTEXT, 0, &sc)))
        return err;
    child.live = true;
    child.tcb = tcb;
    mica_vspace_init(&child_vs, vs, &child_alloc, env.flags, 0, 0, false);
    guarded = mica_alloc_mint(&child_alloc, cnode, MICA_RIGHTS_ALL,
                              MICA_CNODE_GUARD(0, MICA_WORD_BITS - d->cnode_bits));
    fault_ep = mica_alloc_mint(&child_alloc, ep, MICA_RIGHTS_ALL, MICA_SYS_FAULT_BIT | CHILD_ID);
    if (!guarded || !fault_ep)
        return MICA_ERR_RANGE;
    if ((err = child_pages()) || (err = child_cspace(cnode, guarded, tcb, vs, fault_ep)))
        return err;
    if (!nregs)
        nregs = count_regs(parent.tcb);
    if ((err = mica_tcb_read_registers(parent.tcb, 0, nregs, regs)))
        return err;
    /* As if its Call had returned: badge 0, one message register, MR0 = 0, no error. */
    regs[MICA_REG_ARG0] = 0;
    regs[MICA_REG_ARG0 + 1] = mica_msginfo(0, 0, 0, 1);
    regs[MICA_REG_ARG0 + 2] = 0;
    regs[MICA_REG_ARG7] = MICA_OK;
    mica_word_t period = d->period_us ? d->period_us : d->budget_us;
    if ((err = mica_tcb_configure(tcb, guarded, vs, MICA_PROC_IPC_BUFFER, child_ipc)) ||
        (err = mica_tcb_set_priority(tcb, MICA_PROC_TCB, d->priority)) ||
        (err = mica_tcb_set_fault_handler(tcb, fault_ep)) ||
        (err = mica_sched_control_configure(sched_control, sc, d->budget_us, period, 0, 0)) ||
        (err = mica_sched_context_bind(sc, tcb)))
        return err;
    /* All of them, then the argument registers again: an arch's own ids may name the same
     * registers (riscv64's x10..x17 are ARG0..ARG7), and the last write must be the reply's. */
    if ((err = mica_tcb_write_registers(tcb, 0, 0, nregs, regs)))
        return err;
    return mica_tcb_write_registers(tcb, 1, MICA_REG_ARG0, 8, &regs[MICA_REG_ARG0]);
}

static mica_cptr_t bundle_cap(void *ctx, uint32_t pd, uint32_t j)
{
    (void)ctx;
    return mica_sys_bundle_slot(&sys, me, pd) + j;
}

static mica_cptr_t bundle_frames(void *ctx, uint32_t pd, uint32_t k)
{
    const struct mica_sys_pd *d = &sys.pd[pd];
    mica_cptr_t slot = mica_sys_bundle_slot(&sys, me, pd) + d->ncaps;

    (void)ctx;
    for (uint32_t i = 0; i < k; i++)
        slot += mica_sys_obj_frames(&sys, sys.map[d->first_map + i].obj);
    return slot;
}

/* Both processes exited: count, take both apart (the child first: it maps the parent's frames),
 * check their Untypeds are empty, answer the console. */
static void forktest_done(void)
{
    mica_word_t untouched = 0;
    bool clean;

    for (unsigned i = 0; i < parent.npages; i++) {
        struct page *pg = &parent.pages[i];
        struct page *cp = child.live ? find_page(&child, pg->vaddr) : 0;
        if (pg->buffer && pg->shared && cp && cp->shared)
            untouched++;
    }
    if (child.live)
        mica_alloc_sub_reset(&child_alloc);
    mica_alloc_sub_destroy(&mmap_alloc);
    mica_process_destroy(&parent_proc);
    clean = mica_untyped_is_empty(&env.alloc, child_ut, CHILD_UT) &&
            mica_untyped_is_empty(&env.alloc, mmap_ut, MMAP_UT) &&
            mica_untyped_is_empty(&env.alloc,
                                  mica_sys_bundle_slot(&sys, me, demo_pd) +
                                      mica_sys_bundle_size(&sys, demo_pd) - 2,
                                  sys.pd[demo_pd].ut_bits);
    if (child.live)
        mica_slot_free_range(&env.alloc, child_alloc.base, child_alloc.count);
    parent.live = child.live = false;
    mica_set_mr(0, shared_at_fork);
    mica_set_mr(1, buf_copied);
    mica_set_mr(2, buf_reused);
    mica_set_mr(3, untouched);
    mica_set_mr(4, other_copied);
    mica_set_mr(5, clean);
    if (console_reply >= 0) {
        mica_send(reply[console_reply], mica_msginfo(0, 0, 0, 6));
        reply_held[console_reply] = false;
        console_reply = -1;
    }
}

static mica_error_t forktest_start(void)
{
    mica_cptr_t bundle = mica_sys_bundle_slot(&sys, me, demo_pd);
    struct mica_sys_sources src = {
        .cap = bundle_cap,
        .frames = bundle_frames,
        .ut = bundle + mica_sys_bundle_size(&sys, demo_pd) - 2,
        .fault_ep = bundle + mica_sys_bundle_size(&sys, demo_pd) - 1,
        .sched_control = sched_control,
        .badged = true,
        .page_hook = note_page,
        .page_ctx = &parent,
    };

    if (parent.live)
        return MICA_ERR_ILLEGAL_OPERATION;
    parent = (struct proc){.what = "forkdemo", .barrier = -1, .next_mmap = MMAP_BASE};
    child = (struct proc){.barrier = -1};
    buf_copied = buf_reused = other_copied = shared_at_fork = 0;

    mica_error_t err = mica_alloc_sub_from(&mmap_alloc, &env.alloc, mmap_ut, 0, MMAP_UT, 128);
    if (err)
        return err;
    if ((err = mica_sys_spawn(&parent_proc, &env, &sys, demo_pd, &src))) {
        mica_alloc_sub_destroy(&mmap_alloc);
        return err;
    }
    /* Its mmap'd pages, their page tables and its copies come from our pool, not its own. */
    parent_vs = parent_proc.vspace;
    parent_vs.alloc = &mmap_alloc;
    parent.alloc = &mmap_alloc;
    parent.vs = &parent_vs;
    parent.tcb = parent_proc.tcb;
    parent.live = true;
    return MICA_OK;
}

/* Keep the caller bound to the Reply object we received with; receive with a free one. */
static int hold(void)
{
    int held = (int)cur;

    reply_held[cur] = true;
    for (unsigned i = 0; i < NREPLY; i++)
        if (!reply_held[i])
            cur = i;
    return held;
}

static void release_barrier(void)
{
    bool p = !parent.live || parent.exited || parent.barrier >= 0;
    bool c = !child.live || child.exited || child.barrier >= 0;

    if (!p || !c)
        return;
    for (struct proc *q = &parent; q; q = q == &parent ? &child : 0)
        if (q->barrier >= 0) {
            mica_send(reply[q->barrier], mica_msginfo(0, 0, 0, 0));
            reply_held[q->barrier] = false;
            q->barrier = -1;
        }
}

static struct proc *client_proc(mica_word_t badge)
{
    const struct mica_named *self = mica_proc_find(info, MICA_NAMED_CAP, "mem");
    const char *who = self ? mica_proc_client(info, self->value, badge) : 0;

    if (badge == CHILD_MEM && child.live)
        return &child;
    if (who && !strcmp(who, mica_sys_str(&sys, sys.pd[demo_pd].name)) && parent.live)
        return &parent;
    return 0;
}

/* A request; returns the reply's length, or -1 when the caller is held (answered later). */
static int request(mica_word_t label, mica_word_t badge)
{
    struct proc *p = client_proc(badge);
    mica_error_t err;

    switch (label) {
    case MEM_STATS: {
        mica_word_t mapped = 0;
        for (unsigned i = 0; parent.live && i < parent.npages; i++)
            mapped += parent.pages[i].buffer;
        mica_set_mr(0, faults_total);
        mica_set_mr(1, copies_total);
        mica_set_mr(2, mapped);
        const struct mica_named *ut = mica_proc_find(info, MICA_NAMED_UNTYPED, "ut");
        mica_set_mr(3, ut ? ut->size : 0);
        return 4;
    }
    case MEM_FORKTEST:
        if (console_reply >= 0 || (err = forktest_start())) {
            demo_log("cannot run forkdemo: error %d\n", console_reply >= 0 ? -1 : (int)err);
            mica_set_mr(0, 0);
            return 6;
        }

        console_reply = hold();
        return -1;
    case MEM_MMAP: mica_set_mr(0, p ? mmap_pages(p, mica_get_mr(0)) : 0); return 1;
    case MEM_MUNMAP:
        if (p)
            munmap_pages(p, mica_get_mr(0), mica_get_mr(1));
        return 0;
    case MEM_FORK:
        if (p != &parent || (err = fork_parent())) {
            demo_log("fork failed: error %d\n", p == &parent ? err : MICA_ERR_ILLEGAL_OPERATION);
            mica_set_mr(0, ~(mica_word_t)0);
            return 1;
        }
        mica_set_mr(0, 1); /* the child's number */
        return 1;
    case MEM_BARRIER:
        if (!p)
            return 0;
        p->barrier = hold();
        release_barrier();
        return -1;
    default: return 0;
    }
}

static bool setup(void)
{
    mica_word_t size;
    const void *blob = demo_mem(info, "system", &size);
    const char *why;

    mica_env_init_proc(&env, info);
    ep = demo_cap(info, "mem");
    sched_control = demo_cap(info, "sched_control");
    if (!blob || mica_sys_open(&sys, blob, size, &why))
        return false;
    me = mica_sys_find_pd(&sys, info->name);
    demo_pd = mica_sys_find_pd(&sys, "forkdemo");
    if (!ep || me == MICA_SYS_NONE || demo_pd == MICA_SYS_NONE ||
        sys.pd[demo_pd].supervisor != me ||
        mica_alloc_object(&env.alloc, MICA_OBJ_UNTYPED, CHILD_UT, &child_ut) ||
        mica_alloc_object(&env.alloc, MICA_OBJ_UNTYPED, MMAP_UT, &mmap_ut))
        return false;
    for (unsigned i = 0; i < NREPLY; i++)
        if (mica_alloc_object(&env.alloc, MICA_OBJ_REPLY, 0, &reply[i]))
            return false;
    scratch_src = mica_vspace_reserve(&env.vspace, PAGE);
    scratch_dst = mica_vspace_reserve(&env.vspace, PAGE);
    return scratch_src && scratch_dst;
}

/* MPU boards: a frame maps only at its own address, so there is no anonymous memory to place at
 * a chosen address and no way to share a frame read-only under two addresses: mmap/munmap and
 * copy-on-write fork need an MMU. Every request gets MICA_ERR_ILLEGAL_OPERATION as its label. */
static int unsupported(void)
{
    mica_cptr_t r;

    mica_env_init_proc(&env, info);
    ep = demo_cap(info, "mem");
    if (!ep || mica_alloc_object(&env.alloc, MICA_OBJ_REPLY, 0, &r)) {
        demo_log("cannot start\n");
        return 1;
    }
    demo_log("mmap/munmap and copy-on-write fork need an MMU: not on this board\n");
    for (;;) {
        mica_word_t badge, msg;
        if (mica_recv(ep, r, &badge, &msg) == MICA_OK && !(badge & MICA_SYS_FAULT_BIT))
            mica_send(r, mica_msginfo(MICA_ERR_ILLEGAL_OPERATION, 0, 0, 0));
    }
}

int mica_proc_main(const struct mica_procinfo *pi)
{
    info = pi;
    demo_log_init(info);
    if (!(info->flags & MICA_BOOT_FLAG_MMU))
        return unsupported();
    if (!setup()) {
        demo_log("cannot start\n");
        return 1;
    }
    for (;;) {
        mica_word_t badge, msg;
        if (mica_recv(ep, reply[cur], &badge, &msg) != MICA_OK)
            continue;
        if (badge & MICA_SYS_FAULT_BIT) {
            mica_word_t who = badge & ~(mica_word_t)MICA_SYS_FAULT_BIT;
            struct proc *p = who == CHILD_ID ? &child : who == demo_pd + 1 ? &parent : 0;
            if (p && p->live) {
                on_fault(p, mica_msginfo_label(msg));
                release_barrier();
                if (parent.exited && (!child.live || child.exited))
                    forktest_done();
            }
            continue;
        }
        int n = request(mica_msginfo_label(msg), badge);
        if (n >= 0)
            mica_send(reply[cur], mica_msginfo(0, 0, 0, (unsigned)n));
    }
}
