/* SPDX-License-Identifier: MIT */
/*
 * The hardware abstraction layer: the only door between core/ and an arch. Each arch implements
 * these functions (hot ones may be static inline in its arch.h) and provides <arch.h> with the
 * machine types. The core calls into the arch only through this file; the arch calls into the
 * core only through the kernel_* entry points at the end.
 *
 * Context: unless a contract says otherwise, functions are called in kernel context on the
 * current CPU with interrupts disabled (the kernel is not preemptible). Kernel context is whatever
 * the arch makes it: a supervisor mode (riscv64 S-mode), or an exception handler (Armv8-M runs the
 * whole kernel in Handler mode, inside the exception that entered it). The core only needs the
 * kernel not to be interrupted, and every trap to enter it through the entry points below (or
 * to end hal_idle).
 */
#ifndef MICA_HAL_H
#define MICA_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kinds of page-table entry; declared before <arch.h> so arches may make hal_pte_kind inline. */
enum hal_pte_kind { HAL_PTE_INVALID, HAL_PTE_TABLE, HAL_PTE_PAGE };

/*
 * <arch.h> (arch/<arch>/include/arch.h) defines, types and inlines only:
 *   word_t, paddr_t           machine word and physical address
 *   struct arch_ctx           saved user state of a thread (lives inside struct tcb)
 *   ARCH_NUM_REGS             registers addressable by id (>= MICA_REG_ARCH_BASE)
 *   ARCH_MAX_RAM_RANGES       size of boot_params arrays
 *   ARCH_IRQ_LINES            interrupt numbers the core tracks, 0..ARCH_IRQ_LINES-1 (hal_irq_valid
 *                             says which of them user space may claim)
 *   ARCH_ELF_CLASS, ARCH_ELF_MACHINE   what a root task ELF must say (32/64, EM_*)
 *   ARCH_BOOT_FLAGS (optional) MICA_BOOT_FLAG_REAL_MEM / _USER_FAULT if user code really runs on
 *                             its mappings and can fault (the default, both; hosted: 0)
 *   with CONFIG_MMU: pte_t, HAL_PT_LEVELS, HAL_PT_INDEX_BITS, HAL_PAGE_BITS, HAL_USER_TOP
 *   with CONFIG_MPU: struct arch_mpu_state (the encoded region set, ready for plain stores on a
 *                             switch: PMSAv8's {RBAR, RLAR} pairs), HAL_MPU_REGIONS (regions a
 *                             VSpace may use), HAL_MPU_GRANULE
 */
#include <arch.h>

struct mem_range {
    paddr_t base;
    paddr_t size;
};

/* What the arch hands the core at boot: the arch's mica_start fills it from the firmware's
 * platform description (core/platform.c's platform_read) and adds what only it knows. */
struct boot_params {
    const void *dtb; /* devicetree (kernel-virtual address), NULL if none */
    struct mem_range ram[ARCH_MAX_RAM_RANGES];
    unsigned nram; /* filled from the DTB by core when dtb != NULL */
    struct mem_range reserved[ARCH_MAX_RAM_RANGES];
    unsigned nreserved; /* kernel image, firmware, DTB itself */
    struct mem_range firmware[ARCH_MAX_RAM_RANGES];
    unsigned nfirmware; /* the firmware's own reserved ranges: what hal_firmware_enter maps */
    unsigned ncpus;
    struct mem_range device[ARCH_MAX_RAM_RANGES];
    unsigned ndevice; /* device registers user drivers may map (device untypeds), page aligned */
    const void *root_elf; /* root task ELF image linked into the kernel, or NULL */
    size_t root_elf_size;
    word_t root_entry; /* hosted only: entry of the in-process root task */
};

/* ---- CPU, console, stop ---------------------------------------------------------------- */

/* Bring up what the kernel needs from the platform (console, interrupt controller, timer), using
 * bp (and core's fdt helpers when bp->dtb is set). Called once on the boot CPU before anything
 * else in the core prints. Must not fail on a board its Kconfig describes; it panics otherwise. */
void hal_platform_init(struct boot_params *bp);

/* Index of the executing CPU, 0..ncpus-1 (not the hardware id). Any context. */
unsigned hal_cpu_id(void);

#if CONFIG_NR_CPUS > 1
/* The core's pointer for the executing CPU (its struct cpu), kept per CPU where the arch reaches
 * it in a load or two from a register it keeps for the kernel (riscv64: the CPU record tp points
 * at; aarch64: the block TPIDR_EL1 points at), so that the kernel entries need not work it out
 * from hal_cpu_id. hal_cpu_local_set stores it on the executing CPU: the core calls it first thing
 * on each CPU (kernel_main, kernel_secondary_main); until then hal_cpu_local returns NULL. Only
 * arches that select ARCH_HAS_SMP provide them (inline, in arch.h). */
void *hal_cpu_local(void);
void hal_cpu_local_set(void *p);
#endif

/* Write one byte to the kernel console, polling: the firmware's console callback if it gave one
 * (platform_putc), else the arch's own console if the firmware asked for it
 * (MICA_PLATFORM_OWN_CONSOLE); usable before hal_platform_init returns only on boards whose UART
 * needs no setup. Any context; never fails (drops bytes if no console). */
void hal_console_putc(char c);

/* Stop the machine with an exit status visible to whoever started it (QEMU's exit code, the
 * host process status). Offers the halt to the firmware first (platform_halt). Never returns. */
_Noreturn void hal_halt(int status);

/* Around a call into the firmware (core/platform.c's callbacks): make the firmware's view of
 * memory current on this CPU, where its code, data and devices (boot_params.firmware) are at their
 * physical addresses, beside the kernel's own mappings; hal_firmware_leave(token) goes back to
 * what was current. MMU arches switch to a table that identity-maps those ranges (before the
 * kernel's final tables, the boot tables must map them already); without an MMU, nothing. Kernel
 * context, interrupts off, never nested. */
word_t hal_firmware_enter(void);
void hal_firmware_leave(word_t token);

/* ---- Thread context -------------------------------------------------------------------- */

/* Make ctx a fresh user-mode context that starts at pc with stack sp, all other registers zero
 * and interrupts enabled in user mode. */
void hal_ctx_init(struct arch_ctx *ctx, word_t pc, word_t sp);

/* Read / write register id reg (enum mica_reg, or an arch id < ARCH_NUM_REGS). The core checks
 * reg < ARCH_NUM_REGS first. Writing MICA_REG_PC makes the thread continue there. Every value is
 * the user's to choose (TCB_WriteRegisters, a fault handler's reply), so hal_ctx_set sanitises
 * what is not plain user state: a saved program status register (AArch64 SPSR, Armv8-M xPSR)
 * keeps only the bits user code could set itself, and the thread always returns to user mode
 * with interrupts enabled; no value can make the kernel enter anything else. */
word_t hal_ctx_get(const struct arch_ctx *ctx, unsigned reg);
void hal_ctx_set(struct arch_ctx *ctx, unsigned reg, word_t val);

/* Tell the arch where the thread's IPC buffer is: uaddr as the thread sees it, kptr as the kernel
 * does. Arches that keep the address in a thread register (or, on hosted, hand user code kptr)
 * do so here. uaddr == 0 means the thread has none. */
void hal_ctx_set_ipc_buffer(struct arch_ctx *ctx, word_t uaddr, void *kptr);

/* The thread trapped with a syscall (HAL_TRAP_SYSCALL) that the kernel stopped at a preemption
 * point: make it execute the same syscall instruction again, with the registers it has now,
 * when it next runs (seL4's setRestartPC). Called at most once per trap. */
void hal_ctx_restart_syscall(struct arch_ctx *ctx);

/* What a trap was (kernel_trap). */
enum hal_trap_kind {
    HAL_TRAP_SYSCALL, /* syscall number and arguments are in the ctx's ARG registers; the PC
                         already points past the syscall instruction */
    HAL_TRAP_FAULT,   /* user fault: info->fault_type/addr/detail describe it (mica/fault.h) */
    HAL_TRAP_IRQ,     /* device interrupt info->irq, already claimed and masked by the arch */
    HAL_TRAP_TIMER,   /* the one-shot timer fired (see hal_timer_set: possibly early) */
    HAL_TRAP_IPI,     /* another CPU's hal_ipi_send (SMP only): pick again */
};

struct hal_trap {
    enum hal_trap_kind kind;
    word_t irq;
    unsigned fault_type; /* enum mica_fault_type */
    word_t fault_addr;
    word_t fault_detail;
};

/*
 * Run ctx in user mode on this CPU, in the address space last made current. Never returns: the
 * kernel stack's contents are abandoned. When the thread traps, the arch saves its state into ctx
 * and enters the core on this CPU's kernel stack, from its top, through one of the entry points
 * below (kernel_trap, kernel_syscall, kernel_fastpath_*), with interrupts disabled; whatever
 * context that returns, it restores and runs the same way. Interrupts are enabled only while user
 * code runs. (The core calls it once per CPU, to start; from then on every exit to user mode is
 * the arch's return from an entry point.) User state the hardware keeps in user memory (Armv8-M
 * stacks part of it on the thread's stack) is read and written only where the thread itself
 * could: a thread pointing its stack at kernel memory gets a fault (kernel_trap with
 * HAL_TRAP_FAULT, without running), never a kernel write there.
 */
_Noreturn void hal_user_enter(struct arch_ctx *ctx);

/* Nothing is runnable: wait, with interrupts enabled, until an interrupt or the timer deadline
 * arrives, and describe it in *trap (kind HAL_TRAP_IRQ or HAL_TRAP_TIMER). The arch may wait in a
 * context of its own (Armv8-M: a privileged Thread-mode loop, since WFI inside an exception
 * handler does not wake for an interrupt of that handler's priority); to the core it is a call
 * that returns. On hosted with no timer armed and no interrupt pending this is a deadlock: it
 * reports it and halts. */
void hal_idle(struct hal_trap *trap);

/* ---- Time ------------------------------------------------------------------------------ */

/* Monotonic time in ticks of a fixed frequency, and that frequency in Hz. Any context. */
uint64_t hal_time_now(void);
uint64_t hal_time_freq(void);

/* Arm the one-shot timer for absolute time deadline (ticks); UINT64_MAX disarms it. A deadline in
 * the past fires at once. Only the last call counts. The timer may fire early (a hardware timer
 * narrower than the deadline fires at the end of its range): the report (HAL_TRAP_TIMER) disarms
 * it, and the core looks at the clock, does what came due and arms it again, so an early fire
 * costs a trap, never a missed deadline. It must not fire late by more than the hardware's own
 * latency. */
void hal_timer_set(uint64_t deadline);

/* ---- Interrupts ------------------------------------------------------------------------ */

/* True if irq names a line user space may claim (not the kernel's timer, not out of range). */
bool hal_irq_valid(word_t irq);

/* Is an interrupt (a device line or the timer) waiting for this CPU? Polled at the preemption
 * points of long operations (core/preempt.c) with interrupts disabled; must be cheap. */
bool hal_irq_pending(void);

/* Mask / unmask one line at the interrupt controller. The arch masks (and completes) a line when
 * it reports it to kernel_trap or from hal_idle; the core unmasks it on IRQHandler_Ack. */
void hal_irq_mask(word_t irq);
void hal_irq_unmask(word_t irq);

/* ---- Memory ---------------------------------------------------------------------------- */

/* Kernel-virtual address of physical address pa, and back. pa must be in RAM the kernel mapped
 * (all RAM from boot_params); device memory is never touched by the core. */
void *hal_phys_to_virt(paddr_t pa);
paddr_t hal_virt_to_phys(const void *kva);

#ifdef CONFIG_MMU
/*
 * The generic page-table walker in core/pt.c drives these. A table has 2^HAL_PT_INDEX_BITS
 * entries of pte_t; level 0 is the root; level HAL_PT_LEVELS-1 maps HAL_PAGE_BITS pages.
 */
pte_t hal_pte_table(paddr_t table); /* entry pointing at a next table */
pte_t hal_pte_page(paddr_t pa, unsigned level, unsigned vm_rights, unsigned attr); /* leaf */
enum hal_pte_kind hal_pte_kind(pte_t pte, unsigned level);
paddr_t hal_pte_addr(pte_t pte);

/* Prepare a zeroed root table for use as a VSpace (e.g. copy the kernel's global mappings). Called
 * for every new VSpace and once for the kernel-only root a thread without a VSpace runs on. */
void hal_vspace_init(pte_t *root);

/* Making a VSpace current on this CPU, in two halves: hal_vspace_token is the word that makes the
 * VSpace with root table root (and address-space id asid) current, worked out once when the VSpace
 * is created (the core keeps it per ASID); hal_vspace_load(token) makes it current. The core loads
 * a token before a return to user mode only when the VSpace changes. ASIDs are 1..1023, unique
 * among live VSpaces; 0 is the kernel-only root. An arch with fewer hardware ASIDs may fold the
 * rest onto one it flushes on every switch. */
word_t hal_vspace_token(paddr_t root, word_t asid);
void hal_vspace_load(word_t token);

/* Drop stale translations after a PTE changed: one page of asid, or all of asid (also when a
 * VSpace is deleted, before its ASID can be handed out again). With CONFIG_SMP on every CPU that
 * may cache them, before returning (riscv64: SBI RFENCE; aarch64: broadcast TLBI ...IS). */
void hal_tlb_flush_page(word_t asid, word_t vaddr);
void hal_tlb_flush_asid(word_t asid);
/* The leaf for vaddr in asid went from invalid to valid: do what the page walker needs to see it
 * before the thread next runs. Nothing stale can be cached for an invalid entry on every MMU the
 * HAL knows, but the orderings differ: RISC-V without Svvptc needs an SFENCE.VMA, AArch64 a DSB
 * (no TLB invalidate), so the arch decides. */
void hal_tlb_page_mapped(word_t asid, word_t vaddr);
#endif

#ifdef CONFIG_MPU
/*
 * MPU address spaces: core/vspace_mpu.c solves a region set (merging adjacent frames with equal
 * rights); the arch checks and rounds regions to what the hardware can do.
 */
struct mpu_region {
    paddr_t base;
    paddr_t size;
    unsigned vm_rights; /* MICA_VM_* */
    unsigned attr;
};

/* Encode n regions into register values ready for a context switch. The rules are the arch's
 * (how many, the granule, whether regions may overlap: PMSAv8's are in drivers/mpu/pmsav8.c).
 * Returns 0, or an enum mica_error (positive, as everywhere in the kernel) when they do not fit
 * (too many, misaligned for the hardware). */
int hal_mpu_encode(const struct mpu_region *regions, unsigned n, struct arch_mpu_state *out);

/* Load an encoded region set on this CPU for user code (the kernel's own access does not depend
 * on it). The core calls it when the running VSpace changes and when the current VSpace's set
 * changes. */
void hal_mpu_activate(const struct arch_mpu_state *state);
#endif

/* ---- Multiprocessor -------------------------------------------------------------------- */

/* Start CPU cpu (1..ncpus-1) so that it calls kernel_secondary_main(cpu). Returns false if the
 * firmware refused. Only with CONFIG_SMP. */
bool hal_cpu_start(unsigned cpu);

/* Interrupt CPU cpu so that it re-enters the kernel: a trap from user mode (kernel_trap with
 * HAL_TRAP_IPI), or the end of hal_idle with the same kind. Sends that arrive while the target is
 * in the kernel may merge into one report, but one report must follow the last send. Any context,
 * also without the kernel lock. Only with CONFIG_SMP. */
void hal_ipi_send(unsigned cpu);

/* ---- Entry points into the core (called by the arch) ----------------------------------- */

/*
 * A thread trapped; its registers are saved in ctx (the PC past a syscall instruction). Each entry
 * handles the trap and returns the context to run next on this CPU, with its address space
 * current, for the arch to restore (hal_user_enter). kernel_trap takes any kind of trap; the
 * others save the arch a decode: kernel_syscall for HAL_TRAP_SYSCALL, and for a syscall whose
 * number (ARG7) is MICA_SYS_CALL or MICA_SYS_REPLY_RECV the fast path's own entries (core/
 * fastpath.c; the generic path when built without CONFIG_FASTPATH).
 */
struct arch_ctx *kernel_trap(struct arch_ctx *ctx, const struct hal_trap *trap);
struct arch_ctx *kernel_syscall(struct arch_ctx *ctx);
struct arch_ctx *kernel_fastpath_call(struct arch_ctx *ctx);
struct arch_ctx *kernel_fastpath_reply_recv(struct arch_ctx *ctx);

/* The arch's own way in is mica_start (include/mica/kernel.h), which the firmware calls: its
 * entry code takes the CPU over (stack, traps, MMU), zeroes the kernel's .bss, reads the
 * description with platform_read, reserves the kernel's image, and calls kernel_main. */

/* Boot CPU, once, on the kernel stack, interrupts off. bp->dtb / ram / reserved are set. */
_Noreturn void kernel_main(struct boot_params *bp);

/* Secondary CPU cpu after hal_cpu_start. */
_Noreturn void kernel_secondary_main(unsigned cpu);

#endif
