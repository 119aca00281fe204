/* SPDX-License-Identifier: MIT */
/*
 * What the kernel tells the root task at boot: fixed initial capability slots and the boot-info
 * frame (mapped read-only into the root task; its address arrives in the root task's ARG0).
 */
#ifndef MICA_BOOTINFO_H
#define MICA_BOOTINFO_H

#include <mica/abi.h>

/* Slots of the root task's CNode that always hold these capabilities. */
enum mica_init_cap {
    MICA_INIT_NULL = 0,
    MICA_INIT_TCB = 1,
    MICA_INIT_CNODE = 2,
    MICA_INIT_VSPACE = 3,
    MICA_INIT_IRQ_CONTROL = 4,
    MICA_INIT_IPC_BUFFER = 5, /* frame */
    MICA_INIT_BOOTINFO = 6,   /* frame */
    MICA_INIT_SCHED_CONTEXT = 7,
    MICA_INIT_FIRST_FREE_FIXED = 8 /* sched controls, then untypeds, then empty slots follow */
};

#define MICA_BOOTINFO_MAGIC      0x4d696361u /* "Mica" */
#define MICA_BOOTINFO_MAX_UNTYPE 64

struct mica_slot_range {
    mica_word_t start; /* first slot */
    mica_word_t end;   /* one past the last slot */
};

struct mica_untyped_desc {
    mica_word_t paddr;
    uint8_t size_bits;
    uint8_t is_device;
    uint8_t pad[sizeof(mica_word_t) - 2];
};

#define MICA_BOOT_FLAG_MMU        0x1u /* address spaces are page tables */
#define MICA_BOOT_FLAG_MPU        0x2u /* address spaces are MPU region sets */
#define MICA_BOOT_FLAG_REAL_MEM   0x4u /* mapped frames can be touched (false on hosted) */
#define MICA_BOOT_FLAG_USER_FAULT 0x8u /* real user faults can be provoked (false on hosted) */
/* The kernel checks its invariants after every trap (CONFIG_INVARIANTS): a syscall then costs
 * time that grows with the whole system, so cost measurements mean nothing. */
#define MICA_BOOT_FLAG_CHECKED 0x10u

struct mica_bootinfo {
    mica_word_t magic;
    mica_word_t flags; /* MICA_BOOT_FLAG_* */
    mica_word_t num_cpus;
    mica_word_t root_cnode_bits;          /* log2 of the root CNode's slot count */
    mica_word_t ipc_buffer;               /* user address of the root task's IPC buffer */
    mica_word_t user_vaddr_top;           /* first address user mappings may not use */
    struct mica_slot_range sched_control; /* one SchedControl cap per CPU */
    struct mica_slot_range untyped;       /* untyped caps, described by untyped_list[] in order */
    struct mica_slot_range empty;         /* free slots */
    struct mica_untyped_desc untyped_list[MICA_BOOTINFO_MAX_UNTYPE];
    char board[32];
    char arch[16];
    /* The root task's own memory. With an MMU the kernel maps it at boot: its ELF segments (W^X,
     * rights from p_flags), a stack, the IPC buffer (read-write) and this frame (read-only), with
     * the caps of those frames and of the page tables it made in these slot ranges (empty
     * without an MMU, where user addresses are physical ones). */
    mica_word_t bootinfo_vaddr;         /* user address of this frame */
    mica_word_t stack_base;             /* user address range of the initial stack */
    mica_word_t stack_top;              /* the root task's initial SP */
    struct mica_slot_range user_frames; /* Frame caps: ELF segment pages, then stack pages */
    struct mica_slot_range user_tables; /* PageTable caps of the root task's VSpace */
    mica_word_t mpu_regions;            /* MPU: hardware regions a VSpace may use; 0 without */
};

#endif
