/* SPDX-License-Identifier: MIT */
/*
 * Hosted syscall entry: user code shares the process with the kernel, so "trapping" is storing the
 * ARG registers into the running thread's saved context and calling the arch's hosted_trap, which
 * switches to the kernel stack and returns when the kernel next runs this thread.
 */
#include <mica/user.h>

/* Provided by arch/hosted (see its arch.h). */
extern mica_word_t *hosted_user_args;
extern void *hosted_user_ipc_buffer;
void hosted_trap(void);

struct mica_ipc_buffer *mica_ipc_buffer(void)
{
    return hosted_user_ipc_buffer;
}

mica_error_t mica_syscall(struct mica_regs *regs)
{
    mica_word_t *a = hosted_user_args;

    for (unsigned i = 0; i < 8; i++)
        a[i] = regs->r[i];
    hosted_trap();
    a = hosted_user_args;
    for (unsigned i = 0; i < 8; i++)
        regs->r[i] = a[i];
    return (mica_error_t)regs->r[7];
}
