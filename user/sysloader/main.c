/* SPDX-License-Identifier: MIT */
/*
 * The system loader: the root task of every system image (configure.py --system). It reads the
 * table tools/sysgen.py compiled from the system description (embedded as system_blob), makes
 * the objects the PDs share (endpoints, notifications, shared memory, device frames, IRQ
 * handlers), an Untyped for each PD, and spawns the PDs nobody supervises; each supervisor gets
 * a bundle per PD it supervises and spawns those itself. Faults and exits of PDs without a
 * handler come back here and are reported on the console.
 */
#include <string.h>

#include <mica/system.h>

#define PAGE    ((mica_word_t)1 << MICA_PAGE_BITS)
#define MAX_OBJ 128
#define MAX_PD  32

extern const char system_blob_start[], system_blob_end[];
extern const char __mica_image_start[];

static struct mica_env env;
static struct mica_sys sys;
static mica_cptr_t obj_slot[MAX_OBJ]; /* the object's cap (its first frame for memory) */
static mica_cptr_t pd_ut[MAX_PD];
static struct mica_process procs[MAX_PD];
static struct mica_spawn_cap bundle[256];

static mica_cptr_t src_cap(void *ctx, uint32_t pd, uint32_t j)
{
    (void)ctx;
    return obj_slot[sys.cap[sys.pd[pd].first_cap + j].obj];
}

static mica_cptr_t src_frames(void *ctx, uint32_t pd, uint32_t k)
{
    (void)ctx;
    return obj_slot[sys.map[sys.pd[pd].first_map + k].obj];
}

/* MPU boards: our image is made of frames of several sizes, so the table's pages are not frames
 * of their own to share. A copy in fresh frames (one Retype: consecutive, so one region wherever
 * they are mapped), written through a mapping of each at its own address, unmapped again. */
static mica_error_t copy_blob(uint32_t frames, mica_cptr_t *first)
{
    mica_error_t err =
        mica_alloc_objects(&env.alloc, MICA_OBJ_FRAME, MICA_PAGE_BITS, frames, first);
    mica_word_t pa, size = (mica_word_t)(system_blob_end - system_blob_start);

    if (err || (err = mica_frame_get_address(*first, &pa)))
        return err;
    for (uint32_t j = 0; j < frames && !err; j++)
        err = mica_vspace_map(&env.vspace, *first + j, pa + j * PAGE, MICA_VM_READ | MICA_VM_WRITE,
                              MICA_VM_CACHED);
    if (!err)
        memcpy((void *)pa, system_blob_start, size);
    for (uint32_t j = 0; j < frames; j++)
        mica_frame_unmap(*first + j);
    return err;
}

static mica_error_t make_object(uint32_t i, const struct mica_bootinfo *bi)
{
    const struct mica_sys_obj *o = &sys.obj[i];
    mica_word_t paddr = o->paddr_lo | ((mica_word_t)o->paddr_hi << 16 << 16);
    uint32_t frames = mica_sys_obj_frames(&sys, i);
    mica_error_t err;

    switch (o->kind) {
    case MICA_SYS_ENDPOINT:
        return mica_alloc_object(&env.alloc, MICA_OBJ_ENDPOINT, 0, &obj_slot[i]);
    case MICA_SYS_NOTIFICATION:
        return mica_alloc_object(&env.alloc, MICA_OBJ_NOTIFICATION, 0, &obj_slot[i]);
    case MICA_SYS_MEMORY:
        return mica_alloc_objects(&env.alloc, MICA_OBJ_FRAME, MICA_PAGE_BITS, frames, &obj_slot[i]);
    case MICA_SYS_DEVICE:
        return mica_alloc_device_frames(&env.alloc, paddr, MICA_PAGE_BITS, frames, &obj_slot[i]);
    case MICA_SYS_BLOB:
        if (env.flags & MICA_BOOT_FLAG_MPU)
            return copy_blob(frames, &obj_slot[i]);
        /* Our own pages: boot info lists our image's frames in address order. */
        obj_slot[i] =
            bi->user_frames.start + (mica_word_t)(system_blob_start - __mica_image_start) / PAGE;
        return MICA_OK;
    case MICA_SYS_IRQ: {
        mica_cptr_t n;
        if (!(obj_slot[i] = mica_slot_alloc(&env.alloc)))
            return MICA_ERR_RANGE;
        if ((err = mica_irq_control_get(MICA_INIT_IRQ_CONTROL, o->size, MICA_INIT_CNODE,
                                        obj_slot[i], MICA_WORD_BITS)))
            return err;
        /* Objects come in table order and the generator puts a notification first. */
        if (!(n = mica_alloc_mint(&env.alloc, obj_slot[o->ntfn], MICA_RIGHT_WRITE, o->badge)))
            return MICA_ERR_RANGE;
        return mica_irq_handler_set_notification(obj_slot[i], n);
    }
    default: return MICA_ERR_INVALID_ARGUMENT;
    }
}

/* The bundles of the PDs `sup` supervises: their caps, frames, Untyped and fault endpoint, in the
 * slots mica_sys_bundle_slot says. */
static unsigned make_bundles(uint32_t sup, mica_error_t *err)
{
    unsigned n = 0;

    for (uint32_t c = 0; c < sys.h->npd && !*err; c++) {
        const struct mica_sys_pd *d = &sys.pd[c];
        if (d->supervisor != sup)
            continue;
        mica_word_t slot = mica_sys_bundle_slot(&sys, sup, c);
        if (n + mica_sys_bundle_size(&sys, c) > sizeof(bundle) / sizeof(bundle[0])) {
            *err = MICA_ERR_RANGE;
            break;
        }
        for (uint32_t j = 0; j < d->ncaps; j++) {
            const struct mica_sys_cap *cap = &sys.cap[d->first_cap + j];
            bundle[n++] = (struct mica_spawn_cap){
                0, obj_slot[cap->obj], slot++, cap->rights, cap->badge, cap->type, 0};
        }
        for (uint32_t k = 0; k < d->nmaps; k++) {
            uint32_t obj = sys.map[d->first_map + k].obj;
            for (uint32_t f = 0; f < mica_sys_obj_frames(&sys, obj); f++)
                bundle[n++] = (struct mica_spawn_cap){0, obj_slot[obj] + f, slot++, MICA_RIGHTS_ALL,
                                                      0, MICA_OBJ_FRAME,    0};
        }
        bundle[n++] =
            (struct mica_spawn_cap){0, pd_ut[c], slot++, MICA_RIGHTS_ALL, 0, MICA_OBJ_UNTYPED, 0};
        bundle[n++] = (struct mica_spawn_cap){
            0, obj_slot[d->fault_obj], slot++, MICA_RIGHTS_ALL, d->fault_badge, MICA_OBJ_ENDPOINT,
            0};
    }
    return n;
}

static mica_error_t spawn_top(uint32_t pd, const struct mica_bootinfo *bi)
{
    const struct mica_sys_pd *d = &sys.pd[pd];
    mica_error_t err = MICA_OK;
    struct mica_sys_sources src = {
        .cap = src_cap,
        .frames = src_frames,
        .ut = pd_ut[pd],
        .sched_control = bi->sched_control.start,
    };

    src.nextra_caps = make_bundles(pd, &err);
    src.extra_caps = bundle;
    if (err)
        return err;
    if (!(src.fault_ep =
              mica_alloc_mint(&env.alloc, obj_slot[d->fault_obj], MICA_RIGHTS_ALL, d->fault_badge)))
        return MICA_ERR_RANGE;
    return mica_sys_spawn(&procs[pd], &env, &sys, pd, &src);
}

static const char *const fault_names[] = {"none",           "memory",     "unknown syscall",
                                          "user exception", "capability", "timeout"};

/* Faults and exits of the PDs without a handler of their own: say so, leave them stopped. */
static _Noreturn void serve_faults(mica_cptr_t ep)
{
    mica_cptr_t reply = 0;
    mica_word_t badge, info;

    mica_alloc_object(&env.alloc, MICA_OBJ_REPLY, 0, &reply);
    for (;;) {
        if (mica_recv(ep, reply, &badge, &info) != MICA_OK)
            continue;
        mica_word_t label = mica_msginfo_label(info), pd = (badge & ~MICA_SYS_FAULT_BIT) - 1;
        const char *name = (badge & MICA_SYS_FAULT_BIT) && pd < sys.h->npd
                               ? mica_sys_str(&sys, sys.pd[pd].name)
                               : "?";

        if (label == MICA_PROC_EXIT)
            mica_printf("sysloader: pd '%s' exited with status %ld\n", name, (long)mica_get_mr(0));
        else
            mica_printf("sysloader: pd '%s' stopped: %s fault at pc 0x%lx (address 0x%lx)\n", name,
                        label < 6 ? fault_names[label] : "unknown", (unsigned long)mica_get_mr(0),
                        (unsigned long)mica_get_mr(1));
    }
}

int mica_main(const struct mica_bootinfo *bi)
{
    const char *why;
    mica_error_t err;

    mica_env_init_root(&env, bi);
    if (mica_sys_open(&sys, system_blob_start, (mica_word_t)(system_blob_end - system_blob_start),
                      &why)) {
        mica_printf("sysloader: bad system table: %s\n", why);
        return 1;
    }
    if (sys.h->nobj > MAX_OBJ || sys.h->npd > MAX_PD) {
        mica_printf("sysloader: the system has more than %d objects or %d PDs\n", MAX_OBJ, MAX_PD);
        return 1;
    }
    mica_printf("sysloader: system '%s' on %s: %u PDs, %u objects\n",
                mica_sys_str(&sys, sys.h->sys_name), bi->board, sys.h->npd, sys.h->nobj);
    for (uint32_t i = 0; i < sys.h->nobj; i++)
        if ((err = make_object(i, bi))) {
            mica_printf("sysloader: object '%s': error %d\n", mica_sys_str(&sys, sys.obj[i].name),
                        err);
            return 1;
        }
    for (uint32_t i = 0; i < sys.h->npd; i++)
        if ((err = mica_alloc_object(&env.alloc, MICA_OBJ_UNTYPED, sys.pd[i].ut_bits, &pd_ut[i]))) {
            mica_printf("sysloader: pd '%s': no Untyped of 2^%u bytes: error %d\n",
                        mica_sys_str(&sys, sys.pd[i].name), sys.pd[i].ut_bits, err);
            return 1;
        }
    for (uint32_t i = 0; i < sys.h->npd; i++) {
        if (sys.pd[i].supervisor != MICA_SYS_NONE)
            continue;
        if ((err = spawn_top(i, bi))) {
            mica_printf("sysloader: pd '%s': spawn failed: error %d\n",
                        mica_sys_str(&sys, sys.pd[i].name), err);
            return 1;
        }
    }
    uint32_t faults = mica_sys_find_obj(&sys, MICA_SYS_LOADER_FAULTS);
    if (faults == MICA_SYS_NONE) {
        /* Every PD has a handler: nothing comes back here. */
        for (;;)
            mica_tcb_suspend(MICA_INIT_TCB);
    }
    serve_faults(obj_slot[faults]);
}
