/* SPDX-License-Identifier: MIT */
/* The test firmwares' root task (tests/embed/aarch64, armv8m; tests/embed_checks.py copies it
 * beside each): one line, then the status the firmware's halt callback reports. */
#include <mica/user.h>

int mica_main(const struct mica_bootinfo *bi)
{
    mica_printf("root: running on %s (%s), %lu untyped caps\n", bi->board, bi->arch,
                (unsigned long)(bi->untyped.end - bi->untyped.start));
    return 0;
}
