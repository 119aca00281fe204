/* SPDX-License-Identifier: MIT */
/*
 * The formatter behind mica_printf, mica_snprintf and every sink (<mica/fmt.h>). Output is
 * collected in a small buffer and handed to the sink when it fills and at the end, so a console
 * line costs one or two syscalls.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <mica/fmt.h>
#include <mica/user.h>

struct out {
    mica_sink_fn sink;
    void *ctx;
    char buf[128];
    unsigned len;
    int total;
};

static void out_flush(struct out *o)
{
    if (o->len)
        o->sink(o->ctx, o->buf, o->len);
    o->len = 0;
}

static void out_put(struct out *o, char c)
{
    if (o->len == sizeof(o->buf))
        out_flush(o);
    o->buf[o->len++] = c;
    o->total++;
}

static void out_pad(struct out *o, int n, char c)
{
    while (n-- > 0)
        out_put(o, c);
}

static void out_num(struct out *o, unsigned long long v, unsigned base, bool upper, bool neg,
                    int width, char pad, bool left)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    int len = n + (neg ? 1 : 0);
    if (neg && pad == '0')
        out_put(o, '-');
    if (!left)
        out_pad(o, width - len, pad);
    if (neg && pad != '0')
        out_put(o, '-');
    while (n)
        out_put(o, tmp[--n]);
    if (left)
        out_pad(o, width - len, ' ');
}

static void out_str(struct out *o, const char *s, int prec, int width, bool left)
{
    int len = 0;

    if (!s)
        s = "(null)";
    while (s[len] && (prec < 0 || len < prec))
        len++;
    if (!left)
        out_pad(o, width - len, ' ');
    for (int i = 0; i < len; i++)
        out_put(o, s[i]);
    if (left)
        out_pad(o, width - len, ' ');
}

/* A decimal field (width or precision), or `*` taken from the arguments. */
static int field(const char **fmt, va_list *ap)
{
    int v = 0;

    if (**fmt == '*') {
        (*fmt)++;
        return va_arg(*ap, int);
    }
    for (; **fmt >= '0' && **fmt <= '9'; (*fmt)++)
        v = v * 10 + (**fmt - '0');
    return v;
}

static unsigned long long arg_unsigned(va_list *ap, int lng)
{
    if (lng >= 2)
        return va_arg(*ap, unsigned long long);
    if (lng)
        return va_arg(*ap, unsigned long);
    return va_arg(*ap, unsigned);
}

static void conversion(struct out *o, const char **fmtp, va_list *ap)
{
    const char *fmt = *fmtp;
    bool left = false;
    char pad = ' ';
    int prec = -1, lng = 0;

    for (; *fmt == '-' || *fmt == '0'; fmt++)
        *fmt == '-' ? (void)(left = true) : (void)(pad = '0');
    int width = field(&fmt, ap);
    if (width < 0) {
        left = true;
        width = -width;
    }
    if (*fmt == '.') {
        fmt++;
        prec = field(&fmt, ap);
    }
    for (; *fmt == 'l' || *fmt == 'z'; fmt++)
        lng++;
    if (left)
        pad = ' ';
    switch (*fmt) {
    case 'c': out_put(o, (char)va_arg(*ap, int)); break;
    case 's': out_str(o, va_arg(*ap, const char *), prec, width, left); break;
    case 'd':
    case 'i': {
        long long v = lng >= 2 ? va_arg(*ap, long long)
                      : lng    ? va_arg(*ap, long)
                               : va_arg(*ap, int);
        out_num(o, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, 10, false, v < 0,
                width, pad, left);
        break;
    }
    case 'u': out_num(o, arg_unsigned(ap, lng), 10, false, false, width, pad, left); break;
    case 'x':
    case 'X': out_num(o, arg_unsigned(ap, lng), 16, *fmt == 'X', false, width, pad, left); break;
    case 'p':
        out_put(o, '0');
        out_put(o, 'x');
        out_num(o, (uintptr_t)va_arg(*ap, void *), 16, false, false, width, pad, left);
        break;
    case '%': out_put(o, '%'); break;
    case '\0': fmt--; break; /* a lone % at the end: print nothing, stop */
    default:
        out_put(o, '%');
        out_put(o, *fmt);
        break;
    }
    *fmtp = fmt;
}

static int format(struct out *o, const char *fmt, va_list ap)
{
    va_list aq;

    /* Through a pointer, so helpers can take arguments (C11 7.16p3 allows passing &ap). */
    va_copy(aq, ap);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_put(o, *fmt);
            continue;
        }
        fmt++;
        conversion(o, &fmt, &aq);
    }
    va_end(aq);
    out_flush(o);
    return o->total;
}

int mica_vformat(mica_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
    struct out o = {.sink = sink, .ctx = ctx};

    return format(&o, fmt, ap);
}

struct strbuf {
    char *buf;
    size_t size, len;
};

static void str_sink(void *ctx, const char *s, size_t len)
{
    struct strbuf *b = ctx;

    for (size_t i = 0; i < len; i++, b->len++)
        if (b->size && b->len < b->size - 1)
            b->buf[b->len] = s[i];
}

int mica_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct strbuf b = {buf, size, 0};
    int n = mica_vformat(str_sink, &b, fmt, ap);

    if (size)
        buf[b.len < size ? b.len : size - 1] = '\0';
    return n;
}

int mica_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = mica_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void console_sink(void *ctx, const char *s, size_t len)
{
    (void)ctx;
    mica_debug_write(s, len);
}

int mica_vprintf(const char *fmt, va_list ap)
{
    return mica_vformat(console_sink, 0, fmt, ap);
}

int mica_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = mica_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
