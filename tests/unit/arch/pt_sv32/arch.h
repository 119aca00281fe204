/* SPDX-License-Identifier: MIT */
/*
 * A test arch for tests/unit/test_pt.c shaped like RISC-V Sv32: two levels of 1024 four-byte
 * PTEs, so the walker is also tried with a different level count, index width and PTE size.
 * User addresses below 2^31. The encoding is in hal_pte.c next to this file.
 */
#ifndef TEST_ARCH_H
#define TEST_ARCH_H

#include <stdint.h>

#define TEST_ARCH_NAME "pt_sv32"

typedef uintptr_t word_t;
typedef uint64_t paddr_t; /* Sv32 physical addresses have 34 bits */
typedef uint32_t pte_t;

struct arch_ctx {
    word_t regs[32];
};
#define ARCH_NUM_REGS       32
#define ARCH_MAX_RAM_RANGES 4

#define HAL_PT_LEVELS     2
#define HAL_PT_INDEX_BITS 10
#define HAL_PAGE_BITS     12
#define HAL_USER_TOP      ((word_t)1 << 31)

/* Only named by hal.h's CONFIG_MPU block, should the build's autoconf.h switch it on. */
struct arch_mpu_state;

/* Test-only decoders so assertions can read rights and attr back out of a leaf. */
unsigned test_pte_rights(pte_t pte);
unsigned test_pte_attr(pte_t pte);

#endif
