/* SPDX-License-Identifier: MIT */
/*
 * A test arch for tests/unit/test_pt.c shaped like RISC-V Sv39: three levels of 512 PTEs, 4 KiB
 * pages, user addresses below 2^38. Only what hal.h needs to compile the walker; the encoding is
 * in hal_pte.c next to this file.
 */
#ifndef TEST_ARCH_H
#define TEST_ARCH_H

#include <stdint.h>

#define TEST_ARCH_NAME "pt_sv39"

typedef uintptr_t word_t;
typedef uint64_t paddr_t;
typedef uint64_t pte_t;

struct arch_ctx {
    word_t regs[32];
};
#define ARCH_NUM_REGS       32
#define ARCH_MAX_RAM_RANGES 4

#define HAL_PT_LEVELS     3
#define HAL_PT_INDEX_BITS 9
#define HAL_PAGE_BITS     12
/* Sv39 addresses are sign-extended from bit 38; the lower half is user space. */
#define HAL_USER_TOP ((word_t)1 << 38)

/* Only named by hal.h's CONFIG_MPU block, should the build's autoconf.h switch it on. */
struct arch_mpu_state;

/* Test-only decoders so assertions can read rights and attr back out of a leaf. */
unsigned test_pte_rights(pte_t pte);
unsigned test_pte_attr(pte_t pte);

#endif
