/* SPDX-License-Identifier: MIT */
/*
 * The Mica system-call ABI shared by the kernel and user space: word type, syscall numbers and
 * register convention, message-info layout, IPC buffer, errors, rights and register ids.
 * docs/abi.md is the prose version of this file; keep them in step.
 */
#ifndef MICA_ABI_H
#define MICA_ABI_H

#include <stdint.h>

typedef uintptr_t mica_word_t;
typedef mica_word_t mica_cptr_t;

#define MICA_WORD_BITS (sizeof(mica_word_t) * 8)

/*
 * Syscalls. Every object operation is an invocation: a Call on the object's capability with a
 * label and arguments in message registers. Notifications use Send (signal), Recv (wait) and
 * NBRecv (poll) on a notification capability.
 */
enum mica_syscall {
    MICA_SYS_CALL = 1,   /* send, then wait for the reply through a one-shot reply path */
    MICA_SYS_REPLY_RECV, /* reply through the reply object, then Recv on an endpoint */
    MICA_SYS_SEND,       /* blocking send to an endpoint, or signal a notification */
    MICA_SYS_NBSEND,     /* send only if a receiver is waiting; else MICA_ERR_WOULD_BLOCK */
    MICA_SYS_RECV,       /* blocking receive (endpoint or notification) */
    MICA_SYS_NBRECV,     /* receive only if a message is pending; else MICA_ERR_WOULD_BLOCK */
    MICA_SYS_YIELD,      /* give up the rest of this timeslice */
    /* Debug syscalls, present only with CONFIG_DEBUG_SYSCALLS; otherwise unknown syscalls. */
    MICA_SYS_DEBUG_PUTC = 32, /* ARG0 = character */
    MICA_SYS_DEBUG_WRITE,     /* ARG0 = length; bytes are in the caller's IPC buffer mr[] */
    MICA_SYS_DEBUG_HALT,      /* ARG0 = exit status; stops the machine */
    MICA_SYS_DEBUG_CAP_TYPE,  /* ARG0 = cptr; returns enum mica_cap_type in ARG0 */
    MICA_SYS_DEBUG_IRQ_CPU,   /* ARG0 = irq; returns in ARG0 the CPU that took its last interrupt */
};

/*
 * Register convention (arch-neutral argument slots; each arch maps them onto real registers,
 * e.g. a0-a7 on RISC-V, x0-x7 on AArch64, r0-r7 on Armv8-M):
 *   ARG0  in: capability pointer (destination/source)     out: sender's badge
 *   ARG1  in: message info                                  out: message info received
 *   ARG2..ARG5: message registers 0..3 (in and out)
 *   ARG6  in: reply object cptr (Recv, NBRecv, ReplyRecv)
 *   ARG7  in: syscall number                                out: enum mica_error (0 = success)
 * Message registers from MICA_MSG_REGS on travel in the IPC buffer's mr[] array.
 */
#define MICA_MSG_REGS     4
#define MICA_MSG_MAX_LEN  64 /* message registers in a message */
#define MICA_MSG_MAX_CAPS 3  /* capabilities transferred (or passed to an invocation) */

/*
 * Message info word: | label (rest) | caps unwrapped (3) | extra caps (2) | length (7) |
 * The label is free for user protocols; for invocations it selects the operation.
 */
#define MICA_MSGINFO_LEN_BITS    7
#define MICA_MSGINFO_CAPS_BITS   2
#define MICA_MSGINFO_UNWRAP_BITS 3
#define MICA_MSGINFO_LABEL_SHIFT 12

static inline mica_word_t mica_msginfo(mica_word_t label, unsigned unwrapped, unsigned caps,
                                       unsigned len)
{
    return (label << MICA_MSGINFO_LABEL_SHIFT) | ((mica_word_t)(unwrapped & 7) << 9) |
           ((mica_word_t)(caps & 3) << 7) | (len & 0x7f);
}
static inline mica_word_t mica_msginfo_label(mica_word_t info)
{
    return info >> MICA_MSGINFO_LABEL_SHIFT;
}
static inline unsigned mica_msginfo_len(mica_word_t info)
{
    return (unsigned)(info & 0x7f);
}
static inline unsigned mica_msginfo_caps(mica_word_t info)
{
    return (unsigned)((info >> 7) & 3);
}
static inline unsigned mica_msginfo_unwrapped(mica_word_t info)
{
    return (unsigned)((info >> 9) & 7);
}

/*
 * The IPC buffer: one per thread, in a frame the thread maps and names in TCB_Configure. The kernel
 * reads and writes it through its own mapping of that frame, never through the user address.
 */
struct mica_ipc_buffer {
    mica_word_t tag; /* user-space copy of the message info, unused by the kernel */
    mica_word_t mr[MICA_MSG_MAX_LEN];    /* mr[0..MICA_MSG_REGS) are in registers, not here */
    mica_word_t user_data;               /* free for the user runtime */
    mica_word_t caps[MICA_MSG_MAX_CAPS]; /* send: cptrs of extra caps; receive: unwrapped badges */
    mica_cptr_t recv_cnode;              /* where a received capability is stored: CNode ... */
    mica_word_t recv_index;              /* ... slot index in it ... */
    mica_word_t recv_depth;              /* ... and lookup depth (0 = no capability accepted) */
};

/* TCB_Configure's ipc_buffer address must be aligned to this (the buffer then fits in any frame of
 * at least this size). */
#define MICA_IPC_BUFFER_BITS 10

/*
 * Errors, returned in ARG7 by every syscall. Invocations may put details in MR0 (e.g. the
 * missing page-table level for MICA_ERR_FAILED_LOOKUP); docs/abi.md lists which per invocation.
 */
enum mica_error {
    MICA_OK = 0,
    MICA_ERR_INVALID_ARGUMENT,   /* a value is not one the operation accepts */
    MICA_ERR_INVALID_CAPABILITY, /* wrong type, missing right, or null capability */
    MICA_ERR_ILLEGAL_OPERATION,  /* valid arguments, but not allowed in this state */
    MICA_ERR_RANGE,              /* a number outside its permitted range */
    MICA_ERR_ALIGNMENT,          /* an address or size not aligned as required */
    MICA_ERR_FAILED_LOOKUP,      /* a cptr or address did not resolve */
    MICA_ERR_TRUNCATED_MESSAGE,  /* fewer message registers or caps than the operation needs */
    MICA_ERR_DELETE_FIRST,       /* the destination slot or address is in use */
    MICA_ERR_REVOKE_FIRST,       /* the capability has children that must be revoked */
    MICA_ERR_NOT_ENOUGH_MEMORY,  /* the untyped has too little free space */
    MICA_ERR_WOULD_BLOCK,        /* NBSend/NBRecv found no partner */
    MICA_ERR_CANCELLED,          /* the object blocked on was deleted, or the IPC was aborted */
    MICA_ERR_UNKNOWN_SYSCALL,    /* no such syscall: a fault; returned if the handler resumes */
    MICA_ERR_COUNT
};
typedef enum mica_error mica_error_t;

/* Capability rights. Endpoint: Send needs WRITE, Recv needs READ, cap transfer needs GRANT, Call
 * needs WRITE and GRANT or GRANT_REPLY. Notification: Signal needs WRITE, Wait/Poll need READ.
 * Frame: READ/WRITE bound the mapping rights. */
#define MICA_RIGHT_READ        0x1u
#define MICA_RIGHT_WRITE       0x2u
#define MICA_RIGHT_GRANT       0x4u
#define MICA_RIGHT_GRANT_REPLY 0x8u
#define MICA_RIGHTS_ALL        0xfu

/*
 * Arch-neutral register ids for TCB_ReadRegisters/WriteRegisters and fault messages. Each arch
 * maps them; ids from MICA_REG_ARCH_BASE up are arch-specific (docs/abi.md lists them per arch).
 */
enum mica_reg {
    MICA_REG_PC = 0,
    MICA_REG_SP,
    MICA_REG_ARG0, /* first argument / syscall register; ARG0..ARG7 are consecutive ids */
    MICA_REG_ARG7 = MICA_REG_ARG0 + 7,
    MICA_REG_ARCH_BASE,
};

#endif
