/* SPDX-License-Identifier: MIT */
/*
 * Real user faults on hosted: SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP raised while a user
 * thread runs become HAL_TRAP_FAULT. The handler runs on an alternate stack, records the fault
 * and makes the signal return into hosted_fault_entry on a stack of its own (never the thread's,
 * which may be the thing that overflowed), which enters the kernel like a trap. The thread is
 * never continued at the faulting instruction: until its PC or SP is written (which restarts it),
 * every run reports the same fault again, as re-executing the instruction would. A signal while
 * the kernel itself runs is a kernel bug: it goes to the previous handler (ASan's, or the
 * default action).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <ucontext.h>

#include <mica/mica.h>

#include "hosted.h"

static const int fault_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
/* Not machine state: the host process's handlers before a boot (which each boot saves again; the
 * host reports them back slightly changed, e.g. with SA_RESTORER) and scratch stacks. */
HOSTED_STATE_END
static struct sigaction previous[sizeof(fault_signals) / sizeof(fault_signals[0])];
static stack_t previous_alt_stack;
static unsigned char alt_stack[64 << 10] __attribute__((aligned(16)));
static unsigned char fault_stack[16 << 10] __attribute__((aligned(16)));
HOSTED_STATE_BEGIN

/* Tells other code (the conformance suite, through a weak reference) that faults are real. */
const int hosted_user_faults = 1;

/* x86 page-fault error code bits (Intel SDM vol. 3, 4.7): write access, instruction fetch. */
#define PF_WRITE 0x2
#define PF_INSN  0x10

static struct hal_trap describe(int sig, const siginfo_t *si, const ucontext_t *uc)
{
    struct hal_trap t = {.kind = HAL_TRAP_FAULT, .fault_type = MICA_FAULT_USER_EXCEPTION};
    greg_t err = uc->uc_mcontext.gregs[REG_ERR];

    switch (sig) {
    case SIGSEGV:
        t.fault_type = MICA_FAULT_MEMORY;
        t.fault_addr = (word_t)si->si_addr;
        t.fault_detail = (err & PF_INSN)    ? MICA_VM_EXEC
                         : (err & PF_WRITE) ? MICA_VM_WRITE
                                            : MICA_VM_READ;
        break;
    case SIGBUS:
        if (si->si_code == BUS_ADRALN) {
            t.fault_detail = MICA_EXC_ALIGNMENT;
        } else {
            t.fault_type = MICA_FAULT_MEMORY;
            t.fault_addr = (word_t)si->si_addr;
            t.fault_detail = MICA_VM_READ;
        }
        break;
    case SIGILL: t.fault_detail = MICA_EXC_ILLEGAL_INSTRUCTION; break;
    case SIGTRAP: t.fault_detail = MICA_EXC_BREAKPOINT; break;
    default: t.fault_detail = MICA_EXC_OTHER; break;
    }
    return t;
}

static void chain(int sig, siginfo_t *si, void *uc)
{
    for (unsigned i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++) {
        if (fault_signals[i] != sig)
            continue;
        if ((previous[i].sa_flags & SA_SIGINFO) && previous[i].sa_sigaction) {
            previous[i].sa_sigaction(sig, si, uc);
            return;
        }
        /* Default (or ignored) action: reinstall it; returning re-executes the instruction. */
        sigaction(sig, &previous[i], NULL);
        if (previous[i].sa_handler == SIG_IGN)
            signal(sig, SIG_DFL);
        return;
    }
}

__attribute__((no_sanitize("address", "undefined"))) static void on_fault(int sig, siginfo_t *si,
                                                                          void *ucv)
{
    ucontext_t *uc = ucv;

    if (!hosted_user_running) {
        chain(sig, si, ucv);
        return;
    }
    hosted_user_running = false;
    hosted_fault_record(describe(sig, si, uc), (word_t)uc->uc_mcontext.gregs[REG_RIP]);
    /* Return into hosted_fault_entry as if it had been called on the fault stack. */
    uc->uc_mcontext.gregs[REG_RSP] = (greg_t)(fault_stack + sizeof(fault_stack) - 8);
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)hosted_fault_entry;
}

void hosted_faults_init(void)
{
    stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof(alt_stack)};
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaltstack(&ss, &previous_alt_stack);
    for (unsigned i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++)
        sigaction(fault_signals[i], &sa, &previous[i]);
}

/* When the machine halts: the process's handlers and alternate stack as they were (ASan's, a fuzz
 * target's), so that the next boot saves those again and not ours. */
void hosted_faults_fini(void)
{
    for (unsigned i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++)
        sigaction(fault_signals[i], &previous[i], NULL);
    sigaltstack(&previous_alt_stack, NULL);
}
