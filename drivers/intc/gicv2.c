/* SPDX-License-Identifier: MIT */
/*
 * GICv2 (IHI 0048B): the distributor (gic_dist.c plus the target and SGI registers) and the
 * memory-mapped CPU interface. Without the security extensions (QEMU virt's GICv2 unless
 * secure=on) there is one group, signalled as IRQ. SGIs and PPIs are banked per CPU in the
 * distributor's first registers, which each CPU programs for itself.
 */
#include "compiler.h"
#include "gic.h"

#define GICD_CTLR      0x000
#define GICD_ITARGETSR 0x800
#define GICD_SGIR      0xf00
#define GICC_CTLR      0x00
#define GICC_PMR       0x04
#define GICC_BPR       0x08
#define GICC_IAR       0x0c
#define GICC_EOIR      0x10

static volatile uint32_t *dist, *cpuif;
static unsigned lines;

static volatile uint32_t *dreg(unsigned off)
{
    return dist + off / 4;
}

static volatile uint32_t *creg(unsigned off)
{
    return cpuif + off / 4;
}

/* 4.3.12: reading ITARGETSR0..7 returns the reading CPU's own bit in every byte. */
uint8_t gicv2_cpu_mask(void)
{
    return (uint8_t)*dreg(GICD_ITARGETSR);
}

BOOT_CODE unsigned gicv2_init(void *d, void *c)
{
    uint8_t boot = 0;

    dist = d;
    cpuif = c;
    *dreg(GICD_CTLR) = 0;
    gic_dist_init(dist, &lines);
    boot = gicv2_cpu_mask();
    for (unsigned i = GIC_FIRST_SPI; i < lines; i++)
        gicv2_route(i, boot);
    *dreg(GICD_CTLR) = 1;
    return lines;
}

/* The banked SGIs and PPIs: disabled (PPIs come on with gicv2_enable) at GIC_PRIORITY; the CPU
 * interface passes every priority and signals interrupts. */
BOOT_CODE void gicv2_cpu_init(void)
{
    *dreg(0x180) = 0xffff0000; /* GICD_ICENABLER0: PPIs off; SGIs may be always on (4.3.5) */
    for (unsigned i = 0; i < GIC_FIRST_SPI; i++)
        gic_dist_priority(dist, i);
    gic_dist_enable(dist, 0, true);
    *creg(GICC_PMR) = 0xff;
    *creg(GICC_BPR) = 0;
    *creg(GICC_CTLR) = 1;
}

uint32_t gicv2_ack(void)
{
    return *creg(GICC_IAR);
}

/* The whole IAR value: for an SGI it carries the source CPU, which the end must name too. */
void gicv2_eoi(uint32_t iar)
{
    *creg(GICC_EOIR) = iar;
}

void gicv2_enable(unsigned intid, bool on)
{
    gic_dist_enable(dist, intid, on);
}

/* 4.3.12: ITARGETSR is byte-accessible, one byte per interrupt. */
void gicv2_route(unsigned intid, uint8_t cpu_mask)
{
    ((volatile uint8_t *)dreg(GICD_ITARGETSR))[intid] = cpu_mask;
}

/* 4.3.15: TargetListFilter 0, the CPU target list in bits 23:16. */
void gicv2_send_sgi(uint8_t cpu_mask, unsigned sgi)
{
    __asm__ volatile("dsb ishst" ::: "memory");
    *dreg(GICD_SGIR) = ((uint32_t)cpu_mask << 16) | (sgi & 0xf);
}
