/* SPDX-License-Identifier: MIT */
/* The hosted program (mica.elf, test.elf, bench.elf): boot the machine once; its halt status is
 * the process's exit status. Kept out of libmica.a so that fuzz targets can bring their own main.
 */
#include <stdio.h>

#include "hosted_machine.h"

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    return hosted_boot();
}
