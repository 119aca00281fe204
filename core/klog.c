/* SPDX-License-Identifier: MIT */
/*
 * Kernel printf. One formatter writes through a sink so that kprintf (console) and ksnprintf
 * (buffer) share it; no floating point, no allocation, bounded stack.
 */
#include <stdbool.h>
#include <stdint.h>

#include "hal.h"
#include "klog.h"

struct sink {
    char *buf; /* NULL: console */
    unsigned long size;
    unsigned long len;
};

static void sink_put(struct sink *s, char c)
{
    if (!s->buf)
        hal_console_putc(c);
    else if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

static void put_num(struct sink *s, unsigned long long v, unsigned base, bool neg, int width,
                    char pad, bool left, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[n++] = '-';
    /* A zero pad goes between the sign and the digits, so emit the sign first. */
    if (neg && pad == '0') {
        sink_put(s, '-');
        n--;
        width--;
    }
    int len = n;
    for (int w = len; !left && w < width; w++)
        sink_put(s, pad);
    while (n)
        sink_put(s, tmp[--n]);
    for (int w = len; left && w < width; w++)
        sink_put(s, ' ');
}

static void put_str(struct sink *s, const char *str, int width, bool left)
{
    int len = 0;

    if (!str)
        str = "(null)";
    while (str[len])
        len++;
    for (int w = len; !left && w < width; w++)
        sink_put(s, ' ');
    for (int i = 0; i < len; i++)
        sink_put(s, str[i]);
    for (int w = len; left && w < width; w++)
        sink_put(s, ' ');
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            sink_put(s, *fmt);
            continue;
        }
        fmt++;
        bool left = false;
        char pad = ' ';
        for (; *fmt == '-' || *fmt == '0'; fmt++) {
            if (*fmt == '-')
                left = true;
            else
                pad = '0';
        }
        int width = 0;
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            width = width * 10 + (*fmt - '0');
        int lng = 0;
        for (; *fmt == 'l' || *fmt == 'z'; fmt++)
            lng++;
        if (lng > 2)
            lng = 2;

        unsigned long long u;
        long long v;
        switch (*fmt) {
        case 'c': sink_put(s, (char)va_arg(ap, int)); break;
        case 's': put_str(s, va_arg(ap, const char *), width, left); break;
        case 'd':
        case 'i':
            v = lng == 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
            put_num(s, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, 10, v < 0,
                    width, pad, left, false);
            break;
        case 'u':
        case 'x':
        case 'X':
            u = lng == 2 ? va_arg(ap, unsigned long long)
                : lng    ? va_arg(ap, unsigned long)
                         : va_arg(ap, unsigned int);
            put_num(s, u, *fmt == 'u' ? 10 : 16, false, width, pad, left, *fmt == 'X');
            break;
        case 'p':
            sink_put(s, '0');
            sink_put(s, 'x');
            put_num(s, (uintptr_t)va_arg(ap, void *), 16, false, width, pad, left, false);
            break;
        case '%': sink_put(s, '%'); break;
        case '\0': return;
        default:
            /* Unknown conversion: print it verbatim so the mistake is visible in the log. */
            sink_put(s, '%');
            sink_put(s, *fmt);
            break;
        }
    }
}

int kvprintf(const char *fmt, va_list ap)
{
    struct sink s = {0};

    format(&s, fmt, ap);
    return (int)s.len;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}

/* Only boot formats into buffers (the reasons a description or devicetree is refused). */
BOOT_CODE int ksnprintf(char *buf, unsigned long size, const char *fmt, ...)
{
    struct sink s = {.buf = buf, .size = size};
    va_list ap;

    va_start(ap, fmt);
    format(&s, fmt, ap);
    va_end(ap);
    if (size)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return (int)s.len;
}

_Noreturn void kpanic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    kprintf("panic: %s:%d: ", file, line);
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
    hal_halt(3);
}
