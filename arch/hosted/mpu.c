/* SPDX-License-Identifier: MIT */
/*
 * The hosted MPU personality (CONFIG_HOSTED_MPU): region sets checked and encoded by the PMSAv8
 * rules the Armv8-M port uses (drivers/mpu/pmsav8.c, 8 regions), so "does not fit" is the same
 * answer a Cortex-M33 gives. Nothing enforces the regions (user code runs in the host process):
 * activation records the set.
 */
#include "hosted.h"
#include "mpu/pmsav8.h"

static struct arch_mpu_state active;

int hal_mpu_encode(const struct mpu_region *regions, unsigned n, struct arch_mpu_state *out)
{
    return pmsav8_encode(regions, n, HAL_MPU_REGIONS, out->pair);
}

void hal_mpu_activate(const struct arch_mpu_state *state)
{
    active = *state;
}
