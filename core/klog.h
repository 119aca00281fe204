/* SPDX-License-Identifier: MIT */
/* The kernel log: a small printf onto hal_console_putc, log levels from CONFIG_LOG_LEVEL, panic. */
#ifndef MICA_KLOG_H
#define MICA_KLOG_H

#include <stdarg.h>

#include "compiler.h"

#ifndef CONFIG_LOG_LEVEL
#define CONFIG_LOG_LEVEL 2
#endif

enum klog_level { KLOG_ERROR = 1, KLOG_WARN = 2, KLOG_INFO = 3, KLOG_DEBUG = 4 };

/* printf subset: %c %s %d %i %u %x %X %p %%, length l ll z, flags 0 and -, field width. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
/* Format into buf (always NUL-terminated when size > 0); returns the length it wanted. */
int ksnprintf(char *buf, unsigned long size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define klog(level, ...)                                                                           \
    do {                                                                                           \
        if ((level) <= CONFIG_LOG_LEVEL)                                                           \
            kprintf(__VA_ARGS__);                                                                  \
    } while (0)
#define klog_error(...) klog(KLOG_ERROR, __VA_ARGS__)
#define klog_warn(...)  klog(KLOG_WARN, __VA_ARGS__)
#define klog_info(...)  klog(KLOG_INFO, __VA_ARGS__)
#define klog_debug(...) klog(KLOG_DEBUG, __VA_ARGS__)

/* Print "panic: <file>:<line>: message" and stop the machine with status 3. */
_Noreturn void kpanic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define kpanic(...) kpanic_at(__FILE__, __LINE__, __VA_ARGS__)

#ifdef CONFIG_ASSERTS
#define kassert(cond)                                                                              \
    do {                                                                                           \
        if (!(cond))                                                                               \
            kpanic("assertion failed: %s", #cond);                                                 \
    } while (0)
#else
#define kassert(cond) ((void)sizeof(cond))
#endif

#endif
