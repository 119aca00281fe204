/* SPDX-License-Identifier: MIT */
/*
 * The sending side of the demo's port: on Run it sends n messages (sequence number, total) as
 * fast as it can into the port in memory "port", whose receiver (consumer) is slow; when the
 * port is full it is pushed back until the consumer makes room. It answers with how often that
 * happened.
 */
#include "demo.h"

#include <mica/port.h>

#define SLOTS 8

int mica_proc_main(const struct mica_procinfo *info)
{
    static struct mica_env env;
    mica_cptr_t ep = demo_cap(info, "producer"), reply;
    mica_word_t size;
    void *mem = demo_mem(info, "port", &size);
    struct mica_port port;

    demo_log_init(info);
    mica_env_init_proc(&env, info);
    if (!ep || !mem || mica_alloc_object(&env.alloc, MICA_OBJ_REPLY, 0, &reply) ||
        mica_port_format(mem, size, 2, SLOTS) != SLOTS ||
        mica_port_attach(&port, mem, true, demo_cap(info, "port_data"),
                         demo_cap(info, "port_space")))
        return 1;
    for (;;) {
        mica_word_t badge, msg;
        if (mica_recv(ep, reply, &badge, &msg) != MICA_OK)
            continue;
        if (mica_msginfo_label(msg) != PRODUCER_RUN) {
            mica_send(reply, mica_msginfo(1, 0, 0, 0));
            continue;
        }
        mica_word_t n = mica_get_mr(0), sent0 = port.sent, blocked0 = port.blocked;
        port.max_depth = 0;
        for (mica_word_t i = 0; i < n; i++) {
            mica_word_t m[2] = {i, n};
            if (mica_port_send(&port, m, true) != MICA_OK)
                break;
        }
        mica_set_mr(0, port.sent - sent0);
        mica_set_mr(1, port.blocked - blocked0);
        mica_set_mr(2, port.max_depth);
        mica_set_mr(3, SLOTS);
        mica_send(reply, mica_msginfo(0, 0, 0, 4));
    }
}
