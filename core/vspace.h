/* SPDX-License-Identifier: MIT */
/*
 * Address spaces: VSpace, PageTable and Frame objects (vspace.c, arch-neutral) over one backend
 * that Kconfig picks: vspace_mmu.c (page tables, core/pt.c), vspace_mpu.c (region sets,
 * core/mpu_solver.c) or vspace_none.c (no memory protection: mapping is illegal).
 *
 * Every live VSpace holds an address-space id (ASID) from a static table, and its cap a tag: the
 * ASID plus how many VSpaces held that ASID before. A mapped Frame or PageTable cap records the
 * tag, never a pointer (seL4 records the ASID), so a cap that outlives its VSpace finds nothing,
 * even once another VSpace has the ASID.
 */
#ifndef MICA_VSPACE_H
#define MICA_VSPACE_H

#include "object.h"
#include "smp.h"

/* ASIDs 1..VSPACE_ASIDS-1 go to VSpaces; 0 means "none" (an unmapped cap, the kernel-only
 * address space a thread without a VSpace runs in). A tag is generation << VSPACE_ASID_BITS | ASID:
 * VSpace caps keep theirs in data, mapped Frame and PageTable caps in extra. Without an MMU the id
 * is no hardware ASID, only the tag's index, and Kconfig makes the table small. */
#define VSPACE_ASID_BITS CONFIG_VSPACE_ID_BITS
#define VSPACE_ASIDS     (1u << VSPACE_ASID_BITS)

static inline word_t vspace_asid(word_t tag)
{
    return tag & (VSPACE_ASIDS - 1);
}

struct tcb;

/* Retype may create n more VSpaces (an ASID each). */
bool vspace_asids_available(word_t n);
/* A VSpace object was created in zeroed memory at kva: give its cap an ASID and tag (cap->data). */
void vspace_create(struct cap *c, void *kva);
/* The last VSpace cap is gone: release its ASID, flush it, leave mappings in it stale. */
void vspace_destroy(const struct cap *c);
/* The last PageTable cap is gone: unlink the table if it is still mapped. */
void vspace_page_table_destroy(const struct cap *c);
/* A Frame cap is gone (final or not): remove the mapping it made, if any. */
void vspace_frame_cap_deleted(const struct cap *c);

/* The VSpace object a tag names, or NULL once that VSpace is gone. */
void *vspace_lookup(word_t tag);

/* The backend's (below), declared here for vspace_switch. */
void vspace_backend_activate(void *vs, word_t asid);

/* Make t's VSpace current on CPU cpu (this one) if it is not already (no-op on hosted without an
 * MMU/MPU): inline, one comparison when consecutive threads share a VSpace, and one call to the
 * backend when they do not. (Without a backend, vspace_backend_activate does nothing: no need to
 * test vspace_backend_present here.) */
static inline void vspace_switch(struct cpu *cpu, struct tcb *t)
{
    const struct cap *c = &t->slots[TCB_VSPACE].cap;
    bool has = c->type == MICA_OBJ_VSPACE;
    word_t *active = &cpu->vspace_active;

    if (*active == ((has ? c->obj : 0) | 1))
        return;
    *active = (has ? c->obj : 0) | 1;
    vspace_backend_activate(has ? cap_ptr(c) : NULL, has ? vspace_asid(c->data) : 0);
}

/* The kernel-only space current on this CPU (an idle CPU, so that no VSpace it ran is in use
 * while the CPU does not hold the kernel lock). */
static inline void vspace_idle(void)
{
    word_t *active = &smp_this_cpu()->vspace_active;

    if (*active == 1)
        return;
    *active = 1;
    vspace_backend_activate(NULL, 0);
}

#ifdef CONFIG_MMU
/* The token that makes each ASID's VSpace current (vspace_mmu.c, hal_vspace_token). */
extern word_t vspace_asid_token[];

/* vspace_switch for a thread known to have a VSpace, on an MMU: all inline (no call, so that the
 * IPC fast path needs no stack frame): one comparison, and a token load when it changes. */
static inline __attribute__((always_inline)) void vspace_switch_mmu(struct cpu *cpu, struct tcb *t)
{
    const struct cap *c = &t->slots[TCB_VSPACE].cap;
    word_t *active = &cpu->vspace_active;

    if (*active == (c->obj | 1))
        return;
    *active = c->obj | 1;
    hal_vspace_load(vspace_asid_token[vspace_asid(c->data)]);
}
#endif

/*
 * Mapping done by the kernel itself at boot (boot_vspace.c). Map frame cap f (a Frame of the
 * root task) at vaddr in the VSpace of cap vs; a missing level is reported like Frame_Map does.
 * On success f records the mapping.
 */
int vspace_map_frame(const struct cap *vs, struct cap *f, word_t vaddr, unsigned rights,
                     unsigned attr, unsigned *missing);
/* Link PageTable cap pt below vaddr; on success pt records the mapping (*level as well). */
int vspace_map_table(const struct cap *vs, struct cap *pt, word_t vaddr, unsigned *level);

/* ---- The backend (one of vspace_mmu.c, vspace_mpu.c, vspace_none.c) ---- */

/* Nonzero if the backend maps at all (0: every mapping invocation is ILLEGAL_OPERATION). */
extern const bool vspace_backend_present;
/* Page tables exist (MMU backend). */
extern const bool vspace_backend_tables;
/* First user address mappings may not use (boot info's user_vaddr_top). */
extern const word_t vspace_backend_user_top;
/* Hardware regions a VSpace may use (MPU; boot info's mpu_regions), 0 without an MPU. */
extern const word_t vspace_backend_regions;

/* A new VSpace at vs with its ASID. */
void vspace_backend_init(void *vs, word_t asid);
/* Map (checks first, changes nothing on error). frame_bits is log2 of the frame's size. */
int vspace_backend_map(void *vs, word_t asid, word_t vaddr, paddr_t pa, unsigned frame_bits,
                       unsigned rights, unsigned attr, unsigned *missing);
int vspace_backend_remap(void *vs, word_t asid, word_t vaddr, paddr_t pa, unsigned frame_bits,
                         unsigned rights, unsigned attr);
/* Remove the mapping of pa at vaddr if it is still there; never fails. */
void vspace_backend_unmap(void *vs, word_t asid, word_t vaddr, paddr_t pa, unsigned frame_bits);
int vspace_backend_map_table(void *vs, word_t vaddr, paddr_t table, unsigned *level);
/* Detach the table (vs NULL: its VSpace is gone) and empty it; never fails. */
void vspace_backend_unmap_table(void *vs, word_t asid, word_t vaddr, unsigned level, paddr_t table);
/* The VSpace's ASID is about to be released. */
void vspace_backend_destroy(void *vs, word_t asid);

#endif
