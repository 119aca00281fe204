/* SPDX-License-Identifier: MIT */
/* The test tables of the conformance suite, one per file, and helpers several files share. */
#ifndef CONFORMANCE_SUITE_H
#define CONFORMANCE_SUITE_H

#include "env.h"

#define DECLARE_TESTS(group)                                                                       \
    extern const struct tap_test group##_tests[];                                                  \
    extern const unsigned group##_tests_count
#define DEFINE_COUNT(group)                                                                        \
    const unsigned group##_tests_count = sizeof(group##_tests) / sizeof(group##_tests[0])

DECLARE_TESTS(boot);
DECLARE_TESTS(untyped);
DECLARE_TESTS(cnode);
DECLARE_TESTS(tcb);
DECLARE_TESTS(ipc);
DECLARE_TESTS(ntfn);
DECLARE_TESTS(sched);
DECLARE_TESTS(schedctx);
DECLARE_TESTS(irq);
DECLARE_TESTS(vm);
DECLARE_TESTS(mpu);
DECLARE_TESTS(mcs);
DECLARE_TESTS(fault);
DECLARE_TESTS(board);
DECLARE_TESTS(an505);
DECLARE_TESTS(toolkit);
DECLARE_TESTS(smp);

/* Word-sized pointer arguments for helper threads. */
#define ARG(p) ((mica_word_t)(uintptr_t)(p))
#define PTR(w) ((void *)(uintptr_t)(w))

/* A cptr that does not resolve in the root task's CSpace: a set bit where the guard is 0. */
#define BAD_CPTR ((mica_cptr_t)1 << (MICA_WORD_BITS - 1))

/* The board's test interrupt (test_board.c: the goldfish RTC alarm on qemu-virt-riscv64, the
 * PL061 GPIO's pin 0 on qemu-virt-aarch64), for other groups. board_line_claim maps the device at
 * va, claims its line into l->handler and binds notification n (badge 0x4); false after a failed
 * check, or after a skip on a board without one. raise makes the device request the interrupt
 * (the RTC: 1 ms later), lower withdraws the request; release turns the device off, unmaps it and
 * deletes the handler, which frees the line. */
struct board_line {
    mica_word_t irq;
    volatile uint32_t *regs;
    mica_cptr_t frame, handler;
};
bool board_line_claim(struct board_line *l, mica_cptr_t n, mica_word_t va);
void board_line_raise(struct board_line *l);
void board_line_lower(struct board_line *l);
void board_line_release(struct board_line *l);

/* Claim the first line IRQControl hands out below 1024 into slot: its number, or ~0 for none. */
mica_word_t irq_claim_any(mica_cptr_t slot);

/* Objects every other test needs. */
static inline mica_cptr_t new_ep(void)
{
    return env_new(MICA_OBJ_ENDPOINT, 0);
}
static inline mica_cptr_t new_ntfn(void)
{
    return env_new(MICA_OBJ_NOTIFICATION, 0);
}
static inline mica_cptr_t new_reply(void)
{
    return env_new(MICA_OBJ_REPLY, 0);
}
/* A child Untyped of 2^bits bytes carved from the pool. */
static inline mica_cptr_t new_untyped(unsigned bits)
{
    return env_new(MICA_OBJ_UNTYPED, bits);
}

#endif
