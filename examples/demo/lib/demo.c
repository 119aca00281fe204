/* SPDX-License-Identifier: MIT */
/* Helpers of the demo's services (demo.h): caps and memory by name, the log client, bytes and
 * names in message registers. */
#include <stdarg.h>
#include <string.h>

#include "demo.h"

static mica_cptr_t log_ep;

mica_cptr_t demo_cap(const struct mica_procinfo *info, const char *name)
{
    const struct mica_named *n = mica_proc_find(info, MICA_NAMED_CAP, name);

    return n ? n->value : 0;
}

void *demo_mem(const struct mica_procinfo *info, const char *name, mica_word_t *size)
{
    const struct mica_named *n = mica_proc_find(info, MICA_NAMED_MEM, name);

    if (size)
        *size = n ? n->size : 0;
    return n ? (void *)n->value : 0;
}

unsigned demo_put_bytes(const char *s, unsigned len)
{
    char buf[DEMO_MSG_BYTES];

    if (len > DEMO_MSG_BYTES)
        len = DEMO_MSG_BYTES;
    memset(buf, 0, sizeof(buf));
    memcpy(buf, s, len);
    mica_set_mr(0, len);
    for (unsigned i = 0; i < (len + sizeof(mica_word_t) - 1) / sizeof(mica_word_t); i++) {
        mica_word_t w;
        memcpy(&w, buf + i * sizeof(w), sizeof(w));
        mica_set_mr(1 + i, w);
    }
    return 1 + (len + sizeof(mica_word_t) - 1) / sizeof(mica_word_t);
}

unsigned demo_get_bytes(char *dst, unsigned max)
{
    mica_word_t len = mica_get_mr(0);

    if (len > max)
        len = max;
    if (len > DEMO_MSG_BYTES)
        len = DEMO_MSG_BYTES;
    for (unsigned i = 0; i < len; i++) {
        mica_word_t w = mica_get_mr(1 + i / sizeof(w));
        dst[i] = (char)(w >> (8 * (i % sizeof(w))));
    }
    return (unsigned)len;
}

void demo_put_name(unsigned first, const char *name)
{
    char buf[MICA_PROC_NAME_LEN] = {0};

    for (unsigned i = 0; name[i] && i + 1 < sizeof(buf); i++)
        buf[i] = name[i];

    for (unsigned i = 0; i < sizeof(buf) / sizeof(mica_word_t) + 1; i++) {
        mica_word_t w = 0;
        for (unsigned b = 0; b < sizeof(w) && i * sizeof(w) + b < sizeof(buf); b++)
            w |= (mica_word_t)(unsigned char)buf[i * sizeof(w) + b] << (8 * b);
        mica_set_mr(first + i, w);
    }
}

void demo_get_name(unsigned first, char *name)
{
    for (unsigned i = 0; i < MICA_PROC_NAME_LEN; i++)
        name[i] =
            (char)(mica_get_mr(first + i / sizeof(mica_word_t)) >> (8 * (i % sizeof(mica_word_t))));
    name[MICA_PROC_NAME_LEN - 1] = 0;
}

void demo_uart_write(mica_cptr_t uart, const char *s, unsigned len)
{
    while (len) {
        unsigned n = len < DEMO_MSG_BYTES ? len : DEMO_MSG_BYTES;
        mica_call(uart, mica_msginfo(UART_WRITE, 0, 0, demo_put_bytes(s, n)), 0);
        s += n;
        len -= n;
    }
}

void demo_log_init(const struct mica_procinfo *info)
{
    log_ep = demo_cap(info, "log");
}

struct line {
    char buf[DEMO_MSG_BYTES];
    unsigned len;
};

static void line_flush(struct line *l)
{
    if (!l->len || !log_ep)
        return;
    mica_call(log_ep, mica_msginfo(LOG_WRITE, 0, 0, demo_put_bytes(l->buf, l->len)), 0);
    l->len = 0;
}

static void line_sink(void *ctx, const char *s, size_t len)
{
    struct line *l = ctx;

    for (size_t i = 0; i < len; i++) {
        if (l->len == sizeof(l->buf))
            line_flush(l);
        l->buf[l->len++] = s[i];
    }
}

int demo_log(const char *fmt, ...)
{
    struct line l = {.len = 0};
    va_list ap;

    va_start(ap, fmt);
    int n = mica_vformat(line_sink, &l, fmt, ap);
    va_end(ap);
    line_flush(&l);
    return n;
}
