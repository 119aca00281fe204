/* SPDX-License-Identifier: MIT */
/*
 * A test arch for tests/unit/test_mpu_solver.c shaped like Armv8-M with PMSAv8 as QEMU's
 * Cortex-M33 (mps2-an505) is configured in our board: 32-bit physical addresses, 8 MPU regions,
 * 32-byte granule. hal_mpu_encode lives in the test, standing in for arch/armv8m.
 */
#ifndef TEST_ARCH_H
#define TEST_ARCH_H

#include <stdint.h>

typedef uintptr_t word_t;
typedef uint32_t paddr_t;

struct arch_ctx {
    word_t regs[17];
};
#define ARCH_NUM_REGS       17
#define ARCH_MAX_RAM_RANGES 2

/* Only used by hal.h's CONFIG_MMU block, should the build's autoconf.h switch it on. */
typedef uint32_t pte_t;

#define HAL_MPU_REGIONS 8
#define HAL_MPU_GRANULE 32

/* MPU_RBAR / MPU_RLAR values per region, ready to store on a context switch. */
struct arch_mpu_state {
    uint32_t rbar[HAL_MPU_REGIONS];
    uint32_t rlar[HAL_MPU_REGIONS];
};

#endif
