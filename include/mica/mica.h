/* SPDX-License-Identifier: MIT */
/* The whole Mica ABI in one include. */
#ifndef MICA_MICA_H
#define MICA_MICA_H

#include <mica/abi.h>
#include <mica/objects.h>
#include <mica/bootinfo.h>
#include <mica/fault.h>

#endif
