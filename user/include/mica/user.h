/* SPDX-License-Identifier: MIT */
/*
 * The user runtime's syscall API. Every stub returns enum mica_error. Message registers MR0..3
 * travel in registers during a syscall; between syscalls the runtime stages them in the IPC
 * buffer's mr[0..3] (which the kernel never reads), as seL4's libsel4 does.
 */
#ifndef MICA_USER_H
#define MICA_USER_H

#include <stddef.h>

#include <mica/mica.h>

/* The calling thread's IPC buffer (the root task's from boot; others' from TCB_Configure). NULL
 * if the thread has none: then only MR0..3 exist and the MR accessors must not be used. */
struct mica_ipc_buffer *mica_ipc_buffer(void);

/* Message registers, any i < MICA_MSG_MAX_LEN. */
static inline void mica_set_mr(unsigned i, mica_word_t v)
{
    mica_ipc_buffer()->mr[i] = v;
}
static inline mica_word_t mica_get_mr(unsigned i)
{
    return mica_ipc_buffer()->mr[i];
}
/* Extra capability i of the next message (a cptr); after a receive, the badge of an unwrapped
 * capability i. */
static inline void mica_set_cap(unsigned i, mica_cptr_t cptr)
{
    mica_ipc_buffer()->caps[i] = cptr;
}
static inline mica_word_t mica_get_unwrapped_badge(unsigned i)
{
    return mica_ipc_buffer()->caps[i];
}
/* Where a received capability goes: slot (index, depth) below CNode cnode; depth 0 = nowhere. */
static inline void mica_set_recv_slot(mica_cptr_t cnode, mica_word_t index, mica_word_t depth)
{
    struct mica_ipc_buffer *b = mica_ipc_buffer();

    b->recv_cnode = cnode;
    b->recv_index = index;
    b->recv_depth = depth;
}

/*
 * Syscalls. info is a message info word (mica_msginfo()); MR0..3 and the rest come from the MR
 * accessors. Out pointers may be NULL. badge: the sender's badge (0 for a reply).
 */
mica_error_t mica_send(mica_cptr_t dest, mica_word_t info);
mica_error_t mica_nbsend(mica_cptr_t dest, mica_word_t info);
mica_error_t mica_call(mica_cptr_t dest, mica_word_t info, mica_word_t *out_info);
mica_error_t mica_recv(mica_cptr_t src, mica_cptr_t reply, mica_word_t *badge,
                       mica_word_t *out_info);
mica_error_t mica_nbrecv(mica_cptr_t src, mica_cptr_t reply, mica_word_t *badge,
                         mica_word_t *out_info);
mica_error_t mica_reply_recv(mica_cptr_t src, mica_cptr_t reply, mica_word_t info,
                             mica_word_t *badge, mica_word_t *out_info);
mica_error_t mica_yield(void);

/* Notifications: Signal = Send, Wait = Recv, Poll = NBRecv (MICA_ERR_WOULD_BLOCK if no bits). */
mica_error_t mica_signal(mica_cptr_t ntfn);
mica_error_t mica_wait(mica_cptr_t ntfn, mica_word_t *badge);
mica_error_t mica_poll(mica_cptr_t ntfn, mica_word_t *badge);

/*
 * The raw form, for code that wants MR0..3 purely in registers (benchmarks, fast paths): regs
 * are the arch-neutral ARG0..ARG7 slots of include/mica/abi.h, in and out; regs[7] is the syscall
 * number on entry and the error on return.
 */
struct mica_regs {
    mica_word_t r[8];
};
mica_error_t mica_syscall(struct mica_regs *regs);

/* Debug syscalls (CONFIG_DEBUG_SYSCALLS); MICA_ERR_UNKNOWN_SYSCALL without it. */
mica_error_t mica_debug_putc(char c);
mica_error_t mica_debug_write(const char *s, size_t len);
_Noreturn void mica_debug_halt(int status);
mica_error_t mica_debug_cap_type(mica_cptr_t cptr, mica_word_t *type);
/* The CPU that took irq's last interrupt, ~0 if none has come since boot. */
mica_error_t mica_debug_irq_cpu(mica_word_t irq, mica_word_t *cpu);

/* A clock for benchmarks, read in user mode without a syscall, and its unit: ns of the host's
 * monotonic clock on hosted; instructions retired on riscv64 and the PMU cycle counter on aarch64
 * (both exact instruction counts under QEMU -icount). */
uint64_t mica_clock(void);
extern const char mica_clock_unit[];

/* printf subset over MICA_SYS_DEBUG_WRITE: %c %s %d %i %u %x %p %%, l/ll/z, 0/- flags, width. */
int mica_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The root task's entry point, on every arch (never main, which on hosted is the host's). Its
 * return value becomes the machine's exit status. */
int mica_main(const struct mica_bootinfo *bi);

#endif
