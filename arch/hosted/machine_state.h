/* SPDX-License-Identifier: MIT */
/*
 * Force-included (-include) into every hosted kernel, arch and user-runtime object, and into
 * in-process root tasks: their writable statics go to two sections of their own, which
 * host_reset.c puts back before each boot (hosted_boot), so that one process can boot the machine
 * many times and each boot starts from the state the program was loaded with. The section names
 * are C identifiers, so the linker provides __start_ and __stop_ symbols for them.
 *
 * What must survive a boot (the reset's own bookkeeping, how the program runs the machine) is
 * declared between HOSTED_STATE_END and HOSTED_STATE_BEGIN and goes to the hosted_keep sections.
 * tests/run checks that these four sections hold every writable static of those objects.
 */
#ifndef MICA_HOSTED_MACHINE_STATE_H
#define MICA_HOSTED_MACHINE_STATE_H

#define HOSTED_STATE_BEGIN                                                                         \
    _Pragma("clang section bss=\"hosted_state_bss\" data=\"hosted_state_data\"")
#define HOSTED_STATE_END _Pragma("clang section bss=\"hosted_keep_bss\" data=\"hosted_keep_data\"")

HOSTED_STATE_BEGIN

#endif
