/* SPDX-License-Identifier: MIT */
/*
 * Ports (<mica/port.h>): a single-producer single-consumer ring. head and tail count messages
 * (mod 2^32), so full is tail - head == slots. A side that is about to wait first says so
 * (sender_waits / recver_waits), then looks at the ring again; the other side looks at that flag
 * after it moved head or tail. With a full fence between the two steps on both sides, at least
 * one of them sees the other's store, so a wake-up is never lost; a signal that comes when
 * nobody waits any more stays pending in the notification and only costs one extra look.
 */
#include <mica/port.h>
#include <mica/user.h>

#define PORT_MAGIC 0x506f7274u /* "Port" */

static void fence(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

uint32_t mica_port_format(void *mem, mica_word_t size, uint32_t msg_words, uint32_t max_slots)
{
    struct mica_port_ring *r = mem;
    mica_word_t room = size > sizeof(*r) ? size - sizeof(*r) : 0;
    mica_word_t slots = msg_words ? room / (msg_words * sizeof(mica_word_t)) : 0;

    if (slots > max_slots)
        slots = max_slots;
    if (!slots)
        return 0;
    r->slots = (uint32_t)slots;
    r->msg_words = msg_words;
    r->head = r->tail = 0;
    r->sender_waits = r->recver_waits = 0;
    fence();
    r->magic = PORT_MAGIC;
    return r->slots;
}

mica_error_t mica_port_attach(struct mica_port *p, void *mem, bool sender, mica_cptr_t signal,
                              mica_cptr_t wait)
{
    struct mica_port_ring *r = mem;

    if (!r || r->magic != PORT_MAGIC || !r->slots || !r->msg_words)
        return MICA_ERR_INVALID_ARGUMENT;
    *p = (struct mica_port){.ring = r, .signal = signal, .wait = wait, .sender = sender};
    return MICA_OK;
}

uint32_t mica_port_depth(const struct mica_port *p)
{
    return p->ring->tail - p->ring->head;
}

/* Wait until ready() holds: flag that we wait, look again, then sleep on our notification. */
static mica_error_t wait_for(struct mica_port *p, volatile uint32_t *flag,
                             bool (*ready)(const struct mica_port_ring *))
{
    for (;;) {
        *flag = 1;
        fence();
        if (ready(p->ring)) {
            *flag = 0;
            return MICA_OK;
        }
        mica_error_t err = mica_wait(p->wait, 0);
        if (err)
            return err;
    }
}

static bool has_room(const struct mica_port_ring *r)
{
    return r->tail - r->head < r->slots;
}

static bool has_data(const struct mica_port_ring *r)
{
    return r->tail != r->head;
}

mica_error_t mica_port_send(struct mica_port *p, const mica_word_t *msg, bool block)
{
    struct mica_port_ring *r = p->ring;
    mica_error_t err;

    if (!has_room(r)) {
        if (!block)
            return MICA_ERR_WOULD_BLOCK;
        p->blocked++;
        if ((err = wait_for(p, &r->sender_waits, has_room)))
            return err;
    }
    mica_word_t *slot = &r->data[(r->tail % r->slots) * r->msg_words];
    for (uint32_t i = 0; i < r->msg_words; i++)
        slot[i] = msg[i];
    fence(); /* the message before the tail that publishes it */
    r->tail++;
    p->sent++;
    if (r->tail - r->head > p->max_depth)
        p->max_depth = r->tail - r->head;
    fence();
    if (r->recver_waits) {
        r->recver_waits = 0;
        return mica_signal(p->signal);
    }
    return MICA_OK;
}

mica_error_t mica_port_recv(struct mica_port *p, mica_word_t *msg, bool block)
{
    struct mica_port_ring *r = p->ring;
    mica_error_t err;

    if (!has_data(r)) {
        if (!block)
            return MICA_ERR_WOULD_BLOCK;
        p->blocked++;
        if ((err = wait_for(p, &r->recver_waits, has_data)))
            return err;
    }
    fence(); /* the tail before the message it published */
    const mica_word_t *slot = &r->data[(r->head % r->slots) * r->msg_words];
    for (uint32_t i = 0; i < r->msg_words; i++)
        msg[i] = slot[i];
    fence(); /* done with the slot before giving it back */
    r->head++;
    p->received++;
    fence();
    if (r->sender_waits) {
        r->sender_waits = 0;
        return mica_signal(p->signal);
    }
    return MICA_OK;
}
