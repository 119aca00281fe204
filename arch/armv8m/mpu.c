/* SPDX-License-Identifier: MIT */
/*
 * The Cortex-M33 MPU (PMSAv8, drivers/mpu/pmsav8.c encodes). Threads get the regions of their
 * VSpace and nothing else; the kernel runs with the MPU off (trap.S turns it on, with PRIVDEFENA,
 * only for the instructions that return to a thread), so a region set is loaded with plain stores
 * at any time: four {RBAR, RLAR} pairs per store-multiple through the RBAR_A1..A3 aliases.
 */
#include "compiler.h"
#include "armv8m.h"
#include "klog.h"
#include "mpu/pmsav8.h"

#define MPU_TYPE      SCS_REG(0xd90)
#define MPU_CTRL      SCS_REG(0xd94)
#define MPU_RNR       SCS_REG(0xd98)
#define MPU_RBAR_ADDR (0xe000e000u + 0xd9c) /* RBAR, RLAR, RBAR_A1, RLAR_A1, ... RLAR_A3 */
#define MPU_MAIR0     SCS_REG(0xdc0)
#define MPU_CTRL_ON   5 /* ENABLE | PRIVDEFENA: the default map for privileged code only */

_Static_assert(HAL_MPU_REGIONS % 4 == 0, "regions are loaded four at a time");

BOOT_CODE void armv8m_mpu_init(void)
{
    unsigned dregion = (MPU_TYPE >> 8) & 0xff;

    if (dregion < HAL_MPU_REGIONS)
        kpanic("the MPU has %u regions, CONFIG_MPU_REGIONS is %u", dregion, HAL_MPU_REGIONS);
    MPU_CTRL = 0;
    MPU_MAIR0 = PMSAV8_MAIR0;
    /* Regions beyond CONFIG_MPU_REGIONS stay disabled for good. */
    for (unsigned i = 0; i < dregion; i++) {
        MPU_RNR = i;
        SCS_REG(0xda0) = 0; /* RLAR: EN = 0 */
    }
}

void armv8m_mpu_enable(bool on)
{
    MPU_CTRL = on ? MPU_CTRL_ON : 0;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

int hal_mpu_encode(const struct mpu_region *regions, unsigned n, struct arch_mpu_state *out)
{
    return pmsav8_encode(regions, n, HAL_MPU_REGIONS, out->pair);
}

/* The MPU is off while the kernel runs: no barrier until trap.S turns it on. Each pass writes
 * regions i..i+3: RNR, then two pairs through RBAR/RLAR/RBAR_A1/RLAR_A1 and two through A2/A3. */
void hal_mpu_activate(const struct arch_mpu_state *state)
{
    const word_t *src = &state->pair[0][0];

    for (unsigned i = 0; i < HAL_MPU_REGIONS; i += 4) {
        MPU_RNR = i;
        __asm__ volatile("ldm %0!, {r0-r3}\n\t"
                         "stm %1, {r0-r3}\n\t"
                         "ldm %0!, {r0-r3}\n\t"
                         "stm %2, {r0-r3}"
                         : "+r"(src)
                         : "r"(MPU_RBAR_ADDR), "r"(MPU_RBAR_ADDR + 16)
                         : "r0", "r1", "r2", "r3", "memory");
    }
}
