/* SPDX-License-Identifier: MIT */
/*
 * The Arm Generic Interrupt Controller, v2 (GIC architecture spec IHI 0048B: distributor and
 * memory-mapped CPU interface; "arm,cortex-a15-gic" in a devicetree) and v3 (IHI 0069H:
 * distributor, one redistributor per CPU, system-register CPU interface; "arm,gic-v3"). Kconfig
 * builds either or both (CONFIG_GIC_V2, CONFIG_GIC_V3); the devicetree picks the one that runs
 * (arch/aarch64/irq.c). Interrupt IDs: SGIs 0-15, PPIs 16-31 (per CPU), SPIs 32-1019; an
 * acknowledge of 1020 or more means nothing was pending.
 *
 * Every interrupt is non-secure Group 1 (v3) or the one group of a GIC without security (v2),
 * priority GIC_PRIORITY, level-sensitive as at reset, and starts disabled. SPIs go to the boot
 * CPU until routed elsewhere (gicv2_route, gicv3_route). The end of an interrupt both drops the
 * priority and deactivates it (EOImode 0).
 */
#ifndef MICA_GIC_H
#define MICA_GIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GICV2_COMPAT  "arm,cortex-a15-gic"
#define GICV3_COMPAT  "arm,gic-v3"
#define GIC_FIRST_SPI 32
#define GIC_MAX_INTID 1020 /* 1020-1023 are special (spurious) */
#define GIC_PRIORITY  0xa0

/* gic_dist.c: the distributor's registers, the same in both versions (IHI 0069H 12.9). */
void gic_dist_init(volatile uint32_t *dist, unsigned *lines);
void gic_dist_enable(volatile uint32_t *dist, unsigned intid, bool on);
void gic_dist_priority(volatile uint32_t *dist, unsigned intid);

/* GICv2 (gicv2.c). Init on the boot CPU with the distributor and CPU interface mapped; every CPU
 * then sets up its banked registers with cpu_init. The IAR value goes back to eoi as it is. */
unsigned gicv2_init(void *dist, void *cpu);
void gicv2_cpu_init(void);
uint8_t gicv2_cpu_mask(void);
uint32_t gicv2_ack(void);
void gicv2_eoi(uint32_t iar);
void gicv2_enable(unsigned intid, bool on);
void gicv2_send_sgi(uint8_t cpu_mask, unsigned sgi);
/* Send SPI intid to the CPU interfaces in cpu_mask (gicv2_cpu_mask of the target). */
void gicv2_route(unsigned intid, uint8_t cpu_mask);

/* GICv3 (gicv3.c). SPIs are routed to boot_affinity (MPIDR_EL1's Aff3.Aff2.Aff1.Aff0); each CPU
 * finds its redistributor in the region by its affinity. PPIs and SGIs are enabled on the CPU
 * that calls gicv3_enable. */
unsigned gicv3_init(void *dist, void *redist, size_t redist_size, uint64_t boot_affinity);
void gicv3_cpu_init(unsigned cpu, uint64_t affinity);
uint32_t gicv3_ack(void);
void gicv3_eoi(uint32_t intid);
void gicv3_enable(unsigned cpu, unsigned intid, bool on);
void gicv3_send_sgi(uint64_t affinity, unsigned sgi);
/* Send SPI intid to the CPU with this affinity (MPIDR_EL1's affinity fields). */
void gicv3_route(unsigned intid, uint64_t affinity);

#endif
