/* SPDX-License-Identifier: MIT */
/*
 * Spawning a process from an ELF image (<mica/process.h>). The image is checked by the kernel's
 * own ELF validator (core/elf.c, linked into the user library too).
 *
 * MMU boards: each page of the loaded segments gets a fresh frame, written through a scratch
 * mapping in the spawner's address space and mapped into the new VSpace at its link address with
 * the rights of the segments that cover it; stack, IPC buffer, heap and info page go to the fixed
 * addresses of process.h.
 *
 * MPU boards, where a frame maps only at its own physical address: the image must be position
 * independent (ET_DYN). Everything the process runs in is one block of physical memory, laid out
 *
 *   image (its segments at the distances they are linked at) | stack | IPC buffer | heap | info
 *
 * made of frames cut at every change of rights (largest aligned power of two first) from an
 * Untyped of its own, so the MPU merges them into few regions: code (read, execute), everything
 * writable from the image's data to the heap (read, write), the info page (read). The spawner
 * maps the block into its own VSpace for a moment, copies the segments, adds the block's distance
 * from the link address to every word the image's R_ARM_RELATIVE relocations name, writes the
 * info page, and unmaps it again. The stack's overflow would run into the data below it, so its
 * bottom is the thread's stack limit where the arch has one (Armv8-M's PSPLIM).
 */
#include <string.h>

#include <mica/process.h>

#include "../../core/elf.h"

#define PAGE  ((mica_word_t)1 << MICA_PAGE_BITS)
#define DEPTH MICA_WORD_BITS
/* Slots a spawn needs besides one per page: objects, page tables, cap copies, a margin. */
#define SLOT_MARGIN 64

#if defined(__riscv) && __riscv_xlen == 64
#define ELF_CLASS   64
#define ELF_MACHINE 243 /* EM_RISCV */
#elif defined(__aarch64__)
#define ELF_CLASS   64
#define ELF_MACHINE 183 /* EM_AARCH64 */
#elif defined(__arm__)
#define ELF_CLASS       32
#define ELF_MACHINE     40 /* EM_ARM */
#define R_RELATIVE      23 /* R_ARM_RELATIVE: the word += load bias (ELF for the Arm Architecture) */
#define REG_STACK_LIMIT (MICA_REG_ARCH_BASE + 17) /* PSPLIM (docs/abi.md) */
#else
#define ELF_CLASS   64
#define ELF_MACHINE 62 /* EM_X86_64: hosted, never spawned */
#endif

#define PF_X 1
#define PF_W 2
#define PF_R 4

static mica_word_t page_down(mica_word_t v)
{
    return v & ~(PAGE - 1);
}

static mica_word_t page_up(mica_word_t v)
{
    return (v + PAGE - 1) & ~(PAGE - 1);
}

static mica_word_t vm_rights(uint32_t pf)
{
    return ((pf & (PF_R | PF_W)) ? MICA_VM_READ : 0) | ((pf & PF_W) ? MICA_VM_WRITE : 0) |
           ((pf & PF_X) ? MICA_VM_EXEC : 0);
}

const struct mica_named *mica_proc_find(const struct mica_procinfo *info, unsigned kind,
                                        const char *name)
{
    for (mica_word_t i = 0; i < info->nnamed && i < MICA_PROC_MAX_NAMED; i++)
        if (info->named[i].kind == kind &&
            strncmp(info->named[i].name, name, MICA_PROC_NAME_LEN) == 0)
            return &info->named[i];
    return 0;
}

const char *mica_proc_client(const struct mica_procinfo *info, mica_word_t slot, mica_word_t badge)
{
    for (mica_word_t i = 0; i < info->nnamed && i < MICA_PROC_MAX_NAMED; i++) {
        const struct mica_named *n = &info->named[i];
        if (n->kind == MICA_NAMED_WORD && n->value == badge && n->extra == slot)
            return n->name;
    }
    return 0;
}

/* Write into frame f of another VSpace: map a copy of its cap at the spawner's scratch page. The
 * copy lives in one of the process's slots, deleted (and so unmapped) by scratch_end. */
static void *scratch_begin(struct mica_process *p, struct mica_env *env, mica_cptr_t f,
                           mica_cptr_t *copy)
{
    if (!env->scratch && !(env->scratch = mica_vspace_reserve(&env->vspace, PAGE)))
        return 0;
    *copy = mica_slot_alloc(&p->alloc);
    if (!*copy || mica_cnode_copy(p->alloc.cnode, *copy, DEPTH, p->alloc.cnode, f, DEPTH,
                                  MICA_RIGHT_READ | MICA_RIGHT_WRITE))
        return 0;
    /* Page tables for the scratch page come from env: they stay, the next spawn uses them. */
    if (mica_vspace_map(&env->vspace, *copy, env->scratch, MICA_VM_READ | MICA_VM_WRITE,
                        MICA_VM_CACHED))
        return 0;
    return (void *)env->scratch;
}

static void scratch_end(struct mica_process *p, mica_cptr_t copy)
{
    if (copy)
        mica_alloc_free(&p->alloc, copy);
}

/* Map one page of the new VSpace and tell the spawner's page hook. */
static mica_error_t pmap(struct mica_process *p, mica_cptr_t f, mica_word_t vaddr,
                         mica_word_t rights, mica_word_t attr)
{
    mica_error_t err = mica_vspace_map(&p->vspace, f, vaddr, rights, attr);

    if (!err && p->attr->page_hook)
        p->attr->page_hook(p->attr->page_ctx, vaddr, f, rights);
    return err;
}

/* The segments in address order; the number of distinct pages they cover. */
static mica_word_t sort_and_count(struct elf_info *elf)
{
    mica_word_t pages = 0, last = ~(mica_word_t)0;

    for (unsigned i = 1; i < elf->nsegs; i++)
        for (unsigned j = i; j > 0 && elf->segs[j].vaddr < elf->segs[j - 1].vaddr; j--) {
            struct elf_segment t = elf->segs[j];
            elf->segs[j] = elf->segs[j - 1];
            elf->segs[j - 1] = t;
        }
    for (unsigned i = 0; i < elf->nsegs; i++) {
        const struct elf_segment *s = &elf->segs[i];
        if (!s->memsz)
            continue;
        for (mica_word_t v = page_down(s->vaddr); v < s->vaddr + s->memsz; v += PAGE)
            if (v != last) {
                pages++;
                last = v;
            }
    }
    return pages;
}

/* Fill and map the image's pages: frames first..first+npages in address order. */
static mica_error_t load_image(struct mica_process *p, struct mica_env *env,
                               const struct elf_info *elf, const uint8_t *image, mica_cptr_t first)
{
    mica_cptr_t f = first - 1;
    mica_word_t last = ~(mica_word_t)0, rights = 0;
    mica_error_t err = MICA_OK;

    for (unsigned i = 0; i < elf->nsegs && !err; i++) {
        const struct elf_segment *s = &elf->segs[i];
        if (!s->memsz)
            continue;
        for (mica_word_t v = page_down(s->vaddr); v < s->vaddr + s->memsz && !err; v += PAGE) {
            if (v != last) {
                if (f >= first && (err = pmap(p, f, last, rights, MICA_VM_CACHED)))
                    break;
                f++;
                last = v;
                rights = 0;
            }
            rights |= vm_rights(s->flags);
            /* The part of the segment's file bytes that falls in this page. */
            mica_word_t lo = v > s->vaddr ? v : s->vaddr;
            mica_word_t hi = v + PAGE < s->vaddr + s->filesz ? v + PAGE : s->vaddr + s->filesz;
            if (lo >= hi)
                continue;
            mica_cptr_t copy = 0;
            uint8_t *dst = scratch_begin(p, env, f, &copy);
            if (!dst)
                err = MICA_ERR_RANGE;
            else
                memcpy(dst + (lo - v), image + s->offset + (lo - s->vaddr), hi - lo);
            scratch_end(p, copy);
        }
    }
    if (!err && f >= first)
        err = pmap(p, f, last, rights, MICA_VM_CACHED);
    return err;
}

/* n pages of fresh frames mapped at vaddr. */
static mica_error_t map_fresh(struct mica_process *p, mica_word_t bytes, mica_word_t vaddr,
                              mica_word_t rights, mica_cptr_t *first)
{
    mica_word_t n = page_up(bytes) / PAGE;
    mica_error_t err = mica_alloc_objects(&p->alloc, MICA_OBJ_FRAME, MICA_PAGE_BITS, n, first);

    for (mica_word_t i = 0; i < n && !err; i++)
        err = pmap(p, *first + i, vaddr + i * PAGE, rights, MICA_VM_CACHED);
    return err;
}

/* ---- MPU boards: the process's block ---- */

#define DT_NULL     0
#define DT_NEEDED   1
#define DT_RELA     7
#define DT_REL      17
#define DT_RELSZ    18
#define DT_RELENT   19
#define DT_TEXTREL  22
#define DT_JMPREL   23
#define R_ARM_NONE  0
#define BLOCK_TILES 24 /* tools/sysgen.py BLOCK_TILES; a block is cut into 5 to 10, typically */

struct tile {
    mica_cptr_t frame;
    mica_word_t off, rights;
};

/* Where things are in the block (offsets from its physical base) and the frames it is made of.
 * Static: one spawn at a time, as for the info page. */
static struct block {
    mica_word_t base, img_lo, img_size;
    mica_word_t stack, ipc, heap, info, size;
    mica_cptr_t ut;
    unsigned bits, ntiles;
    struct tile tiles[BLOCK_TILES];
} blk;

static unsigned log2_up(mica_word_t v)
{
    unsigned b = 0;

    while (((mica_word_t)1 << b) < v)
        b++;
    return b;
}

/* The rights of the block's page at off: the image's segments', then read-write up to the info
 * page, which is read-only. */
static mica_word_t block_rights(const struct elf_info *elf, mica_word_t off)
{
    mica_word_t rights = 0, v = blk.img_lo + off;

    if (off >= blk.info)
        return MICA_VM_READ;
    if (off >= blk.img_size)
        return MICA_VM_READ | MICA_VM_WRITE;
    for (unsigned i = 0; i < elf->nsegs; i++) {
        const struct elf_segment *s = &elf->segs[i];
        if (s->memsz && v < s->vaddr + s->memsz && s->vaddr < v + PAGE)
            rights |= vm_rights(s->flags);
    }
    return rights;
}

static mica_error_t block_plan(const struct elf_info *elf, mica_word_t stack, mica_word_t heap)
{
    mica_word_t lo = ~(mica_word_t)0, hi = 0;

    /* Each below 1 GiB, so no sum below can wrap. */
    if (stack > MICA_PROC_IMAGE_HI || heap > MICA_PROC_IMAGE_HI)
        return MICA_ERR_NOT_ENOUGH_MEMORY;
    for (unsigned i = 0; i < elf->nsegs; i++) {
        const struct elf_segment *s = &elf->segs[i];
        if (!s->memsz)
            continue;
        lo = page_down(s->vaddr) < lo ? page_down(s->vaddr) : lo;
        hi = page_up(s->vaddr + s->memsz) > hi ? page_up(s->vaddr + s->memsz) : hi;
    }
    blk.img_lo = lo;
    blk.img_size = hi - lo;
    blk.stack = blk.img_size;
    blk.ipc = blk.stack + stack;
    blk.heap = blk.ipc + PAGE;
    blk.info = blk.heap + page_up(heap);
    blk.size = blk.info + PAGE;
    blk.bits = log2_up(blk.size);
    return MICA_OK;
}

/*
 * The block's frames, from an Untyped of its own (the kernel aligns it to its size): each run of
 * pages with the same rights cut into the largest aligned powers of two, retyped in address
 * order, so each lands exactly where the previous one ended. What the block leaves of that
 * Untyped serves the process's other objects first.
 */
static mica_error_t block_make(struct mica_process *p, const struct elf_info *elf)
{
    mica_error_t err = mica_alloc_object(&p->alloc, MICA_OBJ_UNTYPED, blk.bits, &blk.ut);

    blk.ntiles = 0;
    for (mica_word_t off = 0; off < blk.size && !err;) {
        mica_word_t rights = block_rights(elf, off), end = off + PAGE;
        while (end < blk.size && block_rights(elf, end) == rights)
            end += PAGE;
        while (off < end && !err) {
            unsigned bits = MICA_PAGE_BITS;
            while (!(off & (((mica_word_t)2 << bits) - 1)) && off + ((mica_word_t)2 << bits) <= end)
                bits++;
            struct tile *t = &blk.tiles[blk.ntiles];
            if (blk.ntiles == BLOCK_TILES || !(t->frame = mica_slot_alloc(&p->alloc)))
                return MICA_ERR_RANGE;
            if ((err = mica_untyped_retype(blk.ut, MICA_OBJ_FRAME, bits, p->alloc.cnode, 0, 0,
                                           t->frame, 1)))
                break;
            t->off = off;
            t->rights = rights;
            blk.ntiles++;
            off += (mica_word_t)1 << bits;
        }
    }
    if (err || (err = mica_frame_get_address(blk.tiles[0].frame, &blk.base)))
        return err;
    return mica_alloc_prefer_untyped(&p->alloc, blk.ut, blk.bits, blk.size);
}

/* len bytes at link address vaddr, from the file: inside one segment's file bytes, or NULL. */
static const uint8_t *file_bytes(const struct elf_info *elf, const uint8_t *image,
                                 mica_word_t vaddr, mica_word_t len)
{
    for (unsigned i = 0; i < elf->nsegs; i++) {
        const struct elf_segment *s = &elf->segs[i];
        if (vaddr >= s->vaddr && vaddr - s->vaddr <= s->filesz &&
            len <= s->filesz - (vaddr - s->vaddr))
            return image + s->offset + (vaddr - s->vaddr);
    }
    return 0;
}

/*
 * Apply the image's relocations to its copy at mem (the block): each must be relative (the word
 * at its place += bias), its place an aligned word of the image. Anything a dynamic linker would
 * be needed for (symbols, libraries, PLT, text relocations, RELA on an arch with REL) is refused.
 */
static mica_error_t relocate(const struct elf_info *elf, const uint8_t *image, uint8_t *mem,
                             mica_word_t bias)
{
    const mica_word_t w = sizeof(mica_word_t);
    const uint8_t *dyn = image + elf->dynamic_offset;
    mica_word_t rel = 0, relsz = 0, relent = 2 * w;

    for (mica_word_t i = 0; i + 2 * w <= elf->dynamic_size; i += 2 * w) {
        mica_word_t tag, val;
        memcpy(&tag, dyn + i, w);
        memcpy(&val, dyn + i + w, w);
        if (tag == DT_NULL)
            break;
        if (tag == DT_REL)
            rel = val;
        else if (tag == DT_RELSZ)
            relsz = val;
        else if (tag == DT_RELENT)
            relent = val;
        else if (tag == DT_NEEDED || tag == DT_RELA || tag == DT_TEXTREL || tag == DT_JMPREL)
            return MICA_ERR_INVALID_ARGUMENT;
    }
    if (!relsz)
        return MICA_OK;
#if ELF_CLASS == 32 && defined(R_RELATIVE)
    const uint8_t *table = file_bytes(elf, image, rel, relsz);
    if (relent != 2 * w || !table)
        return MICA_ERR_INVALID_ARGUMENT;
    for (mica_word_t i = 0; i < relsz / relent; i++) {
        mica_word_t where, info, v;
        memcpy(&where, table + i * relent, w);
        memcpy(&info, table + i * relent + w, w);
        if ((info & 0xff) == R_ARM_NONE)
            continue;
        if ((info & 0xff) != R_RELATIVE || (info >> 8) != 0 || where % w || where < blk.img_lo ||
            where - blk.img_lo > blk.img_size - w)
            return MICA_ERR_INVALID_ARGUMENT;
        memcpy(&v, mem + (where - blk.img_lo), w);
        v += bias;
        memcpy(mem + (where - blk.img_lo), &v, w);
    }
    return MICA_OK;
#else
    (void)rel, (void)relent, (void)mem, (void)bias, (void)file_bytes;
    return MICA_ERR_INVALID_ARGUMENT; /* no relocation code for this arch */
#endif
}

/*
 * Write the block: map all of it into the spawner's own VSpace (copies of the frame caps, each at
 * its own address: one region), copy the segments, relocate, write the info page, unmap it.
 */
static mica_error_t block_write(struct mica_process *p, struct mica_env *env,
                                const struct elf_info *elf, const uint8_t *image,
                                const struct mica_procinfo *info)
{
    mica_cptr_t copies = mica_slot_alloc_range(&p->alloc, blk.ntiles);
    mica_error_t err = copies ? MICA_OK : MICA_ERR_RANGE;
    unsigned n = 0;

    for (; copies && n < blk.ntiles && !err; n++) {
        const struct tile *t = &blk.tiles[n];
        if (!(err = mica_cnode_copy(p->alloc.cnode, copies + n, DEPTH, p->alloc.cnode, t->frame,
                                    DEPTH, MICA_RIGHT_READ | MICA_RIGHT_WRITE)))
            err = mica_vspace_map(&env->vspace, copies + n, blk.base + t->off,
                                  MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED);
    }
    if (!err) {
        uint8_t *mem = (uint8_t *)blk.base;
        for (unsigned i = 0; i < elf->nsegs; i++) {
            const struct elf_segment *s = &elf->segs[i];
            memcpy(mem + (s->vaddr - blk.img_lo), image + s->offset, s->filesz);
        }
        err = relocate(elf, image, mem, blk.base - blk.img_lo);
        memcpy(mem + blk.info, info, sizeof(*info));
    }
    for (unsigned i = 0; i < n; i++)
        mica_cnode_delete(p->alloc.cnode, copies + i, DEPTH);
    if (copies)
        mica_slot_free_range(&p->alloc, copies, blk.ntiles);
    return err;
}

/* The frame of the block that holds offset off. */
static mica_cptr_t block_frame(mica_word_t off)
{
    unsigned i = 0;

    while (i + 1 < blk.ntiles && blk.tiles[i + 1].off <= off)
        i++;
    return blk.tiles[i].frame;
}

static mica_error_t block_map(struct mica_process *p)
{
    mica_error_t err = MICA_OK;

    for (unsigned i = 0; i < blk.ntiles && !err; i++)
        if (blk.tiles[i].rights)
            err = pmap(p, blk.tiles[i].frame, blk.base + blk.tiles[i].off, blk.tiles[i].rights,
                       MICA_VM_CACHED);
    return err;
}

static void name_copy(char *dst, const char *src, unsigned size)
{
    unsigned i = 0;

    for (; src && src[i] && i + 1 < size; i++)
        dst[i] = src[i];
    dst[i] = 0;
}

static void add_named(struct mica_procinfo *info, const char *name, unsigned kind,
                      mica_word_t value, mica_word_t size, mica_word_t extra)
{
    if (!name || info->nnamed == MICA_PROC_MAX_NAMED)
        return;
    struct mica_named *n = &info->named[info->nnamed++];
    name_copy(n->name, name, sizeof(n->name));
    n->kind = kind;
    n->value = value;
    n->size = size;
    n->extra = extra;
}

/* Caps into the new CSpace (and into the info), the shared mappings. */
static mica_error_t give(struct mica_process *p, const struct mica_spawn_attr *a,
                         struct mica_procinfo *info)
{
    unsigned bits = info->cnode_bits;
    mica_error_t err = MICA_OK;

    if (a->ut_bits) {
        struct mica_spawn_cap ut = {"ut",      0, a->ut_slot, MICA_RIGHTS_ALL, 0, MICA_OBJ_UNTYPED,
                                    a->ut_bits};
        struct mica_spawn_attr one = {.caps = &ut, .ncaps = 1};
        if ((err = mica_alloc_object(&p->alloc, MICA_OBJ_UNTYPED, a->ut_bits, &ut.src)) ||
            (err = give(p, &one, info)))
            return err;
    }

    for (unsigned i = 0; i < a->ncaps && !err; i++) {
        const struct mica_spawn_cap *c = &a->caps[i];
        err = mica_cnode_mint(p->cnode, c->slot, bits, p->alloc.cnode, c->src, DEPTH, c->rights,
                              c->badge);
        add_named(info, c->name, MICA_NAMED_CAP, c->slot, c->type, c->extra);
        if (c->type == MICA_OBJ_UNTYPED)
            add_named(info, c->name, MICA_NAMED_UNTYPED, c->slot, c->extra, 0);
        if (c->slot >= info->empty.start && c->slot < info->empty.end)
            info->empty.start = c->slot + 1;
    }
    for (unsigned i = 0; i < a->nmaps && !err; i++) {
        const struct mica_spawn_map *m = &a->maps[i];
        mica_cptr_t copies = mica_slot_alloc_range(&p->alloc, m->n);
        mica_word_t vaddr = m->vaddr;
        if (!copies)
            return MICA_ERR_RANGE;
        /* MPU: memory is where it is (the spawner's frames are consecutive, e.g. one Retype). */
        if ((info->flags & MICA_BOOT_FLAG_MPU) && (err = mica_frame_get_address(m->frames, &vaddr)))
            return err;
        for (mica_word_t j = 0; j < m->n && !err; j++)
            if (!(err = mica_cnode_copy(p->alloc.cnode, copies + j, DEPTH, p->alloc.cnode,
                                        m->frames + j, DEPTH, MICA_RIGHTS_ALL)))
                err = pmap(p, copies + j, vaddr + (j << m->frame_bits), m->rights, m->attr);
        add_named(info, m->name, MICA_NAMED_MEM, vaddr, m->n << m->frame_bits, m->paddr);
    }
    for (unsigned i = 0; i < a->nwords; i++)
        add_named(info, a->words[i].name, MICA_NAMED_WORD, a->words[i].value, 0, a->words[i].extra);
    return err;
}

/* The fixed slots: its TCB, its CNode (guarded to the whole word), its VSpace. */
static mica_error_t fixed_caps(struct mica_process *p, unsigned bits, mica_cptr_t guarded)
{
    mica_error_t err;

    if ((err = mica_cnode_copy(p->cnode, MICA_PROC_TCB, bits, p->alloc.cnode, p->tcb, DEPTH,
                               MICA_RIGHTS_ALL)) ||
        (err = mica_cnode_copy(p->cnode, MICA_PROC_CNODE, bits, p->alloc.cnode, guarded, DEPTH,
                               MICA_RIGHTS_ALL)))
        return err;
    return mica_cnode_copy(p->cnode, MICA_PROC_VSPACE, bits, p->alloc.cnode, p->vspace.cap, DEPTH,
                           MICA_RIGHTS_ALL);
}

static mica_error_t write_info(struct mica_process *p, struct mica_env *env,
                               const struct mica_procinfo *info)
{
    mica_cptr_t f, copy = 0;
    mica_error_t err = map_fresh(p, sizeof(*info), MICA_PROC_INFO, MICA_VM_READ, &f);
    void *dst;

    if (err)
        return err;
    if (!(dst = scratch_begin(p, env, f, &copy)))
        err = MICA_ERR_RANGE;
    else
        memcpy(dst, info, sizeof(*info));
    scratch_end(p, copy);
    return err;
}

static mica_error_t build(struct mica_process *p, struct mica_env *env,
                          const struct mica_spawn_attr *a, struct elf_info *elf, mica_word_t pages)
{
    static struct mica_procinfo info; /* a page: not on the stack */
    unsigned bits = a->cnode_bits ? a->cnode_bits : 8;
    mica_word_t stack = a->stack_size ? page_up(a->stack_size) : MICA_THREAD_STACK;
    mica_cptr_t vs, img, stk, heap, guarded;
    mica_error_t err;

    info = (struct mica_procinfo){.magic = MICA_PROCINFO_MAGIC, .flags = env->flags};
    info.user_top = env->user_top;
    name_copy(info.name, a->name, sizeof(info.name));
    name_copy(info.board, env->board, sizeof(info.board));

    info.cnode_bits = bits;
    info.priority = a->priority;
    info.mcp = a->mcp;

    info.empty = (struct mica_slot_range){MICA_PROC_FIRST_FREE, (mica_word_t)1 << bits};
    info.heap = a->heap_size ? MICA_PROC_HEAP : 0;
    info.heap_size = page_up(a->heap_size);
    info.window_lo = MICA_PROC_WINDOW_LO;
    info.window_hi = MICA_PROC_WINDOW_HI;
    info.stack_base = MICA_PROC_STACK_TOP - stack;
    info.stack_top = MICA_PROC_STACK_TOP;
    info.ipc_buffer = MICA_PROC_IPC_BUFFER;
    mica_word_t info_addr = MICA_PROC_INFO;
    if (elf->pie) {
        /* MPU: the block first (its Untyped is aligned to its size, so it goes before the
         * objects), then everything is where the block is. */
        if ((err = block_plan(elf, stack, a->heap_size)) || (err = block_make(p, elf)))
            return err;
        info.window_lo = info.window_hi = 0;
        info.heap = a->heap_size ? blk.base + blk.heap : 0;
        info.stack_base = blk.base + blk.stack;
        info.stack_top = blk.base + blk.ipc;
        info.ipc_buffer = blk.base + blk.ipc;
        info_addr = blk.base + blk.info;
        p->entry += blk.base - blk.img_lo;
    }
    if ((err = mica_alloc_object(&p->alloc, MICA_OBJ_CNODE, bits, &p->cnode)) ||
        (err = mica_alloc_object(&p->alloc, MICA_OBJ_VSPACE, 0, &vs)) ||
        (err = mica_alloc_object(&p->alloc, MICA_OBJ_TCB, 0, &p->tcb)))
        return err;
    mica_vspace_init(&p->vspace, vs, &p->alloc, env->flags, 0, 0, false);
    if (elf->pie) {
        p->ipc_frame = block_frame(blk.ipc);
    } else if ((err = mica_alloc_objects(&p->alloc, MICA_OBJ_FRAME, MICA_PAGE_BITS, pages, &img)) ||
               (err = load_image(p, env, elf, a->elf, img)) ||
               (err = map_fresh(p, stack, MICA_PROC_STACK_TOP - stack, MICA_VM_READ | MICA_VM_WRITE,
                                &stk)) ||
               (err = map_fresh(p, PAGE, MICA_PROC_IPC_BUFFER, MICA_VM_READ | MICA_VM_WRITE,
                                &p->ipc_frame)) ||
               (a->heap_size && (err = map_fresh(p, a->heap_size, MICA_PROC_HEAP,
                                                 MICA_VM_READ | MICA_VM_WRITE, &heap))))
        return err;
    if (!(guarded = mica_slot_alloc(&p->alloc)))
        return MICA_ERR_RANGE;
    if ((err = mica_cnode_mint(p->alloc.cnode, guarded, DEPTH, p->alloc.cnode, p->cnode, DEPTH,
                               MICA_RIGHTS_ALL, MICA_CNODE_GUARD(0, MICA_WORD_BITS - bits))) ||
        (err = fixed_caps(p, bits, guarded)) || (err = give(p, a, &info)))
        return err;
    if (elf->pie)
        err = block_write(p, env, elf, a->elf, &info);
    if (err || (elf->pie ? (err = block_map(p)) : (err = write_info(p, env, &info))) ||
        (err = mica_tcb_configure(p->tcb, guarded, vs, info.ipc_buffer, p->ipc_frame)) ||
        (err = mica_tcb_set_priority(p->tcb, env->self_tcb, a->priority)) ||
        (a->mcp && (err = mica_tcb_set_mc_priority(p->tcb, env->self_tcb, a->mcp))) ||
        (a->fault_ep && (err = mica_tcb_set_fault_handler(p->tcb, a->fault_ep))))
        return err;
    if (a->budget_us) {
        mica_word_t period = a->period_us ? a->period_us : a->budget_us;
        if (!env->sched_control)
            return MICA_ERR_INVALID_CAPABILITY;
        if ((err = mica_alloc_object(&p->alloc, MICA_OBJ_SCHED_CONTEXT, 0, &p->sc)) ||
            (err = mica_sched_control_configure(env->sched_control, p->sc, a->budget_us, period, 0,
                                                a->sc_badge)) ||
            (err = mica_sched_context_bind(p->sc, p->tcb)))
            return err;
    }
    mica_word_t regs[3] = {p->entry, info.stack_top, info_addr};
    if ((err = mica_tcb_write_registers(p->tcb, 0, MICA_REG_PC, 3, regs)))
        return err;
#ifdef REG_STACK_LIMIT
    /* Below the stack is the image's data, not a guard page: the stack limit stops an
     * overflow. */
    if (elf->pie)
        err = mica_tcb_write_registers(p->tcb, 0, REG_STACK_LIMIT, 1, &info.stack_base);
#endif
    return err;
}

mica_error_t mica_process_spawn(struct mica_process *p, struct mica_env *env, mica_cptr_t ut,
                                unsigned ut_bits, const struct mica_spawn_attr *a)
{
    struct elf_info elf;
    mica_error_t err;

    *p = (struct mica_process){.attr = a};
    if (!(env->flags & (MICA_BOOT_FLAG_MMU | MICA_BOOT_FLAG_MPU)) ||
        !(env->flags & MICA_BOOT_FLAG_REAL_MEM))
        return MICA_ERR_ILLEGAL_OPERATION;
    /* MMU boards run executables at their link addresses; MPU boards relocate PIEs only. */
    bool mpu = env->flags & MICA_BOOT_FLAG_MPU;
    if ((mpu ? elf_check_pie : elf_check)(a->elf, a->elf_size, ELF_CLASS, ELF_MACHINE,
                                          MICA_PROC_IMAGE_LO, MICA_PROC_IMAGE_HI, &elf) != ELF_OK ||
        mpu != elf.pie)
        return MICA_ERR_INVALID_ARGUMENT;
    p->entry = (mica_word_t)elf.entry;
    mica_word_t pages = sort_and_count(&elf);
    /* MPU: the block's frames and the spawner's copies of them instead of one per page. */
    mica_word_t nslots =
        SLOT_MARGIN +
        (mpu ? 2 * BLOCK_TILES : pages + (page_up(a->stack_size) + page_up(a->heap_size)) / PAGE);
    for (unsigned i = 0; i < a->nmaps; i++)
        nslots += a->maps[i].n;
    err = ut ? mica_alloc_sub_from(&p->alloc, &env->alloc, ut, 0, ut_bits, nslots)
             : mica_alloc_sub(&p->alloc, &env->alloc, ut_bits, nslots);
    if (err)
        return err;
    if ((err = build(p, env, a, &elf, pages)) || (!a->suspended && (err = mica_process_start(p))))
        mica_process_destroy(p);
    return err;
}

mica_error_t mica_process_start(struct mica_process *p)
{
    return mica_tcb_resume(p->tcb);
}

mica_error_t mica_process_destroy(struct mica_process *p)
{
    if (p->tcb)
        mica_tcb_suspend(p->tcb);
    mica_error_t err = mica_alloc_sub_destroy(&p->alloc);
    p->tcb = p->cnode = p->sc = 0;
    return err;
}

void mica_env_init_proc(struct mica_env *env, const struct mica_procinfo *info)
{
    const struct mica_named *sc = mica_proc_find(info, MICA_NAMED_CAP, "sched_control");

    mica_alloc_init(&env->alloc, MICA_PROC_CNODE, info->empty.start,
                    info->empty.end - info->empty.start);
    for (mica_word_t i = 0; i < info->nnamed && i < MICA_PROC_MAX_NAMED; i++)
        if (info->named[i].kind == MICA_NAMED_UNTYPED)
            mica_alloc_add_untyped(&env->alloc, info->named[i].value, 0,
                                   (unsigned)info->named[i].size, false);
    mica_vspace_init(&env->vspace, MICA_PROC_VSPACE, &env->alloc, info->flags, info->window_lo,
                     info->window_hi, true);
    env->self_tcb = MICA_PROC_TCB;
    env->sched_control = sc ? sc->value : 0;
    env->flags = info->flags;
    env->user_top = info->user_top;
    env->scratch = 0;
    env->board = info->board;
}

_Noreturn void mica_proc_exit(const struct mica_procinfo *info, int status)
{
    const struct mica_named *ex = mica_proc_find(info, MICA_NAMED_CAP, "exit");

    mica_set_mr(0, (mica_word_t)status);
    if (ex)
        mica_call(ex->value, mica_msginfo(MICA_PROC_EXIT, 0, 0, 1), 0);
    for (;;)
        mica_tcb_suspend(MICA_PROC_TCB);
}
