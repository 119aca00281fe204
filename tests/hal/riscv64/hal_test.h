/* SPDX-License-Identifier: MIT */
/*
 * The riscv64 HAL self-test's tests, in the order they report; the protocol between its kernel
 * side (hal_test.c, ../kernel.c) and its U-mode program (user_test.c, ../user.c) is ../proto.h.
 * The device is QEMU virt's goldfish RTC.
 */
#ifndef MICA_HAL_TEST_H
#define MICA_HAL_TEST_H

#include "proto.h"

#define HAL_TESTS(X)                                                                               \
    X(KERNEL_WX, "kernel text RX, rodata R, data RW, linear map NX")                               \
    X(STACK_GUARD, "each kernel stack has an unmapped guard page below it, named as its CPU's")    \
    X(USER_RUNS, "U-mode program loaded from an ELF runs and reaches ecall")                       \
    X(ECHO, "ecall passes a0..a6 both ways, a7 = syscall number / error")                          \
    X(IPC_BUFFER, "tp holds the IPC buffer address the kernel set")                                \
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
    X(IRQ_PENDING, "a line that asserted while masked, never claimed, is delivered on unmask")     \
    X(SMP_START, "hal_cpu_start brings up a second hart on the kernel's page tables")              \
    X(SMP_IPI, "hal_ipi_send from that hart ends hal_idle on CPU 0")                               \
    X(HALT, "the program ends through MICA_SYS_DEBUG_HALT with status 0")

enum { HAL_TESTS(HAL_TEST_ENUM) TEST_COUNT };

#endif
