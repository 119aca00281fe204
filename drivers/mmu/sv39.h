/* SPDX-License-Identifier: MIT */
/*
 * The Sv39 page-table entry (RISC-V Privileged ISA, "Sv39: Page-Based 39-bit Virtual-Memory
 * System" and "Svpbmt"): V R W X U G A D in bits 0-7, RSW 8-9, PPN from bit 10, PBMT in 62:61.
 * A valid PTE with R = W = X = 0 points to the next level, any of R/X makes it a leaf (a
 * superpage above the last level). One encoding for every user of it: riscv64's MMU, hosted's
 * MMU personality and the walker's unit tests, each adding what it marks device memory with.
 */
#ifndef MICA_SV39_H
#define MICA_SV39_H

#include <stdint.h>

#include <mica/objects.h>

#define SV39_V         (1ull << 0)
#define SV39_R         (1ull << 1)
#define SV39_W         (1ull << 2)
#define SV39_X         (1ull << 3)
#define SV39_U         (1ull << 4)
#define SV39_G         (1ull << 5)
#define SV39_A         (1ull << 6)
#define SV39_D         (1ull << 7)
#define SV39_RSW0      (1ull << 8) /* left to software */
#define SV39_LEAF      (SV39_R | SV39_W | SV39_X)
#define SV39_PPN_SHIFT 10
#define SV39_PPN_MASK  ((1ull << 44) - 1)
#define SV39_PBMT_IO   (2ull << 61)
#define SV39_PBMT_MASK (3ull << 61)
#define SV39_LEVELS    3

static inline uint64_t sv39_ppn(uint64_t pa)
{
    return (pa >> 12) << SV39_PPN_SHIFT;
}

static inline uint64_t sv39_table(uint64_t table_pa)
{
    return sv39_ppn(table_pa) | SV39_V;
}

/* A user leaf: U, A preset, D preset on writable pages (4.3.1 lets hardware fault instead of
 * setting them), plus `device` (an attribute encoding of the caller's) for device memory. */
static inline uint64_t sv39_user_leaf(uint64_t pa, unsigned vm_rights, unsigned attr,
                                      uint64_t device)
{
    uint64_t pte = sv39_ppn(pa) | SV39_V | SV39_U | SV39_A;

    if (vm_rights & MICA_VM_READ)
        pte |= SV39_R;
    if (vm_rights & MICA_VM_WRITE)
        pte |= SV39_W | SV39_D;
    if (vm_rights & MICA_VM_EXEC)
        pte |= SV39_X;
    if (attr == MICA_VM_DEVICE)
        pte |= device;
    return pte;
}

/* 0: invalid, 1: a table, 2: a page (enum hal_pte_kind's order). A pointer in a last-level PTE
 * is a page fault for the hardware, so not a table. */
static inline unsigned sv39_kind(uint64_t pte, unsigned level)
{
    if (!(pte & SV39_V))
        return 0;
    if (pte & SV39_LEAF)
        return 2;
    return level < SV39_LEVELS - 1 ? 1 : 0;
}

static inline uint64_t sv39_addr(uint64_t pte)
{
    return ((pte >> SV39_PPN_SHIFT) & SV39_PPN_MASK) << 12;
}

#endif
