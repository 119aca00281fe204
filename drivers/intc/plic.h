/* SPDX-License-Identifier: MIT */
/*
 * The RISC-V Platform-Level Interrupt Controller (PLIC spec 1.0.0; "sifive,plic-1.0.0" /
 * "riscv,plic0" in a devicetree). Sources are 1..ndev; a context is one hart's privilege mode
 * (which one is the devicetree's business, see arch/riscv64/irq.c).
 */
#ifndef MICA_PLIC_H
#define MICA_PLIC_H

#include <stdbool.h>

/* Use the PLIC whose registers the kernel reaches at regs, with sources 1..ndev: every source
 * gets priority 1, so that a context's enable bits alone decide what it sees. */
void plic_init(void *regs, unsigned ndev);

/* Prepare context ctx: all sources disabled, threshold 0 (every priority >= 1 gets through). */
void plic_context_init(unsigned ctx);

/* Enable or disable source irq for context ctx; whether it is enabled there. */
void plic_enable(unsigned ctx, unsigned irq, bool on);
bool plic_enabled(unsigned ctx, unsigned irq);

/* Claim the highest-priority pending source of ctx (0 if none), and signal its completion. The
 * PLIC ignores a completion for a source that is not enabled for ctx (spec, "Interrupt
 * Completion"); until the completion, the source's gateway forwards no new request. */
unsigned plic_claim(unsigned ctx);
void plic_complete(unsigned ctx, unsigned irq);

#endif
