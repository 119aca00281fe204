/* SPDX-License-Identifier: MIT */
/*
 * Fork with copy-on-write, seen from the inside: map eight pages from the memory server, write
 * each, fork; parent and child each write page 0 (shared before the fork) and one more page,
 * wait for each other at the server's barrier, then read every page back. Each must see its own
 * writes and none of the other's.
 */
#include "demo.h"

#define PAGES 8
#define WORDS (4096 / sizeof(mica_word_t))

static mica_cptr_t mem;

static mica_word_t call(mica_word_t label, unsigned n, mica_word_t a, mica_word_t b)
{
    mica_set_mr(0, a);
    mica_set_mr(1, b);
    if (mica_call(mem, mica_msginfo(label, 0, 0, n), 0) != MICA_OK)
        return ~(mica_word_t)0;
    return mica_get_mr(0);
}

int mica_proc_main(const struct mica_procinfo *info)
{
    static const mica_word_t want_parent[PAGES] = {0xba5e, 0xb1,   0x1002, 0x1003,
                                                   0x1004, 0x1005, 0x1006, 0x1007};
    static const mica_word_t want_child[PAGES] = {0xc0de, 0x1001, 0xc2,   0x1003,
                                                  0x1004, 0x1005, 0x1006, 0x1007};
    mica_word_t got[PAGES];

    demo_log_init(info);
    mem = demo_cap(info, "mem");
    volatile mica_word_t *buf = (mica_word_t *)call(MEM_MMAP, 1, PAGES, 0);
    if (!mem || buf == 0 || buf == (mica_word_t *)~(mica_word_t)0) {
        demo_log("mmap failed\n");
        return 1;
    }
    for (unsigned i = 0; i < PAGES; i++)
        buf[i * WORDS] = 0x1000 + i;
    mica_word_t child = call(MEM_FORK, 0, 0, 0);
    if (child == ~(mica_word_t)0) {
        demo_log("fork failed\n");
        return 2;
    }

    const mica_word_t *want = child ? want_parent : want_child;
    buf[0] = want[0];
    buf[(child ? 1 : 2) * WORDS] = want[child ? 1 : 2];
    call(MEM_BARRIER, 0, 0, 0);
    bool ok = true;
    for (unsigned i = 0; i < PAGES; i++) {
        got[i] = buf[i * WORDS];
        ok = ok && got[i] == want[i];
    }
    demo_log("%s: pages 0-2 read 0x%lx 0x%lx 0x%lx: %s\n", child ? "parent" : "child",
             (unsigned long)got[0], (unsigned long)got[1], (unsigned long)got[2],
             ok ? "own writes kept, the other's not seen" : "WRONG");
    return ok ? 0 : 3;
}
