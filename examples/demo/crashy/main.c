/* SPDX-License-Identifier: MIT */
/*
 * A service that crashes on request: Ping answers how many pings this incarnation served, Crash
 * stores through a null pointer. Its supervisor restarts it; a client that was waiting for the
 * crashed request gets an error, and its next request is served by the new incarnation.
 */
#include "demo.h"

int mica_proc_main(const struct mica_procinfo *info)
{
    static struct mica_env env;
    mica_cptr_t ep = demo_cap(info, "crashy"), reply;
    mica_word_t pings = 0;

    demo_log_init(info);
    mica_env_init_proc(&env, info);
    if (!ep || mica_alloc_object(&env.alloc, MICA_OBJ_REPLY, 0, &reply))
        return 1;
    for (;;) {
        mica_word_t badge, msg;
        if (mica_recv(ep, reply, &badge, &msg) != MICA_OK)
            continue;
        if (mica_msginfo_label(msg) == CRASHY_CRASH)
            *(volatile mica_word_t *)0 = 0xdead;
        mica_set_mr(0, ++pings);
        mica_send(reply, mica_msginfo(0, 0, 0, 1));
    }
}
