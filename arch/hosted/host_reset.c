/* SPDX-License-Identifier: MIT */
/*
 * Booting the hosted machine again inside one process. The machine's state is its writable
 * statics, which machine_state.h gathers into the sections hosted_state_data and
 * hosted_state_bss, plus the RAM arena. The first reset copies the data section aside (the state
 * the program was loaded with) and maps the arena; every later one copies it back, zeroes the bss
 * section and drops the arena's pages (MADV_DONTNEED on private anonymous memory: the next touch
 * reads zeros, as after the first mmap). Nothing else survives a boot except what is declared
 * outside the sections.
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "hosted.h"
#include "hosted_machine.h"

#ifdef CONFIG_SANITIZERS
#include <sanitizer/asan_interface.h>
#endif

/* The reset's own bookkeeping is what must survive it. */
HOSTED_STATE_END

extern char __start_hosted_state_data[], __stop_hosted_state_data[];
extern char __start_hosted_state_bss[], __stop_hosted_state_bss[];

static char *saved_data;
static char *arena;
static size_t arena_size;

/* Copies that ASan does not check and the compiler does not turn into memcpy calls (which ASan
 * intercepts): the sections hold the redzones ASan puts between instrumented globals. Nor does the
 * fuzz build's coverage instrumentation see them (it would trace every compare). src NULL writes
 * zeros. Words while they fit (the sections are 8-byte aligned), then bytes. */
__attribute__((no_sanitize("address", "coverage"), no_builtin("memcpy", "memset"))) static void
copy_bytes(char *dst, const char *src, size_t bytes)
{
    size_t words = bytes / 8;

    for (size_t i = 0; i < words; i++)
        ((uint64_t *)dst)[i] = src ? ((const uint64_t *)src)[i] : 0;
    for (size_t i = words * 8; i < bytes; i++)
        dst[i] = src ? src[i] : 0;
}

/* mmap twice the size and keep the naturally aligned half. */
static char *arena_map(size_t size)
{
    char *p = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return NULL;
    char *a = (char *)(((uintptr_t)p + size - 1) & ~(uintptr_t)(size - 1));
    if (a > p)
        munmap(p, (size_t)(a - p));
    if (a + size < p + 2 * size)
        munmap(a + size, (size_t)(p + 2 * size - (a + size)));
    return a;
}

/* The data section as loaded is copied aside; bss is all zeros as loaded. */
static bool record(void)
{
    size_t n = (size_t)(__stop_hosted_state_data - __start_hosted_state_data);

    if (!(saved_data = malloc(n ? n : 1)))
        return false;
    copy_bytes(saved_data, __start_hosted_state_data, n);
    return true;
}

void *hosted_reset(size_t ram_size)
{
    if (!arena) {
        if (!record() || !(arena = arena_map(ram_size)))
            return NULL;
        arena_size = ram_size;
        return arena;
    }
    if (ram_size != arena_size)
        return NULL;
    copy_bytes(__start_hosted_state_data, saved_data,
               (size_t)(__stop_hosted_state_data - __start_hosted_state_data));
    copy_bytes(__start_hosted_state_bss, NULL,
               (size_t)(__stop_hosted_state_bss - __start_hosted_state_bss));
    if (madvise(arena, arena_size, MADV_DONTNEED))
        return NULL;
#ifdef CONFIG_SANITIZERS
    /* Stack frames of the last boot's root thread (its stack is in the arena) left redzones. */
    __asan_unpoison_memory_region(arena, arena_size);
#endif
    return arena;
}

unsigned hosted_state_regions(struct hosted_region out[3])
{
    out[0] = (struct hosted_region){__start_hosted_state_data,
                                    (size_t)(__stop_hosted_state_data - __start_hosted_state_data)};
    out[1] = (struct hosted_region){__start_hosted_state_bss,
                                    (size_t)(__stop_hosted_state_bss - __start_hosted_state_bss)};
    out[2] = (struct hosted_region){arena, arena_size};
    return arena ? 3 : 2;
}
