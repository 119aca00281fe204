/* SPDX-License-Identifier: MIT */
/*
 * The firmware's platform description as boot parameters (docs/embedding.md), and its callbacks.
 * The description is the firmware's memory: it is read once, through hal_phys_to_virt, and every
 * range is checked (empty ranges are dropped, wrapping ones refused) before the core relies on it.
 */
#include <stdint.h>

#include "klog.h"
#include "platform.h"
#ifdef CONFIG_FDT
#include "fdt.h"
#endif

struct platform_callbacks platform_cb;

/* The kernel address of something the description names by physical address. */
static BOOT_CODE const void *phys(const void *p)
{
    return p ? hal_phys_to_virt((paddr_t)(uintptr_t)p) : NULL;
}

/* Append [base, base + size) to ranges (ARCH_MAX_RAM_RANGES of them); 0, or why it cannot be. */
static BOOT_CODE const char *add_range(struct mem_range *ranges, unsigned *n, uint64_t base,
                                       uint64_t size)
{
    if (size == 0)
        return NULL;
    if (base + size - 1 < base || (paddr_t)(base + size - 1) != base + size - 1)
        return "wraps around the address space";
    if (*n == ARCH_MAX_RAM_RANGES)
        return "one range too many (ARCH_MAX_RAM_RANGES)";
    ranges[(*n)++] = (struct mem_range){(paddr_t)base, (paddr_t)size};
    return NULL;
}

/* Every range of the description's array a (n entries) into ranges; why names the first bad one. */
static BOOT_CODE int add_ranges(struct mem_range *ranges, unsigned *nranges,
                                const struct mica_range *a, uint32_t n, const char *what, char *why,
                                size_t len)
{
    const struct mica_range *r = phys(a);

    if (n && !r) {
        ksnprintf(why, len, "%u %s ranges at NULL", (unsigned)n, what);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        const char *err = add_range(ranges, nranges, r[i].base, r[i].size);
        if (err) {
            ksnprintf(why, len, "%s range %u (%llx, size %llx) %s", what, (unsigned)i,
                      (unsigned long long)r[i].base, (unsigned long long)r[i].size, err);
            return -1;
        }
    }
    return 0;
}

BOOT_CODE int platform_read(const struct mica_platform *p, struct boot_params *bp, char *why,
                            size_t len)
{
    const char *err;

    if (p->version != MICA_PLATFORM_VERSION) {
        ksnprintf(why, len, "platform description version %u, this kernel reads %u",
                  (unsigned)p->version, MICA_PLATFORM_VERSION);
        return -1;
    }
    platform_cb = (struct platform_callbacks){p->console, p->halt, p->arg, p->flags};
    /* The firmware's own ranges next: its callbacks run in them, also to report what follows (or
     * this array's own bad entry, with the ranges before it). */
    if (add_ranges(bp->firmware, &bp->nfirmware, p->reserved, p->nreserved, "reserved", why, len))
        return -1;
    bp->dtb = phys(p->devicetree);
#ifdef CONFIG_FDT
    if (bp->dtb && fdt_scan_boot(bp->dtb, FDT_MAX_SIZE, bp, why, len))
        return -1;
#endif
    if (p->nram) {
        bp->nram = 0;
        if (add_ranges(bp->ram, &bp->nram, p->ram, p->nram, "RAM", why, len))
            return -1;
    }
    if (!bp->nram) {
        ksnprintf(why, len, "no RAM: the description lists none%s",
                  bp->dtb ? " and neither does the devicetree" : ", and there is no devicetree");
        return -1;
    }
    if (add_ranges(bp->reserved, &bp->nreserved, p->reserved, p->nreserved, "reserved", why, len) ||
        add_ranges(bp->device, &bp->ndevice, p->devices, p->ndevices, "device", why, len))
        return -1;
    if (p->root_image && p->root_image_size) {
        if ((err = add_range(bp->reserved, &bp->nreserved, (uintptr_t)p->root_image,
                             p->root_image_size))) {
            ksnprintf(why, len, "the root image (%p, %llu bytes) %s", p->root_image,
                      (unsigned long long)p->root_image_size, err);
            return -1;
        }
        bp->root_elf = phys(p->root_image);
        bp->root_elf_size = (size_t)p->root_image_size;
    }
    return 0;
}

/*
 * The callbacks run on the kernel stack within CONFIG_PLATFORM_CALLBACK_STACK bytes
 * (build.ninja.in tells tools/stackcheck.py). A callback that faults makes the kernel panic, and
 * the panic writes and halts through the callbacks again: one that is entered while a callback
 * runs is dropped for good instead, so the panic reaches the arch's own console and halt.
 */
static bool in_callback;

bool platform_putc(char c)
{
    if (!platform_cb.console)
        return false;
    if (in_callback) {
        platform_cb.console = NULL;
        return false;
    }
    in_callback = true;
    word_t token = hal_firmware_enter();
    platform_cb.console(platform_cb.arg, c);
    hal_firmware_leave(token);
    in_callback = false;
    return true;
}

void platform_halt(int status)
{
    void (*halt)(void *, int) = platform_cb.halt;

    if (!halt || in_callback)
        return;
    platform_cb.halt = NULL; /* once: if it returns or faults, the arch's halt follows */
    in_callback = true;
    word_t token = hal_firmware_enter();
    halt(platform_cb.arg, status);
    hal_firmware_leave(token);
    in_callback = false;
}
