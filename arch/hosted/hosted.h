/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the hosted arch's files. */
#ifndef MICA_HOSTED_H
#define MICA_HOSTED_H

#include <stdbool.h>

#include "hal.h"

#ifndef CONFIG_HOSTED_RAM_MB
#define CONFIG_HOSTED_RAM_MB 64
#endif
#ifndef CONFIG_HOSTED_TRAP_NS
#define CONFIG_HOSTED_TRAP_NS 100
#endif

/* Virtual time: each trap costs CONFIG_HOSTED_TRAP_NS (timer.c). */
void hosted_time_advance(void);
/* A timer deadline passed or an interrupt is pending: describe it in *trap (irq.c, timer.c). */
bool hosted_pending_event(struct hal_trap *trap);
bool hosted_timer_expired(struct hal_trap *trap);
bool hosted_timer_skip(struct hal_trap *trap);

#endif
