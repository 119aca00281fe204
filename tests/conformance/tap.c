/* SPDX-License-Identifier: MIT */
/*
 * TAP output and per-test bookkeeping for the conformance suite: the plan line, one ok/not ok
 * line per test with a diagnostic for the first failed check, and "# covers" lines naming the
 * (operation, error) pairs a passing test observed, for check_abi_coverage.py --tap.
 */
#include "tap.h"

#include <mica/user.h>
#include <stdarg.h>

#define MAX_PAIRS 16

static struct {
    const struct tap_test *test;
    bool failed;
    bool skipped;
    const char *skip_reason;
    unsigned checks;
    bool seen[MAX_PAIRS];
    char diag[256];
} cur;

static const char *const err_names[] = {
    [MICA_OK] = "MICA_OK",
    [MICA_ERR_INVALID_ARGUMENT] = "MICA_ERR_INVALID_ARGUMENT",
    [MICA_ERR_INVALID_CAPABILITY] = "MICA_ERR_INVALID_CAPABILITY",
    [MICA_ERR_ILLEGAL_OPERATION] = "MICA_ERR_ILLEGAL_OPERATION",
    [MICA_ERR_RANGE] = "MICA_ERR_RANGE",
    [MICA_ERR_ALIGNMENT] = "MICA_ERR_ALIGNMENT",
    [MICA_ERR_FAILED_LOOKUP] = "MICA_ERR_FAILED_LOOKUP",
    [MICA_ERR_TRUNCATED_MESSAGE] = "MICA_ERR_TRUNCATED_MESSAGE",
    [MICA_ERR_DELETE_FIRST] = "MICA_ERR_DELETE_FIRST",
    [MICA_ERR_REVOKE_FIRST] = "MICA_ERR_REVOKE_FIRST",
    [MICA_ERR_NOT_ENOUGH_MEMORY] = "MICA_ERR_NOT_ENOUGH_MEMORY",
    [MICA_ERR_WOULD_BLOCK] = "MICA_ERR_WOULD_BLOCK",
    [MICA_ERR_CANCELLED] = "MICA_ERR_CANCELLED",
    [MICA_ERR_UNKNOWN_SYSCALL] = "MICA_ERR_UNKNOWN_SYSCALL",
};

const char *tap_err_name(mica_error_t err)
{
    if ((unsigned)err < MICA_ERR_COUNT)
        return err_names[err];
    return "(not an error code)";
}

/* ---- output ---- */

static char line[256];
static unsigned line_len;

static void out_flush(void)
{
    if (line_len)
        mica_debug_write(line, line_len);
    line_len = 0;
}

static void out_char(char c)
{
    if (line_len == sizeof(line))
        out_flush();
    line[line_len++] = c;
    if (c == '\n')
        out_flush();
}

/* Formats into the console, or into dst (when not NULL, size > 0). */
static char *fmt_dst;
static unsigned fmt_left;

static void put(char c)
{
    if (fmt_dst) {
        if (fmt_left > 1) {
            *fmt_dst++ = c;
            fmt_left--;
        }
        *fmt_dst = 0;
    } else {
        out_char(c);
    }
}

static void vformat(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(*fmt);
            continue;
        }
        fmt++;
        bool is_long = false;
        while (*fmt == 'l' || *fmt == 'z') {
            is_long = true;
            fmt++;
        }
        unsigned long long v;
        char buf[24];
        unsigned n = 0;
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            while (s && *s)
                put(*s++);
            continue;
        }
        case 'c': put((char)va_arg(ap, int)); continue;
        case 'd': {
            long long d = is_long ? va_arg(ap, long) : va_arg(ap, int);
            if (d < 0) {
                put('-');
                v = (unsigned long long)-d;
            } else {
                v = (unsigned long long)d;
            }
            break;
        }
        case 'u':
        case 'x': v = is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned); break;
        case 'p':
            v = (uintptr_t)va_arg(ap, void *);
            put('0');
            put('x');
            break;
        default: put(*fmt); continue;
        }
        unsigned base = (*fmt == 'd' || *fmt == 'u') ? 10 : 16;
        do {
            buf[n++] = "0123456789abcdef"[v % base];
            v /= base;
        } while (v);
        while (n)
            put(buf[--n]);
    }
}

void tap_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vformat(fmt, ap);
    va_end(ap);
}

static void diag_printf(const char *fmt, ...)
{
    va_list ap;

    if (cur.diag[0])
        return; /* keep the first failure; it explains the rest */
    fmt_dst = cur.diag;
    fmt_left = sizeof(cur.diag);
    va_start(ap, fmt);
    vformat(fmt, ap);
    va_end(ap);
    fmt_dst = 0;
}

/* ---- checks ---- */

static const char *base_name(const char *path)
{
    const char *b = path;

    for (; *path; path++)
        if (*path == '/')
            b = path + 1;
    return b;
}

bool tap_check_err(enum tap_kind kind, mica_word_t op, mica_error_t got, mica_error_t want,
                   const char *expr, const char *file, int line_no)
{
    cur.checks++;
    if (got != want) {
        cur.failed = true;
        diag_printf("%s:%d: %s: expected %s, got %s", base_name(file), line_no, expr,
                    tap_err_name(want), tap_err_name(got));
        return false;
    }
    for (unsigned i = 0; cur.test && i < cur.test->npairs && i < MAX_PAIRS; i++) {
        const struct tap_pair *p = &cur.test->pairs[i];
        if (p->kind == kind && p->op == op && p->err == want)
            cur.seen[i] = true;
    }
    return true;
}

bool tap_check_eq(mica_word_t got, mica_word_t want, const char *got_s, const char *want_s,
                  const char *file, int line_no)
{
    cur.checks++;
    if (got != want) {
        cur.failed = true;
        diag_printf("%s:%d: %s: expected %s = 0x%lx, got 0x%lx", base_name(file), line_no, got_s,
                    want_s, (unsigned long)want, (unsigned long)got);
        return false;
    }
    return true;
}

void tap_fail(const char *what, const char *file, int line_no)
{
    cur.failed = true;
    diag_printf("%s:%d: %s", base_name(file), line_no, what);
}

void tap_skip(const char *reason)
{
    cur.skipped = true;
    cur.skip_reason = reason;
}

const char *tap_diag(void)
{
    return cur.diag;
}

bool tap_failed(void)
{
    return cur.failed;
}

mica_word_t tap_cap_type(mica_cptr_t cptr)
{
    mica_word_t type = ~(mica_word_t)0;

    if (mica_debug_cap_type(cptr, &type) != MICA_OK)
        return ~(mica_word_t)0;
    return type;
}

unsigned tap_run(const struct tap_suite *suites, unsigned nsuites, void (*before)(void),
                 void (*after)(void))
{
    unsigned total = 0, n = 0, failed = 0;

    for (unsigned s = 0; s < nsuites; s++)
        total += suites[s].count;
    tap_printf("1..%u\n", total);
    for (unsigned s = 0; s < nsuites; s++) {
        for (unsigned t = 0; t < suites[s].count; t++) {
            const struct tap_test *test = &suites[s].tests[t];

            cur.test = test;
            cur.failed = cur.skipped = false;
            cur.checks = 0;
            cur.diag[0] = 0;
            for (unsigned i = 0; i < MAX_PAIRS; i++)
                cur.seen[i] = false;
            if (before)
                before();
            test->fn();
            if (after)
                after();
            n++;
            if (cur.skipped && !cur.failed) {
                tap_printf("ok %u - %s # SKIP %s\n", n, test->name, cur.skip_reason);
                for (unsigned i = 0; i < test->npairs; i++)
                    tap_printf("# skip-covers %s %s\n", test->pairs[i].op_name,
                               test->pairs[i].err_name);
                continue;
            }
            if (!cur.failed && test->npairs > MAX_PAIRS)
                tap_fail("test registers too many pairs", __FILE__, __LINE__);
            for (unsigned i = 0; !cur.failed && i < test->npairs; i++) {
                if (!cur.seen[i]) {
                    cur.failed = true;
                    diag_printf("registered pair %s/%s was never observed", test->pairs[i].op_name,
                                test->pairs[i].err_name);
                }
            }
            if (!cur.failed && cur.checks == 0)
                tap_fail("test made no checks", __FILE__, __LINE__);
            if (cur.failed) {
                failed++;
                tap_printf("not ok %u - %s\n# %s\n", n, test->name, cur.diag);
            } else {
                tap_printf("ok %u - %s\n", n, test->name);
                for (unsigned i = 0; i < test->npairs; i++)
                    tap_printf("# covers %s %s\n", test->pairs[i].op_name, test->pairs[i].err_name);
            }
        }
    }
    cur.test = 0;
    tap_printf("# %u passed, %u failed\n", total - failed, failed);
    return failed;
}
