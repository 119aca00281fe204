/* SPDX-License-Identifier: MIT */
/*
 * The hosted machine: a Linux process. hosted_boot maps the "physical RAM" arena (host_reset.c),
 * aligned to its size so that Untyped blocks are naturally aligned host addresses, and enters the
 * kernel; halting returns from hosted_boot with the status, so a program may boot the machine
 * again (host_entry.c boots it once; the fuzz targets once per input). The console is stdout (or
 * nothing, when quiet), and its last 4 KiB are kept for the program around the machine. With
 * host_fault.c, host_reset.c, host_entry.c and the user runtime's clock, the only code that calls
 * host libc.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdio.h>

#include "hosted.h"
#include "hosted_machine.h"

/* The root task's entry (user/arch/hosted/crt0.c). */
void mica_crt0_start(word_t bootinfo);

#define CONSOLE_TAIL 4096

static char tail[CONSOLE_TAIL];
static unsigned tail_len;

/* How the program around the machine wants it run: not machine state, so outside the sections
 * a boot resets. */
HOSTED_STATE_END
static jmp_buf halt_jmp;
static int halt_status;
static bool quiet;
static void (*halt_hook)(int status);
HOSTED_STATE_BEGIN

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
    tail[tail_len++ % CONSOLE_TAIL] = c;
    if (!quiet)
        putchar(c);
}

void hosted_console_quiet(bool on)
{
    quiet = on;
}

size_t hosted_console_tail(char *buf, size_t size)
{
    size_t n = tail_len < CONSOLE_TAIL ? tail_len : CONSOLE_TAIL;

    if (!size)
        return 0;
    if (n > size - 1)
        n = size - 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = tail[(tail_len - n + i) % CONSOLE_TAIL];
    buf[n] = '\0';
    return n;
}

void hosted_on_halt(void (*hook)(int status))
{
    halt_hook = hook;
}

/* The kernel only runs on the stack hosted_boot called it on, so this unwinds to hosted_boot. */
_Noreturn void hal_halt(int status)
{
    fflush(stdout);
    if (halt_hook)
        halt_hook(status);
    halt_status = status;
    longjmp(halt_jmp, 1);
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

int hosted_boot(void)
{
    static struct boot_params bp;
    size_t size = (size_t)CONFIG_HOSTED_RAM_MB << 20;

    if (size & (size - 1)) {
        fprintf(stderr, "mica: CONFIG_HOSTED_RAM_MB must be a power of two\n");
        return 1;
    }
    void *ram = hosted_reset(size);
    if (!ram) {
        perror("mica: RAM arena");
        return 1;
    }
    bp.ram[0] = (struct mem_range){(paddr_t)ram, size};
    bp.nram = 1;
    bp.ncpus = 1;
    bp.root_entry = (word_t)mica_crt0_start;
    if (!setjmp(halt_jmp))
        kernel_main(&bp);
    hosted_faults_fini();
    return halt_status;
}
