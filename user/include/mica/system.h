/* SPDX-License-Identifier: MIT */
/*
 * A system: protection domains (PDs), the objects they share and who supervises whom, as
 * tools/sysgen.py compiles a system description (TOML, docs/systems.md) into a table. The
 * table and the PDs' ELF images form one blob, embedded in the system loader's image (the root
 * task, user/sysloader): the loader makes the objects and spawns the PDs nobody supervises;
 * a supervisor spawns (and restarts) its own PDs from the same table, which the loader maps into
 * it. No code is generated per system: every system runs the same loader.
 *
 * The layout is little-endian 32-bit words; tools/sysgen.py writes it (keep both in step, and
 * bump MICA_SYS_VERSION when it changes). mica_sys_open checks every offset, count and index
 * before anything is used.
 */
#ifndef MICA_SYSTEM_H
#define MICA_SYSTEM_H

#include <stdint.h>

#include <mica/process.h>

#define MICA_SYS_MAGIC   0x5359534du /* "MSYS" */
#define MICA_SYS_VERSION 1
#define MICA_SYS_NONE    0xffffffffu /* no PD / no object */

struct mica_sys_header {
    uint32_t magic, version, size;
    uint32_t npd, nobj, ncap, nmap, nword, nelf;
    uint32_t off_pd, off_obj, off_cap, off_map, off_word, off_elf, off_str, str_size;
    uint32_t sys_name; /* string offset */
};

/* Badges of fault messages and exits: bit 31 and the PD's index + 1. Channel badges of clients
 * are below it, so a PD that takes faults on a channel it serves (faults_on) tells them apart. */
#define MICA_SYS_FAULT_BIT 0x80000000u

enum mica_sys_pd_flag {
    MICA_SYS_AUTOSTART = 1,     /* its spawner starts it at once */
    MICA_SYS_SCHED_CONTROL = 2, /* it holds SchedControl ("sched_control") */
    MICA_SYS_HANDLER = 4,       /* faults of other PDs come to its "faults" endpoint */
};

struct mica_sys_pd {
    uint32_t name, elf;
    uint32_t priority, mcp, budget_us, period_us;
    uint32_t stack, heap;              /* bytes */
    uint32_t cnode_bits, ut_bits;      /* its CSpace; the Untyped all of it comes from */
    uint32_t own_ut_bits, own_ut_slot; /* "ut": an Untyped of its own (0 bits: none) */
    uint32_t supervisor;               /* PD index, or MICA_SYS_NONE: the loader spawns it */
    uint32_t fault_obj, fault_badge;   /* its fault endpoint (MICA_SYS_NONE: none) and badge */
    uint32_t first_cap, ncaps, first_map, nmaps;
    uint32_t first_word, nwords; /* who its clients are: named words of its info */
    uint32_t flags;              /* enum mica_sys_pd_flag */
    uint32_t bundle_base;        /* supervisors: first slot of their children's bundles */
    uint32_t sched_control_slot;
};

/* The endpoint where the faults and exits of PDs without a supervisor or fault handler go: the
 * loader's own. */
#define MICA_SYS_LOADER_FAULTS "faults:sysloader"

enum mica_sys_obj_kind {
    MICA_SYS_ENDPOINT = 1,
    MICA_SYS_NOTIFICATION,
    MICA_SYS_MEMORY, /* size bytes of RAM, frames of one page */
    MICA_SYS_DEVICE, /* size bytes of device memory at paddr */
    MICA_SYS_IRQ,    /* line `size`, signalling notification object ntfn with bit badge */
    MICA_SYS_BLOB,   /* this blob, read-only (mapped into supervisors) */
};

struct mica_sys_obj {
    uint32_t kind, name;
    uint32_t size;
    uint32_t paddr_lo, paddr_hi;
    uint32_t ntfn, badge;
    uint32_t reserved;
};

/* A cap in a PD's CSpace: object obj minted with rights and badge into slot. */
struct mica_sys_cap {
    uint32_t name, obj, slot, rights, badge;
    uint32_t type;  /* enum mica_cap_type, for the PD's info */
    uint32_t extra; /* IRQs: the notification bit */
    uint32_t reserved;
};

/* Memory of object obj mapped into a PD at vaddr. */
struct mica_sys_map {
    uint32_t name, obj, vaddr, rights, attr;
    uint32_t reserved[3];
};

/* A client of a PD: the PD called name sends with badge value through the PD's cap in slot
 * (a channel it serves, or where its faults come). */
struct mica_sys_word {
    uint32_t name, value, slot, reserved;
};

struct mica_sys_elf {
    uint32_t name, offset, size, reserved;
};

struct mica_sys {
    const uint8_t *base;
    const struct mica_sys_header *h;
    const struct mica_sys_pd *pd;
    const struct mica_sys_obj *obj;
    const struct mica_sys_cap *cap;
    const struct mica_sys_map *map;
    const struct mica_sys_word *word;
    const struct mica_sys_elf *elf;
};

/* Check the blob (size bytes) and fill s. MICA_ERR_INVALID_ARGUMENT on anything out of bounds,
 * with *why set to what. */
mica_error_t mica_sys_open(struct mica_sys *s, const void *blob, mica_word_t size,
                           const char **why);
/* A string of the table (never NULL). */
const char *mica_sys_str(const struct mica_sys *s, uint32_t off);
/* The PD called name, or MICA_SYS_NONE. */
uint32_t mica_sys_find_pd(const struct mica_sys *s, const char *name);
/* Frames an object is made of (memory and device objects; 0 for the others). */
uint32_t mica_sys_obj_frames(const struct mica_sys *s, uint32_t obj);

/* The object called name, or MICA_SYS_NONE. */
uint32_t mica_sys_find_obj(const struct mica_sys *s, const char *name);

/* A bundle: what a supervisor gets from the loader for each PD it supervises, in consecutive
 * slots from its bundle_base, in PD order: the PD's caps (minted as its CSpace will hold them),
 * the frames of its mappings, its Untyped, its fault endpoint (badged). */
uint32_t mica_sys_bundle_size(const struct mica_sys *s, uint32_t pd);
uint32_t mica_sys_bundle_slot(const struct mica_sys *s, uint32_t supervisor, uint32_t pd);

/*
 * Spawn PD `pd` of the table. The caller says where its sources are: src(ctx, obj) the caller's
 * cap to object obj (an unbadged original, or, for a supervisor, cap_base + j: the bundle's j-th
 * cap), frames(ctx, map) the first of the caller's frames of mapping map, ut the Untyped all of
 * it comes from, fault_ep the badged fault endpoint. extra caps and maps go in too (the loader's
 * bundles for supervisors, the table's own pages).
 */
struct mica_sys_sources {
    void *ctx;
    mica_cptr_t (*cap)(void *ctx, uint32_t pd, uint32_t j);    /* source of the PD's j-th cap */
    mica_cptr_t (*frames)(void *ctx, uint32_t pd, uint32_t k); /* first frame of its k-th map */
    mica_cptr_t ut, fault_ep, sched_control;
    bool badged; /* the caps from cap() carry their badges already (a supervisor's bundle) */
    const struct mica_spawn_cap *extra_caps;
    unsigned nextra_caps;
    const struct mica_spawn_map *extra_maps;
    unsigned nextra_maps;
    mica_spawn_page_hook page_hook; /* as struct mica_spawn_attr's */
    void *page_ctx;
};
mica_error_t mica_sys_spawn(struct mica_process *p, struct mica_env *env, const struct mica_sys *s,
                            uint32_t pd, const struct mica_sys_sources *src);

#endif
