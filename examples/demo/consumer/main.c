/* SPDX-License-Identifier: MIT */
/*
 * The receiving side of the demo's port: it takes messages one by one and works on each for a
 * while (a timed sleep on its scheduling-context timer), so a fast sender fills the port. It
 * checks that every message comes in order and says so when a run is complete.
 */
#include "demo.h"

#include <mica/port.h>
#include <mica/timer.h>

#define WORK_US 2000

int mica_proc_main(const struct mica_procinfo *info)
{
    static struct mica_env env;
    static struct mica_timer timer;
    mica_word_t size, expect = 0, bad = 0;
    void *mem = demo_mem(info, "port", &size);
    struct mica_port port;

    demo_log_init(info);
    mica_env_init_proc(&env, info);
    if (!mem || mica_timer_init(&timer, &env, (unsigned)info->mcp, 1))
        return 1;
    /* The producer formats the ring; wait until it has. */
    while (mica_port_attach(&port, mem, false, demo_cap(info, "port_space"),
                            demo_cap(info, "port_data")))
        mica_sleep_us(&timer, 1000);
    for (;;) {
        mica_word_t m[2];
        if (mica_port_recv(&port, m, true) != MICA_OK)
            continue;
        if (m[0] == 0)
            expect = bad = 0;
        if (m[0] != expect++)
            bad++;
        mica_sleep_us(&timer, WORK_US);
        if (m[0] + 1 == m[1])
            demo_log("received %lu messages, %s, %d us of work each\n", (unsigned long)m[1],
                     bad ? "OUT OF ORDER" : "all in order", WORK_US);
    }
}
