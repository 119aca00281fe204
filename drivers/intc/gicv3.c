/* SPDX-License-Identifier: MIT */
/*
 * GICv3 (IHI 0069H): the distributor (gic_dist.c plus control and routing), one redistributor per
 * CPU for its SGIs and PPIs, and the CPU interface through the ICC_* system registers. Affinity
 * routing is on (ARE); everything is non-secure Group 1, which a GIC without security
 * (GICD_CTLR.DS, QEMU virt without secure=on) treats as its Group 1.
 */
#include "compiler.h"
#include "gic.h"
#include "hal.h"
#include "klog.h"

#define GICD_CTLR       0x0000
#define GICD_IGROUPR    0x0080
#define GICD_IROUTER    0x6000
#define GICD_CTLR_GRP1  (1u << 1) /* EnableGrp1 (DS = 1) / EnableGrp1A (non-secure view) */
#define GICD_CTLR_ARE   (1u << 4)
#define GICD_CTLR_RWP   (1u << 31)
#define GICR_TYPER      0x0008
#define GICR_WAKER      0x0014
#define GICR_SGI        0x10000 /* the SGI_base frame after RD_base */
#define GICR_IGROUPR0   (GICR_SGI + 0x080)
#define GICR_ISENABLER0 (GICR_SGI + 0x100)
#define GICR_ICENABLER0 (GICR_SGI + 0x180)
#define GICR_PRIORITYR  (GICR_SGI + 0x400)
#define WAKER_SLEEP     (1u << 1) /* ProcessorSleep */
#define WAKER_ASLEEP    (1u << 2) /* ChildrenAsleep */
#define TYPER_VLPIS     (1u << 1)
#define TYPER_LAST      (1u << 4)

/* ICC_* system registers by encoding (clang's assembler may not know the names for the CPU). */
#define ICC_PMR_EL1       "S3_0_C4_C6_0"
#define ICC_IAR1_EL1      "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1     "S3_0_C12_C12_1"
#define ICC_BPR1_EL1      "S3_0_C12_C12_3"
#define ICC_CTLR_EL1      "S3_0_C12_C12_4"
#define ICC_SRE_EL1       "S3_0_C12_C12_5"
#define ICC_IGRPEN1_EL1   "S3_0_C12_C12_7"
#define ICC_SGI1R_EL1     "S3_0_C12_C11_5"
#define icc_write(reg, v) __asm__ volatile("msr " reg ", %0" ::"r"((uint64_t)(v)) : "memory")
#define icc_read(reg)                                                                              \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " reg : "=r"(v_)::"memory");                                     \
        v_;                                                                                        \
    })

static volatile uint32_t *dist;
static volatile uint8_t *redist_base;
static size_t redist_len;
static volatile uint8_t *redist[CONFIG_NR_CPUS];

static volatile uint32_t *dreg(unsigned off)
{
    return dist + off / 4;
}

static volatile uint32_t *rreg(volatile uint8_t *rd, unsigned off)
{
    return (volatile uint32_t *)(rd + off);
}

/* 12.9.4: after a GICD_CTLR write, wait until the distributor says it took effect. */
static void dist_ctlr(uint32_t v)
{
    *dreg(GICD_CTLR) = v;
    while (*dreg(GICD_CTLR) & GICD_CTLR_RWP)
        ;
}

/* IROUTER (12.9.22): Aff3 in bits 39:32, Aff2.Aff1.Aff0 in 23:0, as MPIDR_EL1 has them, and
 * Interrupt_Routing_Mode (bit 31) 0: this one CPU. */
void gicv3_route(unsigned intid, uint64_t affinity)
{
    *(volatile uint64_t *)(dreg(GICD_IROUTER) + 2 * intid) = affinity & 0xff00fffffful;
}

BOOT_CODE unsigned gicv3_init(void *d, void *rd, size_t rd_size, uint64_t boot_affinity)
{
    unsigned lines;

    dist = d;
    redist_base = rd;
    redist_len = rd_size;
    dist_ctlr(0);
    gic_dist_init(dist, &lines);
    for (unsigned i = GIC_FIRST_SPI; i < lines; i += 32)
        *dreg(GICD_IGROUPR + i / 8) = 0xffffffff;
    for (unsigned i = GIC_FIRST_SPI; i < lines; i++)
        gicv3_route(i, boot_affinity);
    dist_ctlr(GICD_CTLR_ARE);
    dist_ctlr(GICD_CTLR_ARE | GICD_CTLR_GRP1);
    return lines;
}

/* 12.10.31: GICR_TYPER's bits 63:32 are the redistributor's Aff3.Aff2.Aff1.Aff0; frames follow
 * each other, two of 64 KiB each (four with virtual LPIs) until the one marked Last. */
BOOT_CODE static volatile uint8_t *find_redist(uint64_t affinity)
{
    uint32_t want = (uint32_t)(((affinity >> 8) & 0xff000000) | (affinity & 0xffffff));

    for (size_t off = 0; off < redist_len;) {
        volatile uint8_t *rd = redist_base + off;
        uint64_t typer = *(volatile uint64_t *)rreg(rd, GICR_TYPER);
        if ((uint32_t)(typer >> 32) == want)
            return rd;
        if (typer & TYPER_LAST)
            break;
        off += (typer & TYPER_VLPIS) ? 0x40000 : 0x20000;
    }
    return NULL;
}

BOOT_CODE void gicv3_cpu_init(unsigned cpu, uint64_t affinity)
{
    volatile uint8_t *rd = find_redist(affinity);

    if (!rd)
        kpanic("GICv3: no redistributor for affinity %lx", (unsigned long)affinity);
    redist[cpu] = rd;
    /* 11.1 "Power management": wake the redistributor before using it. */
    *rreg(rd, GICR_WAKER) &= ~WAKER_SLEEP;
    while (*rreg(rd, GICR_WAKER) & WAKER_ASLEEP)
        ;
    *rreg(rd, GICR_IGROUPR0) = 0xffffffff;
    *rreg(rd, GICR_ICENABLER0) = 0xffffffff;
    for (unsigned i = 0; i < GIC_FIRST_SPI; i++)
        ((volatile uint8_t *)rreg(rd, GICR_PRIORITYR))[i] = GIC_PRIORITY;
    /* The CPU interface (12.2): system registers on, every priority passes, EOImode 0, Group 1. */
    icc_write(ICC_SRE_EL1, icc_read(ICC_SRE_EL1) | 1);
    __asm__ volatile("isb" ::: "memory");
    icc_write(ICC_PMR_EL1, 0xff);
    icc_write(ICC_BPR1_EL1, 0);
    icc_write(ICC_CTLR_EL1, 0);
    icc_write(ICC_IGRPEN1_EL1, 1);
    __asm__ volatile("isb" ::: "memory");
}

uint32_t gicv3_ack(void)
{
    return (uint32_t)icc_read(ICC_IAR1_EL1) & 0xffffff;
}

void gicv3_eoi(uint32_t intid)
{
    icc_write(ICC_EOIR1_EL1, intid);
    __asm__ volatile("isb" ::: "memory");
}

/* SPIs in the distributor; SGIs and PPIs in CPU cpu's redistributor. */
void gicv3_enable(unsigned cpu, unsigned intid, bool on)
{
    if (intid >= GIC_FIRST_SPI) {
        gic_dist_enable(dist, intid, on);
        return;
    }
    *rreg(redist[cpu], on ? GICR_ISENABLER0 : GICR_ICENABLER0) = 1u << intid;
}

/* ICC_SGI1R_EL1 (12.2.22): Aff3 at 55:48, Aff2 at 39:32, INTID at 27:24, Aff1 at 23:16, and the
 * target list bit for Aff0 (0..15) in 15:0. */
void gicv3_send_sgi(uint64_t affinity, unsigned sgi)
{
    uint64_t v = (((affinity >> 32) & 0xff) << 48) | (((affinity >> 16) & 0xff) << 32) |
                 ((uint64_t)(sgi & 0xf) << 24) | (((affinity >> 8) & 0xff) << 16) |
                 (1u << (affinity & 0xf));

    __asm__ volatile("dsb ishst" ::: "memory");
    icc_write(ICC_SGI1R_EL1, v);
    __asm__ volatile("isb" ::: "memory");
}
