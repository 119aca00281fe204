/* SPDX-License-Identifier: MIT */
/*
 * The syscall fuzz target's host side: libFuzzer (or replay_main.c) hands it an input, it boots a
 * fresh hosted machine whose root task (syscall_root.c) decodes the input into syscalls from
 * several threads, with the invariant checker after every trap, and checks how the machine
 * stopped. A panic, a failed invariant or a setup failure is a crash: it aborts when the machine
 * halts, still on the kernel's stack, after printing the kernel's last console output. A sanitizer
 * report stops the process by itself. Panics whose message contains a line of the file that
 * $MICA_FUZZ_KNOWN names (open findings, tests/fuzz/pending/known-panics) only end the run, and
 * are counted. At exit it prints how many inputs ran and how many syscalls they made.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_syscall.h"
#include "hosted_machine.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The host side's state is the program's, not the machine's: it survives every boot. */
HOSTED_STATE_END

struct fuzz_input fuzz_input;

#define MAX_KNOWN 16
static char *known[MAX_KNOWN];
static unsigned nknown;
static uint64_t known_hits[MAX_KNOWN];

static const char *const op_names[FUZZ_NOPS] = {
    "Untyped_Retype",
    "CNode_Copy",
    "CNode_Mint",
    "CNode_Move",
    "CNode_Mutate",
    "CNode_Delete",
    "CNode_Revoke",
    "TCB_Configure",
    "TCB_SetPriority",
    "TCB_SetMCPriority",
    "TCB_Suspend",
    "TCB_Resume",
    "TCB_ReadRegisters",
    "TCB_WriteRegisters",
    "TCB_BindNotification",
    "TCB_UnbindNotification",
    "TCB_SetFaultHandler",
    "TCB_SetTimeoutHandler",
    "SchedControl_Configure",
    "SchedContext_Bind",
    "SchedContext_Unbind",
    "SchedContext_Consumed",
    "IRQControl_Get",
    "IRQHandler_SetNotification",
    "IRQHandler_Ack",
    "IRQHandler_Clear",
    "Frame_Map",
    "Frame_Remap",
    "Frame_Unmap",
    "Frame_GetAddress",
    "PageTable_Map",
    "PageTable_Unmap",
    "Send",
    "NBSend",
    "Call",
    "Recv",
    "NBRecv",
    "ReplyRecv",
    "Yield",
    "DebugPutc",
    "DebugWrite",
    "DebugCapType",
    "unknown syscall",
    "any label on any cap",
    "interrupt injected",
    "user fault",
};

void fuzz_trace_op(unsigned op, uintptr_t arg, size_t pos)
{
    fprintf(stderr, "fuzz_syscall: @%zu worker %lu: %s\n", pos, (unsigned long)arg, op_names[op]);
}

void fuzz_trace_syscall(const uintptr_t *regs, const int *err)
{
    if (err) {
        fprintf(stderr, "fuzz_syscall:     -> %d\n", *err);
        return;
    }
    fprintf(stderr,
            "fuzz_syscall:   syscall %lu cptr %#lx info %#lx mr %#lx %#lx %#lx %#lx reply %#lx\n",
            (unsigned long)regs[7], (unsigned long)regs[0], (unsigned long)regs[1],
            (unsigned long)regs[2], (unsigned long)regs[3], (unsigned long)regs[4],
            (unsigned long)regs[5], (unsigned long)regs[6]);
}

static void report(void)
{
    uint64_t ops = 0, ok = 0;

    for (unsigned i = 0; i < FUZZ_NOPS; i++)
        ops += fuzz_input.ops[i], ok += fuzz_input.ops_ok[i];
    fprintf(stderr,
            "fuzz_syscall: %llu inputs, %llu syscalls, %llu operations (%llu returned MICA_OK)\n",
            (unsigned long long)fuzz_input.runs, (unsigned long long)fuzz_input.syscalls,
            (unsigned long long)ops, (unsigned long long)ok);
    for (unsigned i = 0; i < nknown; i++)
        fprintf(stderr, "fuzz_syscall: %llu inputs stopped at the known panic \"%s\"\n",
                (unsigned long long)known_hits[i], known[i]);
    if (!getenv("MICA_FUZZ_OPS"))
        return;
    for (unsigned i = 0; i < FUZZ_NOPS; i++)
        fprintf(stderr, "fuzz_syscall:   %-28s %12llu %12llu ok\n", op_names[i],
                (unsigned long long)fuzz_input.ops[i], (unsigned long long)fuzz_input.ops_ok[i]);
}

static void read_known(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[256];

    if (!f) {
        perror(path);
        exit(1);
    }
    while (fgets(line, sizeof(line), f) && nknown < MAX_KNOWN) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] && line[0] != '#')
            known[nknown++] = strdup(line);
    }
    fclose(f);
}

/* On the kernel's stack, as the machine halts. */
static void on_halt(int status)
{
    static char tail[4096];

    if (status == FUZZ_HALT_DONE || status == HOSTED_HALT_DEADLOCK)
        return;
    /* DebugPutc and DebugWrite may have printed NULs: make the tail one string. */
    size_t n = hosted_console_tail(tail, sizeof(tail));
    for (size_t i = 0; i < n; i++)
        if (!tail[i])
            tail[i] = '?';
    for (unsigned i = 0; status == HOSTED_HALT_PANIC && i < nknown; i++) {
        if (strstr(tail, known[i])) {
            known_hits[i]++;
            return;
        }
    }
    fprintf(stderr,
            "%s\nfuzz_syscall: the machine halted with status %d (%s) after %zu of %zu "
            "bytes\n",
            tail, status,
            status == HOSTED_HALT_PANIC ? "kernel panic"
            : status == FUZZ_HALT_SETUP ? "the root task's setup failed"
                                        : "unexpected",
            fuzz_input.pos, fuzz_input.size);
    report(); /* abort skips atexit */
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (getenv("MICA_FUZZ_KNOWN"))
        read_known(getenv("MICA_FUZZ_KNOWN"));
    hosted_console_quiet(!getenv("MICA_FUZZ_VERBOSE"));
    fuzz_input.trace = getenv("MICA_FUZZ_TRACE") != NULL;
    hosted_on_halt(on_halt);
    atexit(report);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input.data = data;
    fuzz_input.size = size;
    fuzz_input.pos = 0;
    fuzz_input.runs++;
    hosted_boot();
    return 0;
}
