/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M boot in C: the firmware's platform description into boot_params (there is no
 * devicetree: RAM, reserved memory, user devices and the root task, which runs in place, all come
 * from it), its vector table checked and taken into use, and the kernel's Handler mode
 * entered through PendSV. Then platform bring-up: MPU, NVIC, clock and timer.
 */
#include "armv8m.h"
#include "intc/nvic.h"
#include "klog.h"
#include "platform.h"
#include "uart/uart.h"

extern char __mica_phys_start[], __mica_phys_end[];

#define CCR_UNALIGN_TRP (1u << 3)

static struct boot_params boot_params;

/* The firmware's vector table, for armv8m_irq_init. */
static const armv8m_vector_t *vectors;
static unsigned vector_lines; /* NVIC lines it covers */
static uint8_t prio_lowest;   /* Mica's priority: the lowest implemented */

/* Mica's entries, and what each must name (Armv8-M ARM B3.30). */
static const struct {
    uint8_t exc;
    char name[12];
    armv8m_vector_t handler;
} required[] = {
    {EXC_HARDFAULT, "HardFault", mica_exception_handler},
    {EXC_MEMMANAGE, "MemManage", mica_exception_handler},
    {EXC_BUSFAULT, "BusFault", mica_exception_handler},
    {EXC_USAGE, "UsageFault", mica_exception_handler},
    {EXC_SECURE, "SecureFault", mica_exception_handler},
    {EXC_SVCALL, "SVCall", mica_svc_handler},
    {EXC_PENDSV, "PendSV", mica_pendsv_handler},
};

/* Stop on a vector table the kernel cannot run with (docs/embedding.md lists the reasons). The
 * table must be aligned to its size rounded up to a power of two, 128 bytes at least (Armv8-M
 * ARM B3.30, VTOR). */
static void vectors_check(const struct mica_platform *p)
{
    const armv8m_vector_t *v = p->vectors;
    uint32_t n = p->nvectors;
    unsigned lines[2] = {armv8m_board.timer_irq, armv8m_board.clock_irq};
    unsigned need = EXC_IRQ0 + 1 + (lines[0] > lines[1] ? lines[0] : lines[1]);
    uintptr_t align = 128;

    if (!v)
        kpanic("mica_start: no vector table (Armv8-M runs with the firmware's)");
    if (n < need || n > EXC_IRQ0 + ARCH_IRQ_LINES)
        kpanic("mica_start: the vector table has %u entries, not %u to %u", (unsigned)n, need,
               EXC_IRQ0 + ARCH_IRQ_LINES);
    while (align < 4 * n)
        align <<= 1;
    if ((uintptr_t)v & (align - 1))
        kpanic("mica_start: the vector table (%p, %u entries) is not aligned to %u bytes",
               (const void *)v, (unsigned)n, (unsigned)align);
    for (unsigned i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        if (v[required[i].exc] != required[i].handler)
            kpanic("mica_start: vector %u (%s) is not Mica's handler", required[i].exc,
                   required[i].name);
    for (unsigned i = 0; i < 2; i++)
        if (v[EXC_IRQ0 + lines[i]] != mica_exception_handler)
            kpanic("mica_start: vector %u (NVIC line %u, the kernel's timer) is not "
                   "mica_exception_handler",
                   EXC_IRQ0 + lines[i], lines[i]);
    const struct mica_priority *pr = p->priorities;
    if (p->npriorities && !pr)
        kpanic("mica_start: %u priorities at NULL", (unsigned)p->npriorities);
    for (uint32_t i = 0; i < p->npriorities; i++) {
        uint32_t e = pr[i].exception;
        if ((e != EXC_DEBUGMON && e != EXC_SYSTICK && e < EXC_IRQ0) || e >= n ||
            v[e] == mica_exception_handler)
            kpanic("mica_start: priority %u: exception %u is not the firmware's", (unsigned)i,
                   (unsigned)e);
        if (pr[i].priority > 255)
            kpanic("mica_start: priority %u: %u is not a priority (0-255)", (unsigned)i,
                   (unsigned)pr[i].priority);
    }
}

/*
 * Before any exception can be taken (PRIMASK is set): check the firmware's vector table, give
 * Mica's system exceptions the lowest priority the hardware implements (so none preempts another,
 * nor the kernel: a fault in the kernel escalates to HardFault) and the firmware's the priorities
 * it listed (those above Mica's preempt threads and the kernel alike), and run with the table.
 * Mica's NVIC lines follow in armv8m_irq_init.
 */
static void vectors_take(const struct mica_platform *p)
{
    static const uint8_t mine[] = {EXC_MEMMANAGE, EXC_BUSFAULT, EXC_USAGE,
                                   EXC_SECURE,    EXC_SVCALL,   EXC_PENDSV};

    vectors_check(p);
    vectors = p->vectors;
    vector_lines = nvic_lines();
    if (vector_lines > p->nvectors - EXC_IRQ0)
        vector_lines = p->nvectors - EXC_IRQ0;
    SHPR_BYTE(EXC_PENDSV) = 0xff; /* reads back as the lowest priority implemented */
    prio_lowest = SHPR_BYTE(EXC_PENDSV);
    for (unsigned i = 0; i < sizeof(mine); i++)
        SHPR_BYTE(mine[i]) = prio_lowest;
    if (vectors[EXC_DEBUGMON] == mica_exception_handler)
        SHPR_BYTE(EXC_DEBUGMON) = prio_lowest;
    if (vectors[EXC_SYSTICK] == mica_exception_handler)
        SHPR_BYTE(EXC_SYSTICK) = prio_lowest;
    for (uint32_t i = 0; i < p->npriorities; i++) {
        uint32_t e = p->priorities[i].exception;
        if (e < EXC_IRQ0)
            SHPR_BYTE(e) = (uint8_t)p->priorities[i].priority;
        else if (e - EXC_IRQ0 < nvic_lines())
            nvic_set_priority(e - EXC_IRQ0, (uint8_t)p->priorities[i].priority);
    }
    VTOR = (word_t)(uintptr_t)vectors;
    klog_info("armv8m: vector table %p, %u NVIC lines, Mica's priority %x\n", (const void *)vectors,
              vector_lines, prio_lowest);
}

_Noreturn void arch_boot(const struct mica_platform *platform);
_Noreturn void armv8m_boot_handler(void);

/*
 * Exceptions: the fault exceptions enabled, so that a thread's faults are its own; divide by zero
 * and unaligned accesses trap; a HardFault handler may use the stack below MSPLIM (it switches to
 * one of its own at once). The FPU stays off (CPACR = 0): an FP instruction is a UsageFault
 * (NOCP). These hold for the firmware's handlers too (docs/embedding.md).
 */
static void armv8m_exceptions_init(void)
{
    CCR |= CCR_DIV_0_TRP | CCR_UNALIGN_TRP | CCR_STKOFHFNMIGN;
    SHCSR |= SHCSR_ENABLES;
    CPACR = 0;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

/* From mica_start: privileged Thread mode on the kernel's stack, PRIMASK set. */
_Noreturn void arch_boot(const struct mica_platform *platform)
{
    struct boot_params *bp = &boot_params;
    char why[160];
    int bad = platform_read(platform, bp, why, sizeof(why));

    if (platform_cb.flags & MICA_PLATFORM_OWN_CONSOLE)
        uart_console_init(NULL);
    if (bad)
        kpanic("mica_start: %s", why);
    if (ICSR & ICSR_VECTACTIVE)
        kpanic("mica_start: called from exception %lu: it runs in Thread mode",
               (unsigned long)(ICSR & ICSR_VECTACTIVE));
    if (bp->nreserved == ARCH_MAX_RAM_RANGES)
        kpanic("mica_start: no room left to reserve the kernel image");
    bp->reserved[bp->nreserved++] = (struct mem_range){
        hal_virt_to_phys(__mica_phys_start), (paddr_t)(__mica_phys_end - __mica_phys_start)};
    bp->ncpus = 1;
    vectors_take(platform);
    armv8m_exceptions_init();
    /* PendSV, at Mica's priority, preempts Thread mode as soon as PRIMASK allows. */
    ICSR = ICSR_PENDSVSET;
    __asm__ volatile("dsb\n\tisb\n\tcpsie i\n\tisb" ::: "memory");
    kpanic("PendSV did not enter the kernel");
}

/* trap.S, on PendSV from the reset thread: the kernel's Handler mode from now on. */
_Noreturn void armv8m_boot_handler(void)
{
    kernel_main(&boot_params);
}

/* The console came up in arch_boot, the exceptions too. */
void hal_platform_init(struct boot_params *bp)
{
    (void)bp;
    armv8m_mpu_init();
    armv8m_irq_init(vectors, vector_lines, prio_lowest);
    armv8m_timer_init();
}
