/* SPDX-License-Identifier: MIT */
/* Microseconds (the ABI's unit for budgets, periods and timeouts) and timer ticks. */
#ifndef MICA_KTIME_H
#define MICA_KTIME_H

#include "hal.h"

/* Exact for any us below 2^64 / frequency (2^38 us, three days, at 62.5 MHz). */
static inline uint64_t ktime_us_to_ticks(uint64_t us)
{
    return us * hal_time_freq() / 1000000;
}

/* Without overflowing for any realistic uptime. */
static inline uint64_t ktime_ticks_to_us(uint64_t ticks)
{
    uint64_t f = hal_time_freq();

    return ticks / f * 1000000 + ticks % f * 1000000 / f;
}

#endif
