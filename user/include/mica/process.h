/* SPDX-License-Identifier: MIT */
/*
 * Processes: mica_process_spawn runs an ELF executable (an image in the caller's memory, e.g.
 * embedded in its own image) in a new CSpace and VSpace, in one call. Everything the process is
 * made of comes from one Untyped (a sub-allocator of the caller's), so mica_process_destroy gives
 * it all back with one Revoke, and a supervisor can spawn the same program into the same memory
 * again.
 *
 * The new process starts at the ELF entry with ARG0 = the address of its struct mica_procinfo
 * (read-only), SP = the top of its stack and its IPC buffer configured. Its CSpace root has
 * 2^cnode_bits slots and covers the whole word (cptr n = slot n); the first slots are fixed
 * (enum mica_proc_slot), the caller's caps go where it says, the rest is empty.
 *
 * MMU boards only for now: on MPU boards a program must be linked at the physical address it
 * will run at, which needs a link step per placement (docs/systems.md); hosted runs user code
 * inside the kernel's own process, so there is no second program to run. Both get
 * MICA_ERR_ILLEGAL_OPERATION.
 */
#ifndef MICA_PROCESS_H
#define MICA_PROCESS_H

#include <mica/thread.h>

/* A process's address space (all below 4 GiB, so the same on every MMU). */
#define MICA_PROC_IMAGE_LO   0x00010000ul /* the ELF's segments must lie in [LO, HI) */
#define MICA_PROC_IMAGE_HI   0x40000000ul
#define MICA_PROC_MAPS_LO    0x40000000ul /* shared memory and devices the spawner maps */
#define MICA_PROC_MAPS_HI    0x80000000ul
#define MICA_PROC_WINDOW_LO  0x80000000ul /* the process's own toolkit window (threads, ...) */
#define MICA_PROC_WINDOW_HI  0xe0000000ul
#define MICA_PROC_HEAP       0xe0000000ul /* heap, heap_size bytes */
#define MICA_PROC_STACK_TOP  0xf0000000ul /* stack below, with an unmapped guard page */
#define MICA_PROC_IPC_BUFFER 0xf0001000ul
#define MICA_PROC_INFO       0xf0002000ul /* struct mica_procinfo, read-only */

/* Fixed slots of a process's CSpace. */
enum mica_proc_slot {
    MICA_PROC_TCB = 1,    /* its main thread */
    MICA_PROC_CNODE = 2,  /* its CSpace root (guarded to the whole word) */
    MICA_PROC_VSPACE = 3, /* its VSpace */
    MICA_PROC_FIRST_FREE = 4,
};

/* What a process is told: named capabilities, memory and numbers. */
enum mica_named_kind {
    MICA_NAMED_CAP = 1, /* value = slot, extra = badge or IRQ line, size = cap type */
    MICA_NAMED_MEM,     /* value = vaddr, size = bytes, extra = physical address (devices) */
    MICA_NAMED_UNTYPED, /* value = slot, size = log2 bytes */
    MICA_NAMED_WORD,    /* value */
};

#define MICA_PROC_NAME_LEN  20
#define MICA_PROC_MAX_NAMED 40
#define MICA_PROCINFO_MAGIC 0x50726f63u /* "Proc" */

struct mica_named {
    char name[MICA_PROC_NAME_LEN];
    unsigned kind; /* enum mica_named_kind */
    mica_word_t value, size, extra;
};

struct mica_procinfo {
    mica_word_t magic;
    mica_word_t flags;    /* boot info's MICA_BOOT_FLAG_* */
    mica_word_t user_top; /* boot info's user_vaddr_top */
    char name[32];
    char board[32];
    mica_word_t priority, mcp;
    mica_word_t cnode_bits;
    struct mica_slot_range empty; /* free slots of its CSpace */

    mica_word_t heap, heap_size;
    mica_word_t window_lo, window_hi;
    mica_word_t stack_base, stack_top;
    mica_word_t ipc_buffer;
    mica_word_t nnamed;
    struct mica_named named[MICA_PROC_MAX_NAMED];
};

/* The entry of kind with that name, or NULL. */
const struct mica_named *mica_proc_find(const struct mica_procinfo *info, unsigned kind,
                                        const char *name);
/* Who sends with badge through the cap in slot: the name of a MICA_NAMED_WORD with that value and
 * extra (a system's servers are told their clients this way), or NULL. */
const char *mica_proc_client(const struct mica_procinfo *info, mica_word_t slot, mica_word_t badge);

/* A capability for the new CSpace: src (a cptr of the spawner) is minted into slot with rights
 * and badge (0: keep), and listed in the process info under name (NULL: not listed) with its
 * type (enum mica_cap_type, as the spawner says) and extra (e.g. an IRQ line). An Untyped
 * (type MICA_OBJ_UNTYPED, extra = its log2 size) is also listed as MICA_NAMED_UNTYPED, which
 * mica_env_init_proc draws objects from. */
struct mica_spawn_cap {
    const char *name;
    mica_cptr_t src;
    mica_word_t slot;
    mica_word_t rights, badge;
    unsigned type;
    mica_word_t extra;
};

/* Frames to map in the new VSpace: n frames of 2^frame_bits in the spawner's slots from
 * `frames`, at vaddr (copies of the caps are mapped: the spawner keeps its own). */
struct mica_spawn_map {
    const char *name;
    mica_cptr_t frames;
    mica_word_t n;
    unsigned frame_bits;
    mica_word_t vaddr;
    mica_word_t rights, attr;
    mica_word_t paddr; /* shown as the entry's extra */
};

/* A number for the process, listed as MICA_NAMED_WORD (extra: e.g. the slot of the channel a
 * client with badge `value` uses). */
struct mica_spawn_word {
    const char *name;
    mica_word_t value, extra;
};

/* Told about every page mica_process_spawn maps into the new VSpace: its address, the spawner's
 * frame cap (in the process's slots) and the rights. A pager keeps this to share or copy pages. */
typedef void (*mica_spawn_page_hook)(void *ctx, mica_word_t vaddr, mica_cptr_t frame,
                                     mica_word_t rights);

struct mica_spawn_attr {
    const char *name;
    const void *elf;
    mica_word_t elf_size;
    unsigned priority, mcp;                     /* bounded by env->self_tcb's MCP */
    mica_word_t budget_us, period_us, sc_badge; /* 0 budget: passive (no SchedContext) */
    mica_word_t stack_size;                     /* default MICA_THREAD_STACK */
    mica_word_t heap_size;                      /* bytes at MICA_PROC_HEAP (0: none) */
    unsigned cnode_bits;                        /* default 8 */
    /* An Untyped of 2^ut_bits for the process's own objects, carved from its memory and given
     * as cap "ut" in slot ut_slot (0 bits: none). */
    unsigned ut_bits;
    mica_word_t ut_slot;
    mica_cptr_t fault_ep; /* the spawner's cap (already badged) the process faults to */
    const struct mica_spawn_cap *caps;
    unsigned ncaps;
    const struct mica_spawn_map *maps;
    unsigned nmaps;
    const struct mica_spawn_word *words;
    unsigned nwords;
    bool suspended; /* do not start it (mica_process_start does) */
    mica_spawn_page_hook page_hook;
    void *page_ctx;
};

struct mica_process {
    struct mica_alloc alloc; /* everything below came from here */
    struct mica_vspace vspace;
    mica_cptr_t cnode, tcb, sc, ipc_frame;
    mica_word_t entry;
    const struct mica_spawn_attr *attr;
};

/*
 * Spawn attr->elf. Memory comes from the Untyped ut (2^ut_bits, a cap of the spawner's, reused
 * as is: a supervisor's per-child Untyped), or when ut is 0 from a new Untyped of 2^ut_bits
 * carved from env. Errors: the ELF's (MICA_ERR_INVALID_ARGUMENT: not an executable for this
 * arch, or segments outside [MICA_PROC_IMAGE_LO, MICA_PROC_IMAGE_HI)), the invocations', and
 * MICA_ERR_NOT_ENOUGH_MEMORY / MICA_ERR_RANGE when memory or slots run out. On failure what was
 * made is gone again.
 */
mica_error_t mica_process_spawn(struct mica_process *p, struct mica_env *env, mica_cptr_t ut,
                                unsigned ut_bits, const struct mica_spawn_attr *attr);
mica_error_t mica_process_start(struct mica_process *p);
/* Stop it and give back everything it was made of (the Untyped stays the caller's if the caller
 * gave it, and is then empty). */
mica_error_t mica_process_destroy(struct mica_process *p);

/*
 * The process side. A program for mica_process_spawn defines mica_proc_main instead of
 * mica_main (the user library's crt0 glue calls it with the info). When it returns, or when it
 * calls mica_proc_exit, the process exits: if its spawner gave it a cap named "exit" (an
 * endpoint), it Calls it with label MICA_PROC_EXIT and MR0 = status, and the spawner, which never
 * answers, destroys it; without one it suspends its own thread.
 */
#define MICA_PROC_EXIT 0x7e5
int mica_proc_main(const struct mica_procinfo *info);
_Noreturn void mica_proc_exit(const struct mica_procinfo *info, int status);

/* A process's own env (<mica/toolkit.h>) from its info: its empty slots, the Untypeds it was
 * given, its VSpace with the window, its TCB, and the SchedControl cap named "sched_control". */
void mica_env_init_proc(struct mica_env *env, const struct mica_procinfo *info);

#endif
