/* SPDX-License-Identifier: MIT */
/* The root task's struct mica_env (<mica/toolkit.h>), from boot info. */
#include <mica/toolkit.h>

void mica_env_init_root(struct mica_env *env, const struct mica_bootinfo *bi)
{
    mica_alloc_init_bootinfo(&env->alloc, bi);
    mica_vspace_init(&env->vspace, MICA_INIT_VSPACE, &env->alloc, bi->flags, MICA_ROOT_WINDOW_LO,
                     MICA_ROOT_WINDOW_HI, true);
    env->self_tcb = MICA_INIT_TCB;
    env->sched_control = bi->sched_control.start;
    env->flags = bi->flags;
    env->user_top = bi->user_vaddr_top;
    env->scratch = 0;
    env->board = bi->board;
}
