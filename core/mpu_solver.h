/* SPDX-License-Identifier: MIT */
/*
 * The MPU region solver: turns the frames mapped in an MPU VSpace into the fewest hardware
 * regions and asks the arch to encode them. On MPU arches a frame maps only at vaddr == paddr, so
 * a frame is a physical block [base, base + size) with rights and attr (struct mpu_region).
 */
#ifndef MICA_MPU_SOLVER_H
#define MICA_MPU_SOLVER_H

#include "hal.h"

/*
 * Sort frames[0..n) by base, merge frames that touch (one ends where the next begins) and have
 * equal vm_rights and attr, and write the regions to out[0..max). *nregions is set to the number
 * of regions the set needs, also when that is more than max. Then hal_mpu_encode(out, *nregions,
 * state) decides whether the hardware can do it. frames is reordered (it is a set).
 *
 * Returns 0 or an enum mica_error (positive, as everywhere in core/, hal_mpu_encode included):
 *   INVALID_ARGUMENT  a frame of size 0, or rights/attr that vm_check_rights refuses
 *   RANGE             a frame that wraps around the address space, or more regions than max
 *   DELETE_FIRST      two frames overlap
 *   anything hal_mpu_encode returns (e.g. RANGE: too many regions, ALIGNMENT: off the granule)
 * On error *state may be partly written: encode into a scratch state and keep the old one.
 */
int mpu_solve(struct mpu_region *frames, unsigned n, struct mpu_region *out, unsigned max,
              unsigned *nregions, struct arch_mpu_state *state);

/* Sort regions by base (insertion sort: stable, no recursion, n is small). */
void mpu_solver_sort(struct mpu_region *regions, unsigned n);

#endif
