/* SPDX-License-Identifier: MIT */
/*
 * Machine types of the hosted arch: Mica as one Linux process on x86_64. "Physical" memory is an
 * mmap'd arena whose host addresses are used as physical addresses; user threads run on their
 * own host stacks and enter the kernel through a function call that stands in for the trap.
 */
#ifndef MICA_ARCH_HOSTED_H
#define MICA_ARCH_HOSTED_H

#include <stddef.h>
#include <stdint.h>

#include <mica/abi.h>

typedef uintptr_t word_t;
typedef uintptr_t paddr_t;

#define ARCH_NUM_REGS       MICA_REG_ARCH_BASE /* PC, SP, ARG0..ARG7 */
#define ARCH_MAX_RAM_RANGES 4
#define ARCH_IRQ_LINES      256 /* injected lines (hosted_irq_inject) */
#define ARCH_ELF_CLASS      64  /* root task ELFs: ELFCLASS64 ... */
#define ARCH_ELF_MACHINE    62  /* ... EM_X86_64 */
/* User code shares the host process: mappings are bookkeeping and user faults cannot be provoked,
 * so boot info gets neither MICA_BOOT_FLAG_REAL_MEM nor MICA_BOOT_FLAG_USER_FAULT. */
#define ARCH_BOOT_FLAGS 0

/*
 * A thread's user state. regs[] is what the arch-neutral ids name; host_sp is the host stack
 * pointer saved by the context switch while the thread is not running. fresh means "start at
 * regs[PC](regs[ARG0]) on stack regs[SP] the next time it runs" (set by hal_ctx_init and by
 * writing PC or SP).
 */
struct arch_ctx {
    word_t regs[ARCH_NUM_REGS];
    void *host_sp;
    void *ipc_buffer; /* the kernel's pointer, which user code on hosted uses directly */
    word_t fresh;
    word_t stack_top; /* for the sanitizer's fiber bookkeeping */
    word_t faulted;   /* a host signal stopped it: every run reports fault until restarted */
    word_t restart;   /* hal_ctx_restart_syscall: hosted_trap traps again with the same ARGs */
    unsigned fault_type;
    word_t fault_addr, fault_detail;
    void *asan_fake_stack;
};

/*
 * Memory protection personalities (Kconfig HOSTED_MMU / HOSTED_MPU); both are declared, one is
 * built. MMU: Sv39's shape (arch/hosted/mmu.c), user addresses below 2^38. MPU: PMSAv8's rules,
 * 8 regions on a 32-byte granule (arch/hosted/mpu.c).
 */
typedef uint64_t pte_t;
#define HAL_PT_LEVELS     3
#define HAL_PT_INDEX_BITS 9
#define HAL_PAGE_BITS     12
#define HAL_USER_TOP      ((word_t)1 << 38)

#define HAL_MPU_REGIONS 8
#define HAL_MPU_GRANULE 32

/* PMSAv8's {RBAR, RLAR} pairs (drivers/mpu/pmsav8.c), as host-sized words. */
struct arch_mpu_state {
    word_t pair[HAL_MPU_REGIONS][2];
};

/* The hosted "trap" seen from user code (user/arch/hosted): the running thread's ARG0..ARG7 and
 * IPC buffer, and the call that enters the kernel with the syscall in those registers. */
extern word_t *hosted_user_args;
extern void *hosted_user_ipc_buffer;
void hosted_trap(void);

/* Raise interrupt line irq (1..63) as a device would; the kernel sees it at its next entry. */
void hosted_irq_inject(unsigned irq);

#endif
