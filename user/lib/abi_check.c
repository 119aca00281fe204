/* SPDX-License-Identifier: MIT */
/* The ABI constants that each arch's crt0.S and syscall.S (user/arch/<arch>/) repeat, checked
 * against include/mica/abi.h. */
#include <stddef.h>

#include <mica/abi.h>

_Static_assert(MICA_SYS_DEBUG_HALT == 34, "crt0.S: SYS_DEBUG_HALT");
_Static_assert(MICA_REG_ARG7 - MICA_REG_ARG0 == 7, "syscall.S: eight argument registers");
_Static_assert(sizeof(mica_word_t) == sizeof(void *), "syscall.S: a word is a register");
