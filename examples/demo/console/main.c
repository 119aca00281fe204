/* SPDX-License-Identifier: MIT */
/*
 * The console: a small shell on the UART driver. It reads lines (echoing what is typed), and
 * asks the services: ps, kill and restart go to the supervisor, mem and fork to the memory
 * server, ping and crash to crashy, port to the producer. `help` lists the commands.
 */
#include <string.h>

#include "demo.h"

static mica_cptr_t uart, sup, crashy, mem, producer;

static void put(const char *s, unsigned len)
{
    demo_uart_write(uart, s, len);
}

static void print_sink(void *ctx, const char *s, size_t len)
{
    (void)ctx;
    put(s, (unsigned)len);
}

static int print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int print(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = mica_vformat(print_sink, 0, fmt, ap);
    va_end(ap);
    return n;
}

/* A line from the UART, echoed; backspace edits. */
static unsigned read_line(char *line, unsigned max)
{
    unsigned n = 0;

    for (;;) {
        char buf[DEMO_MSG_BYTES];
        mica_word_t info;
        if (mica_call(uart, mica_msginfo(UART_READ, 0, 0, 0), &info) != MICA_OK ||
            mica_msginfo_label(info) != 0)
            continue;
        unsigned got = demo_get_bytes(buf, sizeof(buf));
        for (unsigned i = 0; i < got; i++) {
            char c = buf[i];
            if (c == '\r' || c == '\n') {
                put("\n", 1);
                line[n] = 0;
                return n;
            }
            if ((c == 0x7f || c == 8) && n) {
                n--;
                put("\b \b", 3);
            } else if (c >= ' ' && n + 1 < max) {
                line[n++] = c;
                put(&c, 1);
            }
        }
    }
}

static const char *const states[] = {"?", "stopped", "running", "waiting", "killed"};

static void cmd_ps(void)
{
    char name[MICA_PROC_NAME_LEN];

    print("%-10s %-8s %8s %6s %10s %8s\n", "PD", "state", "restarts", "faults", "teardowns",
          "untyped");
    for (mica_word_t i = 0;; i++) {
        mica_set_mr(0, i);
        if (mica_call(sup, mica_msginfo(SUP_PS, 0, 0, 1), 0) != MICA_OK ||
            mica_get_mr(0) == ~(mica_word_t)0)
            break;
        mica_word_t st = mica_get_mr(0), restarts = mica_get_mr(1), faults = mica_get_mr(2);
        mica_word_t ok = mica_get_mr(3), bad = mica_get_mr(4), bits = mica_get_mr(5);
        demo_get_name(6, name);
        print("%-10s %-8s %8lu %6lu %4lu clean %lu leaked %4lu KiB\n", name,
              st < 5 ? states[st] : "?", (unsigned long)restarts, (unsigned long)faults,
              (unsigned long)ok, (unsigned long)bad, (unsigned long)(1ul << bits) / 1024);
    }
}

static void cmd_sup(mica_word_t label, const char *name, const char *what)
{
    demo_put_name(0, name);
    if (mica_call(sup, mica_msginfo(label, 0, 0, 3), 0) != MICA_OK)
        print("%s: the supervisor does not answer\n", what);
    else if (mica_get_mr(0))
        print("%s %s: error %lu\n", what, name, (unsigned long)mica_get_mr(0));
    else
        print("%s %s: done\n", what, name);
}

static mica_error_t ping(mica_word_t *n)
{
    mica_word_t info;
    mica_error_t err = mica_call(crashy, mica_msginfo(CRASHY_PING, 0, 0, 0), &info);

    *n = mica_get_mr(0);
    return err;
}

/* Crash crashy n times: each crash must cost its caller an error, and the next ping must be
 * served by a new incarnation (its ping count starts again at 1). */
static void cmd_crash(unsigned long n)
{
    unsigned long errors = 0, fresh = 0;
    mica_word_t pings;

    for (unsigned long i = 0; i < n; i++) {
        if (mica_call(crashy, mica_msginfo(CRASHY_CRASH, 0, 0, 0), 0) != MICA_OK)
            errors++;
        if (ping(&pings) == MICA_OK && pings == 1)
            fresh++;
    }
    print("crash x%lu: %lu calls failed with the crash, a new crashy answered %lu times\n", n,
          errors, fresh);
}

static void cmd_ping(void)
{
    mica_word_t pings;
    mica_error_t err = ping(&pings);

    if (err)
        print("ping: error %d\n", err);
    else
        print("ping: crashy answered (ping %lu of this incarnation)\n", (unsigned long)pings);
}

/* The memory server's answer to a request: false (and why, printed) unless it served it. */
static bool mem_call(const char *cmd, mica_word_t label)
{
    mica_word_t out = 0;

    if (mica_call(mem, mica_msginfo(label, 0, 0, 0), &out) != MICA_OK) {
        print("%s: the memory server does not answer\n", cmd);
        return false;
    }
    if (mica_msginfo_label(out) == MICA_ERR_ILLEGAL_OPERATION) {
        print("%s: not on this board: mmap/munmap and copy-on-write fork need an MMU\n", cmd);
        return false;
    }
    return true;
}

static void cmd_mem(void)
{
    if (!mem_call("mem", MEM_STATS))
        return;
    print("memsrv: %lu page faults handled, %lu pages copied, %lu pages mapped now, pool "
          "%lu KiB\n",
          (unsigned long)mica_get_mr(0), (unsigned long)mica_get_mr(1),
          (unsigned long)mica_get_mr(2), (unsigned long)(1ul << mica_get_mr(3)) / 1024);
}

static void cmd_fork(void)
{
    if (!mem_call("fork", MEM_FORKTEST))
        return;
    print("fork: %lu pages shared at the fork, %lu copied on write, %lu kept without a copy, "
          "%lu never written (plus %lu stack/data pages copied); all given back: %s\n",
          (unsigned long)mica_get_mr(0), (unsigned long)mica_get_mr(1),
          (unsigned long)mica_get_mr(2), (unsigned long)mica_get_mr(3),
          (unsigned long)mica_get_mr(4), mica_get_mr(5) ? "yes" : "NO");
}

static void cmd_port(unsigned long n)
{
    mica_set_mr(0, n);
    if (mica_call(producer, mica_msginfo(PRODUCER_RUN, 0, 0, 1), 0) != MICA_OK) {
        print("port: the producer does not answer\n");
        return;
    }
    print("port: sent %lu messages, the port was full %lu times, deepest %lu of %lu slots\n",
          (unsigned long)mica_get_mr(0), (unsigned long)mica_get_mr(1),
          (unsigned long)mica_get_mr(2), (unsigned long)mica_get_mr(3));
}

static unsigned long number(const char *s, unsigned long dflt)
{
    unsigned long v = 0;

    if (!s || !*s)
        return dflt;
    for (; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (unsigned long)(*s - '0');
    return v;
}

/* Split line into at most 3 words. */
static unsigned words(char *line, char **w)
{
    unsigned n = 0;

    for (char *p = line; *p && n < 3;) {
        while (*p == ' ')
            *p++ = 0;
        if (!*p)
            break;
        w[n++] = p;
        while (*p && *p != ' ')
            p++;
    }
    return n;
}

static void help(void)
{
    print("commands: ps | kill PD | restart PD | mem | fork | ping | crash [N] | port [N] | "
          "halt | help\n");
}

int mica_proc_main(const struct mica_procinfo *info)
{
    char line[80];

    uart = demo_cap(info, "uart");
    sup = demo_cap(info, "sup");
    crashy = demo_cap(info, "crashy");
    mem = demo_cap(info, "mem");
    producer = demo_cap(info, "producer");
    if (!uart)
        return 1;
    print("\nMica demo console on %s. ", info->board);
    help();
    for (;;) {
        char *w[3] = {0, 0, 0};
        print("mica> ");
        read_line(line, sizeof(line));
        unsigned n = words(line, w);
        if (!n)
            continue;
        if (!strcmp(w[0], "help"))
            help();
        else if (!strcmp(w[0], "ps"))
            cmd_ps();
        else if (!strcmp(w[0], "kill") && n == 2)
            cmd_sup(SUP_KILL, w[1], "kill");
        else if (!strcmp(w[0], "restart") && n == 2)
            cmd_sup(SUP_RESTART, w[1], "restart");
        else if (!strcmp(w[0], "mem"))
            cmd_mem();
        else if (!strcmp(w[0], "fork"))
            cmd_fork();
        else if (!strcmp(w[0], "ping"))
            cmd_ping();
        else if (!strcmp(w[0], "crash"))
            cmd_crash(number(w[1], 1));
        else if (!strcmp(w[0], "port"))
            cmd_port(number(w[1], 32));
        else if (!strcmp(w[0], "halt")) {
            print("halting\n");
            mica_debug_halt(0);
        } else
            print("%s: unknown command (try help)\n", w[0]);
    }
}
