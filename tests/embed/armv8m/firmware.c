/* SPDX-License-Identifier: MIT */
/*
 * A minimal Armv8-M firmware for the AN505 built from the SDK alone (tests/embed_checks.py builds
 * and boots it). Its reset table at 0x10000000 holds only what reset needs (the initial SP and the
 * reset handler) and its own SVCall handler; the table it gives Mica is another one, filled at
 * run time in RAM, as the docs/embedding.md rules ask. It keeps UART0 for itself, prints Mica's
 * lines through it prefixed "[mica] ", and ends the machine through semihosting with Mica's
 * status. The root task is linked in (root.S) where it runs. Built with -DBAD=n it hands Mica
 * description n of the Armv8-M ones docs/embedding.md says it refuses (BAD=9: mica_start called
 * from the firmware's SVCall handler), each with its reason.
 */
#include <stdint.h>

#include <mica/kernel.h>

#define UART0            0x50200000ul
#define UART_STATE_TXFUL 1u
#define UART_CTRL_TXEN   1u
#define SYS_EXIT_EXT     0x20
#define APP_EXIT         0x20026
#define PAGE             4096ul
#define LINES            96 /* the AN505's NVIC */
#define EXC_SVCALL       11
#define EXC_IRQ0         16

typedef void (*vector_t)(void);

extern char __firmware_start[], __firmware_end[]; /* firmware.ld */
extern const char root_start[], root_end[];       /* root.S */
__attribute__((noreturn)) void firmware_reset(void);
void firmware_svc(void);
void firmware_unused(void);

static volatile uint32_t *const uart = (volatile uint32_t *)UART0;
static int line_start = 1;
static char stack[2048] __attribute__((aligned(8)));
static const struct mica_range ram[] = {{0x38000000, 0x400000}};
static struct mica_range reserved[2];
static struct mica_platform platform;

/* What the core reads at reset, and the firmware's SVCall (BAD=9 calls mica_start from it). */
__attribute__((section(".reset_table"), used)) static const vector_t reset_table[16] = {
    [0] = (vector_t)(stack + sizeof(stack)),
    [1] = firmware_reset,
    [2 ... 10] = firmware_unused,
    [EXC_SVCALL] = firmware_svc,
    [12 ... 15] = firmware_unused,
};

/* The table Mica runs with: every entry Mica's but the firmware's own (none here). In .data,
 * aligned as VTOR needs it (16 + 96 entries: 512 bytes). */
static vector_t vectors[EXC_IRQ0 + LINES] __attribute__((aligned(512)));

static void putc_(char c)
{
    while (uart[1] & UART_STATE_TXFUL)
        ;
    uart[0] = (uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}

static void console(void *arg, char c)
{
    (void)arg;
    if (line_start)
        puts_("[mica] ");
    putc_(c);
    line_start = c == '\n';
}

/* Semihosting SYS_EXIT_EXTENDED (Arm semihosting 2.0, 6.6): QEMU's exit status is status. */
static void halt(void *arg, int status)
{
    uint32_t block[2] = {APP_EXIT, (uint32_t)status};
    register uint32_t r0 __asm__("r0") = SYS_EXIT_EXT;
    register uint32_t *r1 __asm__("r1") = block;

    (void)arg;
    puts_("firmware: Mica halted with status ");
    putc_((char)('0' + (status & 7)));
    puts_("\n");
    __asm__ volatile("bkpt 0xab" ::"r"(r0), "r"(r1) : "memory");
    for (;;)
        __asm__ volatile("wfi");
}

void firmware_unused(void)
{
    halt(0, 5);
}

void firmware_svc(void)
{
    mica_start(&platform);
}

void firmware_reset(void)
{
    static const struct mica_priority mica_svcall[] = {{EXC_SVCALL, 0x40}};
    static const struct mica_priority too_high[] = {{EXC_IRQ0 + 7, 256}};

    __asm__ volatile("cpsid i");
    uart[4] = 16; /* BAUDDIV */
    uart[2] = UART_CTRL_TXEN;
    puts_("firmware: up, starting Mica\n");
    for (unsigned i = 2; i < EXC_IRQ0 + LINES; i++)
        vectors[i] = mica_exception_handler;
    vectors[EXC_SVCALL] = mica_svc_handler;
    vectors[14] = mica_pendsv_handler;
    reserved[0] = (struct mica_range){(uintptr_t)__firmware_start,
                                      (uintptr_t)(__firmware_end - __firmware_start)};
    reserved[1] = (struct mica_range){UART0, PAGE};
    platform.version = MICA_PLATFORM_VERSION;
    platform.ram = ram;
    platform.nram = 1;
    platform.reserved = reserved;
    platform.nreserved = 2;
    platform.root_image = root_start;
    platform.root_image_size = (uint64_t)(root_end - root_start);
    platform.console = console;
    platform.halt = halt;
    platform.vectors = vectors;
    platform.nvectors = EXC_IRQ0 + LINES;
    (void)mica_svcall;
    (void)too_high;
#if BAD == 1
    platform.vectors = 0;
#elif BAD == 2
    platform.nvectors = EXC_IRQ0 + 4; /* not up to the clock timer's line 4 */
#elif BAD == 3
    platform.vectors = vectors + 32; /* 128 bytes in: 80 entries need 512-byte alignment */
    platform.nvectors = EXC_IRQ0 + 64;
#elif BAD == 4
    vectors[EXC_SVCALL] = firmware_svc;
#elif BAD == 5
    vectors[EXC_IRQ0 + 3] = firmware_unused;
#elif BAD == 6
    platform.npriorities = 1; /* and no array */
#elif BAD == 7
    platform.priorities = mica_svcall;
    platform.npriorities = 1;
#elif BAD == 8
    vectors[EXC_IRQ0 + 7] = firmware_unused;
    platform.priorities = too_high;
    platform.npriorities = 1;
#elif BAD == 9
    __asm__ volatile("cpsie i\n\tsvc #0");
#endif
    mica_start(&platform);
}
