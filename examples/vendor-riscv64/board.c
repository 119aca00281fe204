/* SPDX-License-Identifier: MIT */
/*
 * An example vendor's firmware for QEMU virt (RISC-V 64) that runs Mica as its kernel. It owns the
 * machine in M-mode: its own reset code (reset.S), board init (UART, PMP, trap delegation, the
 * counters, Sstc, its own timer tick), canaries in memory it keeps for itself, and a root task it
 * finds at run time in a slot QEMU's loader fills. Then it describes the platform and calls
 * mica_start in S-mode (include/mica/kernel.h, from the SDK). Mica's console output and its halt
 * come back through the firmware's callbacks; the firmware's M-mode interrupt handler keeps its
 * tick going beside Mica and checks the canaries when the root task rings the doorbell (msip,
 * a device range the firmware gives user space).
 *
 * It defines _start, main, memcpy and uart_init, as firmware does: libmica.a exports mica_start
 * and nothing else, so none of them clashes with the kernel's own.
 */
#include <stddef.h>
#include <stdint.h>

#include <mica/kernel.h>

#include "platform.h"

#define MIP_MSIP     (1ul << 3)
#define MIP_MTIP     (1ul << 7)
#define MCAUSE_INTR  (1ul << 63)
#define TICK         100000 /* mtime ticks (10 MHz on QEMU virt): 10 ms */
#define TEST_PASS    0x5555
#define TEST_FAIL    0x3333
#define UART_THR     0
#define UART_IER     1
#define UART_FCR     2
#define UART_LCR     3
#define UART_LSR     5
#define UART_LSR_THR 0x20

#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"r"((uint64_t)(v)))
#define csr_set(csr, v)   __asm__ volatile("csrs " #csr ", %0" ::"r"((uint64_t)(v)))

void enter_smode(void (*fn)(const struct mica_platform *), const struct mica_platform *arg);
void vendor_trap_entry(void);
void vendor_trap(uint64_t cause, uint64_t epc);
int main(uint64_t hartid, const void *dtb);
extern char __vendor_start[], __vendor_end[], trap_stack_top[]; /* vendor.ld, reset.S */

static volatile uint8_t *const uart = (volatile uint8_t *)VENDOR_UART;
static volatile uint64_t *const mtime = (volatile uint64_t *)VENDOR_MTIME;
static volatile uint64_t *const mtimecmp = (volatile uint64_t *)VENDOR_MTIMECMP;
static volatile uint32_t *const doorbell = (volatile uint32_t *)VENDOR_DOORBELL;
static volatile uint32_t *const test_dev = (volatile uint32_t *)VENDOR_TEST;

/* The firmware's state: written by its M-mode handlers, read by the halt callback (which runs in
 * S-mode and reads only the firmware's own memory). */
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

/* 8N1, FIFOs on, no interrupts: the firmware polls. */
void uart_init(void)
{
    uart[UART_IER] = 0;
    uart[UART_LCR] = 0x03;
    uart[UART_FCR] = 0x07;
}

static void uart_putc(char c)
{
    if (c == '\n')
        uart_putc('\r');
    while (!(uart[UART_LSR] & UART_LSR_THR))
        ;
    uart[UART_THR] = (uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

static void put_hex(uint64_t v)
{
    puts_("0x");
    for (int shift = 60; shift >= 0; shift -= 4)
        uart_putc("0123456789abcdef"[(v >> shift) & 0xf]);
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

_Noreturn static void vendor_exit(int status)
{
    *test_dev = status ? ((uint32_t)status << 16) | TEST_FAIL : TEST_PASS;
    for (;;)
        __asm__ volatile("wfi");
}

static void canary_fill(uint64_t addr)
{
    volatile uint64_t *p = (volatile uint64_t *)addr;

    for (unsigned i = 0; i < VENDOR_PAGE / 8; i++)
        p[i] = VENDOR_CANARY ^ i;
}

/* Words of the page that are no longer what canary_fill wrote. */
static unsigned canary_check(uint64_t addr)
{
    volatile uint64_t *p = (volatile uint64_t *)addr;
    unsigned bad = 0;

    for (unsigned i = 0; i < VENDOR_PAGE / 8; i++)
        bad += p[i] != (VENDOR_CANARY ^ i);
    return bad;
}

/* M-mode only: the canaries are not all the firmware's reserved memory (canary B is in no range
 * Mica knows of), so a callback, which sees only those, cannot read them. */
static void canaries(void)
{
    unsigned damage = canary_check(VENDOR_CANARY_A) + canary_check(VENDOR_CANARY_B);

    checks++;
    if (damage > canary_damage)
        canary_damage = damage;
}

/*
 * M-mode interrupts, taken whatever S-mode and U-mode are doing: the firmware's own tick, which
 * checks the canaries every time, and the doorbell a root task rings when it has done its work,
 * which checks them once more and says so. Anything else is a bug worth stopping for.
 */
void vendor_trap(uint64_t cause, uint64_t epc)
{
    if (cause == (MCAUSE_INTR | 7)) {
        ticks++;
        canaries();
        *mtimecmp = *mtime + TICK;
        return;
    }
    if (cause == (MCAUSE_INTR | 3)) {
        *doorbell = 0;
        doorbells++;
        canaries();
        puts_("vendor: doorbell from the root task after ");
        put_dec(ticks);
        puts_(" firmware ticks: ");
        if (canary_damage) {
            put_dec(canary_damage);
            puts_(" canary words destroyed\n");
        } else {
            puts_("canaries intact\n");
        }
        return;
    }
    puts_("vendor: unexpected M-mode trap, mcause ");
    put_hex(cause);
    puts_(" mepc ");
    put_hex(epc);
    puts_("\n");
    vendor_exit(4);
}

/* Mica's console, in S-mode with the firmware's ranges identity-mapped: each line marked as the
 * kernel's. */
static void vendor_console(void *arg, char c)
{
    (void)arg;
    if (at_line_start)
        puts_("[mica] ");
    uart_putc(c);
    at_line_start = c == '\n';
}

/* Mica has stopped: say how it went (the M-mode checks' verdict) and end the machine with a status
 * that says it too. */
static void vendor_halt(void *arg, int status)
{
    (void)arg;
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

/* The root task's ELF in its slot: its size from the headers, 0 if there is none. */
static uint64_t root_image_size(const uint8_t *elf)
{
    const uint64_t *w = (const uint64_t *)elf;
    uint64_t phoff = w[4], shoff = w[5];
    uint16_t phentsize = *(const uint16_t *)(elf + 54), phnum = *(const uint16_t *)(elf + 56);
    uint16_t shentsize = *(const uint16_t *)(elf + 58), shnum = *(const uint16_t *)(elf + 60);
    uint64_t end = shoff + (uint64_t)shentsize * shnum;

    if (elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2)
        return 0;
    if (phoff + (uint64_t)phentsize * phnum > end)
        end = phoff + (uint64_t)phentsize * phnum;
    for (unsigned i = 0; i < phnum; i++) {
        const uint64_t *ph = (const uint64_t *)(elf + phoff + (uint64_t)i * phentsize);
        if (ph[1] + ph[4] > end) /* p_offset + p_filesz */
            end = ph[1] + ph[4];
    }
    return end <= VENDOR_ROOT_MAX ? end : 0;
}

static struct mica_range ram[2], reserved[5];
static const struct mica_range devices[] = {{VENDOR_DOORBELL, VENDOR_PAGE}};
static struct mica_platform platform;

/*
 * The board: the firmware's M-mode trap stack and vector; PMP open to S-mode and U-mode (the
 * firmware trusts Mica with everything; the canaries show it need not); exceptions from U-mode and
 * the supervisor interrupts delegated to S-mode, as OpenSBI does; counters readable below M;
 * Sstc, so that Mica's timer is stimecmp and the firmware's mtimecmp stays the firmware's.
 */
static void board_init(void)
{
    uart_init();
    csr_write(mscratch, trap_stack_top);
    csr_write(mtvec, vendor_trap_entry);
    csr_write(pmpaddr0, ~0ul >> 10);
    csr_write(pmpcfg0, 0x1f); /* NAPOT, R W X: all of memory */
    csr_write(medeleg, 0xb1ff);
    csr_write(mideleg, (1u << 1) | (1u << 5) | (1u << 9));
    csr_write(mcounteren, 7);
    csr_set(0x30a, 1ul << 63); /* menvcfg.STCE */
    *mtimecmp = *mtime + TICK;
    csr_write(mie, MIP_MSIP | MIP_MTIP);
}

int main(uint64_t hartid, const void *dtb)
{
    const uint8_t *slot = (const uint8_t *)VENDOR_ROOT_SLOT;
    uint64_t root_size = root_image_size(slot);
    uint64_t ram_end = (uint64_t)(uintptr_t)dtb & ~(VENDOR_PAGE - 1);

    board_init();
    puts_("vendor: firmware up on hart ");
    put_dec((unsigned)hartid);
    puts_(", devicetree at ");
    put_hex((uintptr_t)dtb);
    puts_("\n");
    if (!root_size) {
        puts_("vendor: no root task ELF in the slot at ");
        put_hex(VENDOR_ROOT_SLOT);
        puts_("\n");
        vendor_exit(2);
    }
    canary_fill(VENDOR_CANARY_A);
    canary_fill(VENDOR_CANARY_B);

    /* RAM in two ranges around the hole with canary B and the slot, up to the devicetree. */
    ram[0] = (struct mica_range){VENDOR_RAM_A, VENDOR_RAM_A_END - VENDOR_RAM_A};
    ram[1] = (struct mica_range){
        VENDOR_RAM_B, (ram_end < VENDOR_RAM_END ? ram_end : VENDOR_RAM_END) - VENDOR_RAM_B};
    /* What Mica must leave alone: the firmware (code, data, stacks: its callbacks run from there),
     * canary A inside Mica's RAM, and the devices the firmware drives. Canary B is in no range
     * Mica knows of. */
    reserved[0] =
        (struct mica_range){(uintptr_t)__vendor_start, (uintptr_t)(__vendor_end - __vendor_start)};
    reserved[1] = (struct mica_range){VENDOR_CANARY_A, VENDOR_PAGE};
    reserved[2] = (struct mica_range){VENDOR_UART, VENDOR_PAGE};
    reserved[3] = (struct mica_range){VENDOR_TEST, VENDOR_PAGE};
    reserved[4] = (struct mica_range){VENDOR_MTIMECMP, VENDOR_MTIME + 8 - VENDOR_MTIMECMP};
#ifdef CANARY_UNRESERVED
    /* A firmware that forgets to reserve canary A: Mica may hand it out, and the root task's
     * Retype zeroes it (tests/run shows the check notices). */
    reserved[1] = reserved[4];
#endif
    platform = (struct mica_platform){
        .version = MICA_PLATFORM_VERSION,
        .ram = ram,
        .nram = 2,
        .reserved = reserved,
        .nreserved = sizeof(reserved) / sizeof(reserved[0]),
        .devices = devices,
        .ndevices = sizeof(devices) / sizeof(devices[0]),
        .devicetree = dtb,
        .root_image = slot,
        .root_image_size = root_size,
        .console = vendor_console,
        .halt = vendor_halt,
        .boot_cpu_id = hartid,
    };
    puts_("vendor: root task found in the slot, ");
    put_dec((unsigned)root_size);
    puts_(" bytes; starting Mica\n");
    enter_smode(mica_start, &platform);
    return 0;
}
