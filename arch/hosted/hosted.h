/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the hosted arch's files. */
#ifndef MICA_HOSTED_H
#define MICA_HOSTED_H

#include <stdbool.h>

#include "hal.h"
#include "machine_state.h"

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
/* Has the deadline passed (without taking it)? */
bool hosted_timer_due(void);

/* Real user faults (host_fault.c, ctx.c): whether user code is running (set around the switch
 * to a thread), the signal handlers' setup, the handler's record of a fault at host pc, and the
 * code the faulted thread continues in (on a stack of its own), which enters the kernel. */
extern volatile bool hosted_user_running;
void hosted_faults_init(void);
void hosted_fault_record(struct hal_trap trap, word_t pc);
void hosted_fault_entry(void);

/* The signal handlers' teardown when the machine halts (host_fault.c). */
void hosted_faults_fini(void);

/* Put the machine's statics back as the program was loaded and return a zeroed RAM arena of
 * ram_size bytes, mapped on the first call (host_reset.c); NULL if that fails. */
void *hosted_reset(size_t ram_size);

#endif
