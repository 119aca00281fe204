/* SPDX-License-Identifier: MIT */
/*
 * Compiler attributes and compile-time checks the whole kernel uses. BOOT_CODE puts a function
 * in .boot.text, next to the files build.ninja.in compiles as boot-only (cc_boot), so that
 * `ninja size` reports the kernel without code that runs only while booting, and so that a later
 * step can hand that memory back.
 */
#ifndef MICA_COMPILER_H
#define MICA_COMPILER_H

#define BOOT_CODE __attribute__((section(".boot.text")))

#define compile_assert(name, cond) _Static_assert(cond, #name)

#endif
