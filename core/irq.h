/* SPDX-License-Identifier: MIT */
/* Interrupt lines: IRQControl / IRQHandler invocations and delivery (irq.c). */
#ifndef MICA_IRQ_H
#define MICA_IRQ_H

#include "object.h"

/* The arch reported irq (already masked): signal its handler's notification. */
void irq_handle(word_t irq);
/* The last IRQHandler cap for irq is gone: the line is masked at once, then its notification cap
 * is deleted and the line released (delete.h's enum finalise_step). */
void irq_finalise_begin(word_t irq);
int irq_finalise_step(word_t irq, struct cte **slot);

#endif
