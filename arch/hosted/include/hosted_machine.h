/* SPDX-License-Identifier: MIT */
/*
 * The hosted machine as the program around it sees it: arch/hosted/host_entry.c's main boots it
 * once; the fuzz targets (tests/fuzz) boot it once per input in the same process.
 */
#ifndef MICA_HOSTED_MACHINE_H
#define MICA_HOSTED_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Boot a fresh machine and run it until it halts (hal_halt: DEBUG_HALT, a panic, a deadlock);
 * returns the halt status. Each call starts from the state the program was loaded with: every
 * static of the kernel, the arch, the user runtime and the root task as initialised, the RAM
 * arena zeroed (host_reset.c), the host's signal handlers as they were before. Returns 1 without
 * booting if the arena cannot be mapped.
 */
int hosted_boot(void);

/* Halt statuses the machine itself uses (besides a root task's DEBUG_HALT status). */
#define HOSTED_HALT_DEADLOCK 2 /* nothing runnable and no timer armed (irq.c) */
#define HOSTED_HALT_PANIC    3 /* kpanic (core/klog.c) */

/* hook(status) is called when the machine halts, before hosted_boot returns, still on the
 * kernel's stack: a fuzz target that aborts there gets the kernel's call chain in its crash
 * report. NULL (the default) for none. */
void hosted_on_halt(void (*hook)(int status));

/* The console: stdout, or nothing while quiet is on; either way the last 4 KiB the current boot
 * printed are kept, and hosted_console_tail copies them into buf (NUL-terminated, at most size - 1
 * characters; returns how many). */
void hosted_console_quiet(bool on);
size_t hosted_console_tail(char *buf, size_t size);

/* Where the machine's whole state is: its data and bss sections and, once it booted, the RAM
 * arena, as the last boot left them (the sections hold ASan's redzones in a sanitizer build: read
 * them without ASan checks). Returns how many regions it filled in. */
struct hosted_region {
    const void *start;
    size_t size;
};
unsigned hosted_state_regions(struct hosted_region out[3]);

#endif
