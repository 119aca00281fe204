/* SPDX-License-Identifier: MIT */
/*
 * Hosted's thread stacks for the toolkit (mica_arch_stack_get, <mica/thread.h>): threads run on
 * the host, so a stack is plain process memory, from a static pool that never becomes a kernel
 * object. A stack taken again may still carry ASan's marks of the frames its last thread left;
 * the kernel clears those when it starts a thread there (arch/hosted/ctx.c, ctx_restart).
 */
#include <stdbool.h>

#include <mica/thread.h>

static unsigned char pool[MICA_HOSTED_STACKS][MICA_HOSTED_STACK] __attribute__((aligned(16)));
static bool taken[MICA_HOSTED_STACKS];

void *mica_arch_stack_get(mica_word_t size)
{
    if (size > MICA_HOSTED_STACK)
        return 0;
    for (unsigned i = 0; i < MICA_HOSTED_STACKS; i++)
        if (!taken[i]) {
            taken[i] = true;
            return pool[i];
        }
    return 0;
}

void mica_arch_stack_put(void *stack)
{
    for (unsigned i = 0; i < MICA_HOSTED_STACKS; i++)
        if (stack == pool[i])
            taken[i] = false;
}
