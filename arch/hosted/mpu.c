/* SPDX-License-Identifier: MIT */
/*
 * The hosted MPU personality (CONFIG_HOSTED_MPU): region sets checked by the PMSAv8 rules the
 * Armv8-M port uses (core/mpu_solver.c's mpu_solver_check with 8 regions and a 32-byte granule),
 * so "does not fit" is the same answer an AN505 gives. Nothing enforces the regions (user code
 * runs in the host process): activation records the set.
 */
#include "hosted.h"
#include "mpu_solver.h"

static struct arch_mpu_state active;

int hal_mpu_encode(const struct mpu_region *regions, unsigned n, struct arch_mpu_state *out)
{
    int err = mpu_solver_check(regions, n, HAL_MPU_REGIONS, HAL_MPU_GRANULE);

    if (err)
        return err;
    out->n = n;
    for (unsigned i = 0; i < n; i++) {
        out->base[i] = regions[i].base;
        out->limit[i] = regions[i].base + regions[i].size - 1;
        out->rights[i] = (uint8_t)regions[i].vm_rights;
    }
    return 0;
}

void hal_mpu_activate(const struct arch_mpu_state *state)
{
    active = *state;
}
