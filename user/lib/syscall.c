/* SPDX-License-Identifier: MIT */
/*
 * The syscall stubs of <mica/user.h> over the arch's mica_syscall: MR0..3 move between the IPC
 * buffer's mr[0..3] staging slots and ARG2..5; the error comes back in ARG7.
 */
#include <stdbool.h>

#include <mica/user.h>

enum { A_CAP, A_INFO, A_MR0, A_MR1, A_MR2, A_MR3, A_REPLY, A_NR };

static void load_mrs(struct mica_regs *r)
{
    struct mica_ipc_buffer *b = mica_ipc_buffer();

    if (b)
        for (unsigned i = 0; i < MICA_MSG_REGS; i++)
            r->r[A_MR0 + i] = b->mr[i];
}

static void store_mrs(const struct mica_regs *r)
{
    struct mica_ipc_buffer *b = mica_ipc_buffer();

    if (b)
        for (unsigned i = 0; i < MICA_MSG_REGS; i++)
            b->mr[i] = r->r[A_MR0 + i];
}

static mica_error_t sys(unsigned nr, mica_cptr_t cap, mica_cptr_t reply, mica_word_t info,
                        bool send, bool recv, mica_word_t *badge, mica_word_t *out_info)
{
    struct mica_regs r = {{cap, info, 0, 0, 0, 0, reply, nr}};

    if (send)
        load_mrs(&r);
    mica_error_t err = mica_syscall(&r);
    if (recv) {
        store_mrs(&r);
        if (badge)
            *badge = r.r[A_CAP];
        if (out_info)
            *out_info = r.r[A_INFO];
    }
    return err;
}

mica_error_t mica_send(mica_cptr_t dest, mica_word_t info)
{
    return sys(MICA_SYS_SEND, dest, 0, info, true, false, NULL, NULL);
}

mica_error_t mica_nbsend(mica_cptr_t dest, mica_word_t info)
{
    return sys(MICA_SYS_NBSEND, dest, 0, info, true, false, NULL, NULL);
}

mica_error_t mica_call(mica_cptr_t dest, mica_word_t info, mica_word_t *out_info)
{
    return sys(MICA_SYS_CALL, dest, 0, info, true, true, NULL, out_info);
}

mica_error_t mica_recv(mica_cptr_t src, mica_cptr_t reply, mica_word_t *badge,
                       mica_word_t *out_info)
{
    return sys(MICA_SYS_RECV, src, reply, 0, false, true, badge, out_info);
}

mica_error_t mica_nbrecv(mica_cptr_t src, mica_cptr_t reply, mica_word_t *badge,
                         mica_word_t *out_info)
{
    return sys(MICA_SYS_NBRECV, src, reply, 0, false, true, badge, out_info);
}

mica_error_t mica_reply_recv(mica_cptr_t src, mica_cptr_t reply, mica_word_t info,
                             mica_word_t *badge, mica_word_t *out_info)
{
    return sys(MICA_SYS_REPLY_RECV, src, reply, info, true, true, badge, out_info);
}

mica_error_t mica_yield(void)
{
    return sys(MICA_SYS_YIELD, 0, 0, 0, false, false, NULL, NULL);
}

mica_error_t mica_signal(mica_cptr_t ntfn)
{
    return sys(MICA_SYS_SEND, ntfn, 0, 0, false, false, NULL, NULL);
}

static mica_error_t ntfn_recv(unsigned nr, mica_cptr_t ntfn, mica_word_t *badge)
{
    struct mica_regs r = {{ntfn, 0, 0, 0, 0, 0, 0, nr}};
    mica_error_t err = mica_syscall(&r);

    if (badge)
        *badge = r.r[A_CAP];
    return err;
}

mica_error_t mica_wait(mica_cptr_t ntfn, mica_word_t *badge)
{
    return ntfn_recv(MICA_SYS_RECV, ntfn, badge);
}

mica_error_t mica_poll(mica_cptr_t ntfn, mica_word_t *badge)
{
    return ntfn_recv(MICA_SYS_NBRECV, ntfn, badge);
}

mica_error_t mica_debug_putc(char c)
{
    struct mica_regs r = {{(mica_word_t)(unsigned char)c, 0, 0, 0, 0, 0, 0, MICA_SYS_DEBUG_PUTC}};

    return mica_syscall(&r);
}

/* The bytes go through the IPC buffer's mr[] area, in chunks that fit; without an IPC buffer,
 * one putc each. */
mica_error_t mica_debug_write(const char *s, size_t len)
{
    struct mica_ipc_buffer *b = mica_ipc_buffer();
    mica_error_t err = MICA_OK;

    if (!b) {
        for (size_t i = 0; i < len && !err; i++)
            err = mica_debug_putc(s[i]);
        return err;
    }
    /* mr[0..3] may hold staged message registers: keep them. */
    mica_word_t saved[MICA_MSG_REGS];
    for (unsigned i = 0; i < MICA_MSG_REGS; i++)
        saved[i] = b->mr[i];
    while (len && !err) {
        size_t n = len < sizeof(b->mr) ? len : sizeof(b->mr);
        char *dst = (char *)b->mr;
        for (size_t i = 0; i < n; i++)
            dst[i] = s[i];
        struct mica_regs r = {{n, 0, 0, 0, 0, 0, 0, MICA_SYS_DEBUG_WRITE}};
        err = mica_syscall(&r);
        s += n;
        len -= n;
    }
    for (unsigned i = 0; i < MICA_MSG_REGS; i++)
        b->mr[i] = saved[i];
    return err;
}

_Noreturn void mica_debug_halt(int status)
{
    struct mica_regs r = {{(mica_word_t)status, 0, 0, 0, 0, 0, 0, MICA_SYS_DEBUG_HALT}};

    for (;;)
        mica_syscall(&r);
}

mica_error_t mica_debug_cap_type(mica_cptr_t cptr, mica_word_t *type)
{
    struct mica_regs r = {{cptr, 0, 0, 0, 0, 0, 0, MICA_SYS_DEBUG_CAP_TYPE}};
    mica_error_t err = mica_syscall(&r);

    if (type && err == MICA_OK)
        *type = r.r[A_CAP];
    return err;
}

mica_error_t mica_debug_irq_cpu(mica_word_t irq, mica_word_t *cpu)
{
    struct mica_regs r = {{irq, 0, 0, 0, 0, 0, 0, MICA_SYS_DEBUG_IRQ_CPU}};
    mica_error_t err = mica_syscall(&r);

    if (cpu && err == MICA_OK)
        *cpu = r.r[A_CAP];
    return err;
}
