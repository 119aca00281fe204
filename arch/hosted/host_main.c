/* SPDX-License-Identifier: MIT */
/*
 * The hosted machine: a Linux process. Its firmware is main() (board.c), which maps the "physical
 * RAM" arena and calls mica_start; the console is stdout and halting is the process exit status.
 * With host_fault.c (signals), board.c and the user runtime's clock, the only code that calls
 * host libc.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "hosted.h"
#include "klog.h"
#include "platform.h"

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
    if (!platform_putc(c) && (platform_cb.flags & MICA_PLATFORM_OWN_CONSOLE))
        putchar(c);
}

_Noreturn void hal_halt(int status)
{
    fflush(stdout);
    platform_halt(status);
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

/*
 * mica_start on hosted: the program's main (board.c) is the firmware, its arena the RAM; the root
 * task runs in-process, so the description's root image is its entry function (size 0).
 */
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
