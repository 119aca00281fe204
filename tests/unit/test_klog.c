/* SPDX-License-Identifier: MIT */
/*
 * Host test of core/klog.c's formatter through ksnprintf: every conversion, length, flag and
 * field width klog.h lists, against what C's printf prints for the same format, and the
 * buffer contract (always NUL-terminated, the length it wanted returned).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "klog.h"

/* ---- What klog.c needs from an arch. ---- */

static char console[256];
static unsigned console_len;

void hal_console_putc(char c)
{
    if (console_len + 1 < sizeof(console))
        console[console_len++] = c;
}

_Noreturn void hal_halt(int status)
{
    fail_msg("hal_halt(%d)", status);
    abort();
}

/* ---- Helpers. ---- */

/* ksnprintf's output and return value must be C's for the same format and arguments. */
#define SAME(...)                                                                                  \
    do {                                                                                           \
        char want[128], got[128];                                                                  \
        int n = snprintf(want, sizeof(want), __VA_ARGS__);                                         \
        assert_int_equal(ksnprintf(got, sizeof(got), __VA_ARGS__), n);                             \
        assert_string_equal(got, want);                                                            \
    } while (0)

static void test_integers(void **state)
{
    (void)state;
    SAME("%d %i %u", 0, -7, 7u);
    SAME("%d %d", 2147483647, -2147483647 - 1);
    SAME("%ld %lu %lld %llu", -5l, 5ul, -9223372036854775807ll - 1, 18446744073709551615ull);
    SAME("%zu %zx", (size_t)12345, (size_t)0xabc);
    SAME("%x %X %lx %llX", 0xbeefu, 0xbeefu, 0xdeadbeeful, 0xfeedfacecafebeefull);
}

static void test_widths_and_flags(void **state)
{
    (void)state;
    SAME("[%5d] [%05d] [%-5d]", 42, 42, 42);
    SAME("[%5d] [%05d] [%-5d]", -42, -42, -42);
    SAME("[%2d] [%02d] [%-2d]", 12345, -12345, 123);
    SAME("[%08x] [%-8x] [%8X]", 0x1234u, 0x1234u, 0xabcdu);
    SAME("[%016llx]", 0x1ull);
    SAME("[%6s] [%-6s] [%2s]", "ab", "ab", "abcdef");
}

static void test_chars_strings_pointers(void **state)
{
    (void)state;
    SAME("%c%c%c", 'm', 'i', 'x');
    SAME("a %% b %s", "c");
    char got[64];
    /* Not C's: no null check there; klog prints "(null)", and "%p" as 0x plus hex digits. */
    assert_int_equal(ksnprintf(got, sizeof(got), "%s", (const char *)NULL), 6);
    assert_string_equal(got, "(null)");
    assert_int_equal(ksnprintf(got, sizeof(got), "%p", (void *)(uintptr_t)0x1000), 6);
    assert_string_equal(got, "0x1000");
}

/* An unknown conversion is printed as it is (so the mistake shows in the log); a '%' that ends
 * the format prints nothing. */
static void test_unknown_conversion(void **state)
{
    /* Through a pointer, which drops the format attribute: these formats are wrong on purpose. */
    int (*format)(char *, unsigned long, const char *, ...) = ksnprintf;
    char got[64];

    (void)state;
    assert_int_equal(format(got, sizeof(got), "%q and %"), 7);
    assert_string_equal(got, "%q and ");
}

/* The buffer: always NUL-terminated, the return value is the length the whole text wanted, a
 * size of 0 writes nothing. */
static void test_truncation(void **state)
{
    char got[8];

    (void)state;
    memset(got, 'x', sizeof(got));
    assert_int_equal(ksnprintf(got, 4, "%s", "abcdef"), 6);
    assert_string_equal(got, "abc");
    assert_int_equal(got[4], 'x');
    assert_int_equal(ksnprintf(got, 1, "%d", 123), 3);
    assert_string_equal(got, "");
    memset(got, 'x', sizeof(got));
    assert_int_equal(ksnprintf(got, 0, "%d", 123), 3);
    assert_int_equal(got[0], 'x');
}

/* kprintf goes to the console and returns the length. */
static void test_console(void **state)
{
    (void)state;
    console_len = 0;
    assert_int_equal(kprintf("mica %u %s", 3u, "ok"), 9);
    assert_int_equal(console_len, 9);
    assert_memory_equal(console, "mica 3 ok", 9);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_widths_and_flags),
        cmocka_unit_test(test_chars_strings_pointers),
        cmocka_unit_test(test_unknown_conversion),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_console),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
