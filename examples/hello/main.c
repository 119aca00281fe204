/* SPDX-License-Identifier: MIT */
/*
 * Hello: the root task retypes an endpoint, a reply object, a notification and two threads from
 * Untyped memory, and starts a server and a client that talk with Call / ReplyRecv. The client's
 * endpoint cap carries a badge, which is how the server knows who is calling.
 */
#include <mica/invoke.h>
#include <mica/user.h>

#define STACK_SIZE   (16 * 1024)
#define CLIENT_BADGE 0x42
#define DEPTH        MICA_WORD_BITS

static char server_stack[STACK_SIZE] __attribute__((aligned(16)));
static char client_stack[STACK_SIZE] __attribute__((aligned(16)));

/* Slots in the root CNode, from the first empty one. */
static mica_cptr_t ep, client_ep, reply, done, server_tcb, client_tcb, server_buf, client_buf;

static void server(mica_word_t arg)
{
    mica_word_t badge, info;

    (void)arg;
    mica_error_t err = mica_recv(ep, reply, &badge, &info);
    for (;;) {
        if (err) {
            mica_printf("server: receive failed: %d\n", err);
            return;
        }
        mica_word_t n = mica_get_mr(0);
        mica_printf("server: request %lu from badge 0x%lx, label %lu\n", (unsigned long)n,
                    (unsigned long)badge, (unsigned long)mica_msginfo_label(info));
        mica_set_mr(0, n * n);
        err = mica_reply_recv(ep, reply, mica_msginfo(0, 0, 0, 1), &badge, &info);
    }
}

static void client(mica_word_t arg)
{
    mica_word_t info;

    (void)arg;
    for (mica_word_t i = 1; i <= 3; i++) {
        mica_set_mr(0, i);
        mica_error_t err = mica_call(client_ep, mica_msginfo(7, 0, 0, 1), &info);
        if (err) {
            mica_printf("client: call failed: %d\n", err);
            break;
        }
        mica_printf("client: %lu squared is %lu\n", (unsigned long)i,
                    (unsigned long)mica_get_mr(0));
    }
    mica_signal(done);
    mica_tcb_suspend(client_tcb);
}

static mica_cptr_t pick_untyped(const struct mica_bootinfo *bi, unsigned min_bits)
{
    for (mica_word_t i = bi->untyped.start; i < bi->untyped.end; i++) {
        const struct mica_untyped_desc *d = &bi->untyped_list[i - bi->untyped.start];
        if (!d->is_device && d->size_bits >= min_bits)
            return i;
    }
    return 0;
}

static mica_error_t retype(mica_cptr_t ut, mica_word_t type, mica_word_t bits, mica_cptr_t slot)
{
    return mica_untyped_retype(ut, type, bits, MICA_INIT_CNODE, 0, 0, slot, 1);
}

/*
 * Where a thread's IPC buffer frame goes. MPU arches map frames at their physical address; MMU
 * arches at a free page after the boot-info frame, with a page table from ut if the walk reports a
 * missing level (slot pt for it); without either (none of both flags) the address is only noted.
 */
static mica_error_t map_buffer(const struct mica_bootinfo *bi, mica_cptr_t ut, mica_cptr_t buf,
                               mica_word_t vaddr, mica_cptr_t pt, mica_word_t *addr)
{
    mica_error_t err;

    if (!(bi->flags & MICA_BOOT_FLAG_MMU))
        vaddr = 0;
    if (!vaddr && (err = mica_frame_get_address(buf, &vaddr)))
        return err;
    *addr = vaddr;
    if (!(bi->flags & (MICA_BOOT_FLAG_MMU | MICA_BOOT_FLAG_MPU)))
        return MICA_OK;
    err =
        mica_frame_map(buf, MICA_INIT_VSPACE, vaddr, MICA_VM_READ | MICA_VM_WRITE, MICA_VM_CACHED);
    if (err == MICA_ERR_FAILED_LOOKUP && !(err = retype(ut, MICA_OBJ_PAGE_TABLE, 0, pt)) &&
        !(err = mica_page_table_map(pt, MICA_INIT_VSPACE, vaddr)))
        err = mica_frame_map(buf, MICA_INIT_VSPACE, vaddr, MICA_VM_READ | MICA_VM_WRITE,
                             MICA_VM_CACHED);
    return err;
}

static mica_cptr_t ut_for_threads, next_sc_slot, sched_control;

/* A thread needs a scheduling context to run (MCS): 1 ms every 1 ms, i.e. round robin. */
static mica_error_t give_time(mica_cptr_t tcb)
{
    mica_cptr_t sc = next_sc_slot++;
    mica_error_t err;

    if ((err = retype(ut_for_threads, MICA_OBJ_SCHED_CONTEXT, 0, sc)) ||
        (err = mica_sched_control_configure(sched_control, sc, 1000, 1000, 0, 0)))
        return err;
    return mica_sched_context_bind(sc, tcb);
}

static mica_error_t start_thread(mica_cptr_t tcb, mica_word_t addr, mica_cptr_t buf,
                                 mica_word_t prio, void (*fn)(mica_word_t), char *stack)
{
    mica_error_t err;

    if ((err = give_time(tcb)) ||
        (err = mica_tcb_configure(tcb, MICA_INIT_CNODE, MICA_INIT_VSPACE, addr, buf)) ||
        (err = mica_tcb_set_priority(tcb, MICA_INIT_TCB, prio)))
        return err;
    mica_word_t regs[3] = {(mica_word_t)fn, (mica_word_t)(stack + STACK_SIZE), 0};
    return mica_tcb_write_registers(tcb, 1, MICA_REG_PC, 3, regs);
}

int mica_main(const struct mica_bootinfo *bi)
{
    mica_cptr_t next = bi->empty.start;
    mica_cptr_t ut = pick_untyped(bi, 16);
    mica_error_t err = MICA_OK;

    mica_printf("hello: Mica on %s (%s), %lu untyped caps\n", bi->board, bi->arch,
                (unsigned long)(bi->untyped.end - bi->untyped.start));
    ep = next++;
    client_ep = next++;
    reply = next++;
    done = next++;
    server_tcb = next++;
    client_tcb = next++;
    server_buf = next++;
    client_buf = next++;
    /* The scheduling contexts go in the last two empty slots, out of everyone's way. */
    next_sc_slot = bi->empty.end - 2;
    ut_for_threads = ut;
    sched_control = bi->sched_control.start;
    if (!ut || (err = retype(ut, MICA_OBJ_ENDPOINT, 0, ep)) ||
        (err = retype(ut, MICA_OBJ_REPLY, 0, reply)) ||
        (err = retype(ut, MICA_OBJ_NOTIFICATION, 0, done)) ||
        (err = retype(ut, MICA_OBJ_TCB, 0, server_tcb)) ||
        (err = retype(ut, MICA_OBJ_TCB, 0, client_tcb)) ||
        (err = retype(ut, MICA_OBJ_FRAME, MICA_PAGE_BITS, server_buf)) ||
        (err = retype(ut, MICA_OBJ_FRAME, MICA_PAGE_BITS, client_buf)) ||
        (err = mica_cnode_mint(MICA_INIT_CNODE, client_ep, DEPTH, MICA_INIT_CNODE, ep, DEPTH,
                               MICA_RIGHT_WRITE | MICA_RIGHT_GRANT_REPLY, CLIENT_BADGE)) ||
        (err = mica_cnode_mint(MICA_INIT_CNODE, done + 100, DEPTH, MICA_INIT_CNODE, done, DEPTH,
                               MICA_RIGHTS_ALL, 1))) {
        mica_printf("hello: setup failed: error %d\n", err);
        return 1;
    }
    /* The client signals through a badged copy so that the wait below sees bit 0 set. */
    done += 100;
    mica_printf("hello: starting server (priority 200) and client (priority 100)\n");
    mica_word_t page = (mica_word_t)1 << MICA_PAGE_BITS, server_addr, client_addr;
    if ((err = map_buffer(bi, ut, server_buf, bi->bootinfo_vaddr + page, next, &server_addr)) ||
        (err = map_buffer(bi, ut, client_buf, bi->bootinfo_vaddr + 2 * page, next + 1,
                          &client_addr)) ||
        (err = start_thread(server_tcb, server_addr, server_buf, 200, server, server_stack)) ||
        (err = start_thread(client_tcb, client_addr, client_buf, 100, client, client_stack))) {
        mica_printf("hello: starting threads failed: error %d\n", err);
        return 1;
    }
    mica_word_t bits = 0;
    err = mica_wait(done - 100, &bits);
    mica_printf("hello: client done (notification bits 0x%lx), bye\n", (unsigned long)bits);
    return err == MICA_OK && bits == 1 ? 0 : 1;
}
