/* SPDX-License-Identifier: MIT */
/*
 * The arch-neutral half of the HAL self-tests' kernel side (kernel.c): TAP reporting, memory and
 * an address space for the user program through the hal_pte_* hooks, ELF loading, and the trap
 * loop that answers proto.h. The arch's hal_test.c supplies kernel_main (which calls ht_begin,
 * sets up, then ht_run), the tests only it can do, and ht_arch_syscall for its own syscalls.
 */
#ifndef MICA_HAL_TEST_KERNEL_H
#define MICA_HAL_TEST_KERNEL_H

#include "hal.h"
#include "hal_test.h"

#define HT_PAGE ((paddr_t)1 << HAL_PAGE_BITS)
#define HT_ASID 1

extern struct boot_params *ht_bootp;
extern pte_t *ht_root;
extern volatile word_t ht_kernel_data_word;

/* Print the banner and the TAP plan; the next pages to hand out start at the kernel's end. */
void ht_begin(struct boot_params *bp, const char *title);
void ht_skip(unsigned test, const char *why);
void ht_report(unsigned test, bool ok, const char *why);
_Noreturn void ht_finish(void);
_Noreturn void ht_fail_and_stop(const char *what, word_t a, word_t b);

/* A zeroed page of RAM clear of every reserved range. */
paddr_t ht_page_alloc(void);
/* Map va -> pa in the user program's address space (created on first use), adding tables. */
void ht_map(word_t va, paddr_t pa, unsigned rights, unsigned attr);
/* The root task ELF's PT_LOAD segments, copied and mapped with their rights; returns the entry. */
word_t ht_load_program(void);
/* The device page at paddr (user address USER_DEVICE) and its interrupt line, for T_IDLE_IRQ and
 * friends; without one the IRQ tests fail. */
void ht_device(paddr_t paddr, word_t irq);

/* Start CPU 1 (if the build and the machine have one) and check it interrupts CPU 0. */
void ht_check_smp(void);

/* Run the program at entry in its address space (with an IPC buffer at USER_IPC_BUFFER holding a
 * pattern), answering its syscalls until it halts. */
_Noreturn void ht_run(word_t entry);

/* The arch's own syscalls (nr >= T_ARCH); false for an unknown one. */
bool ht_arch_syscall(struct arch_ctx *ctx, word_t nr);
/* Argument i and result i of a syscall. */
word_t ht_arg(struct arch_ctx *ctx, unsigned i);
void ht_ret(struct arch_ctx *ctx, unsigned i, word_t v);

#endif
