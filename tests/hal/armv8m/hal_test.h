/* SPDX-License-Identifier: MIT */
/*
 * The armv8m HAL self-test's private protocol between its kernel side (hal_test.c, which stands
 * in for the core) and its unprivileged program (user_test.c): syscall numbers in r7 outside the
 * ABI's range, the test list, and what the kernel tells the program. Not part of the Mica ABI.
 */
#ifndef MICA_HAL_TEST_H
#define MICA_HAL_TEST_H

/* Syscalls (r7). Arguments in r0..r6; the kernel answers in r0.. and sets r7 = 0. */
enum {
    T_INFO = 100,  /* which in r0 (enum t_info) -> r0 the value */
    T_ECHO,        /* r0..r6 = 1..7 -> r0..r6 = ~in */
    T_REPORT,      /* r0 test, r1 passed: a result the user side checked */
    T_EXPECT,      /* r0 test, r1 fault type, r2 address (T_ANY: any), r3 detail, r4 resume pc,
                      r5 resume SP (0: as it is), r6 times (0: once): the next trap(s) must be
                      this fault; after the first the thread is resumed as it is, after the last
                      it continues at r4 (and r5) */
    T_PSPLIM,      /* r0: the thread's PSPLIM from now on */
    T_TIMER_ARM,   /* r0 ticks: deadline = now + r0, while the user spins */
    T_TIMER_CHECK, /* r0 test: exactly one timer trap since T_TIMER_ARM, at or after the deadline */
    T_TIMER_COUNT, /* -> r0 timer traps since T_TIMER_ARM */
    T_IDLE_TIMER,  /* r0 test, r1 ticks: hal_idle must return the timer, at or after the deadline */
    T_IDLE_IRQ,    /* r0 test: hal_idle must return the dual timer's interrupt */
    T_UNMASK,      /* hal_irq_unmask(dual timer irq) */
    T_IRQ_CHECK,   /* r0 test, r1 expected number of dual timer interrupts so far */
    T_IRQ_COUNT,   /* -> r0 number of dual timer interrupts so far */
    T_NULL,        /* nothing: the benchmark's null syscall */
    T_BENCH,       /* r0 instructions for r1 round trips (printed as a TAP comment) */
};

enum t_info {
    INFO_KERNEL_TEXT, /* an address in kernel code */
    INFO_KERNEL_DATA, /* the address of a kernel word whose value is INFO_CANARY */
    INFO_UNMAPPED,    /* RAM no region covers */
    INFO_DATA,        /* the program's writable data (execute-never) */
    INFO_DUAL,        /* the dual timer's registers, mapped for the program: its timer 1 is the
                         program's clock, timer 2 its interrupt source */
    INFO_STACK_BASE,  /* the lowest address of the program's stack */
};
#define INFO_CANARY 0x6d696361

#define T_ANY ((unsigned long)-1)

/* Tests, in the order they report. */
#define HAL_TESTS(X)                                                                               \
    X(USER_RUNS, "unprivileged program placed from an ELF (code in place) runs and reaches svc")   \
    X(ECHO, "svc passes r0..r6 both ways, r7 = syscall number / error")                            \
    X(IPC_BUFFER_R9, "r9 holds the IPC buffer address the kernel set")                             \
    X(UNPRIVILEGED, "Thread mode runs unprivileged on PSP (CONTROL.nPRIV, SPSEL)")                 \
    X(LOAD_UNMAPPED, "load outside the regions: memory fault, read, MMFAR")                        \
    X(STORE_UNMAPPED, "store outside the regions: memory fault, write, MMFAR")                     \
    X(STORE_TEXT, "store to the program's read-only code: memory fault, write")                    \
    X(FETCH_XN, "jump into execute-never data: memory fault, execute")                             \
    X(LOAD_KERNEL, "load from kernel data: memory fault, read")                                    \
    X(STORE_KERNEL, "store to kernel data: memory fault, write, kernel word unchanged")            \
    X(FETCH_KERNEL, "jump into kernel code: memory fault, execute")                                \
    X(LOAD_SCS, "unprivileged load from the System Control Space: memory fault (BusFault)")        \
    X(UNDEFINED, "undefined instruction: illegal instruction")                                     \
    X(FP_OFF, "FP instruction with the FPU off (CPACR): illegal instruction")                      \
    X(DIV_ZERO, "integer division by zero (CCR.DIV_0_TRP): divide by zero")                        \
    X(UNALIGNED, "unaligned word load (CCR.UNALIGN_TRP): alignment")                               \
    X(BREAKPOINT, "bkpt: breakpoint exception")                                                    \
    X(SEMIHOSTING, "bkpt 0xab from unprivileged code is a breakpoint, not a semihosting exit")     \
    X(PSPLIM, "stack below PSPLIM: memory fault at the limit, thread resumable")                   \
    X(SP_KERNEL, "SP at kernel data, then svc: memory fault, kernel word unchanged")               \
    X(REGS_KEPT, "r0-r12, lr and APSR flags survive a fault and a resume")                         \
    X(XPSR_SANITISED, "hal_ctx_set keeps xPSR's T bit and drops everything but the APSR flags")    \
    X(TIMER_USER, "deadline interrupts the program once, not before the deadline")                 \
    X(TIMER_IDLE, "deadline ends hal_idle, not before it")                                         \
    X(TIMER_FAR, "a deadline beyond the 32-bit timer: armed at its limit, fires early, re-armed")  \
    X(CLOCK_WRAP, "hal_time_now counts on across a wrap of the 32-bit clock timer")                \
    X(IRQ_IDLE, "dual timer interrupt reaches hal_idle through the NVIC")                          \
    X(IRQ_MASKED, "a reported line stays masked while the device still asserts")                   \
    X(IRQ_UNMASK, "unmasking a still-asserted line delivers it again")                             \
    X(IRQ_NO_SPURIOUS, "no interrupt after the device is acknowledged and the line unmasked")      \
    X(IRQ_USER, "dual timer interrupts the unprivileged program")                                  \
    X(HALT, "the program ends through MICA_SYS_DEBUG_HALT with status 0")

#define HAL_TEST_ENUM(id, name) TEST_##id,
enum { HAL_TESTS(HAL_TEST_ENUM) TEST_COUNT };

#endif
