/* SPDX-License-Identifier: MIT */
/*
 * The aarch64 HAL self-test's tests, in the order they report, and its own syscalls; the protocol
 * between its kernel side (hal_test.c, ../kernel.c) and its EL0 program (user_test.c, ../user.c)
 * is ../proto.h. The device is QEMU virt's PL061 GPIO, whose pin 0, as an output with a
 * level-high interrupt, the program raises and lowers itself.
 */
#ifndef MICA_HAL_TEST_H
#define MICA_HAL_TEST_H

#include "proto.h"

enum {
    T_SET_SPSR = T_ARCH, /* ARG0 value: hal_ctx_set(SPSR) -> ARG0 what hal_ctx_get reads back */
    T_PAN,               /* ARG0 test, ARG1 user address: a kernel load from it must fault */
};

#define HAL_TESTS(X)                                                                               \
    X(KERNEL_WX, "kernel text RX, rodata R, data RW, linear map NX, none of it for EL0")           \
    X(STACK_GUARD, "a push below the kernel stack hits its unmapped guard: stack overflow")        \
    X(USER_RUNS, "EL0 program loaded from an ELF runs and reaches svc")                            \
    X(ECHO, "svc passes x0..x6 both ways, x7 = syscall number / error")                            \
    X(IPC_BUFFER, "TPIDR_EL0 holds the IPC buffer address the kernel set")                         \
    X(COUNTERS, "EL0 reads PMCCNTR_EL0 and CNTVCT_EL0, both counting")                             \
    X(LOAD_UNMAPPED, "load from an unmapped page: memory fault, read, address")                    \
    X(STORE_UNMAPPED, "store to an unmapped page: memory fault, write, address")                   \
    X(STORE_TEXT, "store to the program's read-only text: memory fault, write")                    \
    X(FETCH_UNMAPPED, "jump to an unmapped page: memory fault, execute, address")                  \
    X(LOAD_KERNEL, "load from kernel memory: memory fault, read")                                  \
    X(STORE_KERNEL, "store to kernel memory: memory fault, write")                                 \
    X(FETCH_KERNEL, "jump into kernel text: memory fault, execute")                                \
    X(UNDEFINED, "udf: illegal instruction")                                                       \
    X(SYSREG_PRIV, "EL1 system register read from EL0: illegal instruction")                       \
    X(WFI_TRAPPED, "wfi from EL0 traps: illegal instruction")                                      \
    X(EXCLUSIVE_ALIGN, "misaligned ldxr: alignment exception with its address")                    \
    X(PC_ALIGN, "branch to a misaligned address: alignment exception, the address")                \
    X(BREAKPOINT, "BRK with immediate 0: breakpoint exception at the BRK")                         \
    X(TRAP_BRK, "BRK with immediate 1 (__builtin_trap): illegal instruction")                      \
    X(FP_FIRST_USE, "first FP/SIMD instruction runs, registers start zero and survive a svc")      \
    X(REGS_KEPT, "registers survive a fault and a resume")                                         \
    X(SPSR_SANITISED, "hal_ctx_set keeps only NZCV of SPSR; the thread stays at EL0")              \
    X(PAN, "with PAN, a kernel load from a user page faults")                                      \
    X(TIMER_USER, "timer deadline interrupts EL0 once, not before the deadline")                   \
    X(TIMER_IDLE, "timer deadline ends hal_idle")                                                  \
    X(IRQ_IDLE, "PL061 interrupt reaches hal_idle through the GIC")                                \
    X(IRQ_MASKED, "a reported line stays masked while the device still asserts")                   \
    X(IRQ_UNMASK, "unmasking a still-asserted level line delivers it again")                       \
    X(IRQ_NO_SPURIOUS, "no interrupt after the device is acknowledged and the line unmasked")      \
    X(IRQ_USER, "PL061 interrupt interrupts EL0")                                                  \
    X(IRQ_PENDING, "a line that asserted while masked, never claimed, is delivered on unmask")     \
    X(SMP_START, "hal_cpu_start brings up a second CPU on the kernel's page tables")               \
    X(SMP_IPI, "hal_ipi_send from that CPU ends hal_idle on CPU 0")                                \
    X(HALT, "the program ends through MICA_SYS_DEBUG_HALT with status 0")

enum { HAL_TESTS(HAL_TEST_ENUM) TEST_COUNT };

/* PL061 registers (PL061 TRM 3.3); GPIODATA through address mask bits [9:2]: offset 4 is pin 0. */
#define GPIO_DATA_PIN0 0x004
#define GPIO_DIR       0x400
#define GPIO_IS        0x404
#define GPIO_IEV       0x40c
#define GPIO_IE        0x410
#define GPIO_IC        0x41c

#endif
