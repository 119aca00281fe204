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

/* The size of a blob fdt_scan_boot accepted (its header's totalsize). */
size_t fdt_blob_size(const void *dtb);

/* Physical base of the console UART that /chosen/stdout-path (or linux,stdout-path) names. */
int fdt_stdout_uart(const void *dtb, paddr_t *base);

/* First enabled node compatible with compat: physical base and size of its first reg entry. */
int fdt_find_compatible(const void *dtb, const char *compat, paddr_t *base, paddr_t *size);

/* The same for its reg entry number index (e.g. a GIC's CPU interface or redistributors, 1). */
int fdt_compatible_reg(const void *dtb, const char *compat, unsigned index, paddr_t *base,
                       paddr_t *size);

/* String property prop (its first string) of the first enabled node compatible with compat, e.g.
 * /psci's method; *str is NUL-terminated inside the blob. */
int fdt_compatible_string(const void *dtb, const char *compat, const char *prop, const char **str);

/* /cpus timebase-frequency (RISC-V: the rate of the time CSR), in Hz. */
int fdt_timebase_frequency(const void *dtb, uint64_t *hz);

/* Cell number cell of property prop of the first enabled node compatible with compat. */
int fdt_compatible_u32(const void *dtb, const char *compat, const char *prop, unsigned cell,
                       uint32_t *val);

/* The hardware id (reg) of the index-th enabled /cpus child with device_type "cpu". */
int fdt_cpu_hwid(const void *dtb, unsigned index, uint64_t *hwid);

/* String property prop of the CPU whose reg is hwid; *str is NUL-terminated inside the blob. */
int fdt_cpu_string(const void *dtb, uint64_t hwid, const char *prop, const char **str);

/*
 * Which output of an interrupt controller goes to a given CPU input: the first enabled node
 * compatible with compat lists its outputs in interrupts-extended as (parent phandle, specifier)
 * pairs; *index is the position of the pair whose parent is the interrupt controller inside the
 * CPU with reg cpu_hwid and whose first specifier cell is cpu_irq.
 */
int fdt_intc_output(const void *dtb, const char *compat, uint64_t cpu_hwid, uint32_t cpu_irq,
                    unsigned *index);

/*
 * The devices an interrupt controller serves: the first reg entry of every enabled node with an
 * interrupts property whose interrupt parent (its own interrupt-parent, or the nearest
 * ancestor's) is the first enabled node compatible with intc_compat. At most max go to out; *n
 * says how many.
 */
int fdt_intc_devices(const void *dtb, const char *intc_compat, struct mem_range *out, unsigned max,
                     unsigned *n);

/*
 * Append to bp's device untypeds those devices (after the firmware's, platform_read): each reg
 * range rounded out to whole pages of page bytes,
 * ranges that overlap or touch merged (QEMU's arm virt puts 32 virtio-mmio transports 0x200
 * apart), and the page of the console UART (/chosen/stdout-path), which the kernel drives, left
 * out. At most ARCH_MAX_RAM_RANGES; a device beyond that is left out and the error is
 * -FDT_ERR_NOSPACE, with the ranges found so far kept.
 */
int fdt_device_untypeds(const void *dtb, const char *intc_compat, paddr_t page,
                        struct boot_params *bp);

#endif
