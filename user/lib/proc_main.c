/* SPDX-License-Identifier: MIT */
/*
 * The entry glue of programs that run as processes (<mica/process.h>): crt0 calls mica_main with
 * ARG0, which for a process is its struct mica_procinfo. Only linked into programs that define
 * mica_proc_main and no mica_main of their own (an archive member is pulled in for a symbol that
 * is still undefined).
 */
#include <mica/process.h>

int mica_main(const struct mica_bootinfo *bi)
{
    const struct mica_procinfo *info = (const struct mica_procinfo *)bi;

    mica_proc_exit(info, mica_proc_main(info));
}
