/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for arch/<arch>/include/arch.h, so that host unit tests can compile arch-neutral
 * core files (core/fdt.c, ...) against core/hal.h. A 64-bit machine with generous limits; the
 * MMU and MPU types are there so that hal.h compiles whatever the build's autoconf.h enables.
 */
#ifndef MICA_ARCH_H
#define MICA_ARCH_H

#include <stdint.h>

#include <mica/abi.h>

typedef uintptr_t word_t;
typedef uint64_t paddr_t;

#define ARCH_MAX_RAM_RANGES 16

struct arch_ctx {
    word_t regs[32];
};
#define ARCH_NUM_REGS (MICA_REG_ARCH_BASE + 32)

typedef uint64_t pte_t;
#define HAL_PT_LEVELS     3
#define HAL_PT_INDEX_BITS 9
#define HAL_PAGE_BITS     12
#define HAL_USER_TOP      ((word_t)1 << 38)

#define HAL_MPU_REGIONS 8
#define HAL_MPU_GRANULE 32
struct arch_mpu_state {
    word_t rbar[HAL_MPU_REGIONS];
    word_t rlar[HAL_MPU_REGIONS];
};

#endif
