/* SPDX-License-Identifier: MIT */
/*
 * PLIC register access (PLIC spec 1.0.0, "Memory Map"): priorities at 4 * source, enable bits at
 * 0x2000 + 0x80 * context, threshold and claim/complete at 0x200000 + 0x1000 * context.
 */
#include <stdint.h>

#include "plic.h"

#define PRIORITY(irq)    ((irq)*4)
#define ENABLE(ctx, irq) (0x2000 + 0x80 * (ctx) + 4 * ((irq) / 32))
#define THRESHOLD(ctx)   (0x200000 + 0x1000 * (ctx))
#define CLAIM(ctx)       (0x200004 + 0x1000 * (ctx))

static volatile uint8_t *plic;
static unsigned plic_ndev;

static inline volatile uint32_t *reg(unsigned long off)
{
    return (volatile uint32_t *)(plic + off);
}

void plic_init(void *regs, unsigned ndev)
{
    plic = regs;
    plic_ndev = ndev;
    for (unsigned irq = 1; irq <= ndev; irq++)
        *reg(PRIORITY(irq)) = 1;
}

void plic_context_init(unsigned ctx)
{
    for (unsigned irq = 0; irq <= plic_ndev; irq += 32)
        *reg(ENABLE(ctx, irq)) = 0;
    *reg(THRESHOLD(ctx)) = 0;
}

void plic_enable(unsigned ctx, unsigned irq, bool on)
{
    volatile uint32_t *en = reg(ENABLE(ctx, irq));
    uint32_t bit = 1u << (irq % 32);

    *en = on ? (*en | bit) : (*en & ~bit);
    /* QEMU 7.2's PLIC does not re-evaluate its outputs on an enable write, so a source that
     * pended while disabled would not raise SEIP until some other PLIC event: a lost interrupt
     * (docs/porting.md, "SMP under QEMU"). Writing the threshold back, unchanged, makes it
     * re-evaluate; on a PLIC that follows the spec the write changes nothing. */
    if (on)
        *reg(THRESHOLD(ctx)) = *reg(THRESHOLD(ctx));
}

bool plic_enabled(unsigned ctx, unsigned irq)
{
    return *reg(ENABLE(ctx, irq)) & (1u << (irq % 32));
}

unsigned plic_claim(unsigned ctx)
{
    return *reg(CLAIM(ctx));
}

void plic_complete(unsigned ctx, unsigned irq)
{
    *reg(CLAIM(ctx)) = irq;
}
