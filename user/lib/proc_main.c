/* SPDX-License-Identifier: MIT */
/*
 * The entry glue of programs that run as processes (<mica/process.h>). Linked like a root task
 * (MMU boards), a process starts in crt0, which calls mica_main with ARG0, here its struct
 * mica_procinfo. Position-independent processes (MPU boards: user/arch/<arch>/proc.ld) start in
 * mica_proc_start instead: the spawner always gives them a stack, so they need nothing of crt0
 * (whose fallback stack would only take room). Only linked into programs that define
 * mica_proc_main and no mica_main of their own (an archive member is pulled in for a symbol that
 * is still undefined).
 */
#include <mica/process.h>

int mica_main(const struct mica_bootinfo *bi)
{
    const struct mica_procinfo *info = (const struct mica_procinfo *)bi;

    mica_proc_exit(info, mica_proc_main(info));
}

_Noreturn void mica_proc_start(const struct mica_procinfo *info);
_Noreturn void mica_proc_start(const struct mica_procinfo *info)
{
    mica_proc_exit(info, mica_proc_main(info));
}
