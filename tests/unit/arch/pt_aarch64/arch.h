/* SPDX-License-Identifier: MIT */
/*
 * A test arch for tests/unit/test_pt.c shaped like AArch64 with the 4KB granule and 48-bit
 * addresses: four levels of 512 descriptors, user addresses (TTBR0) below 2^48. The encoding is
 * in hal_pte.c next to this file.
 */
#ifndef TEST_ARCH_H
#define TEST_ARCH_H

#include <stdint.h>

#define TEST_ARCH_NAME "pt_aarch64"

typedef uintptr_t word_t;
typedef uint64_t paddr_t;
typedef uint64_t pte_t;

struct arch_ctx {
    word_t regs[34];
};
#define ARCH_NUM_REGS       34
#define ARCH_MAX_RAM_RANGES 4

#define HAL_PT_LEVELS     4
#define HAL_PT_INDEX_BITS 9
#define HAL_PAGE_BITS     12
/* TTBR0_EL1 translates the bottom 2^(64 - T0SZ) bytes; T0SZ = 16 gives 48 bits. */
#define HAL_USER_TOP ((word_t)1 << 48)

/* Only named by hal.h's CONFIG_MPU block, should the build's autoconf.h switch it on. */
struct arch_mpu_state;

/* Test-only decoders so assertions can read rights and attr back out of a leaf. */
unsigned test_pte_rights(pte_t pte);
unsigned test_pte_attr(pte_t pte);

#endif
