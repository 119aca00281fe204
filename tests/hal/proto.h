/* SPDX-License-Identifier: MIT */
/*
 * The HAL self-tests' private protocol between their kernel side (tests/hal/<arch>/hal_test.c with
 * kernel.c, which stand in for the core) and their user program (<arch>/user_test.c with user.c):
 * syscall numbers in ARG7 outside the ABI's range, and where the kernel side maps things. Each
 * arch's hal_test.h lists its tests (HAL_TESTS). Not part of the Mica ABI.
 */
#ifndef MICA_HAL_TEST_PROTO_H
#define MICA_HAL_TEST_PROTO_H

/* Syscalls (ARG7). Arguments in ARG0..ARG6; the kernel answers in ARG0.. and sets ARG7 = 0. */
enum {
    T_INFO = 100,  /* -> ARG0 kernel text address, ARG1 kernel data address, ARG2 device user
                      address (0: none), ARG3 device irq, ARG4 timer frequency (Hz) */
    T_ECHO,        /* ARG0..ARG6 = 1..7 -> ARG0..ARG6 = ~in */
    T_REPORT,      /* ARG0 test, ARG1 passed: a result the user side checked */
    T_EXPECT,      /* ARG0 test, ARG1 fault type, ARG2 address (T_ANY: any), ARG3 detail, ARG4
                      resume pc: the next trap must be this fault; the thread then continues at
                      ARG4 */
    T_TIMER_ARM,   /* ARG0 ticks: deadline = now + ARG0, while the user spins */
    T_TIMER_CHECK, /* ARG0 test: exactly one timer trap since T_TIMER_ARM, at or after the
                      deadline */
    T_TIMER_COUNT, /* -> ARG0 timer traps since T_TIMER_ARM */
    T_IDLE_TIMER,  /* ARG0 test, ARG1 ticks: hal_idle must return the timer deadline */
    T_IDLE_IRQ,    /* ARG0 test: unmask the device's line, then hal_idle must return its
                      interrupt */
    T_UNMASK,      /* hal_irq_unmask(device irq) */
    T_MASK,        /* hal_irq_mask(device irq) */
    T_IRQ_CHECK,   /* ARG0 test, ARG1 expected number of device interrupts so far */
    T_IRQ_COUNT,   /* -> ARG0 number of device interrupts so far */
    T_NULL,        /* nothing: the benchmark's null syscall */
    T_BENCH,       /* ARG0 instructions for ARG1 round trips (printed as a TAP comment) */
    T_ARCH,        /* the first of the arch's own syscalls (its hal_test.h) */
};

#define T_ANY ((unsigned long)-1)

/* User addresses the kernel side maps besides the program's ELF segments. */
#define USER_IPC_BUFFER 0x100000ul
#define USER_DEVICE     0x200000ul

#define HAL_TEST_ENUM(id, name) TEST_##id,
#define HAL_TEST_NAME(id, name) name,

#endif
