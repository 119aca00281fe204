/* SPDX-License-Identifier: MIT */
/*
 * The root task's address space on MMU arches, built at boot like seL4's create_frames_of_region /
 * create_it_address_space: its pages and page tables come from free RAM before the rest becomes
 * Untyped, they are mapped through the same code as Frame_Map and PageTable_Map, and the root task
 * gets the caps (boot info lists the slots). User layout, from low to high addresses:
 *
 *   ELF PT_LOAD segments            at their p_vaddr, rights from p_flags, never W and X together
 *   guard page                      (unmapped)
 *   stack, 2^ROOT_STACK_BITS bytes  read-write; SP starts at its top
 *   guard page
 *   IPC buffer                      read-write
 *   boot-info frame                 read-only; its address is the root task's ARG0
 *
 * With no ELF (hosted's in-process root task) the same frames are mapped from BOOT_USER_BASE, so
 * the root VSpace looks the same, but the thread keeps using kernel addresses: it runs inside the
 * kernel's process.
 */
#include "boot.h"
#include "cap.h"
#include "pt.h"
#include "vm.h"
#include "vspace.h"

#define PAGE            ((word_t)1 << MICA_PAGE_BITS)
#define BOOT_USER_BASE  ((word_t)1 << 20)
#define BOOT_MAX_TABLES 64
#define BOOT_MAX_FRAMES 2048

static struct {
    struct cap vs;
    unsigned next_slot;
    unsigned ntables;
    struct cap tables[BOOT_MAX_TABLES];
    unsigned nframes;
    uint8_t rights[BOOT_MAX_FRAMES]; /* of user_frames' caps, in slot order */
} bv;

static word_t page_down(word_t a)
{
    return a & ~(PAGE - 1);
}

static word_t page_up(word_t a)
{
    return (a + PAGE - 1) & ~(PAGE - 1);
}

/* Map f at vaddr, adding page tables from boot memory until no level is missing. */
static void boot_map(struct cap *f, word_t vaddr, unsigned rights)
{
    unsigned missing, level;
    int err;

    while ((err = vspace_map_frame(&bv.vs, f, vaddr, rights, MICA_VM_CACHED, &missing)) ==
           MICA_ERR_FAILED_LOOKUP) {
        if (bv.ntables == BOOT_MAX_TABLES)
            kpanic("boot: the root task needs more than %u page tables", BOOT_MAX_TABLES);
        struct cap *pt = &bv.tables[bv.ntables++];
        *pt = object_create(MICA_OBJ_PAGE_TABLE, 0, boot_alloc(MICA_PAGE_TABLE_BITS), false);
        if ((err = vspace_map_table(&bv.vs, pt, vaddr, &level)))
            break;
    }
    if (err)
        kpanic("boot: cannot map the root task at %lx (error %d)", (unsigned long)vaddr, err);
}

/* A fresh frame of the root task mapped at vaddr; returns its kernel address. */
static void *boot_frame(word_t vaddr, unsigned rights)
{
    void *kva = boot_alloc(MICA_PAGE_BITS);
    struct cap f = object_create(MICA_OBJ_FRAME, MICA_PAGE_BITS, NULL, false);

    if (bv.nframes == BOOT_MAX_FRAMES)
        kpanic("boot: the root task needs more than %u frames", BOOT_MAX_FRAMES);
    f.obj = hal_virt_to_phys(kva);
    boot_map(&f, vaddr, rights);
    bv.rights[bv.nframes++] = (uint8_t)rights;
    root_cap(bv.next_slot++, f);
    return kva;
}

/* The frame of user_frames mapped at vaddr, if any (segments may share a page). */
static struct cte *boot_find_frame(unsigned first, word_t vaddr, unsigned *index)
{
    for (unsigned i = 0; i < bv.nframes; i++) {
        struct cte *s = &root_slots[first + i];
        if (s->cap.data == vaddr) {
            *index = i;
            return s;
        }
    }
    return NULL;
}

/* One PT_LOAD segment, page by page; bytes past filesz stay zero (boot_alloc zeroes). */
static void boot_segment(const void *image, const struct elf_segment *s, unsigned first)
{
    unsigned rights = boot_segment_rights(s->flags);
    word_t start = (word_t)s->vaddr, end = (word_t)(s->vaddr + s->memsz);

    for (word_t va = page_down(start); va < end; va += PAGE) {
        unsigned index;
        struct cte *slot = boot_find_frame(first, va, &index);
        char *kva;

        if (slot) {
            /* Two segments in one page: the page gets both's rights, which must stay W^X. */
            unsigned both = bv.rights[index] | rights;
            if ((both & MICA_VM_WRITE) && (both & MICA_VM_EXEC))
                kpanic("boot: root task segments share page %lx writable and executable",
                       (unsigned long)va);
            if (both != bv.rights[index]) {
                int err = pt_remap_page(cap_ptr(&bv.vs), bv.vs.data, va, slot->cap.obj, both,
                                        MICA_VM_CACHED);
                if (err)
                    kpanic("boot: cannot remap the root task at %lx", (unsigned long)va);
                bv.rights[index] = (uint8_t)both;
            }
            kva = hal_phys_to_virt(slot->cap.obj);
        } else {
            kva = boot_frame(va, rights);
        }
        /* The part of [vaddr, vaddr + filesz) inside this page. */
        word_t lo = va > start ? va : start;
        word_t hi = va + PAGE < start + s->filesz ? va + PAGE : start + (word_t)s->filesz;
        if (lo < hi)
            memcpy(kva + (lo - va), (const char *)image + s->offset + (lo - start), hi - lo);
    }
}

unsigned boot_vspace_build(const void *image, const struct elf_info *elf, void *stack,
                           struct mica_bootinfo *bi, struct boot_user *u, unsigned first)
{
    word_t top = BOOT_USER_BASE;

    bv.vs = root_slots[MICA_INIT_VSPACE].cap;
    bv.next_slot = first;
    for (unsigned i = 0; elf && i < elf->nsegs; i++) {
        const struct elf_segment *s = &elf->segs[i];
        if ((s->flags & PF_W) && (s->flags & PF_X))
            kpanic("boot: root task segment at %lx is writable and executable",
                   (unsigned long)s->vaddr);
        boot_segment(image, s, first);
        if (page_up((word_t)(s->vaddr + s->memsz)) > top)
            top = page_up((word_t)(s->vaddr + s->memsz));
    }

    /* The stack: the frames boot.c allocated, one cap per page. */
    word_t stack_base = top + PAGE, stack_size = (word_t)1 << ROOT_STACK_BITS;
    word_t ipc = stack_base + stack_size + PAGE, binfo = ipc + PAGE;
    if (binfo + PAGE > HAL_USER_TOP || binfo < top)
        kpanic("boot: the root task image leaves no room below the user address limit");
    for (word_t off = 0; off < stack_size; off += PAGE) {
        struct cap f = object_create(MICA_OBJ_FRAME, MICA_PAGE_BITS, NULL, false);
        f.obj = hal_virt_to_phys((char *)stack + off);
        boot_map(&f, stack_base + off, MICA_VM_READ | MICA_VM_WRITE);
        root_cap(bv.next_slot++, f);
    }
    bi->user_frames = (struct mica_slot_range){first, bv.next_slot};
    boot_map(&root_slots[MICA_INIT_IPC_BUFFER].cap, ipc, MICA_VM_READ | MICA_VM_WRITE);
    boot_map(&root_slots[MICA_INIT_BOOTINFO].cap, binfo, MICA_VM_READ);

    /* Table caps last: they were built while mapping (a mapped cap carries its place). */
    bi->user_tables.start = bv.next_slot;
    for (unsigned i = 0; i < bv.ntables; i++)
        root_cap(bv.next_slot++, bv.tables[i]);
    bi->user_tables.end = bv.next_slot;

    bi->stack_base = stack_base;
    bi->stack_top = stack_base + stack_size;
    bi->bootinfo_vaddr = binfo;
    u->ipc_buffer = ipc;
    if (elf) {
        u->sp = bi->stack_top;
        u->bootinfo = binfo;
    }
    klog_info("mica: root VSpace: %u frames, %u page tables, stack %lx, IPC buffer %lx, boot info "
              "%lx\n",
              (unsigned)(bi->user_frames.end - bi->user_frames.start) + 2, bv.ntables,
              (unsigned long)stack_base, (unsigned long)ipc, (unsigned long)binfo);
    return bv.next_slot;
}
