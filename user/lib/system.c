/* SPDX-License-Identifier: MIT */
/*
 * Reading a system table (<mica/system.h>) and spawning one of its PDs. The table comes from
 * the build, but it is still checked here as untrusted input: every offset and count must lie
 * inside the blob and every index inside its table before mica_sys_spawn uses them.
 */
#include <string.h>

#include <mica/system.h>

#define MAX_CAPS  64
#define MAX_MAPS  16
#define MAX_WORDS 24
#define MAX_EXTRA 256 /* the loader's bundles for a supervisor */

static bool in_blob(uint32_t size, uint32_t off, uint32_t n, uint32_t each)
{
    uint64_t end = (uint64_t)off + (uint64_t)n * each;

    return off % 4 == 0 && end <= size;
}

static const char *check_refs(const struct mica_sys *s)
{
    const struct mica_sys_header *h = s->h;

    for (uint32_t i = 0; i < h->npd; i++) {
        const struct mica_sys_pd *pd = &s->pd[i];
        if (pd->name >= h->str_size || pd->elf >= h->nelf)
            return "a PD names a string or ELF that does not exist";
        if ((uint64_t)pd->first_cap + pd->ncaps > h->ncap || pd->ncaps > MAX_CAPS ||
            (uint64_t)pd->first_map + pd->nmaps > h->nmap || pd->nmaps > MAX_MAPS ||
            (uint64_t)pd->first_word + pd->nwords > h->nword || pd->nwords > MAX_WORDS)
            return "a PD's caps, maps or words are outside their tables";
        if ((pd->supervisor != MICA_SYS_NONE && pd->supervisor >= h->npd) ||
            (pd->fault_obj != MICA_SYS_NONE && pd->fault_obj >= h->nobj))
            return "a PD's supervisor or fault endpoint does not exist";
        if (pd->cnode_bits < 4 || pd->cnode_bits > 16 || pd->ut_bits >= MICA_WORD_BITS ||
            (pd->own_ut_bits && pd->own_ut_bits >= pd->ut_bits) || pd->priority > 255)
            return "a PD's sizes or priority are out of range";
    }
    for (uint32_t i = 0; i < h->ncap; i++)
        if (s->cap[i].obj >= h->nobj || s->cap[i].name >= h->str_size)
            return "a cap names an object that does not exist";
    for (uint32_t i = 0; i < h->nmap; i++)
        if (s->map[i].obj >= h->nobj || s->map[i].name >= h->str_size)
            return "a mapping names an object that does not exist";
    for (uint32_t i = 0; i < h->nword; i++)
        if (s->word[i].name >= h->str_size)
            return "a word names a string that does not exist";
    for (uint32_t i = 0; i < h->nobj; i++)
        if (s->obj[i].name >= h->str_size ||
            (s->obj[i].kind == MICA_SYS_IRQ && s->obj[i].ntfn >= h->nobj))
            return "an object names a string or notification that does not exist";
    for (uint32_t i = 0; i < h->nelf; i++)
        if (!in_blob(h->size, s->elf[i].offset & ~3u, 1, s->elf[i].size) ||
            s->elf[i].name >= h->str_size)
            return "an ELF image lies outside the blob";
    return 0;
}

mica_error_t mica_sys_open(struct mica_sys *s, const void *blob, mica_word_t size, const char **why)
{
    const struct mica_sys_header *h = blob;

    *why = 0;
    if (size < sizeof(*h) || h->magic != MICA_SYS_MAGIC)
        *why = "not a system table (bad magic)";
    else if (h->version != MICA_SYS_VERSION)
        *why = "system table version does not match this loader";
    else if (h->size > size || !in_blob(h->size, h->off_pd, h->npd, sizeof(*s->pd)) ||
             !in_blob(h->size, h->off_obj, h->nobj, sizeof(*s->obj)) ||
             !in_blob(h->size, h->off_cap, h->ncap, sizeof(*s->cap)) ||
             !in_blob(h->size, h->off_map, h->nmap, sizeof(*s->map)) ||
             !in_blob(h->size, h->off_word, h->nword, sizeof(*s->word)) ||
             !in_blob(h->size, h->off_elf, h->nelf, sizeof(*s->elf)) ||
             !in_blob(h->size, h->off_str, 1, h->str_size) || h->str_size == 0 ||
             ((const uint8_t *)blob)[h->off_str + h->str_size - 1] != 0)
        *why = "a table lies outside the blob";
    if (*why)
        return MICA_ERR_INVALID_ARGUMENT;
    s->base = blob;
    s->h = h;
    s->pd = (const void *)(s->base + h->off_pd);
    s->obj = (const void *)(s->base + h->off_obj);
    s->cap = (const void *)(s->base + h->off_cap);
    s->map = (const void *)(s->base + h->off_map);
    s->word = (const void *)(s->base + h->off_word);
    s->elf = (const void *)(s->base + h->off_elf);
    *why = check_refs(s);
    return *why ? MICA_ERR_INVALID_ARGUMENT : MICA_OK;
}

const char *mica_sys_str(const struct mica_sys *s, uint32_t off)
{
    return off < s->h->str_size ? (const char *)s->base + s->h->off_str + off : "";
}

uint32_t mica_sys_find_pd(const struct mica_sys *s, const char *name)
{
    for (uint32_t i = 0; i < s->h->npd; i++)
        if (strcmp(mica_sys_str(s, s->pd[i].name), name) == 0)
            return i;
    return MICA_SYS_NONE;
}

uint32_t mica_sys_find_obj(const struct mica_sys *s, const char *name)
{
    for (uint32_t i = 0; i < s->h->nobj; i++)
        if (strcmp(mica_sys_str(s, s->obj[i].name), name) == 0)
            return i;
    return MICA_SYS_NONE;
}

uint32_t mica_sys_obj_frames(const struct mica_sys *s, uint32_t obj)
{
    const struct mica_sys_obj *o = &s->obj[obj];

    if (o->kind != MICA_SYS_MEMORY && o->kind != MICA_SYS_DEVICE && o->kind != MICA_SYS_BLOB)
        return 0;
    return (o->size + (1u << MICA_PAGE_BITS) - 1) >> MICA_PAGE_BITS;
}

uint32_t mica_sys_bundle_size(const struct mica_sys *s, uint32_t pd)
{
    const struct mica_sys_pd *p = &s->pd[pd];
    uint32_t n = p->ncaps + 2; /* + Untyped + fault endpoint */

    for (uint32_t k = 0; k < p->nmaps; k++)
        n += mica_sys_obj_frames(s, s->map[p->first_map + k].obj);
    return n;
}

uint32_t mica_sys_bundle_slot(const struct mica_sys *s, uint32_t supervisor, uint32_t pd)
{
    uint32_t slot = s->pd[supervisor].bundle_base;

    for (uint32_t i = 0; i < pd; i++)
        if (s->pd[i].supervisor == supervisor)
            slot += mica_sys_bundle_size(s, i);
    return slot;
}

static void set_name(const struct mica_sys *s, const char **dst, uint32_t off)
{
    *dst = mica_sys_str(s, off);
}

mica_error_t mica_sys_spawn(struct mica_process *p, struct mica_env *env, const struct mica_sys *s,
                            uint32_t pd, const struct mica_sys_sources *src)
{
    static struct mica_spawn_cap caps[MAX_CAPS + 1 + MAX_EXTRA];
    static struct mica_spawn_map maps[MAX_MAPS + 4];
    static struct mica_spawn_word words[MAX_WORDS];
    static struct mica_spawn_attr a;
    const struct mica_sys_pd *d = &s->pd[pd];
    const struct mica_sys_elf *elf = &s->elf[d->elf];
    unsigned nc = 0, nm = 0;

    if (src->nextra_caps > MAX_EXTRA || src->nextra_maps > 4)
        return MICA_ERR_RANGE;
    for (uint32_t j = 0; j < d->ncaps; j++) {
        const struct mica_sys_cap *c = &s->cap[d->first_cap + j];
        struct mica_spawn_cap *sc = &caps[nc++];
        *sc = (struct mica_spawn_cap){0,         src->cap(src->ctx, pd, j),  c->slot,
                                      c->rights, src->badged ? 0 : c->badge, c->type,
                                      c->extra};
        set_name(s, &sc->name, c->name);
    }
    if (d->flags & MICA_SYS_SCHED_CONTROL)
        caps[nc++] = (struct mica_spawn_cap){"sched_control",
                                             src->sched_control,
                                             d->sched_control_slot,
                                             MICA_RIGHTS_ALL,
                                             0,
                                             MICA_CAP_SCHED_CONTROL,
                                             0};
    for (unsigned i = 0; i < src->nextra_caps; i++)
        caps[nc++] = src->extra_caps[i];
    for (uint32_t k = 0; k < d->nmaps; k++) {
        const struct mica_sys_map *m = &s->map[d->first_map + k];
        const struct mica_sys_obj *o = &s->obj[m->obj];
        struct mica_spawn_map *sm = &maps[nm++];
        *sm = (struct mica_spawn_map){0,
                                      src->frames(src->ctx, pd, k),
                                      mica_sys_obj_frames(s, m->obj),
                                      MICA_PAGE_BITS,
                                      m->vaddr,
                                      m->rights,
                                      m->attr,
                                      o->paddr_lo | ((mica_word_t)o->paddr_hi << 16 << 16)};
        set_name(s, &sm->name, m->name);
    }
    for (unsigned i = 0; i < src->nextra_maps; i++)
        maps[nm++] = src->extra_maps[i];
    for (uint32_t i = 0; i < d->nwords; i++) {
        const struct mica_sys_word *w = &s->word[d->first_word + i];
        words[i] = (struct mica_spawn_word){mica_sys_str(s, w->name), w->value, w->slot};
    }
    a = (struct mica_spawn_attr){
        .name = mica_sys_str(s, d->name),
        .elf = s->base + elf->offset,
        .elf_size = elf->size,
        .priority = d->priority,
        .mcp = d->mcp,
        .budget_us = d->budget_us,
        .period_us = d->period_us,
        .sc_badge = pd + 1,
        .stack_size = d->stack,
        .heap_size = d->heap,
        .cnode_bits = d->cnode_bits,
        .ut_bits = d->own_ut_bits,
        .ut_slot = d->own_ut_slot,
        .fault_ep = src->fault_ep,
        .caps = caps,
        .ncaps = nc,
        .maps = maps,
        .nmaps = nm,
        .words = words,
        .nwords = d->nwords,
        .page_hook = src->page_hook,
        .page_ctx = src->page_ctx,
    };
    return mica_process_spawn(p, env, src->ut, d->ut_bits, &a);
}
