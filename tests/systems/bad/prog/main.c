/* SPDX-License-Identifier: MIT */
/* The program every malformed system file names: only its directory matters. */
#include <mica/process.h>

int mica_proc_main(const struct mica_procinfo *info)
{
    (void)info;
    return 0;
}
