/* SPDX-License-Identifier: MIT */
/*
 * Reading the boot devicetree: memory, reservations, CPUs and a few devices. The only user of
 * libfdt in the kernel. Every function validates the blob first and returns 0 or a negative
 * libfdt error code (-FDT_ERR_*, see fdt_strerror); a malformed blob is an error, never a crash.
 */
#ifndef MICA_FDT_H
#define MICA_FDT_H

#include <stddef.h>

#include "hal.h"

/* Largest devicetree the kernel accepts (Linux uses the same bound on arm64). */
#define FDT_MAX_SIZE (2u << 20)

/*
 * Validate the blob at dtb, which may be at most max_size bytes long, then fill bp from it: nram
 * and ram[] from the /memory nodes, ncpus from /cpus, and append to reserved[] the /memreserve/
 * entries, every /reserved-memory child with a reg (with or without no-map: OpenSBI's firmware
 * region has none and must still be avoided) and the blob itself. On failure writes a one-line
 * reason into err (errlen bytes, may be 0) and leaves bp's counts as they were.
 */
int fdt_scan_boot(const void *dtb, size_t max_size, struct boot_params *bp, char *err,
                  size_t errlen);

/* Physical base of the console UART that /chosen/stdout-path (or linux,stdout-path) names. */
int fdt_stdout_uart(const void *dtb, paddr_t *base);

/* First enabled node compatible with compat: physical base and size of its first reg entry. */
int fdt_find_compatible(const void *dtb, const char *compat, paddr_t *base, paddr_t *size);

/* /cpus timebase-frequency (RISC-V: the rate of the time CSR), in Hz. */
int fdt_timebase_frequency(const void *dtb, uint64_t *hz);

#endif
