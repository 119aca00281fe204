/* SPDX-License-Identifier: MIT */
/* What the root task finds at boot: the boot-info frame, its initial capabilities, and the
 * syscall layer's own errors (unknown syscall numbers). */
#include "suite.h"

static void t_bootinfo(void)
{
    const struct mica_bootinfo *bi = env_bi;

    CHECK_EQ(bi->magic, MICA_BOOTINFO_MAGIC);
    CHECK(bi->num_cpus >= 1);
    CHECK(bi->root_cnode_bits >= 4 && bi->root_cnode_bits < MICA_WORD_BITS);
    CHECK_EQ(bi->sched_control.end - bi->sched_control.start, bi->num_cpus);
    CHECK(bi->sched_control.start >= MICA_INIT_FIRST_FREE_FIXED);
    CHECK(bi->untyped.start >= bi->sched_control.end);
    CHECK(bi->untyped.end - bi->untyped.start <= MICA_BOOTINFO_MAX_UNTYPE);
    CHECK(bi->empty.start >= bi->untyped.end);
    CHECK(bi->empty.end <= ((mica_word_t)1 << bi->root_cnode_bits));
    CHECK(bi->ipc_buffer % ((mica_word_t)1 << MICA_IPC_BUFFER_BITS) == 0);
    CHECK(bi->board[0] != 0 && bi->arch[0] != 0);
    /* An MPU says how many regions a VSpace may use (PMSAv8 has at least 8); nothing else does. */
    CHECK((bi->flags & MICA_BOOT_FLAG_MPU) ? bi->mpu_regions >= 8 : bi->mpu_regions == 0);
    CHECK_SYS(MICA_SYS_DEBUG_CAP_TYPE, mica_debug_cap_type(MICA_INIT_TCB, &(mica_word_t){0}),
              MICA_OK);
}

static void t_initial_caps(void)
{
    static const mica_word_t want[] = {
        [MICA_INIT_NULL] = MICA_CAP_NULL,
        [MICA_INIT_TCB] = MICA_OBJ_TCB,
        [MICA_INIT_CNODE] = MICA_OBJ_CNODE,
        [MICA_INIT_VSPACE] = MICA_OBJ_VSPACE,
        [MICA_INIT_IRQ_CONTROL] = MICA_CAP_IRQ_CONTROL,
        [MICA_INIT_IPC_BUFFER] = MICA_OBJ_FRAME,
        [MICA_INIT_BOOTINFO] = MICA_OBJ_FRAME,
        [MICA_INIT_SCHED_CONTEXT] = MICA_OBJ_SCHED_CONTEXT,
    };

    for (mica_cptr_t s = 0; s < MICA_INIT_FIRST_FREE_FIXED; s++) {
        mica_word_t type = ~(mica_word_t)0;
        CHECK_SYS(MICA_SYS_DEBUG_CAP_TYPE, mica_debug_cap_type(s, &type), MICA_OK);
        CHECK_EQ(type, want[s]);
    }
}

static void t_boot_ranges(void)
{
    const struct mica_bootinfo *bi = env_bi;

    for (mica_word_t s = bi->sched_control.start; s < bi->sched_control.end; s++)
        CHECK_CAP(s, MICA_CAP_SCHED_CONTROL);
    for (mica_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const struct mica_untyped_desc *d = &bi->untyped_list[i];
        CHECK_CAP(bi->untyped.start + i, MICA_OBJ_UNTYPED);
        CHECK(d->size_bits >= MICA_MIN_UNTYPED_BITS && d->size_bits <= MICA_MAX_UNTYPED_BITS);
        CHECK_EQ(d->paddr & (((mica_word_t)1 << d->size_bits) - 1), 0);
        for (mica_word_t j = 0; j < i; j++) {
            const struct mica_untyped_desc *e = &bi->untyped_list[j];
            mica_word_t d_end = d->paddr + ((mica_word_t)1 << d->size_bits);
            mica_word_t e_end = e->paddr + ((mica_word_t)1 << e->size_bits);
            CHECK(d_end <= e->paddr || e_end <= d->paddr); /* untypeds do not overlap */
        }
    }
    /* The environment uses the first few empty slots; the rest of the range must be empty. */
    CHECK_CAP(bi->empty.end - 1, MICA_CAP_NULL);
    CHECK_CAP(env_slot(), MICA_CAP_NULL);
    CHECK_CAP(MICA_INIT_NULL, MICA_CAP_NULL);
    CHECK_SYS(MICA_SYS_DEBUG_CAP_TYPE, mica_debug_cap_type(MICA_INIT_NULL, &(mica_word_t){0}),
              MICA_OK);
}

static void t_invoke_empty_slot(void)
{
    mica_cptr_t empty = env_slot();

    CHECK_SYS(MICA_SYS_CALL, mica_cnode_delete(empty, 1, ROOT_DEPTH), MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_CALL, mica_tcb_suspend(empty), MICA_ERR_INVALID_CAPABILITY);
    /* Beyond the root CNode: the guard does not match. */
    CHECK_SYS(MICA_SYS_CALL, mica_tcb_suspend((mica_cptr_t)1 << (MICA_WORD_BITS - 1)),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_SEND, mica_send(empty, mica_msginfo(0, 0, 0, 0)),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_SYS(MICA_SYS_RECV, mica_recv(empty, 0, 0, 0), MICA_ERR_INVALID_CAPABILITY);
}

static void t_debug_syscalls(void)
{
    struct mica_regs r = {{0}};
    mica_word_t type = 0;

    r.r[0] = sizeof(((struct mica_ipc_buffer *)0)->mr) + 1;
    r.r[7] = MICA_SYS_DEBUG_WRITE;
    CHECK_SYS(MICA_SYS_DEBUG_WRITE, mica_syscall(&r), MICA_ERR_RANGE);
    r.r[0] = 0;
    r.r[7] = MICA_SYS_DEBUG_WRITE;
    CHECK_SYS(MICA_SYS_DEBUG_WRITE, mica_syscall(&r), MICA_OK);
    CHECK_SYS(MICA_SYS_DEBUG_CAP_TYPE, mica_debug_cap_type(BAD_CPTR, &type),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_SYS(MICA_SYS_DEBUG_CAP_TYPE, mica_debug_cap_type(env_slot(), &type), MICA_OK);
    CHECK_EQ(type, MICA_CAP_NULL);
}

static void t_call_unknown_label(void)
{
    mica_cptr_t n = new_ntfn(), reply = new_reply();

    CHECK_SYS(MICA_SYS_CALL, mica_call(MICA_INIT_TCB, mica_msginfo(9999, 0, 0, 0), 0),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_SYS(MICA_SYS_CALL, mica_call(ROOT, mica_msginfo(MICA_LABEL_NONE, 0, 0, 0), 0),
              MICA_ERR_ILLEGAL_OPERATION);
    /* Mica: a Call on a notification or Reply cap is an invocation, and they have no labels. */
    CHECK_SYS(MICA_SYS_CALL, mica_call(n, mica_msginfo(1, 0, 0, 0), 0), MICA_ERR_ILLEGAL_OPERATION);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, 0), MICA_ERR_WOULD_BLOCK); /* it did not signal */
    CHECK_SYS(MICA_SYS_CALL, mica_call(reply, mica_msginfo(1, 0, 0, 0), 0),
              MICA_ERR_ILLEGAL_OPERATION);
}

const struct tap_test boot_tests[] = {
    TEST(t_bootinfo, "boot: boot-info frame is consistent", SYS(MICA_SYS_DEBUG_CAP_TYPE, MICA_OK)),
    TEST(t_initial_caps, "boot: initial capabilities in their fixed slots",
         SYS(MICA_SYS_DEBUG_CAP_TYPE, MICA_OK)),
    TEST(t_boot_ranges, "boot: sched control, untyped and empty slot ranges",
         SYS(MICA_SYS_DEBUG_CAP_TYPE, MICA_OK)),
    TEST(t_debug_syscalls, "syscall: debug write length and cap type lookup",
         SYS(MICA_SYS_DEBUG_WRITE, MICA_ERR_RANGE), SYS(MICA_SYS_DEBUG_WRITE, MICA_OK),
         SYS(MICA_SYS_DEBUG_CAP_TYPE, MICA_ERR_FAILED_LOOKUP)),
    TEST(t_call_unknown_label, "syscall: Call with a label the object does not have",
         SYS(MICA_SYS_CALL, MICA_ERR_ILLEGAL_OPERATION)),
    TEST(t_invoke_empty_slot, "syscall: invoking an empty or unresolvable cptr",
         SYS(MICA_SYS_CALL, MICA_ERR_INVALID_CAPABILITY),
         SYS(MICA_SYS_SEND, MICA_ERR_INVALID_CAPABILITY),
         SYS(MICA_SYS_RECV, MICA_ERR_INVALID_CAPABILITY)),
};
DEFINE_COUNT(boot);
