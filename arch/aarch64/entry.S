/* SPDX-License-Identifier: MIT */
/*
 * AArch64 kernel entry: mica_start (include/mica/kernel.h), which the firmware calls at EL2 or EL1
 * with x0 = the physical address of its platform description, the MMU and data cache off (as a
 * Linux Image is entered: Linux Documentation/arch/arm64/booting.rst; the board image's firmware,
 * board.c, is such an Image). From EL2 we configure what EL1 needs and drop to it.
 *
 * The firmware is linked and runs at physical addresses; the kernel is linked in TTBR1's range
 * (arch.h: AARCH64_KERNEL_VOFFSET + physical), so this code sits in a section of its own
 * (.mica.entry after the SDK's link fragment, mica.ld) linked at its physical address, where the
 * firmware's call reaches it, and reaches the kernel's symbols only through absolute literals
 * (ldr =), minus the offset while the MMU is off: adrp cannot reach the high half from here.
 *
 * It zeroes the kernel's .bss and stacks, builds a pair of boot tables with 1 GiB blocks (TTBR0
 * maps the image's gigabytes where they are, to survive turning the MMU on; TTBR1 maps those, the
 * description's, its arrays' and the devicetree's at their kernel addresses), then jumps to
 * aarch64_boot at its linked address. mmu.c replaces these tables with the final W^X ones before
 * anything else runs.
 */
#include <arch.h>

/* Block descriptor, normal memory, EL1 read/write/execute (Arm ARM D8.3): valid, AttrIndx 1
 * (MAIR below), SH inner shareable, AF, UXN. */
#define BOOT_BLOCK  0x0040000000000705
/* MAIR_EL1: 0 Device-nGnRE, 1 Normal write-back read/write-allocate, 2 Normal non-cacheable. */
#define BOOT_MAIR   0x44ff04
/* TCR_EL1 without IPS and AS: T0SZ = T1SZ = 25, 4 KiB granules, walks inner shareable
 * write-back (IRGNn/ORGNn = 01, SHn = 11). */
#define BOOT_TCR    0x00000000b5193519
#define SCTLR_BOOT  0x30d0181d /* RES1 (11, 20, 22, 23, 28, 29) | I | SA0 | SA | C | M */

    .section .entry, "ax"
    .globl mica_start
mica_start:
    mov     x19, x0             /* the description, physical */
    msr     daifset, #0xf
    bl      drop_to_el1
    adr     x0, spin_vectors
    msr     vbar_el1, x0
    isb
    /* Linked where the firmware put it? Nothing works from anywhere else, and there is no console
     * yet to say so. */
    ldr     x0, =mica_start
    adr     x1, mica_start
    cmp     x0, x1
    b.ne    spin
    ldr     x21, =AARCH64_KERNEL_VOFFSET

    /* The kernel's .bss and stacks, at their physical addresses. */
    ldr     x0, =__mica_bss_start
    ldr     x1, =__mica_kernel_end
    sub     x0, x0, x21
    sub     x1, x1, x21
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b
2:
    /* The image's first and last gigabytes in both tables (TTBR0 for this code and
     * aarch64_ttbr1_switch's identity path). */
    ldr     x22, =boot_ttbr0
    ldr     x23, =boot_ttbr1
    sub     x22, x22, x21
    sub     x23, x23, x21
    ldr     x2, =__mica_phys_start
    bl      map_gigabyte
    ldr     x2, =__mica_phys_end
    sub     x2, x2, #1
    bl      map_gigabyte
    /* TTBR1 only: the description, its three arrays, and the devicetree (up to 2 MiB, fdt.h
     * FDT_MAX_SIZE), which aarch64_boot reads before the final tables exist. */
    mov     x22, xzr
    mov     x2, x19
    bl      map_gigabyte
    mov     x24, #MICA_PLATFORM_RAM
    bl      map_field
    mov     x24, #MICA_PLATFORM_RESERVED
    bl      map_field
    mov     x24, #MICA_PLATFORM_DEVICES
    bl      map_field
    mov     x24, #MICA_PLATFORM_DEVICETREE
    bl      map_field
    ldr     x2, [x19, #MICA_PLATFORM_DEVICETREE]
    cbz     x2, 3f
    add     x2, x2, #(2 << 20)
    bl      map_gigabyte
3:
    /* With the data cache off the stores went to memory; drop whatever stale lines the cache may
     * hold for .bss and the tables before it is turned on (CTR_EL0.DminLine: log2 words). */
    mrs     x3, ctr_el0
    ubfx    x3, x3, #16, #4
    mov     x4, #4
    lsl     x3, x4, x3
    ldr     x0, =__mica_bss_start
    ldr     x1, =__mica_kernel_end
    sub     x0, x0, x21
    sub     x1, x1, x21
    sub     x4, x3, #1
    bic     x0, x0, x4
4:  dc      ivac, x0
    add     x0, x0, x3
    cmp     x0, x1
    b.lo    4b
    dsb     sy

    bl      mmu_on
    /* The linked addresses work from here on; adrp still does not from this section. */
    ldr     x0, =early_vectors
    msr     vbar_el1, x0
    ldr     x0, =aarch64_cpus   /* CPU 0's block: index 0 (.bss) */
    msr     tpidr_el1, x0
    mov     x0, #0
    bl      stack_top
    mov     sp, x0
    mrs     x1, tpidr_el1
    str     x0, [x1, #AARCH64_CPU_KSP]
    add     x0, x19, x21        /* the description at its kernel address */
    ldr     x1, =aarch64_boot
    br      x1

#ifdef CONFIG_SMP
/*
 * Secondary CPUs (hal_cpu_start): PSCI CPU_ON starts them here at the physical address (this
 * section's link address), MMU off, with x0 = the CPU index; QEMU starts them at EL2 when it has
 * one (virtualization=on), not at the caller's EL1, so they drop to EL1 like the boot CPU. Same
 * boot tables, then their own stack and per-CPU block.
 */
    .globl aarch64_secondary_entry
aarch64_secondary_entry:
    mov     x19, x0
    msr     daifset, #0xf
    bl      drop_to_el1
    adr     x0, spin_vectors
    msr     vbar_el1, x0
    isb
    ldr     x21, =AARCH64_KERNEL_VOFFSET
    ldr     x22, =boot_ttbr0
    ldr     x23, =boot_ttbr1
    sub     x22, x22, x21
    sub     x23, x23, x21
    bl      mmu_on
    ldr     x0, =early_vectors
    msr     vbar_el1, x0
    ldr     x0, =aarch64_cpus
    mov     x1, #AARCH64_CPU_SIZE
    madd    x0, x19, x1, x0
    msr     tpidr_el1, x0
    mov     x0, x19
    bl      stack_top
    mov     sp, x0
    mrs     x1, tpidr_el1
    str     x0, [x1, #AARCH64_CPU_KSP]
    mov     x0, x19
    ldr     x1, =aarch64_secondary_boot
    br      x1
#endif

/*
 * Entered at EL2 (-M virt,virtualization=on): run the kernel at EL1 in AArch64 (HCR_EL2.RW) with
 * no EL2 traps: the counters and timers usable from EL1 (CNTHCTL_EL2.EL1PCTEN/EL1PCEN, no virtual
 * offset), the PMU's counters all EL1's (MDCR_EL2.HPMN = PMCR_EL0.N) and its cycle counter
 * counting at EL2 too (PMCCFILTR_EL0.NSH), FP/SIMD untrapped (CPTR_EL2), the GICv3 system
 * registers usable from EL1 (ICC_SRE_EL2.SRE and Enable). Then eret to the caller in EL1h with
 * DAIF masked. At EL1 already: just return.
 */
drop_to_el1:
    mrs     x0, CurrentEL
    cmp     x0, #(2 << 2)
    b.ne    1f
    mov     x0, #(1 << 31)
    msr     hcr_el2, x0
    mov     x0, #3
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr
    mrs     x0, pmcr_el0
    ubfx    x0, x0, #11, #5
    msr     mdcr_el2, x0
    mov     x0, #(1 << 27)
    msr     pmccfiltr_el0, x0
    mov     x0, #0x33ff
    msr     cptr_el2, x0
    msr     vttbr_el2, xzr
    mrs     x0, id_aa64pfr0_el1
    ubfx    x0, x0, #24, #4
    cbz     x0, 2f
    mrs     x0, S3_4_C12_C9_5   /* ICC_SRE_EL2 */
    mov     x1, #0x9            /* SRE | Enable */
    orr     x0, x0, x1
    msr     S3_4_C12_C9_5, x0
    isb
2:  mov     x0, #0x3c5          /* SPSR: D, A, I, F masked; M = EL1h */
    msr     spsr_el2, x0
    msr     elr_el2, x30
    eret
1:  ret

/* A 1 GiB block for physical address x2 in the level-1 tables at x22 (identity, index = bits
 * 38:30 of x2; skipped when 0) and x23 (kernel addresses: bits 38:30 of x21 + x2), both
 * physical. Uses x2-x5. */
map_gigabyte:
    ubfx    x3, x2, #30, #9
    add     x5, x2, x21
    ubfx    x5, x5, #30, #9
    lsr     x2, x2, #30
    lsl     x2, x2, #30
    ldr     x4, =BOOT_BLOCK
    orr     x2, x2, x4
    cbz     x22, 1f
    str     x2, [x22, x3, lsl #3]
1:  str     x2, [x23, x5, lsl #3]
    ret

/* map_gigabyte for the address in the description's field at offset x24, unless it is NULL. */
map_field:
    ldr     x2, [x19, x24]
    cbz     x2, 1f
    b       map_gigabyte
1:  ret

/*
 * MAIR, TCR (IPS from ID_AA64MMFR0_EL1.PARange, at most 48 bits; 16-bit ASIDs where the CPU has
 * them), the boot tables (physical x22, x23), then the MMU with caches. The identity map of TTBR0
 * keeps this code running; the caller jumps to the high half itself.
 */
mmu_on:
    ldr     x0, =BOOT_MAIR
    msr     mair_el1, x0
    mrs     x1, id_aa64mmfr0_el1
    ubfx    x2, x1, #0, #4
    cmp     x2, #5
    mov     x3, #5
    csel    x2, x2, x3, ls
    ldr     x0, =BOOT_TCR
    bfi     x0, x2, #32, #3
    ubfx    x2, x1, #4, #4      /* ASIDBits: 2 = 16 bits */
    cmp     x2, #2
    cset    x2, eq
    bfi     x0, x2, #36, #1
    msr     tcr_el1, x0
    ldr     x0, =boot_ttbr0
    sub     x0, x0, x21
    msr     ttbr0_el1, x0
    msr     ttbr1_el1, x23
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x0, =SCTLR_BOOT
    msr     sctlr_el1, x0
    isb
    ret

/* x0 = CPU index -> x0 = the top of its kernel stack (a guard page below each). */
stack_top:
    ldr     x1, =kernel_stacks
    ldr     x2, =AARCH64_KSTACK_SLOT
    madd    x0, x0, x2, x1
    add     x0, x0, x2
    ret

spin:
    wfe
    b       spin

/* Until the MMU is on nothing can report an exception: spin. */
    .balign 2048
spin_vectors:
    .rept   16
    .balign 128
    b       spin
    .endr

    .ltorg

/* For C, which cannot reach the physically linked symbols directly (aarch64.h). */
    .section .rodata.aarch64_image_phys, "a"
    .balign 8
    .globl aarch64_image_phys, aarch64_secondary_entry_phys
aarch64_image_phys:
    .quad   __mica_phys_start, __mica_phys_end
aarch64_secondary_entry_phys:
#ifdef CONFIG_SMP
    .quad   aarch64_secondary_entry
#else
    .quad   0
#endif

    .text
/*
 * void aarch64_ttbr1_switch(paddr_t ttbr1, paddr_t zero): make ttbr1 the kernel's tables. The old
 * and new tables map the running code differently (a 1 GiB block, then W^X pages), so the switch
 * breaks before it makes (Arm ARM D8.14, "Using break-before-make"): from the identity map of the
 * boot TTBR0, TTBR1 goes to the empty table zero, every translation is dropped, then TTBR1 gets
 * the new tables and we return to the caller's linked address. No stack on the way.
 */
    .globl aarch64_ttbr1_switch
aarch64_ttbr1_switch:
    ldr     x2, =AARCH64_KERNEL_VOFFSET
    adr     x3, 1f
    sub     x3, x3, x2
    br      x3
1:  msr     ttbr1_el1, x1
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    msr     ttbr1_el1, x0
    isb
    ret

/*
 * From the jump to the linked address until aarch64_cpu_init installs trap.S's vectors, any
 * exception is a kernel bug: report which of the 16 vectors (Arm ARM D1.10.2) it came through.
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
    ldr     x4, =early_stack_top
    mov     sp, x4
    bl      arch_early_trap
7:  wfi
    b       7b

    .ltorg

    .section .bss.boot_tables, "aw", %nobits
    .balign 4096
    .globl boot_ttbr0, boot_ttbr1
boot_ttbr0:
    .space  4096
boot_ttbr1:
    .space  4096

    .section .bss.early_stack, "aw", %nobits
    .balign 16
    .space  2048
early_stack_top:

    /* CPU n's kernel stack at kernel_stacks + n * AARCH64_KSTACK_SLOT + 4096, above an unmapped guard
     * page (mmu.c leaves it out of the kernel's tables). */
    .section .kstack, "aw", %nobits
    .balign 4096
    .globl kernel_stacks, kernel_stacks_end
kernel_stacks:
    .space  AARCH64_KSTACK_SLOT * CONFIG_NR_CPUS
kernel_stacks_end:
