/* SPDX-License-Identifier: MIT */
/*
 * The big kernel lock and what crosses between CPUs (docs/architecture.md, "SMP"). With
 * CONFIG_SMP every kernel entry takes one ticket lock and every exit releases it just before the
 * arch restores the next context; without it all of this compiles to nothing, so the
 * uniprocessor kernel has no atomic instruction on any path.
 */
#ifndef MICA_SMP_H
#define MICA_SMP_H

#include "sched.h"

/* What a CPU's trap in flight was (struct cpu's entered): a syscall, whose PC is already past the
 * syscall instruction, or anything else. 0: the CPU is not waiting for the lock with a user
 * context saved. */
enum smp_entry { SMP_ENTRY_NONE, SMP_ENTRY_SYSCALL, SMP_ENTRY_OTHER };

/* This CPU's state: a constant address on one CPU; with more, the pointer the arch keeps per CPU
 * (hal_cpu_local), one load on the entry paths, where &cpus[hal_cpu_id()] costs a
 * multiplication by the size of struct cpu that clang works out again at every use. */
static inline struct cpu *smp_this_cpu(void)
{
#if CONFIG_NR_CPUS > 1
    return hal_cpu_local();
#else
    return &cpus[0];
#endif
}

#ifdef CONFIG_SMP
/* A ticket lock: CPUs get the lock in the order they asked for it, so that no CPU can starve the
 * others (a plain test-and-set lock lets the CPU that released it win again, which QEMU's MTTCG,
 * scheduling vCPUs as host threads, makes likely).
 *
 * Two layouts, chosen by the arch (ARCH_TICKET_ONE_WORD), both for the fewest instructions on
 * the uncontended entry. Where an atomic add is one instruction that returns only the old value
 * (RISC-V's amoadd), the two counters are words of their own: the add draws the ticket and one
 * acquire load reads the owner. Where it is a load-exclusive/store-exclusive loop (AArch64
 * without LSE), both are halves of one word (owner low, next high): the exclusive load, with
 * acquire, reads the owner in the same instruction that draws the ticket, and the release
 * stores the low half alone. 16-bit tickets wrap harmlessly: at most CONFIG_NR_CPUS are drawn
 * and not yet served, and next's carry leaves the word. The IPC fast path reaches the lock as
 * c->lock, a load from the CPU pointer it has anyway, instead of a global's two-instruction
 * address (docs/architecture.md, "The lock's cost"). */
#ifdef ARCH_TICKET_ONE_WORD
struct ticket_lock {
    union {
        uint32_t word;
        struct {
            uint16_t owner; /* the ticket being served (the low half: little-endian) */
            uint16_t next;  /* the ticket the next CPU to ask draws */
        };
    };
};
/* What smp_ticket_on returns as the draw: the whole word before the add, whose high half is the
 * ticket drawn and whose low half the owner then (the same if it was served at once). */
#define SMP_TICKET_OF(draw) ((uint16_t)((draw) >> 16))
#else
struct ticket_lock {
    uint32_t next;  /* the ticket the next CPU to ask draws */
    uint32_t owner; /* the ticket being served */
};
/* The draw is the ticket. */
#define SMP_TICKET_OF(draw) (draw)
#endif
extern struct ticket_lock kernel_lock;

/* The lock is taken: wait for the ticket of draw (smp.c). Before it waits, the CPU moves to the
 * kernel-only tables (the lock holder may free the VSpace it trapped from) and, if it trapped from
 * user mode (kind), says so for smp_stall. True if a stall overtook the trap meanwhile (smp_enter).
 */
bool smp_wait(struct cpu *c, enum smp_entry kind, uint32_t draw);

/* Wait until the ticket of draw (smp_ticket_on's *draw) is served. */
static inline __attribute__((always_inline)) void smp_spin(uint32_t draw)
{
    while (__atomic_load_n(&kernel_lock.owner, __ATOMIC_ACQUIRE) != SMP_TICKET_OF(draw))
        ;
}

/* Draw a ticket (*draw, SMP_TICKET_OF) from l (kernel_lock, or c->lock, the same address one
 * load away): true if it is served at once, the lock taken. Only a CPU that has to wait
 * (smp_wait) can be stalled: the stalling CPU holds the lock, and it stalls only a CPU that has
 * left the kernel or says it waits (smp_stall). So the uncontended entry is the ticket and the
 * owner's value, with nothing of the CPU's own state to look at; the IPC fast path, which must not
 * call anything it has to come back from (it keeps no stack frame), hands a contended entry over to
 * the slow path (kernel_syscall_contended). */
static inline __attribute__((always_inline)) bool smp_ticket_on(struct ticket_lock *l,
                                                                uint32_t *draw)
{
#ifdef ARCH_TICKET_ONE_WORD
    uint32_t old = __atomic_fetch_add(&l->word, 1u << 16, __ATOMIC_ACQUIRE);

    *draw = old;
    return arch_ticket_served(old);
#else
    *draw = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    return __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) == *draw;
#endif
}

static inline __attribute__((always_inline)) bool smp_ticket(uint32_t *draw)
{
    return smp_ticket_on(&kernel_lock, draw);
}

static inline void smp_lock(void)
{
    uint32_t draw;

    if (!smp_ticket(&draw))
        smp_spin(draw);
}

/* The holder of l serves the next ticket (only the holder writes owner). */
static inline __attribute__((always_inline)) void smp_unlock_on(struct ticket_lock *l)
{
    __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline __attribute__((always_inline)) void smp_unlock(void)
{
    smp_unlock_on(&kernel_lock);
}

/* &kernel_lock as c->lock: one load from c, which the entry paths have in a register, where the
 * address of a global is two instructions on riscv64 and aarch64. smp_lock_of loads it again
 * (volatile) where it is used, so that the paths do not keep it in a register all along. */
static inline __attribute__((always_inline)) struct ticket_lock *smp_cpu_lock(struct cpu *c)
{
    return c->lock;
}

static inline __attribute__((always_inline)) struct ticket_lock *smp_lock_of(struct cpu *c)
{
    return *(struct ticket_lock *volatile *)&c->lock;
}

/* Kernel entry on c: take the lock, and return true if a stall overtook the trap (the thread's own
 * part of it, a syscall or a fault, must not be handled: the thread was stopped, changed or
 * deleted meanwhile). c->user still names the thread that trapped until the exit says what runs
 * next: nothing reads it meanwhile but this CPU, whose own thread smp_stall leaves alone. */
static inline __attribute__((always_inline)) bool smp_enter(struct cpu *c, enum smp_entry kind)
{
    uint32_t draw;

    return !smp_ticket(&draw) && smp_wait(c, kind, draw);
}

/* IPIs for the CPUs in mask (smp.c). */
void smp_send_ipis(uint64_t mask);

/* Leave the kernel towards t (NULL: to idle): t's context is used outside the lock from here until
 * its next trap is saved, so another CPU must stall it before touching it (smp_stall). The IPIs
 * this entry made necessary are sent after the release, so that their targets do not trap only to
 * wait for the lock. */
static inline __attribute__((always_inline)) void smp_exit(struct cpu *c, struct tcb *t)
{
    uint64_t ipi = c->ipi;

    c->user = t;
    if (__builtin_expect(ipi != 0, 0)) {
        c->ipi = 0;
        smp_unlock();
        smp_send_ipis(ipi);
        return;
    }
    smp_unlock();
}

/* smp_exit for an entry that took l at once (draw) and queued nothing on another CPU (the IPC fast
 * path: it switches only between two threads of c), so that there is no IPI to send. */
static inline __attribute__((always_inline)) void
smp_exit_local(struct cpu *c, struct tcb *t, struct ticket_lock *l, uint32_t draw)
{
    c->user = t;
#ifdef ARCH_TICKET_ONE_WORD
    /* Served at once (the fast path's entry, on l), the draw's low half is this CPU's ticket: the
     * release is an add and a store (AArch64 has the registers to keep l and the draw). */
    __atomic_store_n(&l->owner, (uint16_t)(draw + 1), __ATOMIC_RELEASE);
#else
    /* The lock's address and owner are loaded again rather than kept: on riscv64 one more
     * register live across the fast path costs a stack frame (4-6 instructions), each load one. */
    (void)l;
    (void)draw;
    smp_unlock_on(smp_lock_of(c));
#endif
}

/* t runs, or is about to run or has just trapped, on another CPU: make that CPU take it off (an
 * IPI) and wait until its trap is saved. Called under the lock before anything changes t's
 * registers, queue, CPU or memory. No-op if t is not in user mode elsewhere. */
void smp_stall(struct tcb *t);

/* Whatever runs on CPU cpu in user mode: stopped there (smp_stall), e.g. before the VSpace it runs
 * in is freed. */
static inline void smp_stall_cpu(unsigned cpu)
{
    if (cpus[cpu].user)
        smp_stall(cpus[cpu].user);
}

/* CPU cpu must pick again (a thread was queued there): an IPI when this entry leaves. */
static inline void smp_kick(unsigned cpu)
{
    if (cpu != hal_cpu_id())
        smp_this_cpu()->ipi |= (uint64_t)1 << cpu;
}
#else
static inline void smp_lock(void)
{
}
static inline void smp_unlock(void)
{
}
static inline bool smp_wait(struct cpu *c, enum smp_entry kind, uint32_t draw)
{
    (void)c;
    (void)kind;
    (void)draw;
    return false;
}
static inline bool smp_enter(struct cpu *c, enum smp_entry kind)
{
    (void)c;
    (void)kind;
    return false;
}
static inline void smp_exit(struct cpu *c, struct tcb *t)
{
    (void)c;
    (void)t;
}
static inline void smp_exit_local(struct cpu *c, struct tcb *t, struct ticket_lock *l,
                                  uint32_t draw)
{
    (void)l;
    (void)draw;
    (void)c;
    (void)t;
}
static inline struct ticket_lock *smp_cpu_lock(struct cpu *c)
{
    (void)c;
    return NULL;
}
static inline bool smp_ticket_on(struct ticket_lock *l, uint32_t *draw)
{
    (void)l;
    *draw = 0;
    return true;
}
static inline void smp_stall(struct tcb *t)
{
    (void)t;
}
static inline void smp_stall_cpu(unsigned cpu)
{
    (void)cpu;
}
static inline void smp_kick(unsigned cpu)
{
    (void)cpu;
}
#endif

#endif
