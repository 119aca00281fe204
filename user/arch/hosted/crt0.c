/* SPDX-License-Identifier: MIT */
/* Hosted root-task start: the kernel starts the root thread here with the boot-info address. */
#include <mica/user.h>

void mica_crt0_start(mica_word_t bootinfo);

void mica_crt0_start(mica_word_t bootinfo)
{
    mica_debug_halt(mica_main((const struct mica_bootinfo *)bootinfo));
}
