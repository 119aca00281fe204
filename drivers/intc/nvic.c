/* SPDX-License-Identifier: MIT */
/* The NVIC (nvic.h): enable, disable, pending and priority bits, 32 lines per register word. */
#include "compiler.h"
#include "intc/nvic.h"

#define NVIC_REG(off) ((volatile uint32_t *)(0xe000e000u + (off)))
#define ICTR          (*NVIC_REG(0x004))
#define ISER          NVIC_REG(0x100)
#define ICER          NVIC_REG(0x180)
#define ISPR          NVIC_REG(0x200)
#define ICPR          NVIC_REG(0x280)
#define ITNS          NVIC_REG(0x380)
#define IPR           ((volatile uint8_t *)NVIC_REG(0x400))

BOOT_CODE unsigned nvic_lines(void)
{
    unsigned n = 32 * ((ICTR & 0xf) + 1);

    return n > 480 ? 480 : n;
}

BOOT_CODE void nvic_take(unsigned irq, uint8_t prio)
{
    uint32_t bit = 1u << (irq % 32);

    ICER[irq / 32] = bit;
    ICPR[irq / 32] = bit;
    ITNS[irq / 32] &= ~bit;
    IPR[irq] = prio;
}

BOOT_CODE void nvic_set_priority(unsigned irq, uint8_t prio)
{
    IPR[irq] = prio;
}

void nvic_enable(unsigned irq, bool on)
{
    (on ? ISER : ICER)[irq / 32] = 1u << (irq % 32);
}

void nvic_set_pending(unsigned irq)
{
    ISPR[irq / 32] = 1u << (irq % 32);
}

void nvic_clear_pending(unsigned irq)
{
    ICPR[irq / 32] = 1u << (irq % 32);
}
