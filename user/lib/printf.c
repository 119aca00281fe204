/* SPDX-License-Identifier: MIT */
/*
 * mica_printf: a small printf for user space. Output is collected in a buffer and written with
 * MICA_SYS_DEBUG_WRITE when it fills and at the end, so a line costs one or two syscalls.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <mica/user.h>

struct out {
    char buf[128];
    unsigned len;
    int total;
};

static void out_flush(struct out *o)
{
    if (o->len)
        mica_debug_write(o->buf, o->len);
    o->len = 0;
}

static void out_put(struct out *o, char c)
{
    if (o->len == sizeof(o->buf))
        out_flush(o);
    o->buf[o->len++] = c;
    o->total++;
}

static void out_num(struct out *o, unsigned long long v, unsigned base, bool neg, int width,
                    char pad, bool left)
{
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg && pad == '0') {
        out_put(o, '-');
        width--;
    } else if (neg) {
        tmp[n++] = '-';
    }
    for (int w = n; !left && w < width; w++)
        out_put(o, pad);
    for (int i = n; i > 0; i--)
        out_put(o, tmp[i - 1]);
    for (int w = n; left && w < width; w++)
        out_put(o, ' ');
}

static void out_str(struct out *o, const char *s, int width, bool left)
{
    int len = 0;

    if (!s)
        s = "(null)";
    while (s[len])
        len++;
    for (int w = len; !left && w < width; w++)
        out_put(o, ' ');
    for (int i = 0; i < len; i++)
        out_put(o, s[i]);
    for (int w = len; left && w < width; w++)
        out_put(o, ' ');
}

static void format(struct out *o, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_put(o, *fmt);
            continue;
        }
        bool left = false;
        char pad = ' ';
        int width = 0, lng = 0;
        for (fmt++; *fmt == '-' || *fmt == '0'; fmt++)
            *fmt == '-' ? (void)(left = true) : (void)(pad = '0');
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            width = width * 10 + (*fmt - '0');
        for (; *fmt == 'l' || *fmt == 'z'; fmt++)
            lng++;
        long long v;
        unsigned long long u;
        switch (*fmt) {
        case 'c': out_put(o, (char)va_arg(ap, int)); break;
        case 's': out_str(o, va_arg(ap, const char *), width, left); break;
        case 'd':
        case 'i':
            v = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
            out_num(o, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, 10, v < 0,
                    width, pad, left);
            break;
        case 'u':
        case 'x':
            u = lng >= 2 ? va_arg(ap, unsigned long long)
                : lng    ? va_arg(ap, unsigned long)
                         : va_arg(ap, unsigned);
            out_num(o, u, *fmt == 'u' ? 10 : 16, false, width, pad, left);
            break;
        case 'p':
            out_put(o, '0');
            out_put(o, 'x');
            out_num(o, (uintptr_t)va_arg(ap, void *), 16, false, width, pad, left);
            break;
        case '%': out_put(o, '%'); break;
        case '\0': return;
        default:
            out_put(o, '%');
            out_put(o, *fmt);
            break;
        }
    }
}

int mica_printf(const char *fmt, ...)
{
    struct out o = {.len = 0};
    va_list ap;

    va_start(ap, fmt);
    format(&o, fmt, ap);
    va_end(ap);
    out_flush(&o);
    return o.total;
}
