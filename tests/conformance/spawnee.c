/* SPDX-License-Identifier: MIT */
/*
 * The program test_toolkit spawns as a process: it checks its own image (data, bss, rodata), its
 * heap, the memory and words it was given, makes a thread of its own with the toolkit, reports
 * all that in one Call on its "ep" cap and exits with the status the answer names. Word "crash",
 * if non-zero, is an address it stores to first (a fault for its fault handler).
 */
#include <string.h>

#include <mica/process.h>

static int data_word = 42;
static int bss_word;
static const char ro[] = "rodata";
/* A pointer in data: on MPU boards (a position-independent image) the spawner's relocation. */
static const char *volatile ro_ptr = ro;
static volatile mica_word_t thread_ran;
static struct mica_env env;

static void worker(mica_word_t arg)
{
    thread_ran = arg;
}

static mica_word_t word(const struct mica_procinfo *info, const char *name)
{
    const struct mica_named *n = mica_proc_find(info, MICA_NAMED_WORD, name);

    return n ? n->value : 0;
}

int mica_proc_main(const struct mica_procinfo *info)
{
    const struct mica_named *ep = mica_proc_find(info, MICA_NAMED_CAP, "ep");
    const struct mica_named *shared = mica_proc_find(info, MICA_NAMED_MEM, "shared");
    mica_word_t checks = 0, crash = word(info, "crash");
    struct mica_thread t;
    mica_cptr_t done;

    if (crash)
        *(volatile mica_word_t *)crash = 1;
    if (!ep || !shared || info->magic != MICA_PROCINFO_MAGIC)
        return 100;
    checks |= data_word == 42 ? 1 : 0;
    checks |= bss_word == 0 ? 2 : 0;
    checks |= strcmp(ro, "rodata") == 0 ? 4 : 0;
    volatile mica_word_t *heap = (mica_word_t *)info->heap;
    heap[0] = 0x1234;
    heap[info->heap_size / sizeof(mica_word_t) - 1] = 0x5678;
    checks |= heap[0] + heap[info->heap_size / sizeof(mica_word_t) - 1] == 0x68ac ? 8 : 0;
    data_word++;
    checks |= data_word == 43 ? 16 : 0;
    checks |= ro_ptr == ro && strcmp(ro_ptr, "rodata") == 0 ? 64 : 0;

    mica_env_init_proc(&env, info);
    struct mica_thread_attr attr = {.priority = 50, .budget_us = 1000};
    if (mica_alloc_object(&env.alloc, MICA_OBJ_NOTIFICATION, 0, &done) == MICA_OK) {
        attr.exit_ntfn = done;
        if (mica_thread_create(&t, &env, &attr, worker, 77) == MICA_OK &&
            mica_thread_join(&t) == MICA_OK)
            checks |= 32;
    }

    volatile mica_word_t *sh = (mica_word_t *)shared->value;
    mica_set_mr(0, word(info, "x") + 1);
    mica_set_mr(1, sh[0]);
    mica_set_mr(2, thread_ran);
    mica_set_mr(3, checks);
    sh[1] = 0x5eed;
    if (mica_call(ep->value, mica_msginfo(0, 0, 0, 4), 0) != MICA_OK)
        return 101;
    return (int)mica_get_mr(0);
}
