/* SPDX-License-Identifier: MIT */
/*
 * Boot stub of the hosted arch: prints the banner with the host's CPU count and RAM and exits 0.
 * Scaffolding for the build and test runner; the real hosted arch replaces it.
 */
#define _GNU_SOURCE /* _SC_PHYS_PAGES */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    long pages = sysconf(_SC_PHYS_PAGES);
    long page_size = sysconf(_SC_PAGESIZE);

    if (cpus < 1 || pages < 1 || page_size < 1) {
        fprintf(stderr, "mica: sysconf failed\n");
        return 1;
    }
    printf("mica: board=%s arch=%s cpus=%ld ram=%lldMiB\n", CONFIG_BOARD, CONFIG_ARCH, cpus,
           (long long)pages * page_size / (1024 * 1024));
    return 0;
}
