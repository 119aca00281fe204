/* SPDX-License-Identifier: MIT */
/* mica_clock on hosted: real time in ns (user code there may use the host's clock). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <time.h>

#include <mica/user.h>

const char mica_clock_unit[] = "ns";

uint64_t mica_clock(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
