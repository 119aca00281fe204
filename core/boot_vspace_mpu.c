/* SPDX-License-Identifier: MIT */
/*
 * The root task's address space on MPU arches, where a frame maps only at its own physical
 * address. The root task runs in place: its read-only segments (code, constants) stay where the
 * kernel image holds them, in code memory, and only its writable segments are copied, to the RAM
 * they are linked at. Right after its last writable page come the stack, the IPC buffer and the
 * boot-info frame, all read-write, so that an MPU needs two regions for the whole root task (code,
 * and everything else) and leaves the rest to the threads it starts:
 *
 *   read-only segments              in place (inside the kernel image), rights from p_flags
 *   writable segments               at their p_vaddr in RAM, page-rounded, read-write
 *   stack, 2^ROOT_STACK_BITS bytes  read-write; SP starts at its top
 *   IPC buffer                      read-write
 *   boot-info frame                 read-write (its cap too: see boot.c)
 *
 * Frames are the largest aligned power-of-two blocks that tile each range, mapped through the same
 * code as Frame_Map; their caps go to the root task (boot info's user_frames).
 */
#include "boot.h"
#include "vm.h"
#include "vspace.h"

#define PAGE    ((word_t)1 << MICA_PAGE_BITS)
#define GRANULE ((word_t)1 << MICA_MIN_FRAME_BITS)

static word_t align_down(word_t a, word_t to)
{
    return a & ~(to - 1);
}

static word_t align_up(word_t a, word_t to)
{
    return (a + to - 1) & ~(to - 1);
}

/* The memory a segment takes: read-only ones to the frame granule, writable ones to pages. */
static void segment_range(const struct elf_segment *s, word_t *lo, word_t *hi)
{
    word_t to = (s->flags & PF_W) ? PAGE : GRANULE;

    *lo = align_down((word_t)s->vaddr, to);
    *hi = align_up((word_t)(s->vaddr + s->memsz), to);
}

void boot_vspace_place(const void *image, const struct elf_info *elf, struct boot_user_mem *m)
{
    word_t rw_end = 0, size = ((word_t)1 << ROOT_STACK_BITS) + 2 * PAGE;

    for (unsigned i = 0; elf && i < elf->nsegs; i++) {
        const struct elf_segment *s = &elf->segs[i];
        word_t lo, hi;

        if (s->vaddr != s->paddr)
            kpanic("boot: root task segment at %lx: an MPU maps it at its physical address",
                   (unsigned long)s->vaddr);
        if ((s->flags & PF_W) && (s->flags & PF_X))
            kpanic("boot: root task segment at %lx is writable and executable",
                   (unsigned long)s->vaddr);
        segment_range(s, &lo, &hi);
        if (!(s->flags & PF_W)) {
            /* In place: its bytes must be where it is linked, and all of them in the file. */
            if ((word_t)(uintptr_t)image + (word_t)s->offset != (word_t)s->vaddr ||
                s->filesz != s->memsz)
                kpanic("boot: read-only root task segment at %lx is not linked where the image "
                       "holds it (%lx)",
                       (unsigned long)s->vaddr,
                       (unsigned long)((word_t)(uintptr_t)image + (word_t)s->offset));
            continue;
        }
        char *dst = boot_take(lo, hi);
        memcpy(dst + (s->vaddr - lo), (const char *)image + s->offset, (size_t)s->filesz);
        if (hi > rw_end)
            rw_end = hi;
    }
    char *block = rw_end ? boot_take(rw_end, rw_end + size) : boot_alloc(ROOT_STACK_BITS + 1);
    m->stack = block;
    m->ipc_buffer = block + ((word_t)1 << ROOT_STACK_BITS);
    m->bi = (struct mica_bootinfo *)(block + ((word_t)1 << ROOT_STACK_BITS) + PAGE);
}

/* Frame caps for [lo, hi), the largest aligned blocks first, each mapped at its own address. */
static unsigned boot_frames(const struct cap *vs, word_t lo, word_t hi, unsigned rights,
                            unsigned cap_rights, unsigned slot)
{
    while (lo < hi) {
        unsigned bits = MICA_MIN_FRAME_BITS, missing;
        while (bits + 1 < MICA_WORD_BITS && !(lo & (((word_t)2 << bits) - 1)) &&
               ((word_t)2 << bits) <= hi - lo)
            bits++;
        struct cap f = object_create(MICA_OBJ_FRAME, bits, NULL, false);
        f.obj = lo;
        f.rights = (uint8_t)cap_rights;
        int err = vspace_map_frame(vs, &f, lo, rights, MICA_VM_CACHED, &missing);
        if (err)
            kpanic("boot: cannot map the root task at %lx (error %d)", (unsigned long)lo, err);
        root_cap(slot++, f);
        lo += (word_t)1 << bits;
    }
    return slot;
}

unsigned boot_vspace_build(const void *image, const struct elf_info *elf, void *stack,
                           struct mica_bootinfo *bi, struct boot_user *u, unsigned first)
{
    const struct cap *vs = &root_slots[MICA_INIT_VSPACE].cap;
    const unsigned rw = MICA_VM_READ | MICA_VM_WRITE, rw_cap = MICA_RIGHT_READ | MICA_RIGHT_WRITE;
    unsigned next = first, missing;
    word_t stack_base = (word_t)(uintptr_t)stack, stack_size = (word_t)1 << ROOT_STACK_BITS;

    (void)image;
    for (unsigned i = 0; elf && i < elf->nsegs; i++) {
        const struct elf_segment *s = &elf->segs[i];
        word_t lo, hi;
        segment_range(s, &lo, &hi);
        next = boot_frames(vs, lo, hi, boot_segment_rights(s->flags),
                           (s->flags & PF_W) ? rw_cap : MICA_RIGHT_READ, next);
    }
    next = boot_frames(vs, stack_base, stack_base + stack_size, rw, rw_cap, next);
    bi->user_frames = (struct mica_slot_range){first, next};
    bi->user_tables = (struct mica_slot_range){next, next};
    if (vspace_map_frame(vs, &root_slots[MICA_INIT_IPC_BUFFER].cap, u->ipc_buffer, rw,
                         MICA_VM_CACHED, &missing) ||
        vspace_map_frame(vs, &root_slots[MICA_INIT_BOOTINFO].cap, u->bootinfo, rw, MICA_VM_CACHED,
                         &missing))
        kpanic("boot: cannot map the root task's IPC buffer and boot info");
    bi->stack_base = stack_base;
    bi->stack_top = stack_base + stack_size;
    bi->bootinfo_vaddr = u->bootinfo;
    klog_info("mica: root VSpace: %u frames, stack %lx, IPC buffer %lx, boot info %lx\n",
              next - first + 2, (unsigned long)stack_base, (unsigned long)u->ipc_buffer,
              (unsigned long)u->bootinfo);
    return next;
}
