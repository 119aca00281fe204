/* SPDX-License-Identifier: MIT */
/* Boot: the root task's CSpace, Untyped caps and boot-info frame (boot.c). */
#ifndef MICA_BOOT_H
#define MICA_BOOT_H

#include "hal.h"

void boot_root_task(struct boot_params *bp);

#endif
