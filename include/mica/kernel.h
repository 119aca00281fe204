/* SPDX-License-Identifier: MIT */
/*
 * The embedding API: how firmware starts Mica (docs/embedding.md). The firmware brings its board
 * up, describes the platform in a struct mica_platform and calls mica_start once, on one CPU, in
 * the mode the arch runs the kernel in; Mica takes that CPU over and never returns. The kernel's
 * own board images start through the same call (arch/<arch>/board.c is their firmware).
 */
#ifndef MICA_KERNEL_H
#define MICA_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* struct mica_platform's layout; mica_start stops on any other value. */
#define MICA_PLATFORM_VERSION 1

/* A physical address range [base, base + size). */
struct mica_range {
    uint64_t base;
    uint64_t size;
};

/*
 * Armv8-M: the priority Mica gives one of the firmware's own exceptions (its vector table's entry
 * names the firmware's handler, not one of Mica's below).
 */
struct mica_priority {
    uint32_t exception; /* its number: 12 (DebugMonitor), 15 (SysTick) or 16 + an NVIC line */
    uint32_t priority;  /* 0 (the most urgent) to 255, as the priority registers take it */
};

/* flags: Mica drives the console device itself: the UART the devicetree's /chosen/stdout-path
 * names (the board's Kconfig UART without a devicetree; stdout on hosted). Without it and without
 * a console callback, Mica has no console. */
#define MICA_PLATFORM_OWN_CONSOLE (1u << 0)

/*
 * What Mica may use and what it must leave alone. Every address, including those of the arrays,
 * the devicetree, the root image and the callbacks, is physical. mica_start copies what it needs
 * before it touches anything else, so the description may live on the caller's stack.
 */
struct mica_platform {
    uint32_t version; /* MICA_PLATFORM_VERSION */
    uint32_t flags;   /* MICA_PLATFORM_* */

    /* RAM Mica may use: it keeps its own image there, maps it, and hands the rest to the root
     * task as Untyped memory. None (nram 0): the devicetree's /memory nodes. */
    const struct mica_range *ram;
    uint32_t nram;
    /* Ranges Mica never writes and never hands out, in RAM or not: the firmware's code, data,
     * stacks and devices. On MMU arches the callbacks run with these identity-mapped. Mica also
     * keeps clear of its own image, the root image, the devicetree and what the devicetree
     * reserves. */
    const struct mica_range *reserved;
    uint32_t nreserved;
    /* Device registers for user-space drivers: they become device Untypeds (besides the devices
     * the devicetree lists under the interrupt controller), minus RAM and reserved ranges. */
    const struct mica_range *devices;
    uint32_t ndevices;

    /* The flattened devicetree (riscv64, aarch64: required), or NULL. */
    const void *devicetree;

    /* The root task: an ELF image at root_image, root_image_size bytes, which Mica loads and
     * starts. It stays the firmware's: Mica reads it while booting and never hands it out.
     * Hosted: the entry function of the in-process root task, size 0. */
    const void *root_image;
    uint64_t root_image_size;

    /* Callbacks into the firmware, NULL for none; arg is passed to each. They run on Mica's
     * kernel stack (CONFIG_PLATFORM_CALLBACK_STACK bytes are theirs) with interrupts off. console
     * writes one byte of the kernel's output; halt is called when the kernel stops (a panic, the
     * root task's debug halt) and should not return (Mica then stops the CPU itself). */
    void (*console)(void *arg, char c);
    void (*halt)(void *arg, int status);
    void *arg;

    /* riscv64: the calling hart's id (mhartid), which S-mode cannot read. Others ignore it. */
    uint64_t boot_cpu_id;

    /* Armv8-M (others ignore them): the firmware's vector table, nvectors entries (the initial SP,
     * Reset, exceptions 2-15, then one per NVIC line), which VTOR points at from mica_start on.
     * Mica's entries name its handlers (below): HardFault, MemManage, BusFault, UsageFault and
     * SecureFault mica_exception_handler, SVCall mica_svc_handler, PendSV mica_pendsv_handler,
     * and every NVIC line Mica may use (its timers' and those user drivers may claim)
     * mica_exception_handler. Every other entry is the firmware's: Mica never enables, disables
     * or claims it. Mica's exceptions run at the lowest priority; priorities sets the
     * firmware's (npriorities entries; those it does not list keep what the firmware set). */
    void (*const *vectors)(void);
    uint32_t nvectors;
    const struct mica_priority *priorities;
    uint32_t npriorities;
};

/*
 * Start Mica on this CPU. Called once, with interrupts off, in the mode the kernel runs in:
 * riscv64 S-mode with satp = 0; aarch64 EL1 or EL2 with the MMU and data cache off; Armv8-M
 * privileged Thread mode; hosted from main. Mica's own .bss is zeroed here; nothing else is written
 * outside the RAM it was given. On a description it cannot use it prints why (when it has a
 * console) and calls halt.
 */
__attribute__((noreturn)) void mica_start(const struct mica_platform *platform);

#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
/* Armv8-M: Mica's exception handlers, for the firmware's vector table (struct mica_platform's
 * vectors). Only the hardware calls them. */
void mica_svc_handler(void);
void mica_pendsv_handler(void);
void mica_exception_handler(void);
#endif

#ifdef __cplusplus
}
#endif

#endif
