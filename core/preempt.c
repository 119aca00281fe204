/* SPDX-License-Identifier: MIT */
/* Preemption points of long operations (preempt.h). */
#include "hal.h"
#include "kconfig.h"
#include "preempt.h"

#ifndef CONFIG_PREEMPT_EVERY
#define CONFIG_PREEMPT_EVERY 0
#endif

bool preempt_point(void)
{
    static unsigned steps;

    /* The test option first: it makes restarts happen where no interrupt would, so that the
     * suite exercises every restart path (tests/run's hosted-preempt). */
    if (CONFIG_PREEMPT_EVERY && ++steps >= CONFIG_PREEMPT_EVERY) {
        steps = 0;
        return true;
    }
    return hal_irq_pending();
}
