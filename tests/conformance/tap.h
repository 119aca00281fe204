/* SPDX-License-Identifier: MIT */
/*
 * A small TAP framework for the conformance suite. Each test registers its name and the
 * (invocation or syscall, error) pairs it exercises; a test passes only if every check passed and
 * every registered pair was actually observed by a CHECK_INV/CHECK_SYS, so the registered pairs
 * (which check_abi_coverage.py reads) cannot claim more than the test does.
 */
#ifndef CONFORMANCE_TAP_H
#define CONFORMANCE_TAP_H

#include <mica/mica.h>
#include <stdbool.h>

enum tap_kind { TAP_INV, TAP_SYS };

struct tap_pair {
    unsigned char kind; /* enum tap_kind */
    mica_word_t op;     /* enum mica_label or enum mica_syscall */
    mica_error_t err;
    const char *op_name;
    const char *err_name;
};

struct tap_test {
    void (*fn)(void);
    const char *name;
    const struct tap_pair *pairs;
    unsigned npairs;
};

/* A registered pair: INV(MICA_CNODE_COPY, MICA_ERR_DELETE_FIRST), SYS(MICA_SYS_NBRECV, ...). */
#define INV(label, err)                                                                            \
    {                                                                                              \
        TAP_INV, label, err, #label, #err                                                          \
    }
#define SYS(sys, err)                                                                              \
    {                                                                                              \
        TAP_SYS, sys, err, #sys, #err                                                              \
    }
/* The operation of a pair for syscall numbers that do not exist (0 is never a syscall). */
#define SYS_UNKNOWN 0

/* A table entry: TEST(fn, "name", pair, pair...). At least one pair. */
#define TEST(fn, name, ...)                                                                        \
    {                                                                                              \
        fn, name, (const struct tap_pair[]){__VA_ARGS__},                                          \
            sizeof((const struct tap_pair[]){__VA_ARGS__}) / sizeof(struct tap_pair)               \
    }

/* A test of user-space code that registers no (operation, error) pair. */
#define TEST0(fn, name)                                                                            \
    {                                                                                              \
        fn, name, 0, 0                                                                             \
    }

/* Compare an invocation's / syscall's result with the expected error and record the pair. */
#define CHECK_INV(label, expr, want)                                                               \
    tap_check_err(TAP_INV, label, (expr), want, #expr, __FILE__, __LINE__)
#define CHECK_SYS(sys, expr, want)                                                                 \
    tap_check_err(TAP_SYS, sys, (expr), want, #expr, __FILE__, __LINE__)
/* State checks. */
#define CHECK_EQ(got, want)                                                                        \
    tap_check_eq((mica_word_t)(got), (mica_word_t)(want), #got, #want, __FILE__, __LINE__)
#define CHECK(cond) tap_check_eq(!!(cond), 1, #cond, "true", __FILE__, __LINE__)
/* The capability type in a slot of the caller's CSpace. */
#define CHECK_CAP(cptr, type) CHECK_EQ(tap_cap_type(cptr), type)

bool tap_check_err(enum tap_kind kind, mica_word_t op, mica_error_t got, mica_error_t want,
                   const char *expr, const char *file, int line);
bool tap_check_eq(mica_word_t got, mica_word_t want, const char *got_s, const char *want_s,
                  const char *file, int line);
/* Fail the current test with a message (e.g. a helper thread got stuck). */
void tap_fail(const char *what, const char *file, int line);
#define FAIL(what) tap_fail(what, __FILE__, __LINE__)
/* Mark the current test skipped; the test function should return right after. */
void tap_skip(const char *reason);
/* The first failed check's diagnostic so far ("" if none). */
const char *tap_diag(void);
/* True if the current test has failed so far (to stop early). */
bool tap_failed(void);

mica_word_t tap_cap_type(mica_cptr_t cptr);
const char *tap_err_name(mica_error_t err);

/* Minimal formatted output on the debug console: %s %c %d %u %x %lu %lx %lx %p %%. */
void tap_printf(const char *fmt, ...);

/* Run the tests of the given tables; returns the number that failed. */
struct tap_suite {
    const struct tap_test *tests;
    unsigned count;
};
unsigned tap_run(const struct tap_suite *suites, unsigned nsuites, void (*before)(void),
                 void (*after)(void));

#endif
