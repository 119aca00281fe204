/* SPDX-License-Identifier: MIT */
/*
 * Formatted output for user space: one formatter (a printf subset) with three destinations, a
 * string (snprintf), the kernel's debug console (printf, as before) and any sink a program gives
 * (a log server, a UART driver). Conversions: %c %s %d %i %u %x %X %p %%, flags - and 0, a width
 * (or *), a precision for %s (.N or .*), and the length modifiers l, ll, z.
 */
#ifndef MICA_FMT_H
#define MICA_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* A sink takes the formatted bytes in pieces; ctx is the caller's. */
typedef void (*mica_sink_fn)(void *ctx, const char *s, size_t len);

/* Format into sink; returns the number of bytes produced. */
int mica_vformat(mica_sink_fn sink, void *ctx, const char *fmt, va_list ap);

/* C99 semantics: writes at most size - 1 bytes and a NUL (if size > 0); returns the length the
 * whole output would have had. */
int mica_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int mica_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* To the kernel's debug console (MICA_SYS_DEBUG_WRITE), one syscall per 128 bytes. */
int mica_vprintf(const char *fmt, va_list ap);

#endif
