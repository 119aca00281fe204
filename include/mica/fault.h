/* SPDX-License-Identifier: MIT */
/*
 * Fault messages: what a thread's fault handler receives when the thread faults, sent as a Call
 * through the handler endpoint. The message label is the fault type; MR0 = PC, MR1 = address (0 if
 * none), MR2 = detail (access kind, syscall number, ...). Replying with label 0 (e.g. length 0)
 * resumes the thread as it is; a reply with label MICA_FAULT_REPLY_SET_REGS and MR0.. = (first
 * register id, count, values...) writes registers first; any other label or no reply leaves it
 * stopped. docs/abi.md ("Faults") has the details.
 */
#ifndef MICA_FAULT_H
#define MICA_FAULT_H

enum mica_fault_type {
    MICA_FAULT_NONE = 0,
    MICA_FAULT_MEMORY,          /* MR1 address, MR2 access (MICA_VM_READ/WRITE/EXEC) */
    MICA_FAULT_UNKNOWN_SYSCALL, /* MR2 syscall number */
    MICA_FAULT_USER_EXCEPTION,  /* MR2 enum mica_exception */
    MICA_FAULT_CAPABILITY,      /* MR1 cptr, MR2 error */
    MICA_FAULT_TIMEOUT,         /* MR1 sched context badge, MR2 consumed us */
};

enum mica_exception {
    MICA_EXC_ILLEGAL_INSTRUCTION = 1,
    MICA_EXC_ALIGNMENT,
    MICA_EXC_BREAKPOINT,
    MICA_EXC_OTHER,
    MICA_EXC_DIVIDE_BY_ZERO, /* an integer division by zero that the arch traps (Armv8-M) */
};

#define MICA_FAULT_REPLY_SET_REGS 1 /* reply label: write registers then resume */

#endif
