/* SPDX-License-Identifier: MIT */
/*
 * A test arch for tests/unit/test_mpu_solver.c shaped like Armv8-M with PMSAv8 as QEMU's
 * Cortex-M33 (mps2-an505) is configured in our board: 32-bit physical addresses, 8 MPU regions,
 * 32-byte granule. hal_mpu_encode lives in the test: arch/armv8m's, drivers/mpu/pmsav8.c's
 * encoding.
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

/* {MPU_RBAR, MPU_RLAR} per region, ready to store on a context switch (as arch/armv8m). */
struct arch_mpu_state {
    word_t pair[HAL_MPU_REGIONS][2];
};

#endif
