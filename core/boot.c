/* SPDX-License-Identifier: MIT */
/*
 * Boot: build the root task from what the arch reported. Its objects (CNode, TCB, VSpace,
 * SchedContext, IPC-buffer and boot-info frames, initial stack) come from free RAM first; the rest
 * of free RAM becomes Untyped caps of maximal aligned power-of-two blocks, listed in boot info.
 */
#include "boot.h"
#include "cap.h"
#include "elf.h"
#include "irq.h"
#include "kernel.h"
#include "ktime.h"
#include "sched.h"
#include "sched_context.h"
#include "smp.h"
#include "syscall.h"
#include "tcb.h"
#include "vspace.h"

#define BOOT_MAX_REGIONS 32

/* Boot-info flags that describe the machine rather than the kernel: by default user code really
 * runs on the mappings and can fault; arch.h says otherwise where that is not so (hosted). */
#ifndef ARCH_BOOT_FLAGS
#define ARCH_BOOT_FLAGS (MICA_BOOT_FLAG_REAL_MEM | MICA_BOOT_FLAG_USER_FAULT)
#endif

struct region {
    paddr_t base;
    paddr_t end;
};

/* A set of disjoint ranges. */
struct regions {
    struct region r[BOOT_MAX_REGIONS];
    unsigned n;
};

static struct regions free_mem, devices;

static void region_add(struct regions *set, paddr_t base, paddr_t end)
{
    if (end <= base)
        return;
    if (set->n == BOOT_MAX_REGIONS)
        kpanic("boot: too many memory regions");
    set->r[set->n++] = (struct region){base, end};
}

static void region_remove(struct regions *set, paddr_t rb, paddr_t re)
{
    for (unsigned i = 0; i < set->n; i++) {
        struct region f = set->r[i];
        if (re <= f.base || rb >= f.end)
            continue;
        set->r[i] = set->r[--set->n];
        region_add(set, f.base, rb > f.base ? rb : f.base);
        region_add(set, re < f.end ? re : f.end, f.end);
        i = (unsigned)-1; /* rescan: the list changed */
    }
}

/* Is [base, end) inside one range of the set? */
static bool region_covers(const struct regions *set, paddr_t base, paddr_t end)
{
    for (unsigned i = 0; i < set->n; i++)
        if (base >= set->r[i].base && end <= set->r[i].end && base <= end)
            return true;
    return false;
}

/* [base, base + size) rounded out to whole pages. */
static struct region page_round(paddr_t base, paddr_t size)
{
    paddr_t page = (paddr_t)1 << MICA_PAGE_BITS;
    paddr_t end = base + size;

    return (struct region){base & ~(page - 1), end > base ? ((end - 1) | (page - 1)) + 1 : base};
}

/*
 * Free memory = RAM minus the reserved ranges (kernel image, firmware, DTB, root image). Device
 * memory = the device ranges (merged where they overlap) minus every page that holds RAM or a
 * reserved range: a device Untyped becomes frames user space maps, and those must never reach
 * kernel memory or the firmware's.
 */
static void boot_memory_init(const struct boot_params *bp)
{
    for (unsigned i = 0; i < bp->nram; i++)
        region_add(&free_mem, bp->ram[i].base, bp->ram[i].base + bp->ram[i].size);
    for (unsigned i = 0; i < bp->ndevice; i++) {
        paddr_t base = bp->device[i].base, end = base + bp->device[i].size;
        region_remove(&devices, base, end);
        region_add(&devices, base, end);
    }
    for (unsigned r = 0; r < bp->nreserved; r++) {
        region_remove(&free_mem, bp->reserved[r].base, bp->reserved[r].base + bp->reserved[r].size);
        struct region p = page_round(bp->reserved[r].base, bp->reserved[r].size);
        region_remove(&devices, p.base, p.end);
    }
    for (unsigned i = 0; i < bp->nram; i++) {
        struct region p = page_round(bp->ram[i].base, bp->ram[i].size);
        region_remove(&devices, p.base, p.end);
    }
}

void *boot_take(paddr_t base, paddr_t end)
{
    if (end <= base || !region_covers(&free_mem, base, end))
        kpanic("boot: %lx..%lx is not free RAM", (unsigned long)base, (unsigned long)end);
    region_remove(&free_mem, base, end);
    void *p = hal_phys_to_virt(base);
    memset(p, 0, end - base);
    return p;
}

void *boot_alloc(unsigned bits)
{
    paddr_t size = (paddr_t)1 << bits;

    for (unsigned i = 0; i < free_mem.n; i++) {
        struct region *f = &free_mem.r[i];
        paddr_t a = (f->base + size - 1) & ~(size - 1);
        if (a < f->base || a + size > f->end || a + size < a)
            continue;
        paddr_t old = f->base;
        f->base = a + size;
        region_add(&free_mem, old, a);
        void *p = hal_phys_to_virt(a);
        memset(p, 0, size);
        return p;
    }
    kpanic("boot: out of memory for 2^%u bytes", bits);
}

struct cte *root_slots;

void root_cap(unsigned slot, struct cap c)
{
    if (slot >= (1u << ROOT_CNODE_BITS))
        kpanic("boot: the root CNode has no slot %u", slot);
    cap_insert(&root_slots[slot], &c, &cdt_root);
}

/* Carve [base, end) into maximal aligned power-of-two Untypeds, appending to bi's list at *n. */
static void boot_untyped_range(struct mica_bootinfo *bi, unsigned first, unsigned *n, paddr_t base,
                               paddr_t end, bool device)
{
    paddr_t min = (paddr_t)1 << MICA_MIN_UNTYPED_BITS, start = base;

    /* Reserved ranges (kernel image, DTB) may end anywhere: an Untyped starts aligned. */
    base = (base + min - 1) & ~(min - 1);
    if (base < start)
        return;
    while (base < end && end - base >= min && *n < MICA_BOOTINFO_MAX_UNTYPE &&
           first + *n < (1u << ROOT_CNODE_BITS)) {
        unsigned bits = MICA_MAX_UNTYPED_BITS;
        while (bits > MICA_MIN_UNTYPED_BITS &&
               ((base & (((paddr_t)1 << bits) - 1)) || ((paddr_t)1 << bits) > end - base))
            bits--;
        struct cap c = object_create(MICA_OBJ_UNTYPED, bits, NULL, device);
        c.obj = base;
        root_cap(first + *n, c);
        bi->untyped_list[*n].paddr = base;
        bi->untyped_list[*n].size_bits = (uint8_t)bits;
        bi->untyped_list[*n].is_device = device;
        base += (paddr_t)1 << bits;
        (*n)++;
    }
}

/* Free RAM, then the device ranges (boot_memory_init), which user drivers map frames of. */
static void boot_untypeds(struct mica_bootinfo *bi, unsigned first)
{
    unsigned n = 0;

    for (unsigned i = 0; i < free_mem.n; i++)
        boot_untyped_range(bi, first, &n, free_mem.r[i].base, free_mem.r[i].end, false);
    for (unsigned i = 0; i < devices.n; i++)
        boot_untyped_range(bi, first, &n, devices.r[i].base, devices.r[i].end, true);
    bi->untyped = (struct mica_slot_range){first, first + n};
    bi->empty = (struct mica_slot_range){first + n, 1u << ROOT_CNODE_BITS};
}

static void copy_str(char *dst, const char *src, unsigned size)
{
    unsigned i = 0;

    for (; src[i] && i + 1 < size; i++)
        dst[i] = src[i];
    dst[i] = '\0';
}

/*
 * The root task ELF, checked against the user address range. With an MMU, boot_vspace.c copies
 * it into frames of its own; with an MPU, boot_vspace_mpu.c places it. Without either each segment
 * is copied to its physical address, which leaves free memory (user addresses are physical there).
 */
static const struct elf_info *boot_check_root(const struct boot_params *bp)
{
    static struct elf_info info;

    if (!bp->root_elf) {
        if (!bp->root_entry)
            kpanic("boot: no root task (the platform description names no root image)");
        return NULL;
    }
    enum elf_error err = elf_check(bp->root_elf, bp->root_elf_size, ARCH_ELF_CLASS,
                                   ARCH_ELF_MACHINE, 0, vspace_backend_user_top, &info);
    if (err)
        kpanic("boot: root task ELF rejected (elf error %d)", err);
    if (IS_ENABLED(CONFIG_MMU) || IS_ENABLED(CONFIG_MPU))
        return &info;
    for (unsigned i = 0; i < info.nsegs; i++) {
        const struct elf_segment *s = &info.segs[i];
        if (!s->memsz)
            continue;
        /* elf_check checked the virtual address; here it is the physical one too, and it must be
         * free RAM (boot_take panics otherwise), never the kernel's image or the firmware's. */
        if (s->paddr != s->vaddr)
            kpanic("boot: root task segment at %lx: without an MMU it must be linked at its "
                   "physical address",
                   (unsigned long)s->vaddr);
        char *dst = boot_take((paddr_t)s->paddr, (paddr_t)(s->paddr + s->memsz));
        memcpy(dst, (const char *)bp->root_elf + s->offset, (size_t)s->filesz);
    }
    return &info;
}

/* A copy of the root CNode's slot `from` in the root thread's (empty) slot `which`. */
static void boot_tcb_slot(struct tcb *t, enum tcb_slot which, unsigned from)
{
    struct cap c;

    if (cap_derive(&root_slots[from], MICA_RIGHTS_ALL, &c))
        kpanic("boot: root cap %u cannot be derived", from);
    tcb_install(t, which, &root_slots[from], &c);
}

void boot_root_task(struct boot_params *bp)
{
    boot_memory_init(bp);
    const struct elf_info *elf = boot_check_root(bp);
    struct boot_user_mem um;
    /* An MPU places the root task first: its memory must be one block right after its data. */
    if (IS_ENABLED(CONFIG_MPU))
        boot_vspace_place(bp->root_elf, elf, &um);
    root_slots = boot_alloc(ROOT_CNODE_BITS + MICA_SLOT_BITS);
    struct tcb *t = boot_alloc(MICA_TCB_BITS);
    void *vspace = boot_alloc(MICA_VSPACE_BITS);
    void *sc = boot_alloc(MICA_SCHED_CONTEXT_BITS);
    if (!IS_ENABLED(CONFIG_MPU)) {
        um.ipc_buffer = boot_alloc(MICA_PAGE_BITS);
        um.bi = boot_alloc(MICA_PAGE_BITS);
        um.stack = boot_alloc(ROOT_STACK_BITS);
    }
    void *ipcbuf = um.ipc_buffer;
    struct mica_bootinfo *bi = um.bi;
    char *stack = um.stack;

    struct cap cn = object_create(MICA_OBJ_CNODE, ROOT_CNODE_BITS, root_slots, false);
    cn.guard_bits = (uint8_t)(MICA_WORD_BITS - ROOT_CNODE_BITS);
    root_cap(MICA_INIT_TCB, object_create(MICA_OBJ_TCB, 0, t, false));
    root_cap(MICA_INIT_CNODE, cn);
    root_cap(MICA_INIT_VSPACE, object_create(MICA_OBJ_VSPACE, 0, vspace, false));
    root_cap(MICA_INIT_IRQ_CONTROL, (struct cap){.type = MICA_CAP_IRQ_CONTROL});
    struct cap f = object_create(MICA_OBJ_FRAME, MICA_PAGE_BITS, NULL, false);
    f.obj = hal_virt_to_phys(ipcbuf);
    root_cap(MICA_INIT_IPC_BUFFER, f);
    f.obj = hal_virt_to_phys(bi);
    /* With an MPU the boot-info frame shares the root task's read-write region (one region
     * fewer taken from the few an MPU has), so its cap allows writing. */
    f.rights = IS_ENABLED(CONFIG_MPU) ? MICA_RIGHT_READ | MICA_RIGHT_WRITE : MICA_RIGHT_READ;
    root_cap(MICA_INIT_BOOTINFO, f);
    root_cap(MICA_INIT_SCHED_CONTEXT, object_create(MICA_OBJ_SCHED_CONTEXT, 0, sc, false));
    unsigned ncpus = bp->ncpus ? bp->ncpus : 1;
    sched_ncpus = ncpus;
    for (unsigned i = 0; i < ncpus; i++)
        root_cap(MICA_INIT_FIRST_FREE_FIXED + i,
                 (struct cap){.type = MICA_CAP_SCHED_CONTROL, .obj = i, .data = i});
    unsigned next = MICA_INIT_FIRST_FREE_FIXED + ncpus;

    /* Without an MMU the root task sees physical addresses, which are the kernel's on the flat
     * memory maps of MPU arches and hosted. */
    struct boot_user u = {
        .entry = elf ? (word_t)elf->entry : bp->root_entry,
        .sp = (word_t)(stack + ((size_t)1 << ROOT_STACK_BITS)),
        .ipc_buffer = (word_t)ipcbuf,
        .bootinfo = (word_t)bi,
    };
    bi->stack_base = (word_t)stack;
    bi->stack_top = u.sp;
    bi->bootinfo_vaddr = (word_t)bi;
    bi->user_frames = bi->user_tables = (struct mica_slot_range){next, next};
    if (IS_ENABLED(CONFIG_MMU) || IS_ENABLED(CONFIG_MPU))
        next = boot_vspace_build(bp->root_elf, elf, stack, bi, &u, next);

    bi->magic = MICA_BOOTINFO_MAGIC;
    bi->flags = (IS_ENABLED(CONFIG_MMU) ? MICA_BOOT_FLAG_MMU : 0) |
                (IS_ENABLED(CONFIG_MPU) ? MICA_BOOT_FLAG_MPU : 0) |
                (IS_ENABLED(CONFIG_INVARIANTS) ? MICA_BOOT_FLAG_CHECKED : 0) | ARCH_BOOT_FLAGS;
    bi->num_cpus = ncpus;
    bi->root_cnode_bits = ROOT_CNODE_BITS;
    bi->ipc_buffer = u.ipc_buffer;
    bi->user_vaddr_top = vspace_backend_user_top;
    bi->mpu_regions = vspace_backend_regions;
    bi->sched_control =
        (struct mica_slot_range){MICA_INIT_FIRST_FREE_FIXED, MICA_INIT_FIRST_FREE_FIXED + ncpus};
    boot_untypeds(bi, next);
    copy_str(bi->board, CONFIG_BOARD, sizeof(bi->board));
    copy_str(bi->arch, CONFIG_ARCH, sizeof(bi->arch));

    t->prio = t->mcp = MICA_NUM_PRIORITIES - 1;
    boot_tcb_slot(t, TCB_CSPACE, MICA_INIT_CNODE);
    boot_tcb_slot(t, TCB_VSPACE, MICA_INIT_VSPACE);
    /* The root task runs on a round-robin context: never throttled, CONFIG_TIMESLICE_US slices. */
    uint64_t slice = ktime_us_to_ticks(CONFIG_TIMESLICE_US);
    sched_context_configure((struct sched_context *)sc, slice, slice, 1, 0);
    sched_context_donate((struct sched_context *)sc, t);
    /* Context first: hal_ctx_init clears every register, including one an arch may keep the IPC
     * buffer's address in (tp on RISC-V). */
    hal_ctx_init(&t->ctx, u.entry, u.sp);
    hal_ctx_set(&t->ctx, MICA_REG_ARG0, u.bootinfo);
    t->ipc_buf_uaddr = u.ipc_buffer;
    boot_tcb_slot(t, TCB_IPC_BUFFER, MICA_INIT_IPC_BUFFER);
    tcb_resume(t);
    klog_info("mica: root task: %u untyped caps, slots %lu..%lu free\n",
              (unsigned)(bi->untyped.end - bi->untyped.start), (unsigned long)bi->empty.start,
              (unsigned long)bi->empty.end);
}

#ifdef CONFIG_SMP
/* The last secondary CPU that reached kernel_secondary_main, its arch setup done. */
static unsigned boot_cpu_arrived;
#endif

/* Start CPUs 1..ncpus-1 (the firmware enters each at kernel_secondary_main); returns how many CPUs
 * run, counting up to the first the firmware refused, so that CPU indexes stay dense. Each one is
 * waited for until it arrives: from then on its interrupt controller interface is set up, so that
 * a line routed to it (hal_irq_set_cpu) or an IPI reaches it (a GICv2 CPU learns its interface
 * number only on itself; OpenSBI resets a hart's PLIC context when it starts the hart). */
static unsigned boot_start_cpus(unsigned ncpus)
{
#ifdef CONFIG_SMP
    for (unsigned i = 1; i < ncpus; i++) {
        if (!hal_cpu_start(i)) {
            klog_info("mica: cpu %u did not start: running on %u CPUs\n", i, i);
            return i;
        }
        uint64_t give_up = hal_time_now() + 10 * hal_time_freq();
        while (__atomic_load_n(&boot_cpu_arrived, __ATOMIC_ACQUIRE) != i) {
            if (hal_time_now() > give_up)
                kpanic("cpu %u: started, but it did not reach the kernel within 10 s", i);
            /* Idle 1 ms at a time rather than spin: under QEMU's -icount the vCPUs take turns in
             * one thread, and a secondary hart in OpenSBI did not get started while this one
             * spun (the SMP bench's boot, docs/porting.md "SMP under QEMU"). A timer that fires
             * after the loop is one early timer trap, which the scheduler ignores. */
            struct hal_trap trap;
            hal_timer_set(hal_time_now() + hal_time_freq() / 1000);
            hal_idle(&trap);
        }
    }
#endif
    return ncpus;
}

_Noreturn void kernel_main(struct boot_params *bp)
{
    uint64_t ram = 0;

#if CONFIG_NR_CPUS > 1
    hal_cpu_local_set(&cpus[0]);
#endif
    hal_platform_init(bp);
    for (unsigned i = 0; i < bp->nram; i++)
        ram += bp->ram[i].size;
    /* tests/run checks this line. */
    kprintf("mica: board=%s arch=%s cpus=%u ram=%lluMiB\n", CONFIG_BOARD, CONFIG_ARCH,
            bp->ncpus ? bp->ncpus : 1, (unsigned long long)(ram >> 20));
    sched_init();
    /* The secondaries wait for the lock until the boot CPU first leaves the kernel. */
    smp_lock();
    bp->ncpus = boot_start_cpus(bp->ncpus ? bp->ncpus : 1);
    irq_init_cpus(bp->ncpus);
    boot_root_task(bp);
    kernel_start();
}

#ifdef CONFIG_SMP
_Noreturn void kernel_secondary_main(unsigned cpu)
{
#if CONFIG_NR_CPUS > 1
    hal_cpu_local_set(&cpus[cpu]);
#endif
    __atomic_store_n(&boot_cpu_arrived, cpu, __ATOMIC_RELEASE);
    smp_lock();
    kernel_start();
}
#else
_Noreturn void kernel_secondary_main(unsigned cpu)
{
    kpanic("cpu %u: built without CONFIG_SMP", cpu);
}
#endif
