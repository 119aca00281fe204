/* SPDX-License-Identifier: MIT */
/* Interrupt lines: IRQControl / IRQHandler invocations and delivery (irq.c). */
#ifndef MICA_IRQ_H
#define MICA_IRQ_H

#include "object.h"

/* ncpus CPUs run the kernel: pick the CPU a newly claimed line goes to. */
void irq_init_cpus(unsigned ncpus);
/* MICA_SYS_DEBUG_IRQ_CPU: the CPU that took irq's last interrupt (~0 if none yet), or
 * MICA_ERR_RANGE for a line user space cannot claim. */
int irq_debug_took(word_t irq, word_t *cpu);
/* The arch reported irq (already masked): signal its handler's notification. */
void irq_handle(word_t irq);
/* The last IRQHandler cap for irq is gone: the line is masked at once, then its notification cap
 * is deleted and the line released (delete.h's enum finalise_step). */
void irq_finalise_begin(word_t irq);
int irq_finalise_step(word_t irq, struct cte **slot);

#endif
