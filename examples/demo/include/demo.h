/* SPDX-License-Identifier: MIT */
/*
 * The demo system's protocols (message labels and registers) and the helpers every service
 * uses: its caps and memory by name, and printing through the log server. docs/systems.md walks
 * through the system.
 */
#ifndef DEMO_H
#define DEMO_H

#include <mica/process.h>
#include <mica/system.h>

/* uart: Write MR0 = length, bytes from MR1; Read answers MR0 = length, bytes from MR1 (blocks
 * until there is at least one byte). */
enum { UART_WRITE = 1, UART_READ };
/* log: Write MR0 = length, bytes from MR1; the server prefixes the sender's name. */
enum { LOG_WRITE = 1 };
/* supervisor: Ps MR0 = index -> MR0 state (~0: no such PD), MR1 restarts, MR2 faults,
 * MR3 teardowns whose Untyped was empty again, MR4 those where it was not, MR5 log2 of its
 * Untyped, MR6.. name. Kill / Restart: the name in MR0... */
enum { SUP_PS = 1, SUP_KILL, SUP_RESTART };
enum { PD_STOPPED = 1, PD_RUNNING, PD_WAITING, PD_KILLED };
/* crashy: Ping -> MR0 = pings this incarnation answered; Crash: it faults. */
enum { CRASHY_PING = 1, CRASHY_CRASH };
/* producer: Run MR0 = n -> sends n messages on its port, answers MR0 sent, MR1 times the port
 * was full, MR2 largest depth, MR3 slots. */
enum { PRODUCER_RUN = 1 };
/* memsrv: Forktest -> runs forkdemo, answers MR0 pages shared at the fork, MR1 copied, MR2
 * reused without a copy, MR3 never written, MR4 copies of other pages (stacks, data), MR5 1 if
 * all of it was given back. Stats -> MR0 pager faults, MR1 copies, MR2 pages mapped now,
 * MR3 log2 of its pool. Mmap MR0 = pages -> MR0 address; Munmap MR0 address, MR1 pages;
 * Fork -> MR0 child number in the parent, 0 in the child; Barrier -> answered when both parent
 * and child have called it. */
enum { MEM_FORKTEST = 1, MEM_STATS, MEM_MMAP, MEM_MUNMAP, MEM_FORK, MEM_BARRIER };

/* A cap the system gave this PD (0 if none), memory it mapped (NULL if none). */
mica_cptr_t demo_cap(const struct mica_procinfo *info, const char *name);
void *demo_mem(const struct mica_procinfo *info, const char *name, mica_word_t *size);

/* Write bytes to the UART driver (its cap), in as many Writes as they need. */
void demo_uart_write(mica_cptr_t uart, const char *s, unsigned len);

/* printf through the log server (its cap "log"); nothing if the PD has none. */
void demo_log_init(const struct mica_procinfo *info);
int demo_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Bytes into message registers from MR1 on (MR0 = count) and back; at most DEMO_MSG_BYTES. */
#define DEMO_MSG_BYTES ((MICA_MSG_MAX_LEN - 1) * sizeof(mica_word_t))
unsigned demo_put_bytes(const char *s, unsigned len);
unsigned demo_get_bytes(char *dst, unsigned max);
/* A short string in MRs from `first` on (names of PDs: MICA_PROC_NAME_LEN bytes). */
void demo_put_name(unsigned first, const char *name);
void demo_get_name(unsigned first, char *name);

#endif
