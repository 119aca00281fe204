/* SPDX-License-Identifier: MIT */
/*
 * Between the syscall fuzz target's two halves: fuzz_syscall.c (the host side: libFuzzer's
 * entry, boots the machine once per input) and syscall_root.c (the root task and its helper
 * threads, which decode the input into syscalls). This state is the host side's and survives
 * the machine's reset; docs/fuzzing.md describes the input format.
 */
#ifndef MICA_FUZZ_SYSCALL_H
#define MICA_FUZZ_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

/* Halt statuses of a run: the input was used up; the setup before the first operation failed. */
#define FUZZ_HALT_DONE  0
#define FUZZ_HALT_SETUP 1

enum fuzz_op {
    OP_RETYPE,
    OP_CNODE_COPY,
    OP_CNODE_MINT,
    OP_CNODE_MOVE,
    OP_CNODE_MUTATE,
    OP_CNODE_DELETE,
    OP_CNODE_REVOKE,
    OP_TCB_CONFIGURE,
    OP_TCB_SET_PRIORITY,
    OP_TCB_SET_MC_PRIORITY,
    OP_TCB_SUSPEND,
    OP_TCB_RESUME,
    OP_TCB_READ_REGISTERS,
    OP_TCB_WRITE_REGISTERS,
    OP_TCB_BIND_NOTIFICATION,
    OP_TCB_UNBIND_NOTIFICATION,
    OP_TCB_SET_FAULT_HANDLER,
    OP_TCB_SET_TIMEOUT_HANDLER,
    OP_SCHED_CONTROL_CONFIGURE,
    OP_SCHED_CONTEXT_BIND,
    OP_SCHED_CONTEXT_UNBIND,
    OP_SCHED_CONTEXT_CONSUMED,
    OP_IRQ_CONTROL_GET,
    OP_IRQ_HANDLER_SET_NOTIFICATION,
    OP_IRQ_HANDLER_ACK,
    OP_IRQ_HANDLER_CLEAR,
    OP_FRAME_MAP,
    OP_FRAME_REMAP,
    OP_FRAME_UNMAP,
    OP_FRAME_GET_ADDRESS,
    OP_PAGE_TABLE_MAP,
    OP_PAGE_TABLE_UNMAP,
    OP_SEND,
    OP_NBSEND,
    OP_CALL,
    OP_RECV,
    OP_NBRECV,
    OP_REPLY_RECV,
    OP_YIELD,
    OP_DEBUG_PUTC,
    OP_DEBUG_WRITE,
    OP_DEBUG_CAP_TYPE,
    OP_UNKNOWN_SYSCALL,
    OP_INVOKE_ANY,
    OP_IRQ_INJECT,
    OP_USER_FAULT,
    FUZZ_NOPS
};

struct fuzz_input {
    const uint8_t *data; /* the current input */
    size_t size, pos;
    /* Totals over every input this process ran, printed at exit. */
    uint64_t runs, syscalls;
    uint64_t ops[FUZZ_NOPS], ops_ok[FUZZ_NOPS]; /* operations started, and returned MICA_OK */
    int trace;                                  /* $MICA_FUZZ_TRACE: print each operation */
};

extern struct fuzz_input fuzz_input;

/* With trace on (host side, stderr): an operation starts at input offset pos in the thread whose
 * worker got arg; a syscall is made with regs (ARG0..ARG7), or returned *err. */
void fuzz_trace_op(unsigned op, uintptr_t arg, size_t pos);
void fuzz_trace_syscall(const uintptr_t *regs, const int *err);

#endif
