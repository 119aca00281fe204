/* SPDX-License-Identifier: MIT */
/* Boot: the root task's CSpace, Untyped caps and boot-info frame (boot.c), and with an MMU its
 * address space (boot_vspace.c). */
#ifndef MICA_BOOT_H
#define MICA_BOOT_H

#include "elf.h"
#include "object.h"

#define ROOT_CNODE_BITS 12
#define ROOT_STACK_BITS 16

/* ELF segment flags (p_flags). */
#define PF_X 1u
#define PF_W 2u
#define PF_R 4u

/* A segment's mapping rights from its p_flags (boot_vspace.c, boot_vspace_mpu.c). */
static inline unsigned boot_segment_rights(uint32_t flags)
{
    unsigned r = 0;

    if (flags & PF_R)
        r |= MICA_VM_READ;
    if (flags & PF_W)
        r |= MICA_VM_READ | MICA_VM_WRITE; /* write-only does not exist (vm.h) */
    if (flags & PF_X)
        r |= MICA_VM_EXEC;
    return r ? r : MICA_VM_READ;
}

void boot_root_task(struct boot_params *bp);

/* Boot-time memory, for boot.c and boot_vspace.c only. */
extern struct cte *root_slots;
/* Take 2^bits bytes aligned to their size from free memory, zeroed; panics when there is none. */
void *boot_alloc(unsigned bits);
/* Take exactly [base, end) from free memory, zeroed; panics unless all of it is free. */
void *boot_take(paddr_t base, paddr_t end);
/* Put c into slot of the root CNode as a child of the derivation tree's root. */
void root_cap(unsigned slot, struct cap c);

/* How the root task starts: entry PC and SP, and the addresses of its IPC buffer and boot-info
 * frame as it sees them (the boot-info address goes into ARG0). */
struct boot_user {
    word_t entry;
    word_t sp;
    word_t ipc_buffer;
    word_t bootinfo;
};

/* The root task's stack (2^ROOT_STACK_BITS bytes), IPC buffer and boot-info frame (a page each). */
struct boot_user_mem {
    char *stack;
    void *ipc_buffer;
    struct mica_bootinfo *bi;
};

/*
 * MPU, before any other boot allocation: place the root task's ELF image (checked by elf_check)
 * in physical memory, where user addresses are: read-only segments run in place, so they must be
 * linked where the image (image, inside the kernel's) holds them; writable ones are copied to
 * their addresses, which must be free RAM, page by page. The stack, the IPC buffer and the
 * boot-info frame follow the last writable page, so that with the data they make one region.
 * Without an image (hosted's in-process root task) they are one block of free memory.
 */
void boot_vspace_place(const void *image, const struct elf_info *elf, struct boot_user_mem *m);

/*
 * Build the root task's VSpace (MMU): copy each PT_LOAD segment of the ELF image (elf checked it;
 * NULL when the root task is in-process, as on hosted) into fresh frames mapped with the
 * segment's rights, then map the stack, the IPC buffer and the boot-info frame above the image.
 * Frame and PageTable caps go into root CNode slots from first on; returns the next free slot.
 * Updates u (except where the root task runs in-process: it keeps kernel addresses) and bi's
 * address and slot-range fields.
 */
unsigned boot_vspace_build(const void *image, const struct elf_info *elf, void *stack,
                           struct mica_bootinfo *bi, struct boot_user *u, unsigned first);
/*
 * With an MPU (boot_vspace_mpu.c), the same after boot_vspace_place: Frame caps for the segments
 * (read-only ones with READ only), then the stack, all mapped at their own addresses with the
 * segments' rights; the IPC buffer and the boot-info frame read-write. u keeps its addresses.
 */

#endif
