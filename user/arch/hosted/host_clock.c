/* SPDX-License-Identifier: MIT */
/* A real-time clock for benchmarks on hosted (user code there may use the host's clock). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <time.h>

uint64_t mica_hosted_clock_ns(void);

uint64_t mica_hosted_clock_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
