/* SPDX-License-Identifier: MIT */
/*
 * The GIC distributor registers both versions share (GICv2 IHI 0048B 4.3, GICv3 IHI 0069H 12.9):
 * how many interrupt IDs there are, set-enable / clear-enable bits, priorities.
 */
#include "compiler.h"
#include "gic.h"

#define GICD_TYPER      0x004
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ICPENDR    0x280
#define GICD_ICACTIVER  0x380
#define GICD_IPRIORITYR 0x400

static volatile uint32_t *reg(volatile uint32_t *dist, unsigned off)
{
    return dist + off / 4;
}

/* ITLinesNumber (TYPER[4:0]) says 32 * (N + 1) IDs, at most 1020. Every SPI starts disabled,
 * not pending, not active, at GIC_PRIORITY. */
BOOT_CODE void gic_dist_init(volatile uint32_t *dist, unsigned *lines)
{
    unsigned n = 32 * ((*reg(dist, GICD_TYPER) & 0x1f) + 1);

    *lines = n < GIC_MAX_INTID ? n : GIC_MAX_INTID;
    for (unsigned i = GIC_FIRST_SPI; i < *lines; i += 32) {
        *reg(dist, GICD_ICENABLER + i / 8) = 0xffffffff;
        *reg(dist, GICD_ICPENDR + i / 8) = 0xffffffff;
        *reg(dist, GICD_ICACTIVER + i / 8) = 0xffffffff;
    }
    for (unsigned i = GIC_FIRST_SPI; i < *lines; i++)
        gic_dist_priority(dist, i);
}

/* One bit per ID in 32-bit words: writing 1 sets (ISENABLER) or clears (ICENABLER) it. */
void gic_dist_enable(volatile uint32_t *dist, unsigned intid, bool on)
{
    *reg(dist, (on ? GICD_ISENABLER : GICD_ICENABLER) + intid / 32 * 4) = 1u << (intid % 32);
}

/* One byte per ID. */
void gic_dist_priority(volatile uint32_t *dist, unsigned intid)
{
    ((volatile uint8_t *)reg(dist, GICD_IPRIORITYR))[intid] = GIC_PRIORITY;
}
