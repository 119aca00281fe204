/* SPDX-License-Identifier: MIT */
/*
 * The hosted machine: a Linux process, and mica_start for it. hosted_boot is its firmware: it maps
 * the "physical RAM" arena (host_reset.c), aligned to its size so that Untyped blocks are naturally
 * aligned host addresses, describes it as the platform (include/mica/kernel.h; the root task runs
 * in-process, so the root image is its entry function, size 0) and calls mica_start; halting
 * returns from hosted_boot with the status, so a program may boot the machine again (host_entry.c
 * boots it once; the fuzz targets once per input). The console is stdout (or nothing, when quiet;
 * or the description's callback), and its last 4 KiB are kept for the program around the machine.
 * With
 * host_fault.c, host_reset.c, host_entry.c and the user runtime's clock, the only code that calls
 * host libc.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include "hosted.h"
#include "hosted_machine.h"
#include "klog.h"
#include "platform.h"

/* The root task's entry (user/arch/hosted/crt0.c). */
void mica_crt0_start(word_t bootinfo);

#define CONSOLE_TAIL 4096

static char tail[CONSOLE_TAIL];
static unsigned tail_len;

/* How the program around the machine wants it run: not machine state, so outside the sections
 * a boot resets. */
HOSTED_STATE_END
static jmp_buf halt_jmp;
static bool in_boot; /* inside hosted_boot: halt_jmp is set */
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
    if (!platform_putc(c) && (platform_cb.flags & MICA_PLATFORM_OWN_CONSOLE) && !quiet)
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

/* The kernel only runs on the stack mica_start was called on, so inside hosted_boot this unwinds
 * to it; a program that called mica_start itself ends with the status. */
_Noreturn void hal_halt(int status)
{
    fflush(stdout);
    platform_halt(status);
    if (halt_hook)
        halt_hook(status);
    halt_status = status;
    if (in_boot)
        longjmp(halt_jmp, 1);
    exit(status);
}

/* One address space: the firmware's memory is where it always is. */
word_t hal_firmware_enter(void)
{
    return 0;
}

void hal_firmware_leave(word_t token)
{
    (void)token;
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

/* mica_start on hosted: from the program, on its stack; the root image is the in-process root
 * task's entry function when its size is 0. */
_Noreturn void mica_start(const struct mica_platform *platform)
{
    static struct boot_params bp;
    char why[160];

    if (platform_read(platform, &bp, why, sizeof(why)))
        kpanic("mica_start: %s", why);
    if (!platform->root_image_size)
        bp.root_entry = (word_t)(uintptr_t)platform->root_image;
    bp.ncpus = 1;
    kernel_main(&bp);
}

int hosted_boot(void)
{
    static struct mica_range ram;
    static struct mica_platform platform;
    size_t size = (size_t)CONFIG_HOSTED_RAM_MB << 20;

    if (size & (size - 1)) {
        fprintf(stderr, "mica: CONFIG_HOSTED_RAM_MB must be a power of two\n");
        return 1;
    }
    void *arena = hosted_reset(size); /* first: it puts every static back */
    if (!arena) {
        perror("mica: RAM arena");
        return 1;
    }
    ram = (struct mica_range){(uintptr_t)arena, size};
    platform = (struct mica_platform){
        .version = MICA_PLATFORM_VERSION,
        .flags = MICA_PLATFORM_OWN_CONSOLE,
        .ram = &ram,
        .nram = 1,
        .root_image = (const void *)(uintptr_t)mica_crt0_start,
    };
    in_boot = true;
    if (!setjmp(halt_jmp))
        mica_start(&platform);
    in_boot = false;
    hosted_faults_fini();
    return halt_status;
}
