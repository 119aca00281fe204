/* SPDX-License-Identifier: MIT */
/*
 * The UART driver: it owns the console UART's receive side. It maps the device (system file:
 * device "uart"), takes the receive interrupt through its IRQHandler cap ("uart_irq", bound to
 * the notification "irq_ntfn", which is bound to its own thread so that one Recv sees both) and
 * serves Write and Read to its clients (channel "uart").
 *
 * The kernel keeps printing to the same UART (its banner, its fault lines): it only ever polls
 * the line status and writes the transmit register, which we do too, a byte at a time, so the
 * two interleave at worst by characters. Receiving, and the interrupt enable register, are ours
 * alone (docs/systems.md).
 */
#include <stdint.h>

#include "demo.h"

#define RXBUF 256

/* The board's UART, as Kconfig picked it for the kernel's console. */
#if defined(CONFIG_UART_NS16550)
/* NS16550 (QEMU virt riscv64): byte registers. RBR/THR +0, IER +1, LSR +5. */
static volatile uint8_t *regs;
static void hw_init(void)
{
    regs[1] = 0x01; /* IER: received data available */
}
static bool hw_rx_ready(void)
{
    return regs[5] & 0x01;
}
static char hw_rx(void)
{
    return (char)regs[0];
}
static void hw_tx(char c)
{
    while (!(regs[5] & 0x20))
        ;
    regs[0] = (uint8_t)c;
}
#elif defined(CONFIG_UART_PL011)
/* PL011 (QEMU virt aarch64): DR +0, FR +0x18 (RXFE bit 4, TXFF bit 5), IMSC +0x38 (receive and
 * receive-timeout interrupts), ICR +0x44. */

static volatile uint32_t *regs;
static void hw_init(void)
{
    regs[0x38 / 4] = (1u << 4) | (1u << 6);
}
static bool hw_rx_ready(void)
{
    return !(regs[0x18 / 4] & (1u << 4));
}
static char hw_rx(void)
{
    char c = (char)regs[0];

    regs[0x44 / 4] = (1u << 4) | (1u << 6);
    return c;
}
static void hw_tx(char c)
{
    while (regs[0x18 / 4] & (1u << 5))
        ;
    regs[0] = (uint8_t)c;
}
#elif defined(CONFIG_UART_CMSDK)
/* CMSDK APB UART (QEMU mps2-an505): DATA +0, STATE +4 (TXFULL bit 0, RXFULL bit 1), CTRL +8
 * (TXEN bit 0, RXEN bit 1, RXINTEN bit 3), INTCLEAR +0xc (RX bit 1). The kernel's console set
 * TXEN and BAUDDIV; we add receiving. It holds one received byte: RXFULL is the whole queue. */
static volatile uint32_t *regs;
static void hw_init(void)
{
    regs[2] |= (1u << 1) | (1u << 3);
}
static bool hw_rx_ready(void)
{
    return regs[1] & (1u << 1);
}
static char hw_rx(void)
{
    char c = (char)regs[0];

    regs[3] = 1u << 1; /* the RX interrupt is a level the next byte raises again */
    return c;
}
static void hw_tx(char c)
{
    while (regs[1] & 1u)
        ;
    regs[0] = (uint8_t)c;
}
#else
#error "the demo's UART driver knows NS16550, PL011 and CMSDK"
#endif

static char rx[RXBUF];
static unsigned rx_head, rx_tail;

static void drain(void)
{
    while (hw_rx_ready()) {
        char c = hw_rx();
        if (rx_tail - rx_head < RXBUF)
            rx[rx_tail++ % RXBUF] = c;
    }
}

static void write_bytes(void)
{
    char buf[DEMO_MSG_BYTES];
    unsigned n = demo_get_bytes(buf, sizeof(buf));

    for (unsigned i = 0; i < n; i++) {
        if (buf[i] == '\n')
            hw_tx('\r');
        hw_tx(buf[i]);
    }
}

/* Answer a Read through reply with what we have (at least one byte). */
static void answer_read(mica_cptr_t reply)
{
    char buf[DEMO_MSG_BYTES];
    unsigned n = 0;

    while (rx_head != rx_tail && n < sizeof(buf))
        buf[n++] = rx[rx_head++ % RXBUF];
    mica_send(reply, mica_msginfo(0, 0, 0, demo_put_bytes(buf, n)));
}

int mica_proc_main(const struct mica_procinfo *info)
{
    static struct mica_env env;
    mica_cptr_t ep = demo_cap(info, "uart"), irq = demo_cap(info, "uart_irq");
    mica_cptr_t ntfn = demo_cap(info, "irq_ntfn"), reply[2];
    int pending = -1; /* the Reply object a waiting reader is bound to */
    unsigned cur = 0;

    regs = demo_mem(info, "uart", 0);
    mica_env_init_proc(&env, info);
    if (!ep || !irq || !ntfn || !regs ||
        mica_alloc_object(&env.alloc, MICA_OBJ_REPLY, 0, &reply[0]) ||
        mica_alloc_object(&env.alloc, MICA_OBJ_REPLY, 0, &reply[1]) ||
        mica_tcb_bind_notification(MICA_PROC_TCB, ntfn))
        return 1;
    hw_init();
    drain();
    mica_irq_handler_ack(irq);
    for (;;) {
        mica_word_t badge, msg;
        if (mica_recv(ep, reply[cur], &badge, &msg) != MICA_OK)
            continue;
        if (msg == 0) { /* our bound notification: the interrupt */
            drain();
            mica_irq_handler_ack(irq);
            if (pending >= 0 && rx_head != rx_tail) {
                answer_read(reply[pending]);
                pending = -1;
            }
            continue;
        }
        switch (mica_msginfo_label(msg)) {
        case UART_WRITE:
            write_bytes();
            mica_send(reply[cur], mica_msginfo(0, 0, 0, 0));
            break;
        case UART_READ:
            drain();
            if (rx_head != rx_tail) {
                answer_read(reply[cur]);
            } else if (pending < 0) {
                /* Keep the reader waiting on this Reply object; receive with the other. */
                pending = (int)cur;
                cur ^= 1;
            } else {
                mica_send(reply[cur], mica_msginfo(1, 0, 0, 0)); /* one reader at a time */
            }
            break;
        default: mica_send(reply[cur], mica_msginfo(1, 0, 0, 0)); break;
        }
    }
}
