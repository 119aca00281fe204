/* SPDX-License-Identifier: MIT */
/*
 * RV64 kernel entry: mica_start (include/mica/kernel.h), which the firmware calls in S-mode on one
 * hart with a0 = the physical address of its platform description, satp = 0 and interrupts off.
 * The firmware is linked and runs at physical addresses; the kernel is linked in the high half
 * (RISCV_KERNEL_VOFFSET + physical), so this code sits in a section of its own (.mica.entry after
 * the SDK's link fragment, mica.ld) linked at its physical address, where the firmware's call
 * reaches it. It reaches the kernel's symbols only through absolute literals (.dword), minus the
 * offset while the MMU is off: a PC-relative reference to the high half is out of range from here.
 *
 * It zeroes the kernel's .bss (its own sections only, the fragment's __mica_bss_*), builds a boot
 * page table and jumps to riscv_boot at the linked address; mmu.c replaces the boot table with
 * the final W^X one. The boot table maps the low 4 GiB twice: at RISCV_KERNEL_VOFFSET, where the
 * kernel reads the description and the devicetree, and where they are (identity), so that this
 * code survives the satp write and the firmware's callbacks work before the final tables exist.
 */
#include <arch.h>

/* Sv39 PTE bits (privileged spec 4.4.1): V R W X U G A D in bits 0..7, PPN from bit 10. */
#define PTE_BOOT_RWX   0xcf /* V R W X A D */
#define PTE_BOOT_GLOBL 0x20 /* G */
#define BOOT_LINEAR_GB 4    /* the low physical gigabytes boot_pt maps at both addresses */

    .section .entry, "ax"
    .globl mica_start
    .balign 4
mica_start:
    csrw    sie, zero
    csrci   sstatus, 2              /* SIE */
    mv      s0, a0
    /* Until the jump to the linked address any trap is fatal and unreportable: spin. */
    lla     t0, .Lspin
    csrw    stvec, t0
    ld      s1, .Lvoffset

    /* The kernel's .bss, at its physical address. */
    ld      t0, .Lbss_start
    ld      t1, .Lbss_end
    sub     t0, t0, s1
    sub     t1, t1, s1
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    /*
     * boot_pt, all 1 GiB leaves (4.4.1: a leaf at the root level maps a gigapage):
     *   [n]         identity for the low gigabytes n < BOOT_LINEAR_GB and for this code's;
     *   [256 + n]   the same gigabytes at RISCV_KERNEL_VOFFSET + n GiB, and the kernel's own.
     * The PPN of gigabyte n is n << 18, i.e. the PTE is (n << 28) | flags.
     */
    ld      s2, .Lboot_pt
    sub     s2, s2, s1
    li      a0, 0
3:  call    map_gigabyte
    addi    a0, a0, 1
    li      t0, BOOT_LINEAR_GB
    bltu    a0, t0, 3b
    lla     a0, mica_start
    srli    a0, a0, 30
    call    map_gigabyte
    ld      a0, .Lkernel_start
    sub     a0, a0, s1
    srli    a0, a0, 30
    call    map_gigabyte
    ld      a0, .Lkernel_end
    sub     a0, a0, s1
    addi    a0, a0, -1
    srli    a0, a0, 30
    call    map_gigabyte
    call    boot_pt_enable

    /* The linked addresses work from here on; PC-relative ones still do not from this section. */
    ld      sp, .Lboot_stack
    li      t0, RISCV_KSTACK_STRIDE - RISCV_CPU_RECORD
    add     sp, sp, t0
    sd      zero, RISCV_CPU_RECORD_INDEX(sp)
    sd      zero, RISCV_CPU_RECORD_LOCAL(sp)
    mv      tp, sp
    ld      t0, .Learly_trap
    csrw    stvec, t0
    csrw    sscratch, zero
    mv      a0, s0
    ld      t0, .Lboot
    jr      t0

#ifdef CONFIG_SMP
/*
 * Secondary harts (hal_cpu_start): SBI HSM starts them here at its physical address (this
 * section's link address) with a0 = hart id, a1 = CPU index, satp = 0. Same boot table, then their
 * own stack and CPU record (tp).
 */
    .globl riscv_secondary_entry
    .balign 4
riscv_secondary_entry:
    csrw    sie, zero
    lla     t0, .Lspin
    csrw    stvec, t0
    mv      s0, a0
    mv      s3, a1
    ld      s1, .Lvoffset
    ld      s2, .Lboot_pt
    sub     s2, s2, s1
    call    boot_pt_enable
    ld      sp, .Lboot_stack
    addi    t0, s3, 1
    li      t1, RISCV_KSTACK_STRIDE
    mul     t0, t0, t1
    add     sp, sp, t0
    addi    sp, sp, -RISCV_CPU_RECORD
    sd      s3, RISCV_CPU_RECORD_INDEX(sp)
    sd      zero, RISCV_CPU_RECORD_LOCAL(sp)
    mv      tp, sp
    ld      t0, .Learly_trap
    csrw    stvec, t0
    csrw    sscratch, zero
    mv      a0, s0
    mv      a1, s3
    ld      t0, .Lsecondary_boot
    jr      t0
#endif

/* Physical gigabyte a0 in boot_pt (physical address s2) at both its addresses. Uses t0-t2. */
map_gigabyte:
    slli    t0, a0, 28
    ori     t0, t0, PTE_BOOT_RWX
    slli    t1, a0, 3
    add     t1, s2, t1
    sd      t0, 0(t1)
    ori     t0, t0, PTE_BOOT_GLOBL
    li      t2, RISCV_KERNEL_VOFFSET
    srli    t2, t2, 30
    andi    t2, t2, 511
    add     t2, t2, a0
    andi    t2, t2, 511
    slli    t2, t2, 3
    add     t2, s2, t2
    sd      t0, 0(t2)
    ret

/* satp = Sv39 | PPN(boot_pt at physical s2). The identity map keeps this code running. */
boot_pt_enable:
    srli    t0, s2, 12
    li      t1, 8
    slli    t1, t1, 60
    or      t0, t0, t1
    /* 4.2.1: order the page-table stores above before the walks the new satp starts. */
    sfence.vma
    csrw    satp, t0
    sfence.vma
    ret

    /* stvec needs 4-byte alignment in direct mode (privileged spec 4.1.2). */
    .balign 4
.Lspin:
    wfi
    j       .Lspin

    /* Absolute addresses: the linker fills them in wherever the two halves end up. */
    .balign 8
.Lvoffset:      .dword RISCV_KERNEL_VOFFSET
.Lbss_start:    .dword __mica_bss_start
.Lbss_end:      .dword __mica_bss_end
.Lkernel_start: .dword __mica_text_start
.Lkernel_end:   .dword __mica_kernel_end
.Lboot_pt:      .dword boot_pt
.Lboot_stack:   .dword boot_stack
.Learly_trap:   .dword early_trap
.Lboot:         .dword riscv_boot
#ifdef CONFIG_SMP
.Lsecondary_boot: .dword riscv_secondary_boot
#endif

    .text
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

    /* For C, which cannot reach the physically linked symbols directly (riscv.h). */
    .section .rodata.riscv_image_phys, "a"
    .balign 8
    .globl riscv_image_phys, riscv_secondary_entry_phys
riscv_image_phys:
    .dword  __mica_phys_start, __mica_phys_end
riscv_secondary_entry_phys:
#ifdef CONFIG_SMP
    .dword  riscv_secondary_entry
#else
    .dword  0
#endif

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
