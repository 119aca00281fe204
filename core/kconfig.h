/* SPDX-License-Identifier: MIT */
/*
 * IS_ENABLED(CONFIG_X): 1 if autoconf.h defines CONFIG_X as 1, else 0, usable in plain C
 * conditions so that both branches are compiled (the Linux kernel's idiom).
 */
#ifndef MICA_KCONFIG_H
#define MICA_KCONFIG_H

#define KCONFIG_PLACEHOLDER_1             0,
#define KCONFIG_SECOND(ignored, val, ...) val
#define KCONFIG_DEFINED3(arg_or_junk)     KCONFIG_SECOND(arg_or_junk 1, 0, 0)
#define KCONFIG_DEFINED2(val)             KCONFIG_DEFINED3(KCONFIG_PLACEHOLDER_##val)
#define IS_ENABLED(option)                KCONFIG_DEFINED2(option)

#endif
