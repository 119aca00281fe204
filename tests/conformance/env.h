/* SPDX-License-Identifier: MIT */
/*
 * The conformance suite's environment: a fresh Untyped pool and a window of empty root-CNode slots
 * for every test (both wiped between tests), object creation, and helper threads made from
 * Untyped memory with static stacks, plus a join that detects threads that got stuck.
 */
#ifndef CONFORMANCE_ENV_H
#define CONFORMANCE_ENV_H

#include "tap.h"

#include <mica/thread.h>

/*
 * Depth that names a slot of the root CNode in (index, depth) arguments. The root CNode cap's
 * guard makes the root cover a whole word (seL4 convention), so a slot's cptr is its index and it
 * is resolved with MICA_WORD_BITS bits.
 */
#define ROOT_DEPTH MICA_WORD_BITS
#define ROOT       MICA_INIT_CNODE

#define MAX_THREADS 6
#define STACK_SIZE  16384
#define ROOT_PRIO   255
#define HELPER_PRIO 100 /* default helper priority: below the root task */
#define TIMESLICE_US                                                                               \
    10000 /* helpers' round-robin budget = timeslice (CONFIG_TIMESLICE_US's default) */

extern const struct mica_bootinfo *env_bi;
/* qemu-mps2-an505: the CMSDK dual timer's registers, mapped at their address by env_init: its
 * timer 1 runs mica_clock, its timer 2 is free for tests. NULL elsewhere. */
extern volatile uint32_t *env_an505_dual;
/* Whether device untyped ut holds something of the environment's (that dual timer's frame): not
 * to be retyped or revoked by a test. */
bool env_device_in_use(mica_cptr_t ut);

/* Tests that compare amounts of time (budget shares, cost ratios) or need a time slice not to run
 * out between two steps only hold on a clock that follows instructions: tests/run boots machines
 * with more than one CPU without -icount (docs/porting.md, "SMP under QEMU"), where the clock is
 * a loaded host's. True, after a skip line saying so, on such a boot. */
bool env_skip_host_clock(void);

/* Set up the pool and the join machinery; false (with a message printed) if impossible. */
bool env_init(const struct mica_bootinfo *bi);
/* Called around each test: the first resets the per-test state, the second deletes everything. */
void env_test_begin(void);
void env_test_end(void);

/* The per-test Untyped pool (empty at the start of each test) and its size. */
mica_cptr_t env_pool(void);
unsigned env_pool_bits(void);
/* Physical address of the pool, for Frame_GetAddress checks. */
mica_word_t env_pool_paddr(void);

/* The test's toolkit environment: its allocator hands out the window's slots and draws from the
 * pool, its VSpace window is where IPC buffers (and toolkit stacks) go. */
struct mica_env *env_toolkit_env(void);

/* Next empty slot(s) of the test's window; n consecutive slots. */
mica_cptr_t env_slot(void);
mica_cptr_t env_slots(unsigned n);

/* Retype one object from the pool into a fresh slot; 0 (and a failed check) on error. */
mica_cptr_t env_new(mica_word_t type, mica_word_t size_bits);
/* A copy of cap in a fresh slot with the given rights and badge (Mint); 0 on error. */
mica_cptr_t env_mint(mica_cptr_t cap, mica_word_t rights, mica_word_t badge);

/* The device untyped that covers paddr, or 0. */
mica_cptr_t env_device_untyped(mica_word_t paddr);
/* Map frame f read-write (device memory) at va in the root's VSpace, with page tables from the
 * pool as an MMU's walk asks. */
bool env_map_device(mica_cptr_t f, mica_word_t va);
/* The page of device registers at paddr, retyped from its device untyped into *frame (a device
 * frame need not be the untyped's first page: the untyped is split down to it, one frame per
 * page) and mapped at va (on an MPU, va must be the page's own address). Returns the registers,
 * or NULL after a failed check. */
volatile uint32_t *env_device_frame(mica_word_t paddr, mica_word_t va, mica_cptr_t *frame);

/* A helper thread, made by the toolkit's mica_thread_create (<mica/thread.h>). fn runs with arg
 * on a static stack at priority prio; when fn returns the thread reports done and suspends
 * itself. */
typedef mica_thread_fn thread_fn;
struct thread {
    mica_cptr_t tcb;
    mica_cptr_t sc;
    mica_cptr_t frame;
    mica_word_t ipc_vaddr;
    unsigned index;
    volatile bool done;
    struct mica_thread mt;
};
/* Create (but do not start) a thread; with_sc false leaves it without a SchedContext. */
bool thread_create(struct thread *t, unsigned prio, thread_fn fn, mica_word_t arg, bool with_sc);
/* Write PC/SP/ARG0 and resume. */
bool thread_start(struct thread *t);
/* Start a thread that finished again with a new function, resumed by WriteRegisters itself. */
bool thread_restart(struct thread *t, thread_fn fn, mica_word_t arg);
/* Both steps. */
bool thread_spawn(struct thread *t, unsigned prio, thread_fn fn, mica_word_t arg);
/* Block until every thread in ts[] is done; false (and a failed test) if they all got stuck. */
bool thread_join(struct thread *const *ts, unsigned n);
bool thread_join1(struct thread *t);
/* Let every runnable lower-priority thread run until all of them block (uses the idle sentinel). */
void env_run_others(void);

/* Faults. Receive one fault message on ep (a Recv with Reply object reply): returns its label
 * (0, and a failed check, on error) and MR0..MR2 in mr, the handler cap's badge in *badge if
 * badge is not NULL. */
mica_word_t env_recv_fault(mica_cptr_t ep, mica_cptr_t reply, mica_word_t *badge,
                           mica_word_t mr[3]);
/* Answer that fault by moving the thread to fn(arg) on the stack below stack_top
 * (MICA_FAULT_REPLY_SET_REGS with PC, SP and ARG0). */
mica_error_t env_fault_resume_at(mica_cptr_t reply, thread_fn fn, mica_word_t arg, void *stack_top);

/*
 * A probe: one helper thread per test whose faults go to the probe's endpoint, restarted for each
 * run, so that many runs use up neither the helper threads nor (on MPU boards, where each helper's
 * IPC buffer takes a region of the root's VSpace) regions.
 */
struct probe {
    struct thread t;
    mica_cptr_t ep, reply;
};
bool probe_init(struct probe *p);
/* Run fn(arg) on the probe in VSpace vs (0: the root's); the probe's IPC buffer must be mapped
 * there (it is in the root's). */
bool probe_run(struct probe *p, mica_cptr_t vs, thread_fn fn, mica_word_t arg);
/* The probe's fault: its label and MR0..MR2 (0 and a failed check if none came). The probe
 * waits for the reply. */
mica_word_t probe_fault(struct probe *p, mica_word_t mr[3]);
/* Stop the probe after a fault (TCB_Suspend). */
bool probe_stop(struct probe *p);

/* A log shared by threads for ordering checks. */
void log_reset(void);
void log_put(mica_word_t v);
unsigned log_len(void);
mica_word_t log_at(unsigned i);

#endif
