/* SPDX-License-Identifier: MIT */
/*
 * The hosted program's firmware (mica.elf, test.elf, bench.elf): main() maps the machine's
 * "physical RAM", an arena aligned to its size so that Untyped blocks are naturally aligned host
 * addresses, and starts the kernel through mica_start as any firmware does (include/mica/kernel.h),
 * with stdout for the console and the root task in-process. Kept out of libmica.a: the library
 * has no main.
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#include <mica/kernel.h>

/* The root task's entry (user/arch/hosted/crt0.c). */
void mica_crt0_start(uint64_t bootinfo);

/* mmap twice the size and keep the naturally aligned half. */
static void *arena_map(size_t size)
{
    char *p = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return NULL;
    char *a = (char *)(((uintptr_t)p + size - 1) & ~(uintptr_t)(size - 1));
    if (a > p)
        munmap(p, (size_t)(a - p));
    if (a + size < p + 2 * size)
        munmap(a + size, (size_t)(p + 2 * size - (a + size)));
    return a;
}

int main(void)
{
    static struct mica_range ram;
    static struct mica_platform platform = {
        .version = MICA_PLATFORM_VERSION,
        .flags = MICA_PLATFORM_OWN_CONSOLE,
        .ram = &ram,
        .nram = 1,
    };
    size_t size = (size_t)CONFIG_HOSTED_RAM_MB << 20;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (size & (size - 1)) {
        fprintf(stderr, "mica: CONFIG_HOSTED_RAM_MB must be a power of two\n");
        return 1;
    }
    void *arena = arena_map(size);
    if (!arena) {
        perror("mica: mmap");
        return 1;
    }
    ram = (struct mica_range){(uintptr_t)arena, size};
    platform.root_image = (const void *)(uintptr_t)mica_crt0_start;
    mica_start(&platform);
}
