/* SPDX-License-Identifier: MIT */
/*
 * AArch64 VMSAv8-64 with 4 KiB granules (Arm ARM DDI 0487, chapter D8): the kernel's page tables
 * in TTBR1 and the descriptor hooks that core's generic walker uses for user address spaces in
 * TTBR0.
 *
 * TTBR1 (T1SZ = 25, three levels from level 1) maps physical address pa at pa +
 * AARCH64_KERNEL_VOFFSET: all RAM from the devicetree (the linear map behind hal_phys_to_virt,
 * execute-never), with the kernel image inside it split W^X (text RX, rodata R, data and bss RW),
 * an unmapped guard page below each kernel stack, and the few devices the kernel drives as
 * Device-nGnRE. No kernel entry is accessible from EL0 (AP[1] = 0, UXN). The tables are static and
 * built once at boot. TTBR0 (T0SZ = 16, four levels) holds only user mappings, from the walker,
 * except while a firmware callback runs (hal_firmware_enter): then it holds the firmware's
 * reserved ranges at their own addresses, EL1 only, not global, flushed on the way back.
 */
#include <string.h>

#include <mica/objects.h>

#include "aarch64.h"
#include "compiler.h"
#include "fdt.h"
#include "klog.h"
#include "platform.h"

/* Descriptor bits (D8.3). */
#define DESC_VALID    (1ul << 0)
#define DESC_TABLE    (1ul << 1) /* table at levels 0-2, page at level 3; clear: block */
#define DESC_TYPE     3ul
#define DESC_OA_MASK  0x0000fffffffff000ul
#define DESC_ATTR(n)  ((pte_t)(n) << 2)
#define DESC_AP_EL0   (1ul << 6) /* AP[1]: EL0 may access */
#define DESC_AP_RO    (1ul << 7) /* AP[2]: read-only */
#define DESC_SH_INNER (3ul << 8)
#define DESC_AF       (1ul << 10)
#define DESC_NG       (1ul << 11)
#define DESC_PXN      (1ul << 53)
#define DESC_UXN      (1ul << 54)

/* MAIR_EL1 slots (entry.S programs the same value): 0 Device-nGnRE, 1 Normal write-back
 * read/write-allocate inner and outer (D19.2.95). */
#define MAIR_VALUE  0x44ff04ul
#define ATTR_DEVICE 0
#define ATTR_NORMAL 1

/* Kernel mappings: global, accessed, never executable or accessible at EL0. */
#define KDESC        (DESC_VALID | DESC_AF | DESC_UXN)
#define KDESC_TEXT   (KDESC | DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER | DESC_AP_RO)
#define KDESC_RODATA (KDESC_TEXT | DESC_PXN)
#define KDESC_RW     (KDESC | DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER | DESC_PXN)
#define KDESC_DEVICE (KDESC | DESC_ATTR(ATTR_DEVICE) | DESC_PXN)

/* TCR_EL1 (D19.2.139): T0SZ = 16, T1SZ = 25, 4 KiB granules, walks inner shareable write-back;
 * IPS and AS are filled in from ID_AA64MMFR0_EL1 as entry.S does. */
#define TCR_VALUE  0x00000000b5193510ul
#define TCR_IPS(n) ((word_t)(n) << 32)
#define TCR_AS     (1ul << 36)

#define PT_ENTRIES    512
#define KERNEL_LEVELS 3 /* TTBR1 from level 1 */
#define PT_PAGE       ((paddr_t)1 << HAL_PAGE_BITS)

/* The firmware's ranges while a callback runs: EL1 read/write/execute, not global; Normal memory
 * inside RAM, Device-nGnRE outside it. */
#define FDESC_MEMORY                                                                               \
    (DESC_VALID | DESC_AF | DESC_NG | DESC_UXN | DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER)
#define FDESC_DEVICE (DESC_VALID | DESC_AF | DESC_NG | DESC_UXN | DESC_PXN | DESC_ATTR(ATTR_DEVICE))

/* Tables beyond the roots: the 2 MiB pieces of the image and the stacks, unaligned RAM ends, the
 * devices, and the firmware's identity map (up to three for each of its ranges). */
#define KERNEL_TABLES 24

typedef pte_t page_table_t[PT_ENTRIES];

static page_table_t kernel_root __attribute__((aligned(4096)));
static page_table_t kernel_tables[KERNEL_TABLES] __attribute__((aligned(4096)));
static page_table_t empty_root __attribute__((aligned(4096)));    /* TTBR0 before any VSpace */
static page_table_t firmware_root __attribute__((aligned(4096))); /* TTBR0 for callbacks */
static unsigned kernel_tables_used;
static word_t kernel_tcr;
static bool firmware_ready;
word_t aarch64_asid_max; /* arch.h */
bool aarch64_has_pan;

/* The kernel image's high half (mica.ld). */
extern char __mica_text_start[], __mica_text_end[], __mica_rodata_start[], __mica_rodata_end[],
    __mica_data_start[], __mica_kernel_end[], kernel_stacks[], kernel_stacks_end[];

/* entry.S: make ttbr1 the kernel's tables from the identity map, break-before-make through the
 * empty table zero. */
void aarch64_ttbr1_switch(paddr_t ttbr1, paddr_t zero);

/* A tree of `levels` levels from its root: TTBR1's 3 (from Arm level 1, where 1 GiB blocks
 * exist) or TTBR0's 4 (from Arm level 0, which has no blocks). */
struct tree {
    pte_t *root;
    unsigned levels;
};

static unsigned level_shift(const struct tree *t, unsigned level)
{
    return HAL_PAGE_BITS + (t->levels - 1 - level) * HAL_PT_INDEX_BITS;
}

/* The next-level table behind *slot, taken from kernel_tables if there is none yet. */
BOOT_CODE static pte_t *kernel_table(pte_t *slot)
{
    if (!(*slot & DESC_VALID)) {
        if (kernel_tables_used == KERNEL_TABLES)
            kpanic("mmu: out of boot page tables (KERNEL_TABLES = %d)", KERNEL_TABLES);
        pte_t *t = kernel_tables[kernel_tables_used++];
        *slot = hal_pte_table(hal_virt_to_phys(t));
        return t;
    }
    if ((*slot & DESC_TYPE) != (DESC_VALID | DESC_TABLE))
        kpanic("mmu: kernel mappings overlap");
    return hal_phys_to_virt(hal_pte_addr(*slot));
}

/* Map [pa, pa + size) at va in t with the largest blocks alignment allows. */
BOOT_CODE static void map_range(const struct tree *t, word_t va, paddr_t pa, paddr_t size,
                                pte_t flags)
{
    unsigned first = t->levels == 4 ? 1 : 0; /* Arm level 0 has no blocks */

    while (size) {
        unsigned level = first;
        while (level < t->levels - 1) {
            word_t block = (word_t)1 << level_shift(t, level);
            if (((va | pa) & (block - 1)) == 0 && size >= block)
                break;
            level++;
        }
        pte_t *table = t->root;
        for (unsigned l = 0; l < level; l++)
            table = kernel_table(&table[(va >> level_shift(t, l)) % PT_ENTRIES]);
        pte_t *slot = &table[(va >> level_shift(t, level)) % PT_ENTRIES];
        pte_t desc = (pa & DESC_OA_MASK) | flags | (level == t->levels - 1 ? DESC_TABLE : 0);
        if ((*slot & DESC_VALID) && *slot != desc)
            kpanic("mmu: kernel mappings overlap at %lx", (unsigned long)va);
        *slot = desc;
        word_t block = (word_t)1 << level_shift(t, level);
        va += block;
        pa += block;
        size -= block;
    }
}

/* Map [pa, pa + size) at its kernel address. */
BOOT_CODE static void kernel_map(paddr_t pa, paddr_t size, pte_t flags)
{
    static const struct tree kernel = {kernel_root, KERNEL_LEVELS};

    /* TTBR1 covers the top 2^39 bytes: pa + AARCH64_KERNEL_VOFFSET must not wrap. */
    if (pa + size - 1 > (paddr_t)(0 - AARCH64_KERNEL_VOFFSET - 1))
        kpanic("mmu: physical %lx beyond the kernel's linear map", (unsigned long)(pa + size - 1));
    map_range(&kernel, (word_t)hal_phys_to_virt(pa), pa, size, flags);
}

BOOT_CODE static paddr_t pa_of(const char *sym)
{
    return hal_virt_to_phys(sym);
}

/* RAM range r minus the kernel image, read-write and execute-never. */
BOOT_CODE static void map_ram(const struct mem_range *r)
{
    paddr_t lo = r->base, hi = r->base + r->size;
    paddr_t klo = pa_of(__mica_text_start), khi = pa_of(__mica_kernel_end);

    lo &= ~(PT_PAGE - 1);
    hi = (hi + PT_PAGE - 1) & ~(PT_PAGE - 1);
    if (hi <= klo || lo >= khi) {
        kernel_map(lo, hi - lo, KDESC_RW);
        return;
    }
    if (lo < klo)
        kernel_map(lo, klo - lo, KDESC_RW);
    if (hi > khi)
        kernel_map(khi, hi - khi, KDESC_RW);
}

/* The kernel stacks, each above a page left unmapped: an overflow faults (ctx.c says so). */
BOOT_CODE static void map_stacks(void)
{
    for (const char *s = kernel_stacks; s < kernel_stacks_end; s += AARCH64_KSTACK_SLOT)
        kernel_map(pa_of(s) + PT_PAGE, AARCH64_KSTACK_BYTES, KDESC_RW);
}

bool aarch64_in_stack_guard(word_t va)
{
    word_t base = (word_t)kernel_stacks;

    return va >= base && va < (word_t)kernel_stacks_end &&
           (va - base) % AARCH64_KSTACK_SLOT < PT_PAGE;
}

/* [base, base + size) rounded out to whole pages, in *lo and *hi. */
BOOT_CODE static void page_bounds(paddr_t base, paddr_t size, paddr_t *lo, paddr_t *hi)
{
    *lo = base & ~(PT_PAGE - 1);
    *hi = (base + size + PT_PAGE - 1) & ~(PT_PAGE - 1);
}

/* Is [lo, hi) inside a RAM range (rounded to pages)? Partly is a kernel panic: no one mapping
 * fits both halves. */
BOOT_CODE static bool in_ram(const struct boot_params *bp, paddr_t lo, paddr_t hi)
{
    for (unsigned i = 0; i < bp->nram; i++) {
        paddr_t rlo, rhi;
        page_bounds(bp->ram[i].base, bp->ram[i].size, &rlo, &rhi);
        if (lo >= rlo && hi <= rhi)
            return true;
        if (lo < rhi && hi > rlo)
            kpanic("mmu: %lx..%lx is partly RAM, partly not", (unsigned long)lo, (unsigned long)hi);
    }
    return false;
}

/* What the kernel reads after these tables are on but which need not be RAM: the devicetree and
 * the root image (firmware memory, flash). Outside RAM it gets its pages read-only. */
BOOT_CODE static void map_readable(const struct boot_params *bp, const void *kva, paddr_t size)
{
    paddr_t lo, hi;

    if (!kva || !size)
        return;
    page_bounds(hal_virt_to_phys(kva), size, &lo, &hi);
    if (!in_ram(bp, lo, hi))
        kernel_map(lo, hi - lo, KDESC_RODATA);
}

/* Does [lo, hi) hold a callback's code? Then it is memory, even when RAM is not known yet (a
 * description reported bad before its RAM was read). */
BOOT_CODE static bool holds_callback(paddr_t lo, paddr_t hi)
{
    paddr_t fn[2] = {(paddr_t)(uintptr_t)platform_cb.console, (paddr_t)(uintptr_t)platform_cb.halt};

    for (unsigned i = 0; i < 2; i++)
        if (fn[i] && fn[i] >= lo && fn[i] < hi)
            return true;
    return false;
}

/* The firmware's TTBR0 root: each of its ranges at its own address, memory or device. */
BOOT_CODE static void firmware_tables(const struct boot_params *bp)
{
    static const struct tree firmware = {firmware_root, HAL_PT_LEVELS};

    for (unsigned i = 0; i < bp->nfirmware; i++) {
        paddr_t lo, hi;
        page_bounds(bp->firmware[i].base, bp->firmware[i].size, &lo, &hi);
        if (hi > HAL_USER_TOP)
            kpanic("mmu: firmware range %lx..%lx beyond TTBR0's 48 bits", (unsigned long)lo,
                   (unsigned long)hi);
        bool memory = in_ram(bp, lo, hi) || holds_callback(lo, hi);
        map_range(&firmware, lo, lo, hi - lo, memory ? FDESC_MEMORY : FDESC_DEVICE);
    }
    firmware_ready = true;
}

BOOT_CODE void aarch64_mmu_init(const struct boot_params *bp, const struct mem_range *dev,
                                unsigned ndev)
{
    word_t mmfr0 = sysreg_read(id_aa64mmfr0_el1);
    word_t parange = mmfr0 & 0xf;

    /* The image's sections are page aligned (mica.ld), so each gets its own pages. */
    kernel_map(pa_of(__mica_text_start), (paddr_t)(__mica_text_end - __mica_text_start),
               KDESC_TEXT);
    kernel_map(pa_of(__mica_rodata_start), (paddr_t)(__mica_rodata_end - __mica_rodata_start),
               KDESC_RODATA);
    kernel_map(pa_of(__mica_data_start), (paddr_t)(kernel_stacks - __mica_data_start), KDESC_RW);
    map_stacks();
    for (unsigned i = 0; i < bp->nram; i++)
        map_ram(&bp->ram[i]);
    map_readable(bp, bp->dtb, bp->dtb ? fdt_blob_size(bp->dtb) : 0);
    map_readable(bp, bp->root_elf, bp->root_elf_size);
    for (unsigned i = 0; i < ndev; i++) {
        paddr_t lo, hi;
        page_bounds(dev[i].base, dev[i].size, &lo, &hi);
        kernel_map(lo, hi - lo, KDESC_DEVICE);
    }
    firmware_tables(bp);
    /* ID_AA64MMFR0_EL1 (D19.2.64): PARange (at most 48 bits with 4 KiB granules without LPA2),
     * ASIDBits 2 = 16 bits. */
    kernel_tcr = TCR_VALUE | TCR_IPS(parange < 5 ? parange : 5);
    if (((mmfr0 >> 4) & 0xf) == 2) {
        kernel_tcr |= TCR_AS;
        aarch64_asid_max = 0xffff;
    } else {
        aarch64_asid_max = 0xff;
    }
    /* ID_AA64MMFR1_EL1.PAN (D19.2.65). */
    aarch64_has_pan = ((sysreg_read(id_aa64mmfr1_el1) >> 20) & 0xf) != 0;
    aarch64_mmu_enable();
}

/*
 * Switch this CPU from the boot tables (entry.S) to the kernel's: TTBR1 through the identity map
 * (entry.S), then TTBR0 to a root with no entries, ASID 0, which ends the identity map, with the
 * final TCR (T0SZ = 16 for user spaces), and drop every translation the boot tables left.
 */
void aarch64_mmu_enable(void)
{
    sysreg_write(mair_el1, MAIR_VALUE);
    aarch64_ttbr1_switch(hal_virt_to_phys(kernel_root), hal_virt_to_phys(empty_root));
    sysreg_write(ttbr0_el1, hal_virt_to_phys(empty_root));
    sysreg_write(tcr_el1, kernel_tcr);
    isb();
    __asm__ volatile("tlbi vmalle1; dsb nsh; isb" ::: "memory");
    klog_debug("mmu: kernel at %p, %u kernel tables, %lu ASIDs%s\n", (void *)__mica_text_start,
               kernel_tables_used + 1, (unsigned long)aarch64_asid_max + 1,
               aarch64_has_pan ? ", PAN" : "");
}

pte_t hal_pte_table(paddr_t table)
{
    return (table & DESC_OA_MASK) | DESC_TABLE | DESC_VALID;
}

/*
 * A user leaf (D8.4): EL0 access (AP[1]) read-write or read-only (AP[2]), never executable at EL1
 * (PXN), executable at EL0 only with MICA_VM_EXEC (UXN), not global (nG: tagged with the ASID),
 * accessed (AF preset: no access-flag faults), Normal inner-shareable or Device-nGnRE.
 * Execute-only widens to read+execute: AP cannot say "EL0 execute, no EL0 read" without leaving
 * the page writable by EL1 and outside PAN's reach (FEAT_EPAN fixes that; v8.0 has none).
 */
pte_t hal_pte_page(paddr_t pa, unsigned level, unsigned vm_rights, unsigned attr)
{
    pte_t pte = (pa & DESC_OA_MASK) | DESC_VALID | DESC_AF | DESC_NG | DESC_PXN | DESC_AP_EL0;

    if (level == HAL_PT_LEVELS - 1)
        pte |= DESC_TABLE; /* 0b11 is a page at level 3, 0b01 a block above it */
    if (!(vm_rights & MICA_VM_WRITE))
        pte |= DESC_AP_RO;
    if (!(vm_rights & MICA_VM_EXEC))
        pte |= DESC_UXN;
    if (attr == MICA_VM_DEVICE)
        pte |= DESC_ATTR(ATTR_DEVICE);
    else
        pte |= DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER;
    return pte;
}

/* D8.3.1: bit 0 clear is invalid; 0b11 is a table above the last level and a page at it; 0b01 a
 * block at walker levels 1-2 (Arm levels 1-2), reserved at level 0 and at the last level. */
enum hal_pte_kind hal_pte_kind(pte_t pte, unsigned level)
{
    if (!(pte & DESC_VALID))
        return HAL_PTE_INVALID;
    if (level == HAL_PT_LEVELS - 1)
        return (pte & DESC_TABLE) ? HAL_PTE_PAGE : HAL_PTE_INVALID;
    if (pte & DESC_TABLE)
        return HAL_PTE_TABLE;
    return level == 0 ? HAL_PTE_INVALID : HAL_PTE_PAGE;
}

paddr_t hal_pte_addr(pte_t pte)
{
    return pte & DESC_OA_MASK;
}

/* Nothing: user roots hold user entries only; the kernel lives in TTBR1. */
void hal_vspace_init(pte_t *root)
{
    (void)root;
}

/* The hardware ASID for the core's asid (arch.h's hal_vspace_token folds the same way). */
static word_t hw_asid(word_t asid)
{
    return asid <= aarch64_asid_max ? asid : 0;
}

/*
 * D8.13 (TLB maintenance): the DSB orders the descriptor store before the invalidate, TLBI
 * VALE1IS drops the last-level entry for (asid, va) on every CPU of the inner shareable domain,
 * the second DSB waits for it, and the ISB makes later walks on this CPU see the result.
 */
void hal_tlb_flush_page(word_t asid, word_t vaddr)
{
    word_t arg = (hw_asid(asid) << 48) | ((vaddr >> HAL_PAGE_BITS) & ((1ul << 44) - 1));

    __asm__ volatile("dsb ishst; tlbi vale1is, %0; dsb ish; isb" ::"r"(arg) : "memory");
}

void hal_tlb_flush_asid(word_t asid)
{
    __asm__ volatile("dsb ishst; tlbi aside1is, %0; dsb ish; isb" ::"r"(hw_asid(asid) << 48)
                     : "memory");
}

/* An invalid descriptor is never cached in a TLB (D8.13.1), so a newly valid one needs no
 * invalidate: only the DSB that makes the store visible to the table walkers (D8.2.9). The eret
 * into the thread is the context synchronisation that follows. */
void hal_tlb_page_mapped(word_t asid, word_t vaddr)
{
    (void)asid, (void)vaddr;
    __asm__ volatile("dsb ishst" ::: "memory");
}

/*
 * The firmware's view for a callback (core/platform.c): TTBR0 = its identity map with ASID 0, the
 * kernel in TTBR1 as ever. Leaving puts the previous TTBR0 back and drops ASID 0's entries, which
 * the firmware's were (non-global; the kernel-only root and spaces without an ASID of their own
 * flush ASID 0 anyway). Before the final tables nothing calls back (the console waits for them).
 */
word_t hal_firmware_enter(void)
{
    word_t ttbr0 = sysreg_read(ttbr0_el1);

    if (firmware_ready) {
        sysreg_write(ttbr0_el1, hal_virt_to_phys(firmware_root));
        isb();
    }
    return ttbr0;
}

void hal_firmware_leave(word_t token)
{
    if (firmware_ready) {
        sysreg_write(ttbr0_el1, token);
        isb();
        __asm__ volatile("tlbi aside1, xzr; dsb nsh; isb" ::: "memory");
    }
}
