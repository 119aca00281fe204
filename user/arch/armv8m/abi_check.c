/* SPDX-License-Identifier: MIT */
/* The ABI constants that crt0.S and syscall.S repeat, checked against include/mica/abi.h. */
#include <stddef.h>

#include <mica/abi.h>

_Static_assert(MICA_SYS_DEBUG_HALT == 34, "crt0.S: SYS_DEBUG_HALT");
_Static_assert(MICA_REG_ARG7 - MICA_REG_ARG0 == 7, "syscall.S: eight argument registers");
_Static_assert(sizeof(mica_word_t) == 4, "syscall.S: 4-byte words");
