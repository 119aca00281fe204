/* SPDX-License-Identifier: MIT */
/*
 * RV64 kernel entry. OpenSBI's fw_dynamic jumps to _start at its physical address in S-mode on one
 * hart, with a0 = hart id, a1 = physical address of the devicetree, satp = 0 and interrupts off.
 * The kernel is linked in the high half (arch.h), so the first job is a boot page table that maps
 * the kernel's gigabyte both where it is (to survive the satp write) and where it is linked, then
 * a jump to the linked address. mmu.c replaces these tables with the final W^X ones.
 */
#include <arch.h>

/* Sv39 PTE bits (privileged spec 4.4.1): V R W X U G A D in bits 0..7, PPN from bit 10. */
#define PTE_BOOT_RWX   0xcf /* V R W X A D */
#define PTE_BOOT_GLOBL 0x20 /* G */
#define BOOT_LINEAR_GB 4    /* low physical gigabytes mapped at RISCV_KERNEL_VOFFSET by boot_pt */

    .section .text.entry, "ax"
    .globl _start
_start:
    mv      s0, a0
    mv      s1, a1
    csrw    sie, zero
    /* Until the jump to the linked address any trap is fatal and unreportable: spin. */
    la      t0, .Lspin
    csrw    stvec, t0

    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    /*
     * boot_pt, all 1 GiB leaves (4.4.1: a leaf at the root level maps a gigapage):
     *   [pa >> 30] identity for the kernel's gigabyte, so the fetch after the satp write works;
     *   [256 + n]  physical gigabyte n at RISCV_KERNEL_VOFFSET + n GiB (n < BOOT_LINEAR_GB): the
     *              kernel image, the devicetree and the console UART at their kernel addresses.
     * The PPN of gigabyte n is n << 18, i.e. the PTE is (n << 28) | flags.
     */
    la      t0, boot_pt
    la      t1, _start
    srli    t1, t1, 30
    slli    t2, t1, 3
    add     t2, t0, t2
    slli    t3, t1, 28
    ori     t3, t3, PTE_BOOT_RWX
    sd      t3, 0(t2)
    li      t1, 0
    addi    t2, t0, 1024
    addi    t2, t2, 1024 /* &boot_pt[256]: 2048 bytes do not fit one addi immediate */
3:  slli    t3, t1, 28
    ori     t3, t3, PTE_BOOT_RWX | PTE_BOOT_GLOBL
    sd      t3, 0(t2)
    addi    t1, t1, 1
    addi    t2, t2, 8
    li      t4, BOOT_LINEAR_GB
    bltu    t1, t4, 3b

    call    boot_pt_enable
    /* From here on PC-relative addresses (la) are the linked, high ones. */
    li      tp, 0
    la      sp, boot_stack
    li      t0, RISCV_KSTACK_STRIDE
    add     sp, sp, t0
    la      t0, early_trap
    csrw    stvec, t0
    csrw    sscratch, zero
    mv      a0, s0
    mv      a1, s1
    call    arch_boot
4:  wfi
    j       4b

#ifdef CONFIG_SMP
/*
 * Secondary harts (hal_cpu_start): SBI HSM starts them here at the physical address with a0 = hart
 * id, a1 = CPU index, satp = 0. Same boot table, then their own stack and tp = CPU index.
 */
    .globl riscv_secondary_entry
riscv_secondary_entry:
    csrw    sie, zero
    la      t0, .Lspin
    csrw    stvec, t0
    mv      s0, a0
    mv      s1, a1
    call    boot_pt_enable
    mv      tp, s1
    la      sp, boot_stack
    addi    t0, s1, 1
    li      t1, RISCV_KSTACK_STRIDE
    mul     t0, t0, t1
    add     sp, sp, t0
    la      t0, early_trap
    csrw    stvec, t0
    csrw    sscratch, zero
    mv      a0, s0
    mv      a1, s1
    call    riscv_secondary_boot
5:  wfi
    j       5b
#endif

/*
 * satp = Sv39 | PPN(boot_pt), then return to the caller's linked (high) address. Called at the
 * physical address; ra is physical too, so add the offset before returning.
 */
boot_pt_enable:
    la      t0, boot_pt
    srli    t0, t0, 12
    li      t1, 8
    slli    t1, t1, 60
    or      t0, t0, t1
    /* 4.2.1: order the page-table stores above before the walks the new satp starts. */
    sfence.vma
    csrw    satp, t0
    sfence.vma
    li      t0, RISCV_KERNEL_VOFFSET
    add     ra, ra, t0
    ret

    /* stvec needs 4-byte alignment in direct mode (privileged spec 4.1.2). */
    .balign 4
.Lspin:
    wfi
    j       .Lspin

    /* On a stack of its own: the kernel stack may be what overflowed. */
    .balign 4
early_trap:
    la      sp, trap_panic_stack + 4096
    csrr    a0, scause
    csrr    a1, sepc
    csrr    a2, stval
    call    arch_early_trap
6:  wfi
    j       6b

    .section .bss.boot_pt, "aw", @nobits
    .balign 4096
    .globl boot_pt
boot_pt:
    .space  4096

    /* One kernel stack per CPU above a guard page each (arch.h RISCV_KSTACK_STRIDE; mmu.c leaves
     * the guards unmapped). */
    .section .bss.stack, "aw", @nobits
    .balign 4096
    .globl boot_stack, boot_stack_end
boot_stack:
    .space  RISCV_KSTACK_STRIDE * CONFIG_NR_CPUS
boot_stack_end:
