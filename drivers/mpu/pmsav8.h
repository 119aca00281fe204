/* SPDX-License-Identifier: MIT */
/*
 * PMSAv8, the Armv8-M MPU (Armv8-M ARM DDI 0553, B3.5 and the MPU_RBAR / MPU_RLAR registers): the
 * rules a region set must follow and its register encoding. arch/armv8m's hal_mpu_encode is
 * pmsav8_encode; hosted's MPU personality uses the same, so "does not fit" is one answer.
 */
#ifndef MICA_PMSAV8_H
#define MICA_PMSAV8_H

#include "hal.h"

/* MPU_RBAR.BASE and the inclusive MPU_RLAR.LIMIT hold address bits [31:5]. */
#define PMSAV8_GRANULE 32

/* MPU_RBAR: BASE[31:5] SH[4:3] AP[2:1] XN[0]; MPU_RLAR: LIMIT[31:5] AttrIndx[3:1] EN[0]. */
#define PMSAV8_RBAR_XN         (1u << 0)
#define PMSAV8_RBAR_AP_RW_ANY  (1u << 1) /* AP = 01: read/write at any privilege */
#define PMSAV8_RBAR_AP_RO_ANY  (3u << 1) /* AP = 11: read-only at any privilege */
#define PMSAV8_RLAR_EN         (1u << 0)
#define PMSAV8_RLAR_ATTRIDX(n) ((word_t)(n) << 1)

/* MAIR attribute indexes the encoding uses: 0 normal memory, 1 device memory. MAIR0's value. */
#define PMSAV8_ATTR_NORMAL 0
#define PMSAV8_ATTR_DEVICE 1
#define PMSAV8_MAIR0       0x000000ffu /* attr0 Normal write-back RW-allocate, attr1 Device-nGnRnE */

/*
 * The rules: at most max_regions regions; base and size multiples of PMSAV8_GRANULE (so no region
 * is smaller); no wrap-around; no two regions overlapping, in any order (an address in two enabled
 * regions is a MemManage fault, not a priority choice as in PMSAv7). Returns 0 or RANGE (count,
 * wrap), ALIGNMENT, INVALID_ARGUMENT (size 0), DELETE_FIRST (overlap): positive, like
 * hal_mpu_encode's errors.
 */
int pmsav8_check(const struct mpu_region *regions, unsigned n, unsigned max_regions);

/*
 * Check the regions (as above), then write one {RBAR, RLAR} pair per region to pair[0..max) in
 * order, disabled pairs (all zero) after them: read-write or read-only at any privilege,
 * execute-never unless MICA_VM_EXEC, non-shareable, attribute index by attr. On error pair may be
 * partly written.
 */
int pmsav8_encode(const struct mpu_region *regions, unsigned n, unsigned max_regions,
                  word_t (*pair)[2]);

#endif
