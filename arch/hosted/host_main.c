/* SPDX-License-Identifier: MIT */
/*
 * The hosted machine: a Linux process. main() maps the "physical RAM" arena, aligned to its size
 * so that Untyped blocks are naturally aligned host addresses, and enters the kernel; the console
 * is stdout and halting is the process exit status. With host_fault.c (signals) and the user
 * runtime's clock, the only code that calls host libc.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "hosted.h"

/* The root task's entry (user/arch/hosted/crt0.c). */
void mica_crt0_start(word_t bootinfo);

void hal_platform_init(struct boot_params *bp)
{
    (void)bp;
    hosted_faults_init();
}

unsigned hal_cpu_id(void)
{
    return 0;
}

void hal_console_putc(char c)
{
    putchar(c);
}

_Noreturn void hal_halt(int status)
{
    fflush(stdout);
    exit(status);
}

void *hal_phys_to_virt(paddr_t pa)
{
    return (void *)pa;
}

paddr_t hal_virt_to_phys(const void *kva)
{
    return (paddr_t)kva;
}

bool hal_cpu_start(unsigned cpu)
{
    (void)cpu;
    return false;
}

void hal_ipi_send(unsigned cpu)
{
    (void)cpu;
}

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
    static struct boot_params bp;
    size_t size = (size_t)CONFIG_HOSTED_RAM_MB << 20;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (size & (size - 1)) {
        fprintf(stderr, "mica: CONFIG_HOSTED_RAM_MB must be a power of two\n");
        return 1;
    }
    void *ram = arena_map(size);
    if (!ram) {
        perror("mica: mmap");
        return 1;
    }
    bp.ram[0] = (struct mem_range){(paddr_t)ram, size};
    bp.nram = 1;
    bp.ncpus = 1;
    bp.root_entry = (word_t)mica_crt0_start;
    kernel_main(&bp);
}
