/* SPDX-License-Identifier: MIT */
/* Interrupt lines: IRQControl / IRQHandler invocations and delivery (irq.c). */
#ifndef MICA_IRQ_H
#define MICA_IRQ_H

#include "object.h"

/* The arch reported irq (already masked): signal its handler's notification. */
void irq_handle(word_t irq);
/* The last IRQHandler cap for irq is gone: release the line. */
void irq_destroy(word_t irq);

#endif
