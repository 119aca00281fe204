/* SPDX-License-Identifier: MIT */
/*
 * The kernel object model: capabilities, CNode slots with their derivation-tree links, and the
 * layout of every object type. Objects live in memory user space retyped from Untyped; these
 * structs are that memory's layout. object.c creates and destroys them.
 */
#ifndef MICA_OBJECT_H
#define MICA_OBJECT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <mica/mica.h>

#include "hal.h"
#include "kconfig.h"
#include "klog.h"

/*
 * A capability: 4 words. obj is the kernel pointer of the object (the base for Untyped/Frame).
 * data is the badge (Endpoint, Notification), the guard value (CNode), the mapped vaddr (Frame,
 * PageTable), the ASID tag (VSpace), how far the memory above the watermark is known to be zero
 * (Untyped, untyped.c). extra is the watermark (Untyped) or the ASID tag of the VSpace it is
 * mapped in (Frame, PageTable; see vspace.h). level is the level a mapped PageTable was linked
 * at. A zombie (delete.c) uses the same words its own way and counts its work in left.
 */
struct cap {
    uint8_t type;       /* enum mica_cap_type */
    uint8_t rights;     /* MICA_RIGHT_* */
    uint8_t size_bits;  /* Untyped, Frame: log2 bytes; CNode: log2 slots */
    uint8_t guard_bits; /* CNode; a zombie: the type of the object it is deleting */
    union {
        struct {
            uint8_t flags; /* CAP_FLAG_* */
            uint8_t level; /* PageTable */
            uint8_t pad[2];
        };
        uint32_t left; /* zombie: slots (or other units) still to clear */
    };
    word_t obj;
    word_t data;
    word_t extra;
};

#define CAP_FLAG_DEVICE 0x1 /* Untyped, Frame: device memory, never touched by the kernel */
#define CAP_FLAG_MAPPED 0x2 /* Frame, PageTable: data/extra/level say where */

/*
 * A CNode slot (cte: capability table entry) and its place in the capability derivation tree
 * (cap.c). A derived cap (Copy, Mint, Retype's objects) is a child of its source, so Revoke
 * deletes exactly the subtree. Siblings are a doubly linked list whose ends point at the parent
 * instead of at nothing (the link's low bit says so), so that no child stores its parent: moving
 * a cap, or splicing a deleted cap's children into its place, is a constant number of stores
 * however many children there are. Caps to the same object stay adjacent in pre-order.
 */
struct cte {
    struct cap cap;
    struct cte *first_child;
    struct cte *last_child;
    word_t next; /* next sibling, or the parent | CTE_LINK_PARENT after the last child */
    word_t prev; /* previous sibling, or the parent | CTE_LINK_PARENT before the first child */
};
compile_assert(cte_fits_slot, sizeof(struct cte) <= (1u << MICA_SLOT_BITS));

#define CTE_LINK_PARENT ((word_t)1)

static inline struct cte *cte_link(word_t link)
{
    return (struct cte *)(link & ~CTE_LINK_PARENT);
}

/* The next / previous sibling, or NULL at the end of the list. */
static inline struct cte *cte_next(const struct cte *c)
{
    return (c->next & CTE_LINK_PARENT) ? NULL : (struct cte *)c->next;
}
static inline struct cte *cte_prev(const struct cte *c)
{
    return (c->prev & CTE_LINK_PARENT) ? NULL : (struct cte *)c->prev;
}

struct tcb;

/* An intrusive FIFO of threads (endpoint or notification waiters). */
struct tcb_queue {
    struct tcb *head;
    struct tcb *tail;
};

enum ep_state { EP_IDLE, EP_SEND, EP_RECV };

struct endpoint {
    struct tcb_queue queue; /* all senders or all receivers, as state says */
    word_t state;
};

/*
 * A notification is Idle, Waiting (waiters queued) or Active (signalled, not yet taken: even a
 * signal with badge 0 makes it active, as in seL4). The active flag lives in bit 0 of the bound
 * TCB pointer (TCBs are 2^MICA_TCB_BITS aligned) so that the object stays four words.
 */
struct notification {
    struct tcb_queue waiters;
    word_t word;              /* pending signal bits */
    word_t bound_tag;         /* TCB bound with TCB_BindNotification (or 0) | active flag */
    struct sched_context *sc; /* bound with SchedContext_Bind: lent to a passive waiter */
};

static inline struct tcb *ntfn_bound(const struct notification *n)
{
    return (struct tcb *)(n->bound_tag & ~(word_t)1);
}
static inline void ntfn_set_bound(struct notification *n, struct tcb *t)
{
    n->bound_tag = (word_t)t | (n->bound_tag & 1);
}
static inline bool ntfn_active(const struct notification *n)
{
    return n->bound_tag & 1;
}
static inline void ntfn_set_active(struct notification *n, bool active)
{
    n->bound_tag = (n->bound_tag & ~(word_t)1) | (word_t)active;
}

/*
 * MCS reply object: the one-shot path back to a caller. If the Call donated the caller's
 * scheduling context, sc names it and prev/next are the replies below and above this one on that
 * SC's call stack (a donated SC can be donated again by a passive server that calls another
 * one); doubly linked, so that a reply answered out of order leaves the stack in O(1).
 */
struct reply {
    struct tcb *caller;   /* blocked in Call waiting on this reply */
    struct tcb *receiver; /* blocked in Recv that will bind this reply */
    struct sched_context *sc;
    struct reply *prev;
    struct reply *next;
};

/* One replenishment: amount ticks of budget usable from time on. */
struct refill {
    uint64_t time;
    uint64_t amount;
};

/* A sporadic server has 1 + extra_refills refills (SchedControl_Configure); all fit the object. */
#define SC_MAX_REFILLS 9

/*
 * A scheduling context: the right to budget ticks every period ticks, as a circular queue of
 * refills whose amounts always add up to budget (seL4 MCS). budget == period is a round-robin
 * context: never throttled, its budget is a timeslice. tcb is the thread running on it (bound or
 * donated); reply the top of its donation stack.
 */
struct sched_context {
    uint64_t budget;
    uint64_t period;
    uint64_t consumed; /* ticks charged since the last SchedContext_Consumed (mod 2^64), but
                          a round-robin context's current slice (sc_consumed) */
    struct tcb *tcb;
    struct notification *ntfn;
    struct reply *reply;
    word_t badge;
    uint8_t head, count, max, configured;
    /* Side by side at an even offset: the SMP fast path compares two contexts' pairs as one
     * halfword (sc_rr_cpu, sched_switch_ok_other). */
    union {
        struct {
            uint8_t round_robin; /* budget == period (sc_round_robin), kept for the fast path */
            uint8_t cpu; /* the CPU of the SchedControl that configured it: its thread runs there */
        };
        uint16_t rr_cpu;
    };
    uint8_t dying; /* its last cap is gone: nothing may take it up again (delete.c) */
    struct refill refills[SC_MAX_REFILLS];
};

enum thread_state {
    TS_INACTIVE,
    TS_READY, /* runnable; in its CPU's ready queue (or at its front), including while it runs */
    TS_BLOCKED_SEND,
    TS_BLOCKED_RECV,
    TS_BLOCKED_REPLY,
    TS_BLOCKED_NTFN,
};

/* Which scheduler queue a TS_READY thread is in: none (passive: no usable scheduling context),
 * its CPU's ready queue, the release queue (waiting for a refill), or the head of its ready
 * queue without being linked in (its CPU's front thread, sched.c). */
enum sched_queue { SQ_NONE, SQ_READY, SQ_RELEASE, SQ_FRONT };

/* Slots a TCB owns: caps it holds on its configuration (seL4's TCB CNode). */
enum tcb_slot { TCB_CSPACE, TCB_VSPACE, TCB_IPC_BUFFER, TCB_FAULT, TCB_TIMEOUT, TCB_NSLOTS };

#define IPC_FLAG_CALL        0x1
#define IPC_FLAG_GRANT       0x2
#define IPC_FLAG_GRANT_REPLY 0x4
#define IPC_FLAG_FAULT       0x8 /* the message is the thread's fault (fault.c) */

struct tcb {
    struct arch_ctx ctx;
    uint8_t state; /* enum thread_state */
    uint8_t prio;
    uint8_t mcp;
    uint8_t ipc_flags; /* blocked sender: IPC_FLAG_* */
    uint8_t queue;     /* enum sched_queue */
    uint8_t fault;     /* enum mica_fault_type being handled, or MICA_FAULT_NONE */
    unsigned cpu;      /* CPU whose ready queue it uses */
    word_t fault_addr; /* the pending fault's MR1 and MR2 */
    word_t fault_detail;
    struct tcb *sched_next; /* ready or release queue links */
    struct tcb *sched_prev;
    struct tcb *ipc_next; /* endpoint / notification queue links */
    struct tcb *ipc_prev;
    void *blocked_on;           /* endpoint, notification or reply, by state */
    struct reply *reply;        /* blocked Recv: reply to bind; blocked Call: reply waited on */
    word_t ipc_badge;           /* blocked sender: badge of the cap it sent through */
    struct notification *bound; /* bound notification */
    struct sched_context *sc;   /* scheduling context it runs on (bound, donated or lent) */
    struct mica_ipc_buffer *ipc_buf; /* kernel pointer, or NULL */
    word_t ipc_buf_uaddr;
    struct cte slots[TCB_NSLOTS];
};
compile_assert(tcb_fits, sizeof(struct tcb) <= (1u << MICA_TCB_BITS));
compile_assert(ep_fits, sizeof(struct endpoint) <= (1u << MICA_ENDPOINT_BITS));
compile_assert(ntfn_fits, sizeof(struct notification) <= (1u << MICA_NOTIFICATION_BITS));
compile_assert(reply_fits, sizeof(struct reply) <= (1u << MICA_REPLY_BITS));
compile_assert(sc_fits, sizeof(struct sched_context) <= (1u << MICA_SCHED_CONTEXT_BITS));

static inline void *cap_ptr(const struct cap *c)
{
    return (void *)c->obj;
}

/* Object size in log2 bytes for Retype; size_bits is the caller's choice where it applies. */
unsigned object_size_bits(unsigned type, unsigned size_bits);
/* Is size_bits acceptable for type (Untyped, CNode, Frame ranges; other types ignore it)? */
bool object_size_valid(unsigned type, word_t size_bits);
/* Initialise zeroed memory at kva as a new object and return the cap that names it. */
struct cap object_create(unsigned type, unsigned size_bits, void *kva, bool device);

/*
 * The last cap to an object is gone (delete.c). Objects whose teardown is bounded are destroyed
 * at once (object_destroy); the others (object_needs_zombie: they hold caps, or queues of
 * threads) step by step through a zombie: object_finalise_begin does the bounded part (a
 * thread stops, a line is masked) and returns the zombie's first count of work left, then
 * object_finalise_step does one bounded step (delete.h's enum finalise_step; a cap the object
 * holds is handed back in *slot for delete.c to delete).
 */
bool object_needs_zombie(const struct cap *c);
void object_destroy(const struct cap *c);
uint32_t object_finalise_begin(const struct cap *c);
int object_finalise_step(struct cap *zombie, struct cte **slot);
/* Does slot lie in the memory of the zombie's object? */
bool object_holds_slot(const struct cap *zombie, const struct cte *slot);

#endif
