/* SPDX-License-Identifier: MIT */
/*
 * AArch64 kernel entry. The image starts with the arm64 Linux Image header (Documentation/arch/
 * arm64/booting.rst) so that QEMU (and real boot loaders) load it at RAM base + 2 MiB and pass the
 * devicetree's physical address in x0; MMU and caches are off. We drop from EL2 to EL1 if needed,
 * take the boot stack, clear .bss and call arch_boot(x0) in boot.c.
 */
#include <arch.h>

    .section .text.entry, "ax"
    .globl _start
_start:
    /* Image header: code0/code1, text_offset, image_size, flags, 3 reserved, magic, reserved. */
    b       primary
    .word   0
    .quad   0                   /* text_offset: load at the 2 MiB-aligned base + 0 */
    .quad   __image_size        /* bytes the loader must keep free, .bss included */
    .quad   0x2                 /* flags: little-endian, 4 KiB pages */
    .quad   0, 0, 0
    .ascii  "ARM\x64"
    .word   0

primary:
    mov     x19, x0             /* devicetree, kept across the calls below */
    mrs     x0, CurrentEL
    cmp     x0, #(2 << 2)
    b.ne    at_el1
    /*
     * Entered at EL2 (-M virt,virtualization=on): run the kernel at EL1 with EL1 in AArch64
     * state (HCR_EL2.RW), the physical counter and timer usable from EL1 (CNTHCTL_EL2 EL1PCTEN,
     * EL1PCEN) and no virtual offset, then eret to at_el1 in EL1h with interrupts masked.
     */
    mov     x0, #(1 << 31)
    msr     hcr_el2, x0
    mov     x0, #3
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr
    mov     x0, #0x3c5          /* SPSR: D, A, I, F masked; M = EL1h */
    msr     spsr_el2, x0
    adr     x0, at_el1
    msr     elr_el2, x0
    eret

at_el1:
    /* TPIDR_EL1 holds the CPU index (hal_cpu_id); the boot CPU is 0. */
    msr     tpidr_el1, xzr
    ldr     x0, =early_vectors
    msr     vbar_el1, x0
    isb
    ldr     x0, =boot_stack_top
    mov     sp, x0

    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    str     xzr, [x0], #8
    b       1b
2:
    mov     x0, x19
    bl      arch_boot
3:  wfi
    b       3b

    /*
     * Until trap.S installs the real vectors, any exception is a kernel bug: report which of the
     * 16 vectors (Arm ARM D1.10.2) it came through and stop.
     */
    .balign 2048
early_vectors:
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    .balign 128
    mov     x0, #\n
    b       early_exception
    .endr

early_exception:
    mrs     x1, esr_el1
    mrs     x2, elr_el1
    mrs     x3, far_el1
    ldr     x4, =boot_stack_top
    mov     sp, x4
    bl      arch_early_trap
4:  wfi
    b       4b

    .section .bss.stack, "aw", %nobits
    .balign 16
boot_stack:
    .space  CONFIG_KERNEL_STACK_SIZE
boot_stack_top:
