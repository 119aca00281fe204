/* SPDX-License-Identifier: MIT */
/* libfdt_env.h includes <stdlib.h>; the kernel has no allocator, so this only gives size_t/NULL. */
#ifndef MICA_LIB_STDLIB_H
#define MICA_LIB_STDLIB_H

#include <stddef.h>

#endif
