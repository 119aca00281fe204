/* SPDX-License-Identifier: MIT */
/*
 * The test of hosted_boot's reset (tests/run runs it in the fuzz build): what a boot does must
 * depend on its input only, never on what ran before it in the process. It runs the syscall
 * target on the first input named, then again, then on every input named, then on the first
 * again, and compares the machine's whole state (every machine static, the kernel's console
 * output among them, and the RAM arena) as each run of the first input left it; a difference is
 * reported by address (`nm` names the static).
 *   reset_check FIRST [OTHER...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosted_machine.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

HOSTED_STATE_END

struct blob {
    uint8_t *data;
    size_t size;
};

static struct blob load(const char *path)
{
    struct blob b = {0};
    FILE *f = fopen(path, "rb");
    long n;

    if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
        !(b.data = malloc(n ? (size_t)n : 1)) || fread(b.data, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        exit(2);
    }
    fclose(f);
    b.size = (size_t)n;
    return b;
}

/* The sections hold ASan's redzones: byte reads without its checks. */
__attribute__((no_sanitize("address"), no_builtin("memcpy"))) static void
copy_bytes(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
}

static struct hosted_region regions[3];
static uint8_t *saved[3];
static unsigned nregions;

/* Always called from main's frame, so that the kernel's stack (whose addresses the machine keeps
 * in its state) is at the same place each time. */
static void run(struct blob b)
{
    LLVMFuzzerTestOneInput(b.data, b.size);
}

static void save(void)
{
    nregions = hosted_state_regions(regions);
    for (unsigned i = 0; i < nregions; i++) {
        saved[i] = malloc(regions[i].size ? regions[i].size : 1);
        copy_bytes(saved[i], regions[i].start, regions[i].size);
    }
}

/* Differences from the saved state: prints the first few, returns how many bytes differ. */
static size_t compare(const char *when)
{
    size_t diff = 0;
    uint8_t *now = malloc(regions[2].size > 4096 ? regions[2].size : 4096);

    for (unsigned i = 0; i < nregions; i++) {
        copy_bytes(now, regions[i].start, regions[i].size);
        for (size_t j = 0; j < regions[i].size; j++) {
            if (now[j] == saved[i][j])
                continue;
            if (diff++ < 8)
                printf("reset_check: %s: byte at %p (region %u + %#zx) was %#x, is %#x\n", when,
                       (const void *)((const uint8_t *)regions[i].start + j), i, j, saved[i][j],
                       now[j]);
        }
    }
    free(now);
    return diff;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: reset_check FIRST [OTHER...]\n");
        return 2;
    }
    LLVMFuzzerInitialize(&argc, &argv);
    struct blob first = load(argv[1]);
    run(first);
    save();
    run(first);
    size_t diff = compare("the same input again");
    for (int i = 1; i < argc; i++) {
        struct blob b = load(argv[i]);
        run(b);
        free(b.data);
    }
    run(first);
    diff += compare("after the others");
    printf("reset_check: %s after %d inputs: %zu bytes of state differ\n", argv[1], argc - 1, diff);
    for (unsigned i = 0; i < nregions; i++)
        free(saved[i]);
    free(first.data);
    printf("reset_check: %s\n", diff ? "FAILED: a boot saw what an earlier boot left" : "ok");
    return diff != 0;
}
