/* SPDX-License-Identifier: MIT */
/*
 * Host test of core/fdt.c against devicetrees that QEMU dumps at test time, and against broken
 * blobs: those given on the command line and ones derived here from the first good one with the
 * host's libfdt. Usage (docs/build.md):
 *   test_fdt CASE...   CASE = PATH=RAM_BASE,RAM_SIZE,CPUS  (what QEMU's -m/-smp promised)
 *                           | PATH=invalid                (a blob that must be rejected)
 * Every blob sits in a buffer of exactly its file size, so an over-read is an ASan report.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "fdt.h"

struct blob {
    void *data;
    size_t size;
};

struct fdt_case {
    const char *path;
    bool valid;
    uint64_t ram_base, ram_size;
    unsigned cpus;
};

/* The first good devicetree on the command line: the base of the derived broken blobs. */
static const struct fdt_case *model;

/* ---- What the core expects from the HAL, for the host. ---- */

void hal_console_putc(char c)
{
    putchar(c);
}

_Noreturn void hal_halt(int status)
{
    exit(status);
}

paddr_t hal_virt_to_phys(const void *kva)
{
    return (paddr_t)(uintptr_t)kva;
}

/* ---- Helpers. ---- */

static struct blob load(const char *path)
{
    struct blob b = {0};
    FILE *f = fopen(path, "rb");

    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    b.size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    b.data = malloc(b.size ? b.size : 1);
    assert_non_null(b.data);
    assert_int_equal(fread(b.data, 1, b.size, f), b.size);
    fclose(f);
    return b;
}

/* A copy of the model blob opened for editing with extra room (libfdt read-write functions). */
static void *editable(size_t extra)
{
    struct blob b = load(model->path);
    size_t size = b.size + extra;
    void *buf = malloc(size);

    assert_non_null(buf);
    assert_int_equal(fdt_open_into(b.data, buf, (int)size), 0);
    free(b.data);
    return buf;
}

/* Pack an edited blob into a buffer of exactly its size. */
static struct blob packed(void *buf)
{
    struct blob b;

    assert_int_equal(fdt_pack(buf), 0);
    b.size = fdt_totalsize(buf);
    b.data = malloc(b.size);
    assert_non_null(b.data);
    memcpy(b.data, buf, b.size);
    free(buf);
    return b;
}

static int first_memory_node(const void *fdt)
{
    int node;

    fdt_for_each_subnode(node, fdt, 0)
    {
        const char *type = fdt_getprop(fdt, node, "device_type", NULL);
        if (type && strcmp(type, "memory") == 0)
            return node;
    }
    fail_msg("no memory node in %s", model->path);
    return -1;
}

static bool has_range(const struct mem_range *r, unsigned n, uint64_t base, uint64_t size)
{
    for (unsigned i = 0; i < n; i++) {
        if (r[i].base == base && r[i].size == size)
            return true;
    }
    return false;
}

/* Scan b expecting failure code want (0: any error); bp must keep its counts. */
static void expect_rejected(struct blob b, int want)
{
    struct boot_params bp = {.nram = 7, .nreserved = 5, .ncpus = 3};
    char err[128] = "";
    int ret = fdt_scan_boot(b.data, b.size, &bp, err, sizeof(err));

    print_message("# fdt_scan_boot: %d (%s)\n", ret, err);
    assert_true(ret < 0);
    if (want)
        assert_int_equal(ret, want);
    assert_true(err[0] != '\0');
    assert_int_equal(bp.nram, 7);
    assert_int_equal(bp.nreserved, 5);
    assert_int_equal(bp.ncpus, 3);
}

static void need_model(void)
{
    if (!model) {
        print_message("# no good devicetree given on the command line\n");
        skip();
    }
}

/*
 * The interrupt controller of the UART at node (its own interrupt-parent or an ancestor's, found
 * here with the host's libfdt) lists the UART among its devices; on QEMU's riscv64 virt the UART
 * names the PLIC itself, on aarch64 virt it inherits the GIC from the root. The GIC's second reg
 * entry is its CPU interface (v2) or redistributor region (v3).
 */
static void check_intc_devices(const void *dtb, int node, paddr_t uart)
{
    const fdt32_t *p = NULL;
    struct mem_range dev[64];
    unsigned n = 0;
    paddr_t base, size;
    int len;

    for (int at = node; at >= 0 && !p; at = fdt_parent_offset(dtb, at))
        p = fdt_getprop(dtb, at, "interrupt-parent", &len);
    assert_non_null(p);
    int intc = fdt_node_offset_by_phandle(dtb, fdt32_ld(p));
    assert_true(intc > 0);
    const char *compat = fdt_getprop(dtb, intc, "compatible", NULL);
    assert_non_null(compat);
    assert_int_equal(fdt_intc_devices(dtb, compat, dev, 64, &n), 0);
    assert_true(has_range(dev, n, uart, 0x1000) || has_range(dev, n, uart, 0x100));
    /* As device untypeds: whole pages, pairwise apart (merged), none holding the console. */
    struct boot_params bp = {0};
    assert_int_equal(fdt_device_untypeds(dtb, compat, 0x1000, &bp), 0);
    assert_true(bp.ndevice > 0);
    for (unsigned i = 0; i < bp.ndevice; i++) {
        assert_int_equal(bp.device[i].base % 0x1000, 0);
        assert_int_equal(bp.device[i].size % 0x1000, 0);
        assert_false(uart >= bp.device[i].base && uart < bp.device[i].base + bp.device[i].size);
        for (unsigned j = 0; j < i; j++)
            assert_true(bp.device[j].base > bp.device[i].base + bp.device[i].size ||
                        bp.device[i].base > bp.device[j].base + bp.device[j].size);
    }
    if (strcmp(compat, "arm,cortex-a15-gic") == 0 || strcmp(compat, "arm,gic-v3") == 0) {
        assert_int_equal(fdt_compatible_reg(dtb, compat, 1, &base, &size), 0);
        assert_true(base == 0x8010000 || base == 0x80a0000);
        assert_int_equal(fdt_compatible_reg(dtb, compat, 2, &base, &size), -FDT_ERR_NOTFOUND);
    }
}

/* ---- Cases from the command line. ---- */

static void test_qemu_dtb(void **state)
{
    const struct fdt_case *c = *state;
    struct blob b = load(c->path);
    struct boot_params bp = {0};
    char err[128] = "";
    uint64_t total = 0, lowest = UINT64_MAX, hz;
    paddr_t uart, base, size;

    assert_int_equal(fdt_scan_boot(b.data, b.size, &bp, err, sizeof(err)), 0);
    for (unsigned i = 0; i < bp.nram; i++) {
        total += bp.ram[i].size;
        if (bp.ram[i].base < lowest)
            lowest = bp.ram[i].base;
    }
    assert_int_equal(total, c->ram_size);
    assert_int_equal(lowest, c->ram_base);
    assert_int_equal(bp.ncpus, c->cpus);
    /* The blob itself is reserved. */
    assert_true(has_range(bp.reserved, bp.nreserved, (uintptr_t)b.data, fdt_totalsize(b.data)));

    /* QEMU virt names its console UART in /chosen/stdout-path; the same node, found by its
     * compatible string, must give the same address. */
    assert_int_equal(fdt_stdout_uart(b.data, &uart), 0);
    const char *path = fdt_getprop(b.data, fdt_path_offset(b.data, "/chosen"), "stdout-path", NULL);
    assert_non_null(path);
    int node = fdt_path_offset_namelen(b.data, path, (int)strcspn(path, ":"));
    assert_true(node > 0);
    const char *compat = fdt_getprop(b.data, node, "compatible", NULL);
    assert_non_null(compat);
    assert_int_equal(fdt_find_compatible(b.data, compat, &base, &size), 0);
    assert_int_equal(uart, base);
    assert_true(size > 0);
    assert_int_equal(fdt_find_compatible(b.data, "mica,no-such-device", &base, &size),
                     -FDT_ERR_NOTFOUND);

    /* Its second reg entry, where it has one (QEMU's UARTs have one), is not found; the first is
     * the same as fdt_find_compatible's. */
    assert_int_equal(fdt_compatible_reg(b.data, compat, 0, &base, &size), 0);
    assert_int_equal(base, uart);
    assert_int_equal(fdt_compatible_reg(b.data, compat, 1, &base, &size), -FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_compatible_string(b.data, compat, "compatible", &path), 0);
    assert_string_equal(path, compat);
    assert_int_equal(fdt_compatible_string(b.data, compat, "mica,no-such-property", &path),
                     -FDT_ERR_NOTFOUND);
    check_intc_devices(b.data, node, uart);

    /* Only RISC-V has a timebase; where there is one it is a real frequency. */
    int ret = fdt_timebase_frequency(b.data, &hz);
    assert_true(ret == 0 || ret == -FDT_ERR_NOTFOUND);
    if (ret == 0)
        assert_true(hz > 0);
    free(b.data);
}

static void test_invalid_file(void **state)
{
    const struct fdt_case *c = *state;
    struct blob b = load(c->path);

    expect_rejected(b, 0);
    free(b.data);
}

/* ---- Broken blobs derived from the model. ---- */

static void test_truncated(void **state)
{
    (void)state;
    need_model();
    struct blob full = load(model->path);
    /* The header still claims the full totalsize, the buffer holds half of it. (QEMU may pad
     * the dump file beyond totalsize, so halve totalsize, not the file.) */
    size_t size = fdt_totalsize(full.data) / 2;
    struct blob half = {malloc(size), size};
    memcpy(half.data, full.data, half.size);
    expect_rejected(half, -FDT_ERR_TRUNCATED);
    free(half.data);
    free(full.data);
}

static void test_bad_magic(void **state)
{
    (void)state;
    need_model();
    struct blob b = load(model->path);
    memset(b.data, 0xff, 4);
    expect_rejected(b, -FDT_ERR_BADMAGIC);
    free(b.data);
}

static void test_short_memory_reg(void **state)
{
    (void)state;
    need_model();
    void *buf = editable(256);
    /* Root cells are 2 + 2 on both QEMU machines: 12 bytes is not a whole (base, size) pair. */
    uint32_t reg[3] = {cpu_to_fdt32(0), cpu_to_fdt32(0x80000000), cpu_to_fdt32(0)};
    assert_int_equal(fdt_setprop(buf, first_memory_node(buf), "reg", reg, sizeof(reg)), 0);
    struct blob b = packed(buf);
    expect_rejected(b, -FDT_ERR_BADVALUE);
    free(b.data);
}

static void test_no_memory_node(void **state)
{
    (void)state;
    need_model();
    void *buf = editable(0);
    int node;
    while ((node = fdt_node_offset_by_prop_value(buf, -1, "device_type", "memory", 7)) >= 0)
        assert_int_equal(fdt_del_node(buf, node), 0);
    struct blob b = packed(buf);
    expect_rejected(b, -FDT_ERR_NOTFOUND);
    free(b.data);
}

static void test_too_many_ranges(void **state)
{
    (void)state;
    need_model();
    void *buf = editable(1024);
    int mem = first_memory_node(buf);
    assert_int_equal(fdt_delprop(buf, mem, "reg"), 0);
    for (int i = 0; i <= ARCH_MAX_RAM_RANGES; i++) {
        assert_int_equal(fdt_appendprop_u64(buf, mem, "reg", 0x80000000ull + i * 0x200000ull), 0);
        assert_int_equal(fdt_appendprop_u64(buf, mem, "reg", 0x100000), 0);
    }
    struct blob b = packed(buf);
    expect_rejected(b, -FDT_ERR_NOSPACE);
    free(b.data);
}

static void test_wrapping_range(void **state)
{
    (void)state;
    need_model();
    void *buf = editable(256);
    uint64_t reg[2] = {cpu_to_fdt64(0xfffffffffff00000ull), cpu_to_fdt64(0x200000)};
    assert_int_equal(fdt_setprop(buf, first_memory_node(buf), "reg", reg, sizeof(reg)), 0);
    struct blob b = packed(buf);
    expect_rejected(b, -FDT_ERR_BADVALUE);
    free(b.data);
}

/* OpenSBI's firmware region: a /reserved-memory child without no-map, plus a /memreserve/. */
static void test_reservations(void **state)
{
    (void)state;
    need_model();
    void *buf = editable(1024);
    assert_int_equal(fdt_add_mem_rsv(buf, 0x1234000, 0x3000), 0);
    int resv = fdt_add_subnode(buf, 0, "reserved-memory");
    assert_true(resv > 0);
    assert_int_equal(fdt_setprop_u32(buf, resv, "#address-cells", 2), 0);
    assert_int_equal(fdt_setprop_u32(buf, resv, "#size-cells", 2), 0);
    assert_int_equal(fdt_setprop(buf, resv, "ranges", NULL, 0), 0);
    int fw = fdt_add_subnode(buf, resv, "mmode_resv0@80000000");
    assert_true(fw > 0);
    assert_int_equal(fdt_appendprop_u64(buf, fw, "reg", 0x80000000), 0);
    assert_int_equal(fdt_appendprop_u64(buf, fw, "reg", 0x80000), 0);
    /* A dynamic region (size only) has no place yet and is ignored; a disabled one too. */
    int dyn = fdt_add_subnode(buf, resv, "pool");
    assert_true(dyn > 0);
    assert_int_equal(fdt_setprop_u64(buf, dyn, "size", 0x100000), 0);
    int off = fdt_add_subnode(buf, resv, "off@90000000");
    assert_true(off > 0);
    assert_int_equal(fdt_appendprop_u64(buf, off, "reg", 0x90000000), 0);
    assert_int_equal(fdt_appendprop_u64(buf, off, "reg", 0x1000), 0);
    assert_int_equal(fdt_setprop_string(buf, off, "status", "disabled"), 0);
    struct blob b = packed(buf);

    struct boot_params bp = {.reserved = {{0x80200000, 0x100000}}, .nreserved = 1};
    char err[128] = "";
    assert_int_equal(fdt_scan_boot(b.data, b.size, &bp, err, sizeof(err)), 0);
    assert_int_equal(bp.nreserved, 4); /* kernel (kept), memreserve, mmode_resv0, the DTB */
    assert_true(has_range(bp.reserved, bp.nreserved, 0x80200000, 0x100000));
    assert_true(has_range(bp.reserved, bp.nreserved, 0x1234000, 0x3000));
    assert_true(has_range(bp.reserved, bp.nreserved, 0x80000000, 0x80000));
    assert_true(has_range(bp.reserved, bp.nreserved, (uintptr_t)b.data, b.size));
    free(b.data);
}

/* stdout-path may name an alias and carry ":options" (Devicetree spec 3.6). */
static void test_stdout_alias(void **state)
{
    (void)state;
    need_model();
    struct blob orig = load(model->path);
    paddr_t want, got;
    assert_int_equal(fdt_stdout_uart(orig.data, &want), 0);
    const char *path =
        fdt_getprop(orig.data, fdt_path_offset(orig.data, "/chosen"), "stdout-path", NULL);
    assert_non_null(path);
    char target[128];
    snprintf(target, sizeof(target), "%.*s", (int)strcspn(path, ":"), path);

    void *buf = editable(512);
    int aliases = fdt_path_offset(buf, "/aliases");
    if (aliases < 0)
        aliases = fdt_add_subnode(buf, 0, "aliases");
    assert_true(aliases > 0);
    assert_int_equal(fdt_setprop_string(buf, aliases, "mica-console", target), 0);
    assert_int_equal(fdt_setprop_string(buf, fdt_path_offset(buf, "/chosen"), "stdout-path",
                                        "mica-console:9600"),
                     0);
    struct blob b = packed(buf);
    assert_int_equal(fdt_stdout_uart(b.data, &got), 0);
    assert_int_equal(got, want);
    free(b.data);
    free(orig.data);
}

/* A device behind a bus whose ranges maps its children's addresses: (child base, parent base,
 * size) windows, found through fdt_find_compatible as the drivers do. The root's cells are the
 * model's (2 and 2 on QEMU's virt boards). */
static int bus_device(uint32_t child, uint64_t parent, uint32_t size, uint32_t reg, bool ranges,
                      paddr_t *base, paddr_t *len)
{
    void *buf = editable(1024);
    int root_ac = fdt_address_cells(buf, 0);
    fdt32_t r[4];
    int n = 0;

    assert_true(root_ac == 1 || root_ac == 2);
    r[n++] = cpu_to_fdt32(child);
    if (root_ac == 2)
        r[n++] = cpu_to_fdt32((uint32_t)(parent >> 32));
    r[n++] = cpu_to_fdt32((uint32_t)parent);
    r[n++] = cpu_to_fdt32(size);
    int bus = fdt_add_subnode(buf, 0, "mica-bus");
    assert_true(bus > 0);
    assert_int_equal(fdt_setprop_u32(buf, bus, "#address-cells", 1), 0);
    assert_int_equal(fdt_setprop_u32(buf, bus, "#size-cells", 1), 0);
    if (ranges)
        assert_int_equal(fdt_setprop(buf, bus, "ranges", r, n * (int)sizeof(fdt32_t)), 0);
    int dev = fdt_add_subnode(buf, bus, "dev@100");
    assert_true(dev > 0);
    assert_int_equal(fdt_setprop_string(buf, dev, "compatible", "mica,test-dev"), 0);
    fdt32_t d[2] = {cpu_to_fdt32(reg), cpu_to_fdt32(0x20)};
    assert_int_equal(fdt_setprop(buf, dev, "reg", d, sizeof(d)), 0);
    struct blob b = packed(buf);
    int ret = fdt_find_compatible(b.data, "mica,test-dev", base, len);
    free(b.data);
    return ret;
}

static void test_bus_ranges(void **state)
{
    paddr_t base = 0, len = 0;

    (void)state;
    need_model();
    /* Inside the window: moved by parent - child. */
    assert_int_equal(bus_device(0, 0x10000000, 0x1000, 0x100, true, &base, &len), 0);
    assert_int_equal(base, 0x10000100);
    assert_int_equal(len, 0x20);
    assert_int_equal(bus_device(0x100, 0x20000000, 0x100, 0x1f0, true, &base, &len), 0);
    assert_int_equal(base, 0x200000f0);
    /* Outside every window, or a bus without ranges (not memory-mapped): not found. */
    assert_int_equal(bus_device(0, 0x10000000, 0x100, 0x100, true, &base, &len), -FDT_ERR_NOTFOUND);
    assert_int_equal(bus_device(0, 0x10000000, 0x1000, 0x100, false, &base, &len),
                     -FDT_ERR_NOTFOUND);
    /* A window whose translation runs past the top of the address space is malformed. */
    struct blob m = load(model->path);
    int root_ac = fdt_address_cells(m.data, 0);
    free(m.data);
    if (root_ac == 2)
        assert_int_equal(bus_device(0, 0xfffffffffffff000ull, 0x2000, 0x1800, true, &base, &len),
                         -FDT_ERR_BADVALUE);
}

/*
 * Random damage after the header (whose totalsize bounds every read): whatever the helpers
 * return, they must not read outside the blob (ASan) or report success with nothing found.
 */
static void test_random_damage(void **state)
{
    (void)state;
    need_model();
    struct blob orig = load(model->path);
    unsigned accepted = 0;
    srand(1);
    for (int round = 0; round < 3000; round++) {
        struct blob b = {malloc(orig.size), orig.size};
        memcpy(b.data, orig.data, orig.size);
        size_t span = fdt_totalsize(orig.data) - sizeof(struct fdt_header);
        for (int i = 0; i < 1 + rand() % 8; i++)
            ((uint8_t *)b.data)[sizeof(struct fdt_header) + (size_t)rand() % span] =
                (uint8_t)rand();
        struct boot_params bp = {0};
        char err[128];
        paddr_t base, size;
        uint64_t hz;
        int ret = fdt_scan_boot(b.data, b.size, &bp, err, sizeof(err));
        assert_true(ret <= 0);
        if (ret == 0) {
            accepted++;
            assert_true(bp.nram > 0 && bp.ncpus > 0);
        }
        assert_true(fdt_stdout_uart(b.data, &base) <= 0);
        assert_true(fdt_find_compatible(b.data, "ns16550a", &base, &size) <= 0);
        assert_true(fdt_timebase_frequency(b.data, &hz) <= 0);
        free(b.data);
    }
    print_message("# %u of 3000 damaged blobs still scanned\n", accepted);
    free(orig.data);
}

/* ---- Main. ---- */

static void usage(void)
{
    fprintf(stderr, "usage: test_fdt PATH=RAM_BASE,RAM_SIZE,CPUS | PATH=invalid ...\n");
    exit(2);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
{
    static const struct CMUnitTest derived[] = {
        cmocka_unit_test(test_truncated),        cmocka_unit_test(test_bad_magic),
        cmocka_unit_test(test_short_memory_reg), cmocka_unit_test(test_no_memory_node),
        cmocka_unit_test(test_too_many_ranges),  cmocka_unit_test(test_wrapping_range),
        cmocka_unit_test(test_reservations),     cmocka_unit_test(test_stdout_alias),
        cmocka_unit_test(test_random_damage),    cmocka_unit_test(test_bus_ranges),
    };
    size_t nderived = sizeof(derived) / sizeof(derived[0]);
    struct fdt_case *cases = calloc((size_t)argc, sizeof(*cases));
    struct CMUnitTest *tests = calloc((size_t)argc + nderived, sizeof(*tests));
    size_t n = 0;

    if (!cases || !tests)
        return 2;
    for (int i = 1; i < argc; i++) {
        struct fdt_case *c = &cases[i];
        char *eq = strrchr(argv[i], '=');
        if (!eq)
            usage();
        *eq = '\0';
        c->path = argv[i];
        if (strcmp(eq + 1, "invalid") != 0) {
            char *end;
            c->valid = true;
            c->ram_base = strtoull(eq + 1, &end, 0);
            if (*end != ',')
                usage();
            c->ram_size = strtoull(end + 1, &end, 0);
            if (*end != ',')
                usage();
            c->cpus = (unsigned)strtoul(end + 1, &end, 10);
            if (*end != '\0')
                usage();
            if (!model)
                model = c;
        }
        tests[n].name = base_name(c->path);
        tests[n].test_func = c->valid ? test_qemu_dtb : test_invalid_file;
        tests[n].initial_state = c;
        n++;
    }
    memcpy(&tests[n], derived, sizeof(derived));
    n += nderived;
    return _cmocka_run_group_tests("test_fdt", tests, n, NULL, NULL);
}
