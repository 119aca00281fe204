/* SPDX-License-Identifier: MIT */
/*
 * The log server: every service prints through it (demo_log). It prefixes each line with the
 * name of the PD that sent it, which it knows from the badge (the system told it its clients),
 * and writes it to the UART driver.
 */
#include <string.h>

#include "demo.h"

static mica_cptr_t uart;

int mica_proc_main(const struct mica_procinfo *info)
{
    static struct mica_env env;
    mica_cptr_t ep = demo_cap(info, "log"), reply;
    const struct mica_named *self = mica_proc_find(info, MICA_NAMED_CAP, "log");
    char text[DEMO_MSG_BYTES], line[DEMO_MSG_BYTES + 32];

    uart = demo_cap(info, "uart");
    mica_env_init_proc(&env, info);
    if (!ep || !uart || !self || mica_alloc_object(&env.alloc, MICA_OBJ_REPLY, 0, &reply))
        return 1;
    for (;;) {
        mica_word_t badge, msg;
        if (mica_recv(ep, reply, &badge, &msg) != MICA_OK)
            continue;
        if (mica_msginfo_label(msg) == LOG_WRITE) {
            unsigned n = demo_get_bytes(text, sizeof(text));
            const char *who = mica_proc_client(info, self->value, badge);
            int len = mica_snprintf(line, sizeof(line), "[%s] %.*s", who ? who : "?", (int)n, text);
            demo_uart_write(uart, line, len < (int)sizeof(line) ? (unsigned)len : sizeof(line) - 1);
        }
        mica_send(reply, mica_msginfo(0, 0, 0, 0));
    }
}
