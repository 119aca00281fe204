/* SPDX-License-Identifier: MIT */
/*
 * The riscv64 HAL self-test's private protocol between its kernel side (hal_test.c, which stands
 * in for the core) and its U-mode program (user_test.c): syscall numbers in a7 outside the ABI's
 * range, the test list, and where the kernel maps things. Not part of the Mica ABI.
 */
#ifndef MICA_HAL_TEST_H
#define MICA_HAL_TEST_H

/* Syscalls (a7). Arguments in a0..a6; the kernel answers in a0.. and sets a7 = 0. */
enum {
    T_INFO = 100,  /* -> a0 kernel text address, a1 kernel data address, a2 RTC user address,
                      a3 RTC irq, a4 timebase Hz */
    T_ECHO,        /* a0..a6 = 1..7 -> a0..a6 = ~in */
    T_REPORT,      /* a0 test, a1 passed: a result the user side checked */
    T_EXPECT,      /* a0 test, a1 fault type, a2 address (T_ANY: any), a3 detail, a4 resume pc:
                      the next trap must be this fault; the thread then continues at a4 */
    T_TIMER_ARM,   /* a0 ticks: deadline = now + a0, while the user spins */
    T_TIMER_CHECK, /* a0 test: exactly one timer trap since T_TIMER_ARM, at or after the deadline */
    T_TIMER_COUNT, /* -> a0 timer traps since T_TIMER_ARM */
    T_IDLE_TIMER,  /* a0 test, a1 ticks: hal_idle must return the timer deadline */
    T_IDLE_IRQ,    /* a0 test: hal_idle must return the RTC's interrupt */
    T_UNMASK,      /* hal_irq_unmask(RTC irq) */
    T_IRQ_CHECK,   /* a0 test, a1 expected number of RTC interrupts so far */
    T_IRQ_COUNT,   /* -> a0 number of RTC interrupts so far */
    T_NULL,        /* nothing: the benchmark's null syscall */
    T_BENCH,       /* a0 instructions for a1 round trips (printed as a TAP comment) */
};

#define T_ANY ((unsigned long)-1)

/* Tests, in the order they report. */
#define HAL_TESTS(X)                                                                               \
    X(KERNEL_WX, "kernel text RX, rodata R, data RW, linear map NX")                               \
    X(USER_RUNS, "U-mode program loaded from an ELF runs and reaches ecall")                       \
    X(ECHO, "ecall passes a0..a6 both ways, a7 = syscall number / error")                          \
    X(IPC_BUFFER_TP, "tp holds the IPC buffer address the kernel set")                             \
    X(COUNTERS, "U-mode reads cycle, time and instret (scounteren)")                               \
    X(LOAD_UNMAPPED, "load from an unmapped page: memory fault, read, address")                    \
    X(STORE_UNMAPPED, "store to an unmapped page: memory fault, write, address")                   \
    X(STORE_TEXT, "store to the program's read-only text: memory fault, write")                    \
    X(FETCH_UNMAPPED, "jump to an unmapped page: memory fault, execute, address")                  \
    X(LOAD_KERNEL, "load from kernel memory: memory fault, read")                                  \
    X(STORE_KERNEL, "store to kernel memory: memory fault, write")                                 \
    X(FETCH_KERNEL, "jump into kernel text: memory fault, execute")                                \
    X(ILLEGAL, "illegal instruction: user exception")                                              \
    X(CSR_PRIV, "S-mode CSR read from U-mode: illegal instruction")                                \
    X(FP_OFF, "FP instruction with sstatus.FS off: illegal instruction")                           \
    X(MISALIGNED, "misaligned AMO: alignment exception with its address")                          \
    X(BREAKPOINT, "ebreak: breakpoint exception")                                                  \
    X(REGS_KEPT, "registers survive a fault and a resume")                                         \
    X(TIMER_USER, "timer deadline interrupts U-mode once, not before the deadline")                \
    X(TIMER_IDLE, "timer deadline ends hal_idle")                                                  \
    X(IRQ_IDLE, "goldfish RTC alarm reaches hal_idle through the PLIC")                            \
    X(IRQ_MASKED, "a reported line stays masked while the device still asserts")                   \
    X(IRQ_UNMASK, "unmasking a still-asserted level line delivers it again")                       \
    X(IRQ_NO_SPURIOUS, "no interrupt after the device is acknowledged and the line unmasked")      \
    X(IRQ_USER, "RTC alarm interrupts U-mode")                                                     \
    X(SMP_START, "hal_cpu_start brings up a second hart on the kernel's page tables")              \
    X(SMP_IPI, "hal_ipi_send from that hart ends hal_idle on CPU 0")                               \
    X(HALT, "the program ends through MICA_SYS_DEBUG_HALT with status 0")

#define HAL_TEST_ENUM(id, name) TEST_##id,
enum { HAL_TESTS(HAL_TEST_ENUM) TEST_COUNT };

/* User addresses the kernel side maps besides the program's ELF segments. */
#define USER_IPC_BUFFER 0x100000ul
#define USER_RTC        0x200000ul

#endif
