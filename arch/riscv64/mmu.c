/* SPDX-License-Identifier: MIT */
/*
 * RV64 Sv39 (privileged spec 1.12, 4.3-4.4): the kernel's page tables and the PTE hooks that
 * core's generic walker uses for user address spaces.
 *
 * The kernel half (root entries 256..511) maps physical address pa at pa + RISCV_KERNEL_VOFFSET:
 * all RAM from the devicetree (the linear map behind hal_phys_to_virt, execute-never), with the
 * kernel image inside it split W^X (text RX, rodata R, data and bss RW), and the few devices the
 * kernel drives. Every kernel PTE is global (G), so address-space switches keep them in the TLB.
 * The tables are static and built once at boot; every user root copies the kernel's root entries.
 *
 * The firmware's callbacks (hal_firmware_enter) run on a root of their own: the kernel half, plus
 * the firmware's reserved ranges identity-mapped in the lower half, non-global, which the return
 * to the kernel's root flushes.
 */
#include <string.h>

#include <mica/objects.h>

#include "fdt.h"
#include "klog.h"
#include "mmu/sv39.h"
#include "riscv.h"

#define PT_ENTRIES     512
#define KERNEL_ROOT_LO (PT_ENTRIES / 2) /* first root entry of the kernel half */
#define PT_PAGE        ((paddr_t)1 << HAL_PAGE_BITS)

/* Kernel mappings: A and D preset, since hardware need not set them (4.3.1, "A and D bits"). */
#define KPTE_TEXT   (SV39_V | SV39_R | SV39_X | SV39_G | SV39_A)
#define KPTE_RODATA (SV39_V | SV39_R | SV39_G | SV39_A)
#define KPTE_RW     (SV39_V | SV39_R | SV39_W | SV39_G | SV39_A | SV39_D)
/* The firmware's ranges while a callback runs: all it may do, not global. */
#define KPTE_FIRMWARE (SV39_V | SV39_R | SV39_W | SV39_X | SV39_A | SV39_D)

/* Tables beyond the roots: the RAM gigabyte around the image, the 2 MiB pieces the image and
 * unaligned RAM ends are mapped with, a few for devices, and the firmware's identity map (two for
 * each of its ranges in a new gigabyte or 2 MiB piece). */
#define KERNEL_TABLES 24

typedef pte_t page_table_t[PT_ENTRIES];

static page_table_t kernel_root __attribute__((aligned(4096)));
static page_table_t firmware_root __attribute__((aligned(4096)));
static page_table_t kernel_tables[KERNEL_TABLES] __attribute__((aligned(4096)));
static unsigned kernel_tables_used;
static word_t kernel_satp, firmware_satp;
word_t riscv_asid_max; /* arch.h */
_Static_assert(SATP_MODE_SV39 == 8ul << 60 && SATP_ASID_SHIFT == 44, "arch.h's hal_vspace_token");
static bool has_svpbmt;

/* The kernel image's high half (mica.ld). */
extern char __mica_text_start[], __mica_text_end[], __mica_rodata_start[], __mica_rodata_end[],
    __mica_data_start[], __mica_kernel_end[], boot_stack[], boot_stack_end[];

static unsigned level_shift(unsigned level)
{
    return HAL_PAGE_BITS + (HAL_PT_LEVELS - 1 - level) * HAL_PT_INDEX_BITS;
}

/* The next-level table behind *slot, taken from kernel_tables if there is none yet. */
BOOT_CODE static pte_t *kernel_table(pte_t *slot)
{
    if (!(*slot & SV39_V)) {
        if (kernel_tables_used == KERNEL_TABLES)
            kpanic("mmu: out of boot page tables (KERNEL_TABLES = %d)", KERNEL_TABLES);
        pte_t *t = kernel_tables[kernel_tables_used++];
        *slot = hal_pte_table(hal_virt_to_phys(t));
        return t;
    }
    if (*slot & SV39_LEAF)
        kpanic("mmu: kernel mappings overlap");
    return hal_phys_to_virt(hal_pte_addr(*slot));
}

/* Map [pa, pa + size) at va in root's tree with the largest pages alignment allows. */
BOOT_CODE static void map_range(pte_t *root, word_t va, paddr_t pa, paddr_t size, pte_t flags)
{
    while (size) {
        unsigned level = 0;
        while (level < HAL_PT_LEVELS - 1) {
            word_t page = (word_t)1 << level_shift(level);
            if (((va | pa) & (page - 1)) == 0 && size >= page)
                break;
            level++;
        }
        pte_t *table = root;
        for (unsigned l = 0; l < level; l++)
            table = kernel_table(&table[(va >> level_shift(l)) % PT_ENTRIES]);
        pte_t *slot = &table[(va >> level_shift(level)) % PT_ENTRIES];
        pte_t pte = sv39_ppn(pa) | flags;
        if ((*slot & SV39_V) && *slot != pte)
            kpanic("mmu: kernel mappings overlap at %lx", (unsigned long)va);
        *slot = pte;
        word_t page = (word_t)1 << level_shift(level);
        va += page;
        pa += page;
        size -= page;
    }
}

/* Map [pa, pa + size) at its kernel address, which must not wrap past the top. */
BOOT_CODE static void kernel_map(paddr_t pa, paddr_t size, pte_t flags)
{
    if (pa + size - 1 > (paddr_t)(0 - RISCV_KERNEL_VOFFSET - 1))
        kpanic("mmu: physical %lx beyond the kernel's linear map", (unsigned long)(pa + size - 1));
    map_range(kernel_root, (word_t)hal_phys_to_virt(pa), pa, size, flags);
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

    lo &= ~(paddr_t)(PT_PAGE - 1);
    hi = (hi + PT_PAGE - 1) & ~(paddr_t)(PT_PAGE - 1);
    if (hi <= klo || lo >= khi) {
        kernel_map(lo, hi - lo, KPTE_RW);
        return;
    }
    if (lo < klo)
        kernel_map(lo, klo - lo, KPTE_RW);
    if (hi > khi)
        kernel_map(khi, hi - khi, KPTE_RW);
}

/* Data and bss read-write, but for the guard page under each kernel stack (arch.h). */
BOOT_CODE static void map_data(void)
{
    paddr_t lo = pa_of(__mica_data_start), stacks = pa_of(boot_stack);

    kernel_map(lo, stacks - lo, KPTE_RW);
    for (unsigned i = 0; i < CONFIG_NR_CPUS; i++)
        kernel_map(stacks + i * RISCV_KSTACK_STRIDE + PT_PAGE, RISCV_KSTACK_BYTES, KPTE_RW);
    lo = pa_of(boot_stack_end);
    kernel_map(lo, pa_of(__mica_kernel_end) - lo, KPTE_RW);
}

bool riscv_stack_guard(word_t va, unsigned *cpu)
{
    word_t base = (word_t)boot_stack;

    if (va < base || va >= (word_t)boot_stack_end)
        return false;
    *cpu = (unsigned)((va - base) / RISCV_KSTACK_STRIDE);
    return (va - base) % RISCV_KSTACK_STRIDE < PT_PAGE;
}

/* 4.1.11: the implemented ASID bits are the ones that read back as 1 after writing all ones. */
BOOT_CODE static void probe_asids(void)
{
    csr_write(satp, kernel_satp | (SATP_ASID_MASK << SATP_ASID_SHIFT));
    riscv_asid_max = (csr_read(satp) >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
    csr_write(satp, kernel_satp);
    __asm__ volatile("sfence.vma" ::: "memory");
}

/* [base, base + size) rounded out to whole pages, in *lo and *hi. */
BOOT_CODE static void page_bounds(paddr_t base, paddr_t size, paddr_t *lo, paddr_t *hi)
{
    *lo = base & ~(PT_PAGE - 1);
    *hi = (base + size + PT_PAGE - 1) & ~(PT_PAGE - 1);
}

/*
 * What the kernel reads after these tables are on but which need not be RAM: the devicetree and
 * the root image (firmware memory, flash). Inside a RAM range the linear map has it already;
 * elsewhere it gets its pages read-only; across a RAM range's end it is refused.
 */
BOOT_CODE static void map_readable(const struct boot_params *bp, const void *kva, paddr_t size)
{
    paddr_t lo, hi;

    if (!kva || !size)
        return;
    page_bounds(hal_virt_to_phys(kva), size, &lo, &hi);
    for (unsigned i = 0; i < bp->nram; i++) {
        paddr_t rlo, rhi;
        page_bounds(bp->ram[i].base, bp->ram[i].size, &rlo, &rhi);
        if (lo >= rlo && hi <= rhi)
            return;
        if (lo < rhi && hi > rlo)
            kpanic("mmu: %lx..%lx is partly RAM, partly not", (unsigned long)lo, (unsigned long)hi);
    }
    kernel_map(lo, hi - lo, KPTE_RODATA);
}

/* The firmware's root: the kernel half as the kernel's root has it (complete by now: kernel
 * mappings never change after boot), and each firmware range at its own address. */
BOOT_CODE static void firmware_tables(const struct boot_params *bp)
{
    memcpy(&firmware_root[KERNEL_ROOT_LO], &kernel_root[KERNEL_ROOT_LO],
           (PT_ENTRIES - KERNEL_ROOT_LO) * sizeof(pte_t));
    for (unsigned i = 0; i < bp->nfirmware; i++) {
        paddr_t lo, hi;
        page_bounds(bp->firmware[i].base, bp->firmware[i].size, &lo, &hi);
        if (hi > HAL_USER_TOP)
            kpanic("mmu: firmware range %lx..%lx beyond Sv39's lower half", (unsigned long)lo,
                   (unsigned long)hi);
        map_range(firmware_root, lo, lo, hi - lo, KPTE_FIRMWARE);
    }
    firmware_satp = SATP_MODE_SV39 | (hal_virt_to_phys(firmware_root) >> HAL_PAGE_BITS);
}

BOOT_CODE void riscv_mmu_init(const struct boot_params *bp, const struct mem_range *dev,
                              unsigned ndev)
{
    paddr_t lo, hi;

    /* The image's sections are page aligned (mica.ld), so each gets its own pages. */
    kernel_map(pa_of(__mica_text_start), (paddr_t)(__mica_text_end - __mica_text_start), KPTE_TEXT);
    kernel_map(pa_of(__mica_rodata_start), (paddr_t)(__mica_rodata_end - __mica_rodata_start),
               KPTE_RODATA);
    map_data();
    for (unsigned i = 0; i < bp->nram; i++)
        map_ram(&bp->ram[i]);
    map_readable(bp, bp->dtb, bp->dtb ? fdt_blob_size(bp->dtb) : 0);
    map_readable(bp, bp->root_elf, bp->root_elf_size);
    for (unsigned i = 0; i < ndev; i++) {
        page_bounds(dev[i].base, dev[i].size, &lo, &hi);
        kernel_map(lo, hi - lo, KPTE_RW);
    }
    firmware_tables(bp);
    kernel_satp = SATP_MODE_SV39 | (hal_virt_to_phys(kernel_root) >> HAL_PAGE_BITS);
    riscv_mmu_enable();
    probe_asids();
    has_svpbmt = bp->dtb && riscv_isa_has(bp->dtb, "svpbmt");
    klog_info("mmu: Sv39, kernel at %p, %u boot tables, %lu ASIDs%s\n", (void *)__mica_text_start,
              kernel_tables_used + 1, (unsigned long)riscv_asid_max + 1,
              has_svpbmt ? ", Svpbmt" : "");
}

/*
 * Switch this hart from the boot tables (entry.S) to the kernel's. Nothing runs from the identity
 * mapping any more, and the kernel half maps the same addresses, so no jump is needed; the fence
 * drops what the boot tables left in the TLB (4.2.1).
 */
BOOT_CODE void riscv_mmu_enable(void)
{
    csr_write(satp, kernel_satp);
    __asm__ volatile("sfence.vma" ::: "memory");
}

compile_assert(sv39_kind_order, HAL_PTE_INVALID == 0 && HAL_PTE_TABLE == 1 && HAL_PTE_PAGE == 2);

pte_t hal_pte_table(paddr_t table)
{
    return sv39_table(table);
}

/*
 * A user leaf (drivers/mmu/sv39.h). Device memory gets Svpbmt's IO type (non-cacheable, strongly
 * ordered) where the hart has it; without Svpbmt the platform's PMAs decide, and on QEMU virt they
 * make device regions uncached already.
 */
pte_t hal_pte_page(paddr_t pa, unsigned level, unsigned vm_rights, unsigned attr)
{
    (void)level; /* a superpage has the same format; only its PPN alignment differs */
    return sv39_user_leaf(pa, vm_rights, attr, has_svpbmt ? SV39_PBMT_IO : 0);
}

enum hal_pte_kind hal_pte_kind(pte_t pte, unsigned level)
{
    return (enum hal_pte_kind)sv39_kind(pte, level);
}

paddr_t hal_pte_addr(pte_t pte)
{
    return sv39_addr(pte);
}

void hal_vspace_init(pte_t *root)
{
    memcpy(&root[KERNEL_ROOT_LO], &kernel_root[KERNEL_ROOT_LO],
           (PT_ENTRIES - KERNEL_ROOT_LO) * sizeof(pte_t));
}

/*
 * The hardware ASID for the core's asid: itself when the hart implements it, else 0, which is
 * shared by every address space that has no hardware ASID and so is flushed on each switch.
 */
static word_t hw_asid(word_t asid)
{
    return asid <= riscv_asid_max ? asid : 0;
}

/* sfence.vma vaddr, asid orders the page-table stores before and drops vaddr's non-global
 * translations in asid (4.2.1); ASID 0 is shared, so flush that vaddr in every space. */
static void flush_page_local(word_t asid, word_t vaddr)
{
    word_t hw = hw_asid(asid);

    if (hw)
        __asm__ volatile("sfence.vma %0, %1" ::"r"(vaddr), "r"(hw) : "memory");
    else
        __asm__ volatile("sfence.vma %0, zero" ::"r"(vaddr) : "memory");
}

/* A stale translation may be cached by any hart that ran the address space: all of them. */
void hal_tlb_flush_page(word_t asid, word_t vaddr)
{
    flush_page_local(asid, vaddr);
#ifdef CONFIG_SMP
    riscv_remote_sfence(vaddr, (word_t)1 << HAL_PAGE_BITS, hw_asid(asid));
#endif
}

/* Without Svvptc, RISC-V only guarantees that a store setting V is seen by the page walker after
 * an SFENCE.VMA (RISC-V Privileged ISA 20240411, "Svvptc"): the same fence as a flush. */
void hal_tlb_page_mapped(word_t asid, word_t vaddr)
{
    flush_page_local(asid, vaddr);
}

void hal_tlb_flush_asid(word_t asid)
{
    word_t hw = hw_asid(asid);

    if (hw)
        __asm__ volatile("sfence.vma zero, %0" ::"r"(hw) : "memory");
    else
        __asm__ volatile("sfence.vma" ::: "memory");
#ifdef CONFIG_SMP
    riscv_remote_sfence(0, ~(word_t)0, hw);
#endif
}

/*
 * The firmware's view for a callback (core/platform.c): its root, with the same kernel half, so
 * this code and the kernel stack stay where they are. Before riscv_mmu_init the boot table is
 * current, which maps the low 4 GiB at their own addresses already. Leaving drops the firmware's
 * non-global entries, cached under ASID 0 like a user space without an ASID of its own (4.2.1).
 */
word_t hal_firmware_enter(void)
{
    word_t satp = csr_read(satp);

    if (firmware_satp) {
        csr_write(satp, firmware_satp);
        __asm__ volatile("sfence.vma" ::: "memory");
    }
    return satp;
}

void hal_firmware_leave(word_t token)
{
    if (firmware_satp) {
        csr_write(satp, token);
        __asm__ volatile("sfence.vma" ::: "memory");
    }
}
