/* SPDX-License-Identifier: MIT */
/*
 * An example vendor's firmware for the MPS2 AN505 (Cortex-M33) that runs Mica as its kernel. It
 * owns the vector table (startup.c), the board setup (system.c), a console on UART0, a SysTick tick
 * and the dual timer's interrupt, and keeps canaries in memory of its own: one reserved inside the
 * RAM it gives Mica, one outside it. It finds the root task at run time in a slot QEMU's loader
 * fills, describes the platform (include/mica/kernel.h, from the SDK) and calls mica_start. Mica's
 * console output and its halt come back through the firmware's callbacks; its own interrupt
 * handlers run beside Mica's, above Mica's priority, and the dual timer's one, which the root task
 * fires once it has zeroed all the RAM it was given, checks the canaries.
 *
 * It defines main, memcpy and uart_init, and _start in startup.c, as firmware does: libmica.a
 * exports only Mica's names, so none of them clashes with the kernel's own.
 */
#include <stddef.h>
#include <stdint.h>

#include <mica/kernel.h>

#include "platform.h"

#define SYST_CSR         (*(volatile uint32_t *)0xe000e010u)
#define SYST_RVR         (*(volatile uint32_t *)0xe000e014u)
#define SYST_CVR         (*(volatile uint32_t *)0xe000e018u)
#define SYST_CSR_ON      7u /* ENABLE, TICKINT, CLKSOURCE (the processor clock) */
#define NVIC_ISER0       (*(volatile uint32_t *)0xe000e100u)
#define UART_DATA        0
#define UART_STATE       1
#define UART_CTRL        2
#define UART_BAUDDIV     4
#define UART_STATE_TXFUL 1u
#define UART_CTRL_TXEN   1u
#define EXC_SYSTICK      15
#define EXC_IRQ0         16
#define PRIO_FIRMWARE    0x40 /* above Mica's, which is the lowest */

extern uint32_t SystemCoreClock;              /* system.c */
extern char __vendor_start[], __vendor_end[]; /* vendor.ld */
void SysTick_Handler(void);
void DUALTIMER_IRQHandler(void);
void vendor_exit(int status);
void uart_init(void);
int main(void);

static volatile uint32_t *const uart = (volatile uint32_t *)VENDOR_UART;
static volatile uint32_t *const dual = (volatile uint32_t *)VENDOR_DUAL;

/* The firmware's state: written by its handlers, read by the halt callback. */
static volatile unsigned ticks, doorbells, checks, canary_damage;
static volatile int at_line_start = 1;

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;

    while (n--)
        *d++ = *s++;
    return dst;
}

/* The CMSDK UART: the transmitter on (it hangs otherwise), the divider QEMU expects. */
void uart_init(void)
{
    uart[UART_BAUDDIV] = 16;
    uart[UART_CTRL] = UART_CTRL_TXEN;
}

static void uart_putc(char c)
{
    if (c == '\n')
        uart_putc('\r');
    while (uart[UART_STATE] & UART_STATE_TXFUL)
        ;
    uart[UART_DATA] = (uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

static void put_dec(unsigned v)
{
    char buf[12];
    int n = 0;

    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        uart_putc(buf[--n]);
}

/* Semihosting SYS_EXIT_EXTENDED (QEMU runs with -semihosting-config enable=on): QEMU exits with
 * status. */
void vendor_exit(int status)
{
    uint32_t block[2] = {0x20026, (uint32_t)status};
    register uint32_t r0 __asm__("r0") = 0x20;
    register uint32_t *r1 __asm__("r1") = block;

    __asm__ volatile("bkpt 0xab" ::"r"(r0), "r"(r1) : "memory");
    for (;;)
        __asm__ volatile("wfi");
}

static void canary_fill(uintptr_t addr)
{
    volatile uint32_t *p = (volatile uint32_t *)addr;

    for (unsigned i = 0; i < VENDOR_PAGE / 4; i++)
        p[i] = VENDOR_CANARY ^ i;
}

/* Words of the page that are no longer what canary_fill wrote. */
static unsigned canary_check(uintptr_t addr)
{
    volatile uint32_t *p = (volatile uint32_t *)addr;
    unsigned bad = 0;

    for (unsigned i = 0; i < VENDOR_PAGE / 4; i++)
        bad += p[i] != (VENDOR_CANARY ^ i);
    return bad;
}

static void canaries(void)
{
    unsigned damage = canary_check(VENDOR_CANARY_A) + canary_check(VENDOR_CANARY_B);

    checks++;
    if (damage > canary_damage)
        canary_damage = damage;
}

/* The firmware's tick, whatever Mica and its threads are doing (it preempts both): it counts and
 * checks the canaries every 64 ticks. */
void SysTick_Handler(void)
{
    if (++ticks % 64 == 0)
        canaries();
}

/* The dual timer's interrupt, which the root task raises when its work is done: acknowledged and
 * stopped (which the root task waits for), then the canaries checked once more. */
void DUALTIMER_IRQHandler(void)
{
    dual[DUAL_T2_INTCLR] = 1;
    dual[DUAL_T2_CONTROL] = 0;
    doorbells++;
    canaries();
    puts_("vendor: dual timer interrupt from the root task after ");
    put_dec(ticks);
    puts_(" firmware ticks: ");
    if (canary_damage) {
        put_dec(canary_damage);
        puts_(" canary words destroyed\n");
    } else {
        puts_("canaries intact\n");
    }
}

/* Mica's console (privileged, interrupts off): each line marked as the kernel's. */
static void vendor_console(void *arg, char c)
{
    (void)arg;
    if (at_line_start)
        puts_("[mica] ");
    uart_putc(c);
    at_line_start = c == '\n';
}

/* Mica has stopped: say how it went and end the machine with a status that says it too. */
static void vendor_halt(void *arg, int status)
{
    (void)arg;
    canaries();
    puts_("vendor: Mica halted with status ");
    put_dec((unsigned)status);
    puts_(", ");
    put_dec(doorbells);
    puts_(" doorbell(s), ");
    put_dec(ticks);
    puts_(" firmware ticks, canaries ");
    puts_(canary_damage ? "destroyed" : "intact");
    puts_(" in ");
    put_dec(checks);
    puts_(" checks\n");
    vendor_exit(status ? status : canary_damage ? 1 : 0);
}

/* The root task's ELF in its slot: its size from the headers (ELF32), 0 if there is none. */
static uint32_t root_image_size(const uint8_t *elf)
{
    const uint32_t *w = (const uint32_t *)elf;
    uint32_t phoff = w[7], shoff = w[8];
    uint16_t phentsize = *(const uint16_t *)(elf + 42), phnum = *(const uint16_t *)(elf + 44);
    uint16_t shentsize = *(const uint16_t *)(elf + 46), shnum = *(const uint16_t *)(elf + 48);
    uint32_t end = shoff + (uint32_t)shentsize * shnum;

    if (elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 1)
        return 0;
    if (phoff + (uint32_t)phentsize * phnum > end)
        end = phoff + (uint32_t)phentsize * phnum;
    for (unsigned i = 0; i < phnum; i++) {
        const uint32_t *ph = (const uint32_t *)(elf + phoff + i * phentsize);
        if (ph[1] + ph[4] > end) /* p_offset + p_filesz */
            end = ph[1] + ph[4];
    }
    return end <= VENDOR_ROOT_MAX ? end : 0;
}

static const struct mica_range ram[] = {{VENDOR_RAM, VENDOR_RAM_SIZE}};
static struct mica_range reserved[3];
static const struct mica_range devices[] = {{VENDOR_DUAL, VENDOR_PAGE}};
/* The firmware's handlers' priorities: above Mica's, so they preempt its threads and the kernel. */
static const struct mica_priority priorities[] = {
    {EXC_SYSTICK, PRIO_FIRMWARE},
    {EXC_IRQ0 + VENDOR_DUAL_IRQ, PRIO_FIRMWARE},
};
extern void (*const __VECTOR_TABLE[])(void); /* startup.c */
static struct mica_platform platform;

int main(void)
{
    const uint8_t *slot = (const uint8_t *)VENDOR_ROOT_SLOT;
    uint32_t root_size = root_image_size(slot);

    uart_init();
    puts_("vendor: firmware up, ");
    put_dec(SystemCoreClock / 1000000);
    puts_(" MHz\n");
    if (!root_size) {
        puts_("vendor: no root task ELF in the slot\n");
        vendor_exit(2);
    }
    canary_fill(VENDOR_CANARY_A);
    canary_fill(VENDOR_CANARY_B);

    /* What Mica must leave alone: the firmware (its callbacks and handlers run from there),
     * canary A inside Mica's RAM, and the UART the firmware drives. Canary B is in no range Mica
     * knows of. */
    reserved[0] =
        (struct mica_range){(uintptr_t)__vendor_start, (uintptr_t)(__vendor_end - __vendor_start)};
    reserved[1] = (struct mica_range){VENDOR_CANARY_A, VENDOR_PAGE};
    reserved[2] = (struct mica_range){VENDOR_UART, VENDOR_PAGE};
#ifdef CANARY_UNRESERVED
    /* A firmware that forgets to reserve canary A: Mica may hand it out, and the root task's
     * Retype zeroes it (tests/run shows the check notices). */
    reserved[1] = reserved[2];
#endif
    platform = (struct mica_platform){
        .version = MICA_PLATFORM_VERSION,
        .ram = ram,
        .nram = sizeof(ram) / sizeof(ram[0]),
        .reserved = reserved,
        .nreserved = sizeof(reserved) / sizeof(reserved[0]),
        .devices = devices,
        .ndevices = sizeof(devices) / sizeof(devices[0]),
        .root_image = slot,
        .root_image_size = root_size,
        .console = vendor_console,
        .halt = vendor_halt,
        .vectors = __VECTOR_TABLE,
        .nvectors = 16 + VENDOR_NVIC_LINES,
        .priorities = priorities,
        .npriorities = sizeof(priorities) / sizeof(priorities[0]),
    };

    /* The firmware's own interrupts, still masked (PRIMASK, Reset_Handler): Mica unmasks them
     * when it enters its kernel. */
    SYST_RVR = SystemCoreClock / 1000 - 1; /* 1 ms */
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ON;
    NVIC_ISER0 = 1u << VENDOR_DUAL_IRQ;
    puts_("vendor: root task found in the slot, ");
    put_dec((unsigned)root_size);
    puts_(" bytes; starting Mica\n");
    mica_start(&platform);
}
