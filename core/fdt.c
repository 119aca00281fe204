/* SPDX-License-Identifier: MIT */
/*
 * The boot devicetree through libfdt (Devicetree Specification v0.4): RAM from /memory, what must
 * not be touched from /memreserve/ and /reserved-memory, the CPU count from /cpus, and device
 * addresses translated through the parents' ranges. Every value is bounds-checked: a malformed
 * blob yields an error code, never a wild read.
 */
#include <stdint.h>

#include <libfdt.h>

#include "fdt.h"
#include "klog.h"

/* Addresses and sizes wider than two cells (e.g. PCI's three) do not describe CPU memory. */
#define MAX_CELLS 2

struct scan {
    const void *dtb;
    struct boot_params bp; /* filled here, copied to the caller's only on success */
    char *err;
    size_t errlen;
};

/*
 * The node at an absolute path ("/cpus", "/soc/uart@10000000"), one component at a time. libfdt's
 * fdt_path_offset resolves aliases by calling itself, and the kernel has no recursion
 * (tools/stackcheck.py checks): node_at does the same without.
 */
static int node_abs(const void *dtb, const char *path, int len)
{
    int node = 0;

    for (int i = 0; i < len;) {
        while (i < len && path[i] == '/')
            i++;
        int start = i;
        while (i < len && path[i] != '/')
            i++;
        if (i > start &&
            (node = fdt_subnode_offset_namelen(dtb, node, path + start, i - start)) < 0)
            return node;
    }
    return node;
}

/* An absolute path, or an alias (a path not starting with '/'), whose value is an absolute path
 * (spec 3.6). */
static int node_at(const void *dtb, const char *path, int len)
{
    if (len > 0 && path[0] != '/') {
        int aliases = node_abs(dtb, "/aliases", 8), plen;
        if (aliases < 0)
            return aliases;
        const char *target = fdt_getprop_namelen(dtb, aliases, path, len, &plen);
        if (!target || plen <= 1 || target[0] != '/' || !memchr(target, '\0', (size_t)plen))
            return -FDT_ERR_BADPATH;
        path = target;
        len = (int)strlen(target);
    }
    return node_abs(dtb, path, len);
}

/* A blob we may read: a valid header whose totalsize fits in max_size bytes. */
static int validate(const void *dtb, size_t max_size)
{
    if (!dtb)
        return -FDT_ERR_NOTFOUND;
    /* fdt_check_header reads up to the v17 header size before it knows totalsize. */
    if (max_size < sizeof(struct fdt_header))
        return -FDT_ERR_TRUNCATED;
    int ret = fdt_check_header(dtb);
    if (ret)
        return ret;
    if (fdt_totalsize(dtb) > max_size)
        return -FDT_ERR_TRUNCATED;
    /* The blob and its reservation block are 8-byte aligned, the structure block 4-byte aligned
     * (spec 5.1, 5.3, 5.4); libfdt loads their words directly, which faults on CPUs that do not
     * allow misaligned loads (AArch64 with the MMU off). fdt_check_header does not check this. */
    if ((uintptr_t)dtb % 8 || fdt_off_mem_rsvmap(dtb) % 8 || fdt_off_dt_struct(dtb) % 4)
        return -FDT_ERR_ALIGNMENT;
    return 0;
}

/* A string property equals s exactly (including its terminating NUL). */
static bool prop_is(const void *val, int len, const char *s)
{
    return val && len >= 0 && (size_t)len == strlen(s) + 1 && memcmp(val, s, (size_t)len) == 0;
}

/* Nodes without a status, or with "okay" (or the older "ok"), are in use. */
static bool node_enabled(const void *dtb, int node)
{
    int len;
    const void *status = fdt_getprop(dtb, node, "status", &len);

    return !status || prop_is(status, len, "okay") || prop_is(status, len, "ok");
}

static bool node_type_is(const void *dtb, int node, const char *type)
{
    int len;
    const void *val = fdt_getprop(dtb, node, "device_type", &len);

    return prop_is(val, len, type);
}

static uint64_t read_cells(const fdt32_t *p, int n)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++)
        v = (v << 32) | fdt32_ld(&p[i]);
    return v;
}

/* Cell counts that describe a bus whose children's reg we read: #address-cells and #size-cells. */
static int bus_cells(const void *dtb, int bus, int *ac, int *sc)
{
    *ac = fdt_address_cells(dtb, bus);
    if (*ac < 0)
        return *ac;
    *sc = fdt_size_cells(dtb, bus);
    if (*sc < 0)
        return *sc;
    if (*ac < 1 || *ac > MAX_CELLS || *sc > MAX_CELLS)
        return -FDT_ERR_BADNCELLS;
    return 0;
}

/* node's reg property as *n entries of ac + sc cells each. A reg whose length is not a whole
 * number of entries is malformed. */
static int get_reg(const void *dtb, int node, int ac, int sc, const fdt32_t **reg, int *n)
{
    int len;
    const fdt32_t *p = fdt_getprop(dtb, node, "reg", &len);

    if (!p)
        return len;
    int stride = (ac + sc) * (int)sizeof(fdt32_t);
    if (len == 0 || len % stride != 0)
        return -FDT_ERR_BADVALUE;
    *reg = p;
    *n = len / stride;
    return 0;
}

/* Append [base, base + size) to ranges; empty ranges are dropped, wrapping ones rejected. */
static int add_range(struct mem_range *ranges, unsigned *n, uint64_t base, uint64_t size)
{
    if (size == 0)
        return 0;
    uint64_t last = base + size - 1;
    if (last < base || (paddr_t)last != last)
        return -FDT_ERR_BADVALUE;
    if (*n >= ARCH_MAX_RAM_RANGES)
        return -FDT_ERR_NOSPACE;
    ranges[*n].base = (paddr_t)base;
    ranges[*n].size = (paddr_t)size;
    (*n)++;
    return 0;
}

static int scan_fail(struct scan *s, int code, int node, const char *what)
{
    const char *name = node > 0 ? fdt_get_name(s->dtb, node, NULL) : NULL;

    if (s->err && s->errlen)
        ksnprintf(s->err, s->errlen, "%s%s%s: %s", name ? name : "", name ? ": " : "", what,
                  fdt_strerror(code));
    return code;
}

/* Every reg entry of node (a child of a bus with ac/sc cells) into ranges. */
static int scan_reg(struct scan *s, int node, int ac, int sc, struct mem_range *ranges, unsigned *n)
{
    const fdt32_t *reg;
    int count;
    int ret = get_reg(s->dtb, node, ac, sc, &reg, &count);

    if (ret)
        return scan_fail(s, ret, node, "bad or missing reg");
    for (int i = 0; i < count; i++, reg += ac + sc) {
        ret = add_range(ranges, n, read_cells(reg, ac), read_cells(reg + ac, sc));
        if (ret)
            return scan_fail(s, ret, node, "unusable reg entry");
    }
    return 0;
}

/* RAM: the root's children with device_type "memory" (spec 3.4), in the root's cell sizes. */
static int scan_memory(struct scan *s)
{
    int ac, sc, node, ret = bus_cells(s->dtb, 0, &ac, &sc);

    if (ret)
        return scan_fail(s, ret, 0, "root #address-cells/#size-cells");
    if (sc == 0)
        return scan_fail(s, -FDT_ERR_BADNCELLS, 0, "root #size-cells is 0");
    s->bp.nram = 0;
    fdt_for_each_subnode(node, s->dtb, 0)
    {
        if (!node_type_is(s->dtb, node, "memory") || !node_enabled(s->dtb, node))
            continue;
        ret = scan_reg(s, node, ac, sc, s->bp.ram, &s->bp.nram);
        if (ret)
            return ret;
    }
    if (node != -FDT_ERR_NOTFOUND)
        return scan_fail(s, node, 0, "walking the root node");
    if (s->bp.nram == 0)
        return scan_fail(s, -FDT_ERR_NOTFOUND, 0, "no memory node");
    return 0;
}

/* The memory reservation block (/memreserve/ in dts). */
static int scan_memreserve(struct scan *s)
{
    int n = fdt_num_mem_rsv(s->dtb);

    if (n < 0)
        return scan_fail(s, n, 0, "memory reservation block");
    for (int i = 0; i < n; i++) {
        uint64_t base, size;
        int ret = fdt_get_mem_rsv(s->dtb, i, &base, &size);
        if (!ret)
            ret = add_range(s->bp.reserved, &s->bp.nreserved, base, size);
        if (ret)
            return scan_fail(s, ret, 0, "memory reservation entry");
    }
    return 0;
}

/*
 * /reserved-memory children with a reg are off limits whether or not they say no-map: no-map only
 * tells an OS not to map the range, and OpenSBI's PMP-protected mmode_resv0 has no no-map. Children
 * with only a size ask the OS to allocate a region; the kernel offers none, so they are ignored.
 */
static int scan_reserved_memory(struct scan *s)
{
    int resv = node_at(s->dtb, "/reserved-memory", 16);
    int ac, sc, node, ret;

    if (resv == -FDT_ERR_NOTFOUND)
        return 0;
    if (resv < 0)
        return scan_fail(s, resv, 0, "/reserved-memory");
    ret = bus_cells(s->dtb, resv, &ac, &sc);
    if (ret)
        return scan_fail(s, ret, resv, "#address-cells/#size-cells");
    fdt_for_each_subnode(node, s->dtb, resv)
    {
        if (!node_enabled(s->dtb, node) || !fdt_getprop(s->dtb, node, "reg", NULL))
            continue;
        ret = scan_reg(s, node, ac, sc, s->bp.reserved, &s->bp.nreserved);
        if (ret)
            return ret;
    }
    if (node != -FDT_ERR_NOTFOUND)
        return scan_fail(s, node, resv, "walking /reserved-memory");
    return 0;
}

/* CPUs: /cpus children with device_type "cpu" (which skips cpu-map), unless disabled. */
static int scan_cpus(struct scan *s)
{
    int cpus = node_at(s->dtb, "/cpus", 5);
    int node;
    unsigned n = 0;

    if (cpus < 0)
        return scan_fail(s, cpus, 0, "/cpus");
    fdt_for_each_subnode(node, s->dtb, cpus)
    {
        if (node_type_is(s->dtb, node, "cpu") && node_enabled(s->dtb, node))
            n++;
    }
    if (node != -FDT_ERR_NOTFOUND)
        return scan_fail(s, node, cpus, "walking /cpus");
    if (n == 0)
        return scan_fail(s, -FDT_ERR_NOTFOUND, cpus, "no enabled cpu node");
    s->bp.ncpus = n;
    return 0;
}

int fdt_scan_boot(const void *dtb, size_t max_size, struct boot_params *bp, char *err,
                  size_t errlen)
{
    struct scan s = {.dtb = dtb, .bp = *bp, .err = err, .errlen = errlen};
    int ret = validate(dtb, max_size);

    if (ret)
        return scan_fail(&s, ret, 0, "bad header");
    ret = scan_memory(&s);
    if (!ret)
        ret = scan_memreserve(&s);
    if (!ret)
        ret = scan_reserved_memory(&s);
    if (!ret)
        ret = scan_cpus(&s);
    if (!ret) {
        ret = add_range(s.bp.reserved, &s.bp.nreserved, hal_virt_to_phys(dtb), fdt_totalsize(dtb));
        if (ret)
            scan_fail(&s, ret, 0, "reserving the devicetree");
    }
    if (!ret)
        *bp = s.bp;
    return ret;
}

size_t fdt_blob_size(const void *dtb)
{
    return fdt_totalsize(dtb);
}

/*
 * Translate a bus address of node's children to a CPU physical address: at each ancestor bus,
 * an empty ranges is the identity, an entry (child base, parent base, size) maps its window, and a
 * missing ranges means the bus is not memory-mapped (spec 2.3.8).
 */
static int translate(const void *dtb, int node, uint64_t *addr)
{
    for (int bus = fdt_parent_offset(dtb, node); bus > 0; bus = fdt_parent_offset(dtb, bus)) {
        int cac, csc, pac, psc, len, ret;
        const fdt32_t *r = fdt_getprop(dtb, bus, "ranges", &len);

        if (!r)
            return len;
        if (len == 0)
            continue;
        ret = bus_cells(dtb, bus, &cac, &csc);
        if (!ret)
            ret = bus_cells(dtb, fdt_parent_offset(dtb, bus), &pac, &psc);
        if (ret)
            return ret;
        int stride = cac + pac + csc;
        if (len % (stride * (int)sizeof(fdt32_t)) != 0)
            return -FDT_ERR_BADVALUE;
        bool found = false;
        for (int i = 0; i < len / (stride * (int)sizeof(fdt32_t)); i++, r += stride) {
            uint64_t child = read_cells(r, cac);
            uint64_t parent = read_cells(r + cac, pac);
            uint64_t size = read_cells(r + cac + pac, csc);
            if (*addr >= child && *addr - child < size) {
                if (parent + (*addr - child) < parent)
                    return -FDT_ERR_BADVALUE; /* the window runs past the top */
                *addr = *addr - child + parent;
                found = true;
                break;
            }
        }
        if (!found)
            return -FDT_ERR_NOTFOUND;
    }
    return 0;
}

/* The CPU physical address and size of node's reg entry number index. */
static int node_reg(const void *dtb, int node, unsigned index, paddr_t *base, paddr_t *size)
{
    int ac, sc, n;
    const fdt32_t *reg;
    int ret = bus_cells(dtb, fdt_parent_offset(dtb, node), &ac, &sc);

    if (!ret)
        ret = get_reg(dtb, node, ac, sc, &reg, &n);
    if (ret)
        return ret;
    if (index >= (unsigned)n)
        return -FDT_ERR_NOTFOUND;
    reg += index * (unsigned)(ac + sc);
    uint64_t addr = read_cells(reg, ac);
    uint64_t len = read_cells(reg + ac, sc);
    ret = translate(dtb, node, &addr);
    if (ret)
        return ret;
    if ((paddr_t)addr != addr || (paddr_t)len != len)
        return -FDT_ERR_BADVALUE;
    *base = (paddr_t)addr;
    if (size)
        *size = (paddr_t)len;
    return 0;
}

static int node_reg0(const void *dtb, int node, paddr_t *base, paddr_t *size)
{
    return node_reg(dtb, node, 0, base, size);
}

/* The first enabled node compatible with compat, after validating the blob. */
static int enabled_compatible(const void *dtb, const char *compat)
{
    int ret = validate(dtb, FDT_MAX_SIZE);
    int node = -1;

    if (ret)
        return ret;
    do {
        node = fdt_node_offset_by_compatible(dtb, node, compat);
        if (node < 0)
            return node;
    } while (!node_enabled(dtb, node));
    return node;
}

int fdt_stdout_uart(const void *dtb, paddr_t *base)
{
    int ret = validate(dtb, FDT_MAX_SIZE);
    int chosen, len;
    const char *path;

    if (ret)
        return ret;
    chosen = node_at(dtb, "/chosen", 7);
    if (chosen < 0)
        return chosen;
    path = fdt_getprop(dtb, chosen, "stdout-path", &len);
    if (!path)
        path = fdt_getprop(dtb, chosen, "linux,stdout-path", &len);
    if (!path)
        return len;
    /* "path[:options]" where path may be an alias (spec 3.6); the string must end in the blob. */
    if (len <= 0 || !memchr(path, '\0', (size_t)len))
        return -FDT_ERR_BADVALUE;
    const char *colon = memchr(path, ':', (size_t)len);
    int namelen = colon ? (int)(colon - path) : (int)strlen(path);
    int node = node_at(dtb, path, namelen);
    if (node < 0)
        return node;
    return node_reg0(dtb, node, base, NULL);
}

int fdt_find_compatible(const void *dtb, const char *compat, paddr_t *base, paddr_t *size)
{
    return fdt_compatible_reg(dtb, compat, 0, base, size);
}

int fdt_compatible_reg(const void *dtb, const char *compat, unsigned index, paddr_t *base,
                       paddr_t *size)
{
    int node = enabled_compatible(dtb, compat);

    if (node < 0)
        return node;
    return node_reg(dtb, node, index, base, size);
}

/* String property prop of node: it must end inside the blob. */
static int node_string(const void *dtb, int node, const char *prop, const char **str)
{
    int len;
    const char *s;

    if (node < 0)
        return node;
    s = fdt_getprop(dtb, node, prop, &len);
    if (!s)
        return len;
    if (len <= 0 || !memchr(s, '\0', (size_t)len))
        return -FDT_ERR_BADVALUE;
    *str = s;
    return 0;
}

int fdt_compatible_string(const void *dtb, const char *compat, const char *prop, const char **str)
{
    return node_string(dtb, enabled_compatible(dtb, compat), prop, str);
}

int fdt_timebase_frequency(const void *dtb, uint64_t *hz)
{
    int ret = validate(dtb, FDT_MAX_SIZE);
    int cpus, len;
    const fdt32_t *p;

    if (ret)
        return ret;
    cpus = node_at(dtb, "/cpus", 5);
    if (cpus < 0)
        return cpus;
    p = fdt_getprop(dtb, cpus, "timebase-frequency", &len);
    if (!p)
        return len;
    if (len != 4 && len != 8)
        return -FDT_ERR_BADVALUE;
    *hz = read_cells(p, len / 4);
    return 0;
}

int fdt_compatible_u32(const void *dtb, const char *compat, const char *prop, unsigned cell,
                       uint32_t *val)
{
    int node = enabled_compatible(dtb, compat), len;
    const fdt32_t *p;

    if (node < 0)
        return node;
    p = fdt_getprop(dtb, node, prop, &len);
    if (!p)
        return len;
    if ((size_t)len < (cell + 1) * sizeof(fdt32_t))
        return -FDT_ERR_BADVALUE;
    *val = fdt32_ld(&p[cell]);
    return 0;
}

/* The reg of CPU node node (a /cpus child), in /cpus' #address-cells. */
static int cpu_reg(const void *dtb, int cpus, int node, uint64_t *hwid)
{
    int ac = fdt_address_cells(dtb, cpus), len;
    const fdt32_t *reg;

    if (ac < 1 || ac > MAX_CELLS)
        return -FDT_ERR_BADNCELLS;
    reg = fdt_getprop(dtb, node, "reg", &len);
    if (!reg)
        return len;
    if (len < ac * (int)sizeof(fdt32_t))
        return -FDT_ERR_BADVALUE;
    *hwid = read_cells(reg, ac);
    return 0;
}

/* The enabled CPU node number index (index >= 0), or the one whose reg is hwid (index < 0). */
static int cpu_node(const void *dtb, int index, uint64_t hwid)
{
    int ret = validate(dtb, FDT_MAX_SIZE);
    int cpus, node, n = 0;

    if (ret)
        return ret;
    cpus = node_at(dtb, "/cpus", 5);
    if (cpus < 0)
        return cpus;
    fdt_for_each_subnode(node, dtb, cpus)
    {
        uint64_t reg;
        if (!node_type_is(dtb, node, "cpu") || !node_enabled(dtb, node))
            continue;
        if (index >= 0 ? n++ == index : cpu_reg(dtb, cpus, node, &reg) == 0 && reg == hwid)
            return node;
    }
    return node == -FDT_ERR_NOTFOUND ? -FDT_ERR_NOTFOUND : node;
}

int fdt_cpu_hwid(const void *dtb, unsigned index, uint64_t *hwid)
{
    int node = cpu_node(dtb, (int)index, 0);

    if (node < 0)
        return node;
    return cpu_reg(dtb, fdt_parent_offset(dtb, node), node, hwid);
}

int fdt_cpu_string(const void *dtb, uint64_t hwid, const char *prop, const char **str)
{
    return node_string(dtb, cpu_node(dtb, -1, hwid), prop, str);
}

int fdt_intc_output(const void *dtb, const char *compat, uint64_t cpu_hwid, uint32_t cpu_irq,
                    unsigned *index)
{
    int cpu = cpu_node(dtb, -1, cpu_hwid);
    int node = -1, len;
    const fdt32_t *p;

    if (cpu < 0)
        return cpu;
    do {
        node = fdt_node_offset_by_compatible(dtb, node, compat);
        if (node < 0)
            return node;
    } while (!node_enabled(dtb, node));
    p = fdt_getprop(dtb, node, "interrupts-extended", &len);
    if (!p)
        return len;
    len /= (int)sizeof(fdt32_t);
    for (int i = 0, k = 0; i < len; k++) {
        int parent = fdt_node_offset_by_phandle(dtb, fdt32_ld(&p[i]));
        if (parent < 0)
            return parent;
        int clen;
        const fdt32_t *cells = fdt_getprop(dtb, parent, "#interrupt-cells", &clen);
        int n = cells && clen == (int)sizeof(fdt32_t) ? (int)fdt32_ld(cells) : -1;
        if (n < 0 || n > len - i - 1)
            return -FDT_ERR_BADVALUE;
        if (n >= 1 && fdt_parent_offset(dtb, parent) == cpu && fdt32_ld(&p[i + 1]) == cpu_irq) {
            *index = (unsigned)k;
            return 0;
        }
        i += 1 + n;
    }
    return -FDT_ERR_NOTFOUND;
}

/*
 * The phandle of node's interrupt parent: its own interrupt-parent property, or else the nearest
 * ancestor's (Devicetree Specification v0.4, 2.4.1: "the value is inherited from the parent
 * node"; QEMU's arm virt sets it once, on the root). 0 if there is none. A loop, bounded by the
 * depth of the tree.
 */
static uint32_t interrupt_parent(const void *dtb, int node)
{
    int len;

    for (; node >= 0; node = fdt_parent_offset(dtb, node)) {
        const fdt32_t *p = fdt_getprop(dtb, node, "interrupt-parent", &len);
        if (p)
            return len == (int)sizeof(fdt32_t) ? fdt32_ld(p) : 0;
    }
    return 0;
}

int fdt_intc_devices(const void *dtb, const char *intc_compat, struct mem_range *out, unsigned max,
                     unsigned *n)
{
    int intc = enabled_compatible(dtb, intc_compat), node;
    uint32_t phandle;

    if (intc < 0)
        return intc;
    phandle = fdt_get_phandle(dtb, intc);
    if (phandle == 0 || phandle == (uint32_t)-1)
        return -FDT_ERR_NOTFOUND;
    *n = 0;
    for (node = fdt_next_node(dtb, -1, NULL); node >= 0; node = fdt_next_node(dtb, node, NULL)) {
        paddr_t base, size;
        if (!fdt_getprop(dtb, node, "interrupts", NULL) || interrupt_parent(dtb, node) != phandle ||
            !node_enabled(dtb, node) || node_reg0(dtb, node, &base, &size))
            continue;
        if (*n == max)
            return -FDT_ERR_NOSPACE;
        out[*n].base = base;
        out[*n].size = size;
        (*n)++;
    }
    return node == -FDT_ERR_NOTFOUND ? 0 : node;
}

/* Add [lo, hi) to ranges, merged into one it overlaps or touches. */
static int add_merged(struct mem_range *ranges, unsigned *n, paddr_t lo, paddr_t hi)
{
    for (unsigned i = 0; i < *n; i++) {
        struct mem_range *r = &ranges[i];
        if (lo <= r->base + r->size && hi >= r->base) {
            paddr_t top = r->base + r->size > hi ? r->base + r->size : hi;
            r->base = r->base < lo ? r->base : lo;
            r->size = top - r->base;
            return 0;
        }
    }
    if (*n == ARCH_MAX_RAM_RANGES)
        return -FDT_ERR_NOSPACE;
    ranges[(*n)++] = (struct mem_range){lo, hi - lo};
    return 0;
}

int fdt_device_untypeds(const void *dtb, const char *intc_compat, paddr_t page,
                        struct boot_params *bp)
{
    struct mem_range dev[64];
    paddr_t console = 0;
    unsigned n = 0;
    int ret = fdt_intc_devices(dtb, intc_compat, dev, sizeof(dev) / sizeof(dev[0]), &n);

    if (ret)
        return ret;
    if (fdt_stdout_uart(dtb, &console))
        console = (paddr_t)-1;
    for (unsigned i = 0; i < n && !ret; i++) {
        paddr_t lo = dev[i].base & ~(page - 1);
        paddr_t hi = (dev[i].base + dev[i].size + page - 1) & ~(page - 1);
        if (console >= lo && console < hi)
            continue;
        ret = add_merged(bp->device, &bp->ndevice, lo, hi);
    }
    return ret;
}
