/* SPDX-License-Identifier: MIT */
/*
 * Faults: a helper thread's fault arrives at its fault endpoint as a Call (label = fault type,
 * MR0 = PC, MR1 = address, MR2 = detail); the handler (here the root task) answers through a
 * Reply object. Label 0 resumes the thread as it is, MICA_FAULT_REPLY_SET_REGS writes registers
 * first, no answer leaves it stopped; without a handler the thread is suspended and the rest of
 * the system carries on.
 */
#include "suite.h"

#define NUMBER 99 /* a syscall number that does not exist */

static struct thread th;
static volatile mica_error_t result;
static volatile mica_word_t recovered;
static unsigned char recovery_stack[STACK_SIZE] __attribute__((aligned(16)));

static mica_error_t raw_syscall(mica_word_t number)
{
    struct mica_regs r = {{0}};

    r.r[7] = number;
    return mica_syscall(&r);
}

static void unknown_syscall(mica_word_t number)
{
    result = MICA_OK;
    result = raw_syscall(number);
}

/* Where a handler sends a faulted thread: note it and stop. */
static void recovery(mica_word_t arg)
{
    recovered = arg;
    mica_tcb_suspend(th.tcb);
}

/* A helper with fault handler ep (0: none) that runs fn(arg) once the root blocks. */
static bool start_faulter(mica_cptr_t ep, void (*fn)(mica_word_t), mica_word_t arg)
{
    recovered = 0;
    result = MICA_OK;
    if (!thread_create(&th, HELPER_PRIO, fn, arg, true))
        return false;
    if (ep &&
        !CHECK_INV(MICA_TCB_SET_FAULT_HANDLER, mica_tcb_set_fault_handler(th.tcb, ep), MICA_OK))
        return false;
    return thread_start(&th);
}

static void t_unknown_syscall_fault(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply(), badged = env_mint(ep, MICA_RIGHTS_ALL, 0x33);
    mica_word_t mr[3], badge = 0;

    if (!start_faulter(badged, unknown_syscall, NUMBER))
        return;
    CHECK_EQ(env_recv_fault(ep, reply, &badge, mr), MICA_FAULT_UNKNOWN_SYSCALL);
    CHECK_EQ(badge, 0x33);
    CHECK(mr[0] != 0); /* the PC */
    CHECK_EQ(mr[1], 0);
    CHECK_EQ(mr[2], NUMBER);
    CHECK(!th.done);
    /* Resume as it is: the syscall returns UNKNOWN_SYSCALL. */
    CHECK_SYS(MICA_SYS_SEND, mica_send(reply, mica_msginfo(0, 0, 0, 0)), MICA_OK);
    CHECK(thread_join1(&th));
    CHECK_SYS(SYS_UNKNOWN, result, MICA_ERR_UNKNOWN_SYSCALL);
}

/* Every number outside the ABI faults, including 0 and the top of the range. */
static void t_unknown_numbers(void)
{
    static const mica_word_t numbers[] = {0, MICA_SYS_YIELD + 1, MICA_SYS_DEBUG_PUTC - 1,
                                          ~(mica_word_t)0};
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t mr[3];

    for (unsigned i = 0; i < 4; i++) {
        if (i ? !thread_restart(&th, unknown_syscall, numbers[i])
              : !start_faulter(ep, unknown_syscall, numbers[i]))
            return;
        CHECK_EQ(env_recv_fault(ep, reply, 0, mr), MICA_FAULT_UNKNOWN_SYSCALL);
        CHECK_EQ(mr[2], numbers[i]);
        CHECK_SYS(MICA_SYS_SEND, mica_send(reply, mica_msginfo(0, 0, 0, 0)), MICA_OK);
        CHECK(thread_join1(&th));
        CHECK_SYS(SYS_UNKNOWN, result, MICA_ERR_UNKNOWN_SYSCALL);
    }
}

/* The handler moves the PC (and SP, ARG0) to a recovery function. */
static void t_resume_with_registers(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t mr[3], regs[3];

    if (!start_faulter(ep, unknown_syscall, NUMBER))
        return;
    CHECK_EQ(env_recv_fault(ep, reply, 0, mr), MICA_FAULT_UNKNOWN_SYSCALL);
    CHECK_SYS(MICA_SYS_SEND,
              env_fault_resume_at(reply, recovery, 0x5eed, &recovery_stack[STACK_SIZE]), MICA_OK);
    env_run_others();
    CHECK_EQ(recovered, 0x5eed);
    CHECK(!th.done); /* it never went back to where it faulted */
    CHECK_INV(MICA_TCB_READ_REGISTERS, mica_tcb_read_registers(th.tcb, MICA_REG_ARG0, 1, regs),
              MICA_OK);
    CHECK(regs[0] != NUMBER); /* it made another syscall since (its Suspend) */
}

/* Register ids are first + i as numbers, not modulo the word: with first = the largest word, the
 * second value would be id 0 (PC) if the sum wrapped. Neither id exists, so nothing is written and
 * the thread resumes where it was. */
static void t_set_regs_ids_do_not_wrap(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t mr[3];

    if (!start_faulter(ep, unknown_syscall, NUMBER))
        return;
    CHECK_EQ(env_recv_fault(ep, reply, 0, mr), MICA_FAULT_UNKNOWN_SYSCALL);
    mica_set_mr(0, ~(mica_word_t)0);
    mica_set_mr(1, 3);
    mica_set_mr(2, 0x1111);
    mica_set_mr(3, ARG(recovery));
    mica_set_mr(4, ARG(&recovery_stack[STACK_SIZE]));
    CHECK_SYS(MICA_SYS_SEND, mica_send(reply, mica_msginfo(MICA_FAULT_REPLY_SET_REGS, 0, 0, 5)),
              MICA_OK);
    CHECK(thread_join1(&th));
    CHECK_EQ(recovered, 0);
    CHECK_SYS(SYS_UNKNOWN, result, MICA_ERR_UNKNOWN_SYSCALL);
}

/* A handler that receives the fault without a Reply object cannot answer: the thread stays
 * stopped, and Resume continues it as it is. */
static void t_handler_without_reply_object(void)
{
    mica_cptr_t ep = new_ep();
    mica_word_t info = 0;

    if (!start_faulter(ep, unknown_syscall, NUMBER))
        return;
    CHECK_SYS(MICA_SYS_RECV, mica_recv(ep, 0, 0, &info), MICA_OK);
    CHECK_EQ(mica_msginfo_label(info), MICA_FAULT_UNKNOWN_SYSCALL);
    env_run_others();
    CHECK(!th.done);
    CHECK_INV(MICA_TCB_RESUME, mica_tcb_resume(th.tcb), MICA_OK);
    CHECK(thread_join1(&th));
    CHECK_SYS(SYS_UNKNOWN, result, MICA_ERR_UNKNOWN_SYSCALL);
}

/* A thread function that returns faults (user exception); the handler restarts it elsewhere. */
static void returns(mica_word_t arg)
{
    (void)arg;
}

static void t_return_fault_restart(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t mr[3];

    /* Bypass env's wrapper: the thread function itself returns. */
    if (!thread_create(&th, HELPER_PRIO, returns, 0, true) ||
        !CHECK_INV(MICA_TCB_SET_FAULT_HANDLER, mica_tcb_set_fault_handler(th.tcb, ep), MICA_OK))
        return;
    mica_word_t regs[3] = {ARG(returns), ARG(&recovery_stack[STACK_SIZE]), 0};
    recovered = 0;
    CHECK_INV(MICA_TCB_WRITE_REGISTERS, mica_tcb_write_registers(th.tcb, 1, MICA_REG_PC, 3, regs),
              MICA_OK);
    /* Hosted: a user exception at the function; hardware: a jump to the zero return address. */
    mica_word_t label = env_recv_fault(ep, reply, 0, mr);
    CHECK(label == MICA_FAULT_USER_EXCEPTION || label == MICA_FAULT_MEMORY);
    /* Resumed as it is it faults again: there is nowhere to return to. */
    CHECK_SYS(MICA_SYS_SEND, mica_send(reply, mica_msginfo(0, 0, 0, 0)), MICA_OK);
    CHECK_EQ(env_recv_fault(ep, reply, 0, mr), label);
    CHECK_SYS(MICA_SYS_SEND, env_fault_resume_at(reply, recovery, 7, &recovery_stack[STACK_SIZE]),
              MICA_OK);
    env_run_others();
    CHECK_EQ(recovered, 7);
}

/* Another label, or no answer at all, leaves the thread stopped; Resume then continues it. */
static void t_no_reply_stays_stopped(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t mr[3];

    if (!start_faulter(ep, unknown_syscall, NUMBER))
        return;
    CHECK_EQ(env_recv_fault(ep, reply, 0, mr), MICA_FAULT_UNKNOWN_SYSCALL);
    env_run_others(); /* nobody answers: it does not run */
    CHECK(!th.done);
    CHECK_SYS(MICA_SYS_SEND, mica_send(reply, mica_msginfo(77, 0, 0, 0)), MICA_OK);
    env_run_others();
    CHECK(!th.done);
    /* Stopped means Inactive: Resume continues after the syscall, which reports the fault. */
    CHECK_INV(MICA_TCB_RESUME, mica_tcb_resume(th.tcb), MICA_OK);
    CHECK(thread_join1(&th));
    CHECK_SYS(SYS_UNKNOWN, result, MICA_ERR_UNKNOWN_SYSCALL);
}

/* The handler's Reply object goes away before it answers: the thread stays stopped. */
static void t_reply_deleted(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t mr[3], regs[1];

    if (!start_faulter(ep, unknown_syscall, NUMBER))
        return;
    CHECK_EQ(env_recv_fault(ep, reply, 0, mr), MICA_FAULT_UNKNOWN_SYSCALL);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, reply, ROOT_DEPTH), MICA_OK);
    env_run_others();
    CHECK(!th.done);
    /* Its registers were left alone (ARG7 is still the fault's error, not CANCELLED). */
    CHECK_INV(MICA_TCB_READ_REGISTERS, mica_tcb_read_registers(th.tcb, MICA_REG_ARG7, 1, regs),
              MICA_OK);
    CHECK_EQ(regs[0], MICA_ERR_UNKNOWN_SYSCALL);
}

/* No handler: that thread alone is suspended (one kernel log line), everyone else runs on. */
static void t_no_handler_suspends(void)
{
    struct thread other;

    if (!start_faulter(0, unknown_syscall, NUMBER) ||
        !thread_spawn(&other, HELPER_PRIO, (thread_fn)(void (*)(mica_word_t))returns, 0))
        return;
    CHECK(thread_join1(&other));
    CHECK(!th.done);
    /* It stopped inside the syscall; resumed, the syscall returns the error. */
    CHECK_INV(MICA_TCB_RESUME, mica_tcb_resume(th.tcb), MICA_OK);
    CHECK(thread_join1(&th));
    CHECK_SYS(SYS_UNKNOWN, result, MICA_ERR_UNKNOWN_SYSCALL);
}

/* A handler cap the kernel cannot Call through (no WRITE) counts as none. */
static void t_handler_without_rights(void)
{
    mica_cptr_t ep = new_ep(), ro = env_mint(ep, MICA_RIGHT_READ, 0);

    if (!start_faulter(ro, unknown_syscall, NUMBER))
        return;
    CHECK_SYS(MICA_SYS_NBRECV, mica_nbrecv(ep, new_reply(), 0, 0), MICA_ERR_WOULD_BLOCK);
    env_run_others();
    CHECK(!th.done);
    CHECK_SYS(MICA_SYS_NBRECV, mica_nbrecv(ep, new_reply(), 0, 0), MICA_ERR_WOULD_BLOCK);
}

/* A blocking send naming an extra cap that does not resolve is a capability fault. */
static mica_cptr_t cap_fault_ep;

static void send_bad_cap(mica_word_t arg)
{
    (void)arg;
    mica_set_cap(0, BAD_CPTR);
    result = mica_send(cap_fault_ep, mica_msginfo(1, 0, 1, 0));
}

static void t_capability_fault(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t mr[3];

    cap_fault_ep = new_ep();
    if (!start_faulter(ep, send_bad_cap, 0))
        return;
    CHECK_EQ(env_recv_fault(ep, reply, 0, mr), MICA_FAULT_CAPABILITY);
    CHECK_EQ(mr[1], BAD_CPTR);
    CHECK_EQ(mr[2], MICA_ERR_FAILED_LOOKUP);
    CHECK_SYS(MICA_SYS_SEND, mica_send(reply, mica_msginfo(0, 0, 0, 0)), MICA_OK);
    CHECK(thread_join1(&th));
    CHECK_SYS(MICA_SYS_SEND, result, MICA_ERR_FAILED_LOOKUP);
}

/* A thread blocked sending its fault to an endpoint that is then deleted stays stopped. */
static void t_handler_endpoint_deleted(void)
{
    mica_cptr_t ep = new_ep();

    if (!start_faulter(ep, unknown_syscall, NUMBER))
        return;
    env_run_others(); /* it faulted and waits for a receiver */
    CHECK_INV(MICA_TCB_SET_FAULT_HANDLER, mica_tcb_set_fault_handler(th.tcb, 0), MICA_OK);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, ep, ROOT_DEPTH), MICA_OK);
    env_run_others();
    CHECK(!th.done);
}

/* Real faults: wherever user faults can be provoked (boot info says so, or hosted turns host
 * signals into faults). Address 16 is never mapped for user code. */
extern const int hosted_user_faults __attribute__((weak));

static bool real_faults(void)
{
    if ((env_bi->flags & MICA_BOOT_FLAG_USER_FAULT) || &hosted_user_faults)
        return true;
    tap_skip("user faults cannot be provoked on this board");
    return false;
}

#define BAD_ADDRESS 16

static void bad_store(mica_word_t value)
{
    *(volatile mica_word_t *)(uintptr_t)BAD_ADDRESS = value;
    result = MICA_OK; /* only if resumed past the store, which must not happen */
}

static void t_memory_fault(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t mr[3];

    if (!real_faults() || !start_faulter(ep, bad_store, 1))
        return;
    result = MICA_ERR_COUNT;
    CHECK_EQ(env_recv_fault(ep, reply, 0, mr), MICA_FAULT_MEMORY);
    CHECK_EQ(mr[1], BAD_ADDRESS);
    CHECK_EQ(mr[2], MICA_VM_WRITE);
    /* The PC is the faulting instruction, near the start of bad_store (on hosted too). */
    CHECK(mr[0] >= ARG(bad_store) && mr[0] < ARG(bad_store) + 64);
    /* Resumed as it is, it runs the store again and faults again. */
    CHECK_SYS(MICA_SYS_SEND, mica_send(reply, mica_msginfo(0, 0, 0, 0)), MICA_OK);
    CHECK_EQ(env_recv_fault(ep, reply, 0, mr), MICA_FAULT_MEMORY);
    CHECK_EQ(result, MICA_ERR_COUNT);
    CHECK_SYS(MICA_SYS_SEND,
              env_fault_resume_at(reply, recovery, 0xfa17, &recovery_stack[STACK_SIZE]), MICA_OK);
    env_run_others();
    CHECK_EQ(recovered, 0xfa17);
    CHECK_EQ(result, MICA_ERR_COUNT);
}

static void illegal(mica_word_t arg)
{
    (void)arg;
    __builtin_trap();
}

static void t_illegal_instruction(void)
{
    mica_cptr_t ep = new_ep(), reply = new_reply();
    mica_word_t mr[3];
    struct thread other;

    if (!real_faults())
        return;
    /* Without a handler: suspended, and the system carries on. */
    if (!start_faulter(0, illegal, 0) ||
        !thread_spawn(&other, HELPER_PRIO, (thread_fn)(void (*)(mica_word_t))returns, 0))
        return;
    CHECK(thread_join1(&other));
    CHECK(!th.done);
    CHECK_INV(MICA_TCB_SET_FAULT_HANDLER, mica_tcb_set_fault_handler(th.tcb, ep), MICA_OK);
    CHECK_INV(MICA_TCB_RESUME, mica_tcb_resume(th.tcb), MICA_OK);
    CHECK_EQ(env_recv_fault(ep, reply, 0, mr), MICA_FAULT_USER_EXCEPTION);
    CHECK_EQ(mr[2], MICA_EXC_ILLEGAL_INSTRUCTION);
    CHECK_INV(MICA_TCB_SUSPEND, mica_tcb_suspend(th.tcb), MICA_OK);
}

const struct tap_test fault_tests[] = {
    TEST(t_unknown_syscall_fault, "fault: unknown syscall goes to the fault endpoint",
         SYS(SYS_UNKNOWN, MICA_ERR_UNKNOWN_SYSCALL), SYS(MICA_SYS_RECV, MICA_OK),
         INV(MICA_TCB_SET_FAULT_HANDLER, MICA_OK)),
    TEST(t_unknown_numbers, "fault: every number outside the ABI is an unknown syscall",
         SYS(SYS_UNKNOWN, MICA_ERR_UNKNOWN_SYSCALL)),
    TEST(t_resume_with_registers, "fault: reply with registers moves the thread to a recovery PC",
         SYS(MICA_SYS_SEND, MICA_OK), INV(MICA_TCB_READ_REGISTERS, MICA_OK)),
    TEST(t_set_regs_ids_do_not_wrap, "fault: reply register ids past the last do not wrap to PC",
         SYS(MICA_SYS_SEND, MICA_OK), SYS(SYS_UNKNOWN, MICA_ERR_UNKNOWN_SYSCALL)),
    TEST(t_handler_without_reply_object,
         "fault: received without a Reply object, the thread stays stopped until resumed",
         SYS(MICA_SYS_RECV, MICA_OK), INV(MICA_TCB_RESUME, MICA_OK)),
    TEST(t_return_fault_restart, "fault: returning thread function faults until restarted",
         INV(MICA_TCB_WRITE_REGISTERS, MICA_OK), SYS(MICA_SYS_SEND, MICA_OK)),
    TEST(t_no_reply_stays_stopped, "fault: other reply label or no reply leaves it stopped",
         INV(MICA_TCB_RESUME, MICA_OK), SYS(SYS_UNKNOWN, MICA_ERR_UNKNOWN_SYSCALL)),
    TEST(t_reply_deleted, "fault: handler's Reply deleted: thread stays stopped, registers kept",
         INV(MICA_CNODE_DELETE, MICA_OK), INV(MICA_TCB_READ_REGISTERS, MICA_OK)),
    TEST(t_no_handler_suspends, "fault: without a handler only that thread is suspended",
         INV(MICA_TCB_RESUME, MICA_OK), SYS(SYS_UNKNOWN, MICA_ERR_UNKNOWN_SYSCALL)),
    TEST(t_handler_without_rights, "fault: a handler cap without WRITE counts as none",
         SYS(MICA_SYS_NBRECV, MICA_ERR_WOULD_BLOCK)),
    TEST(t_capability_fault, "fault: blocking send with an unresolvable extra cap",
         SYS(MICA_SYS_SEND, MICA_ERR_FAILED_LOOKUP), SYS(MICA_SYS_SEND, MICA_OK)),
    TEST(t_handler_endpoint_deleted, "fault: handler endpoint deleted while the fault waits",
         INV(MICA_CNODE_DELETE, MICA_OK)),
    TEST(t_memory_fault, "fault: a bad store faults until the handler moves the PC",
         SYS(MICA_SYS_SEND, MICA_OK)),
    TEST(t_illegal_instruction, "fault: illegal instruction, first without a handler",
         INV(MICA_TCB_RESUME, MICA_OK), INV(MICA_TCB_SET_FAULT_HANDLER, MICA_OK)),
};
DEFINE_COUNT(fault);
