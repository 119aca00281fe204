/* SPDX-License-Identifier: MIT */
/* Hosted root-task start: the kernel starts the root thread here with the boot-info address. */
#include <mica/user.h>

void mica_crt0_start(mica_word_t bootinfo);

void mica_crt0_start(mica_word_t bootinfo)
{
    int status = mica_main((const struct mica_bootinfo *)bootinfo);
    struct mica_regs r = {{(mica_word_t)status, 0, 0, 0, 0, 0, 0, MICA_SYS_DEBUG_HALT}};

    mica_syscall(&r);
    /* Without CONFIG_DEBUG_SYSCALLS nothing can stop the machine: suspend the root thread (a
     * TCB_Suspend invocation on its own TCB), so the kernel finds nothing left to run. */
    r = (struct mica_regs){
        {MICA_INIT_TCB, mica_msginfo(MICA_TCB_SUSPEND, 0, 0, 0), 0, 0, 0, 0, 0, MICA_SYS_CALL}};
    mica_syscall(&r);
}
