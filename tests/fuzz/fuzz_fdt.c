/* SPDX-License-Identifier: MIT */
/*
 * The devicetree reader's fuzz target: core/fdt.c (and the libfdt it reads through, both built
 * with the fuzzer's instrumentation) on the input as a boot devicetree, calling every reader the
 * arches call, the way they call it. fdt_scan_boot gets the input's exact size; the readers that
 * trust the header's totalsize (as the kernel may, once fdt_scan_boot accepted the blob) run only
 * when totalsize fits the input. What fdt.h promises about an accepted blob is checked here.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libfdt.h>

#include "fdt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What fdt.c and klog.c need from an arch. */
void hal_console_putc(char c)
{
    (void)c;
}

_Noreturn void hal_halt(int status)
{
    (void)status;
    abort();
}

paddr_t hal_virt_to_phys(const void *kva)
{
    return (paddr_t)kva;
}

static _Noreturn void broken(const char *what)
{
    fprintf(stderr, "fuzz_fdt: fdt_scan_boot accepted a devicetree but %s\n", what);
    abort();
}

static void check_ranges(const struct mem_range *r, unsigned n, const char *what)
{
    if (n > ARCH_MAX_RAM_RANGES)
        broken(what);
    for (unsigned i = 0; i < n; i++)
        if (r[i].size == 0 || r[i].base + r[i].size - 1 < r[i].base)
            broken(what);
}

static void scan(const uint8_t *data, size_t size)
{
    struct boot_params bp = {0};
    char why[96];

    if (fdt_scan_boot(data, size, &bp, why, sizeof(why)))
        return;
    check_ranges(bp.ram, bp.nram, "the RAM ranges are malformed");
    check_ranges(bp.reserved, bp.nreserved, "the reserved ranges are malformed");
    if (bp.nreserved == 0 || bp.reserved[bp.nreserved - 1].base != (paddr_t)data ||
        bp.reserved[bp.nreserved - 1].size != fdt_totalsize(data))
        broken("it does not reserve itself");
}

static void readers(const void *dtb)
{
    static const char *const compat[] = {"riscv,plic0", "sifive,plic-1.0.0", "sifive,test0",
                                         "ns16550a", "arm,pl011"};
    struct mem_range dev[ARCH_MAX_RAM_RANGES];
    paddr_t base, size;
    uint64_t v;
    uint32_t u;
    unsigned n;
    const char *str;

    fdt_stdout_uart(dtb, &base);
    fdt_timebase_frequency(dtb, &v);
    for (unsigned i = 0; i < sizeof(compat) / sizeof(compat[0]); i++) {
        fdt_find_compatible(dtb, compat[i], &base, &size);
        fdt_compatible_u32(dtb, compat[i], "riscv,ndev", 0, &u);
        fdt_compatible_u32(dtb, compat[i], "interrupts", 1, &u);
        fdt_intc_output(dtb, compat[i], 0, 9, &n);
        if (fdt_intc_devices(dtb, compat[i], dev, ARCH_MAX_RAM_RANGES, &n) == 0 &&
            n > ARCH_MAX_RAM_RANGES)
            broken("fdt_intc_devices returned more devices than it was given room for");
    }
    for (unsigned i = 0; i < 8 && fdt_cpu_hwid(dtb, i, &v) == 0; i++)
        if (fdt_cpu_string(dtb, v, "riscv,isa", &str) == 0 &&
            (str < (const char *)dtb || str >= (const char *)dtb + fdt_totalsize(dtb)))
            broken("fdt_cpu_string returned a string outside the blob");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scan(data, size);
    if (size >= sizeof(struct fdt_header) && fdt_check_header(data) == 0 &&
        fdt_totalsize(data) <= size)
        readers(data);
    return 0;
}
