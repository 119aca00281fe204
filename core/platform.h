/* SPDX-License-Identifier: MIT */
/*
 * The firmware's platform description (include/mica/kernel.h) as boot parameters, and the
 * firmware's callbacks. Each arch's mica_start reads the description with platform_read; the
 * console and halt code of every arch offer each byte and the halt to the firmware first.
 */
#ifndef MICA_PLATFORM_H
#define MICA_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

#include <mica/kernel.h>

#include "hal.h"

/* The firmware's callbacks from the description (NULL: none). */
struct platform_callbacks {
    void (*console)(void *arg, char c);
    void (*halt)(void *arg, int status);
    void *arg;
    uint32_t flags; /* MICA_PLATFORM_* */
};
extern struct platform_callbacks platform_cb;

/*
 * Fill bp from the description at p (a kernel address; the addresses inside are physical, reached
 * through hal_phys_to_virt): the callbacks and the firmware's reserved ranges (bp->firmware) first,
 * so that a bad description can still be reported through them, then the devicetree (RAM, CPUs
 * and its reservations, with CONFIG_FDT), the description's RAM (replacing the devicetree's), its
 * reserved ranges, its device ranges, and the root image (reserved too). The arch adds its own
 * image to bp->reserved. Returns 0, or nonzero with a one-line reason in why (len bytes).
 */
int platform_read(const struct mica_platform *p, struct boot_params *bp, char *why, size_t len);

/* Write c through the firmware's console callback; false if it gave none. */
bool platform_putc(char c);

/* Call the firmware's halt callback, if any; returns if there is none or it returned. */
void platform_halt(int status);

#endif
