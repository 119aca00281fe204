/* SPDX-License-Identifier: MIT */
/*
 * The user toolkit: what a program needs to build things on the kernel, in one include.
 * struct mica_env is the program's own view of itself: its slot and untyped allocator, its
 * address space, its TCB (the authority for priorities) and, if it has one, a SchedControl cap.
 * A root task fills it from boot info, a protection domain of a system from its PD info.
 */
#ifndef MICA_TOOLKIT_H
#define MICA_TOOLKIT_H

#include <mica/alloc.h>
#include <mica/fmt.h>
#include <mica/invoke.h>
#include <mica/user.h>
#include <mica/vspace.h>

struct mica_env {
    struct mica_alloc alloc;
    struct mica_vspace vspace;
    mica_cptr_t self_tcb;      /* priority authority; the runtime's own thread */
    mica_cptr_t sched_control; /* 0 if the program holds none */
    mica_word_t flags;         /* boot info's MICA_BOOT_FLAG_* */
    mica_word_t user_top;      /* first user address the kernel refuses */
    mica_word_t scratch;       /* a page of the window for writing into others' frames (lazy) */
    const char *board;         /* boot info's board name */
};

/* Virtual-address window a root task's env hands out (threads' stacks and IPC buffers, scratch
 * mappings): well above the image the linker puts at 64 KiB, below every MMU's user top. */
#define MICA_ROOT_WINDOW_LO 0x80000000ul
#define MICA_ROOT_WINDOW_HI 0xc0000000ul

/* The root task's env: every empty slot and Untyped, its own VSpace with the window above. */
void mica_env_init_root(struct mica_env *env, const struct mica_bootinfo *bi);

#include <mica/thread.h>

#endif
