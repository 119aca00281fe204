/* SPDX-License-Identifier: MIT */
/*
 * Deterministic virtual time: a nanosecond clock that advances by CONFIG_HOSTED_TRAP_NS per trap
 * and jumps to the deadline when the machine is idle, so runs are reproducible regardless of host
 * load. A thread that never traps never lets time pass.
 */
#include "hosted.h"

static uint64_t now_ns;
static uint64_t deadline = UINT64_MAX;

uint64_t hal_time_now(void)
{
    return now_ns;
}

uint64_t hal_time_freq(void)
{
    return 1000000000u;
}

void hal_timer_set(uint64_t when)
{
    deadline = when;
}

void hosted_time_advance(void)
{
    now_ns += CONFIG_HOSTED_TRAP_NS;
}

bool hosted_timer_due(void)
{
    return now_ns >= deadline;
}

bool hosted_timer_expired(struct hal_trap *trap)
{
    if (now_ns < deadline)
        return false;
    deadline = UINT64_MAX;
    trap->kind = HAL_TRAP_TIMER;
    return true;
}

/* Idle: nothing can happen before the deadline, so go there. */
bool hosted_timer_skip(struct hal_trap *trap)
{
    if (deadline == UINT64_MAX)
        return false;
    if (now_ns < deadline)
        now_ns = deadline;
    return hosted_timer_expired(trap);
}
