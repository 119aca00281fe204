/* SPDX-License-Identifier: MIT */
/*
 * A minimal AArch64 firmware built from the SDK alone (tests/embed_checks.py builds and boots it):
 * the firmware's console and halt callbacks on aarch64, where Mica runs them with the firmware's
 * reserved ranges identity-mapped in TTBR0 (its code and data as Normal memory, its UART as
 * Device memory). It is an arm64 Image (header first, so that QEMU passes the devicetree in x0),
 * entered at EL1 or EL2; it keeps the PL011 for itself, prints Mica's lines through it prefixed
 * "[mica] ", and ends the machine through semihosting with Mica's status. The root task is
 * linked in (root.S). Built with -DBAD=n it hands Mica description n of those docs/embedding.md
 * says it refuses, each with its reason (tests/embed_checks.py).
 */
#include <stdint.h>

#include <mica/kernel.h>

#define PL011    0x09000000ul
#define PL011_FR 0x18
#define FR_TXFF  (1u << 5)
#define SYS_EXIT 0x18
#define APP_EXIT 0x20026
#define PAGE     4096ul

extern char __firmware_start[], __firmware_end[]; /* firmware.ld */
extern const char root_start[], root_end[];       /* root.S */

static volatile uint32_t *const uart = (volatile uint32_t *)PL011;
static int line_start = 1;
static struct mica_range reserved[2];
static struct mica_platform platform;
__attribute__((used)) static char stack[4096] __attribute__((aligned(16)));

__attribute__((noreturn)) void firmware_main(const void *dtb);

__asm__(".section .text.header, \"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "    b       1f\n"
        "    .word   0\n"
        "    .quad   0\n"
        "    .quad   __image_size\n"
        "    .quad   0x2\n"
        "    .quad   0, 0, 0\n"
        "    .ascii  \"ARM\\x64\"\n"
        "    .word   0\n"
        "1:  adrp    x1, __bss_start\n" /* zero the firmware's .bss, as firmware does */
        "    add     x1, x1, :lo12:__bss_start\n"
        "    adrp    x2, __bss_end\n"
        "    add     x2, x2, :lo12:__bss_end\n"
        "2:  cmp     x1, x2\n"
        "    b.hs    3f\n"
        "    str     xzr, [x1], #8\n"
        "    b       2b\n"
        "3:  adrp    x1, stack + 4096\n"
        "    add     x1, x1, :lo12:stack + 4096\n"
        "    mov     sp, x1\n"
        "    b       firmware_main\n");

static void putc_(char c)
{
    while (uart[PL011_FR / 4] & FR_TXFF)
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

/* Semihosting SYS_EXIT (Arm semihosting 2.0, 6.5): QEMU's exit status is status. */
static void halt(void *arg, int status)
{
    uint64_t block[2] = {APP_EXIT, (uint64_t)status};
    register uint64_t x0 __asm__("x0") = SYS_EXIT;
    register uint64_t *x1 __asm__("x1") = block;

    (void)arg;
    puts_("firmware: Mica halted with status ");
    putc_((char)('0' + (status & 7)));
    puts_("\n");
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    for (;;)
        __asm__ volatile("wfi");
}

void firmware_main(const void *dtb)
{
    puts_("firmware: up, starting Mica\n");
    reserved[0] = (struct mica_range){(uintptr_t)__firmware_start,
                                      (uintptr_t)(__firmware_end - __firmware_start)};
    reserved[1] = (struct mica_range){PL011, PAGE};
    platform.version = MICA_PLATFORM_VERSION;
    platform.reserved = reserved;
    platform.nreserved = 2;
    platform.devicetree = dtb;
    platform.root_image = root_start;
    platform.root_image_size = (uint64_t)(root_end - root_start);
    platform.console = console;
    platform.halt = halt;
#if BAD == 1
    platform.nram = 2; /* and no array */
#elif BAD == 2
    static struct mica_range wrap[3];
    wrap[0] = reserved[0];
    wrap[1] = reserved[1];
    wrap[2] = (struct mica_range){0xfffffffffffff000ul, 0x2000};
    platform.reserved = wrap;
    platform.nreserved = 3;
#elif BAD == 3
    static struct mica_range many[17];
    for (unsigned i = 0; i < 17; i++)
        many[i] = (struct mica_range){0x0a000000ul + i * 2 * PAGE, PAGE};
    platform.devices = many;
    platform.ndevices = 17;
#elif BAD == 4
    platform.devicetree = 0;
#elif BAD == 5
    platform.version = MICA_PLATFORM_VERSION + 1;
#elif BAD == 6
    platform.root_image = 0;
#elif BAD == 7
    platform.root_image = (const void *)0xfffffffffffff000ul;
    platform.root_image_size = 0x2000;
#elif BAD == 8
    /* 14 here, the devicetree blob and the root image: the reserved list is full. */
    static struct mica_range full[14];
    full[0] = reserved[0];
    full[1] = reserved[1];
    for (unsigned i = 2; i < 14; i++)
        full[i] = (struct mica_range){0x0c000000ul + i * 2 * PAGE, PAGE};
    platform.reserved = full;
    platform.nreserved = 14;
#endif
    mica_start(&platform);
}
