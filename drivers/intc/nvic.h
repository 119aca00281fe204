/* SPDX-License-Identifier: MIT */
/*
 * The Armv8-M Nested Vectored Interrupt Controller (Armv8-M ARM B3.27 and D1.2: NVIC_ISER,
 * NVIC_ICER, NVIC_ISPR, NVIC_ICPR, NVIC_IPR, and ICTR for the number of lines). It sits at a fixed
 * address in the System Control Space. Lines are the external interrupts 0..nvic_lines()-1
 * (exception numbers 16 and up).
 */
#ifndef MICA_NVIC_H
#define MICA_NVIC_H

#include <stdbool.h>
#include <stdint.h>

/* Implemented lines: 32 * (ICTR.INTLINESNUM + 1), at most 480. */
unsigned nvic_lines(void);

/* Take line irq: disabled, not pending, Secure (ITNS = 0), at priority prio. Other lines (the
 * firmware's) keep their state. */
void nvic_take(unsigned irq, uint8_t prio);

/* Set line irq's priority, leaving the rest of its state alone. */
void nvic_set_priority(unsigned irq, uint8_t prio);

void nvic_enable(unsigned irq, bool on);
void nvic_set_pending(unsigned irq);
void nvic_clear_pending(unsigned irq);

#endif
