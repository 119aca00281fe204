/* SPDX-License-Identifier: MIT */
/* Boot: the root task's CSpace, Untyped caps and boot-info frame (boot.c), and with an MMU its
 * address space (boot_vspace.c). */
#ifndef MICA_BOOT_H
#define MICA_BOOT_H

#include "elf.h"
#include "object.h"

#define ROOT_CNODE_BITS 12
#define ROOT_STACK_BITS 16

void boot_root_task(struct boot_params *bp);

/* Boot-time memory, for boot.c and boot_vspace.c only. */
extern struct cte *root_slots;
/* Take 2^bits bytes aligned to their size from free memory, zeroed; panics when there is none. */
void *boot_alloc(unsigned bits);
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

#endif
