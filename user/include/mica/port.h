/* SPDX-License-Identifier: MIT */
/*
 * Ports: asynchronous, bounded message queues between two programs, over a shared memory region
 * and two notifications; no kernel object of their own. One side sends, the other receives
 * (single producer, single consumer); messages are a fixed number of words. A full queue pushes
 * back: mica_port_send blocks until the receiver makes room (or says MICA_ERR_WOULD_BLOCK when
 * asked not to wait), and the sender can see how often that happened.
 *
 * Each side waits on its own notification and signals the other's: the receiver waits for data
 * (the sender signals it), the sender waits for space (the receiver signals it). A side signals
 * only when the other said it is about to wait, so a flowing queue costs no syscalls.
 */
#ifndef MICA_PORT_H
#define MICA_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <mica/mica.h>

struct mica_port_ring {
    uint32_t magic, slots, msg_words, pad;
    volatile uint32_t head;         /* next slot to receive: written by the receiver */
    volatile uint32_t tail;         /* next slot to fill: written by the sender */
    volatile uint32_t sender_waits; /* the sender is (about to be) waiting for space */
    volatile uint32_t recver_waits; /* the receiver is (about to be) waiting for data */
    mica_word_t data[];             /* slots * msg_words */
};

struct mica_port {
    struct mica_port_ring *ring;
    mica_cptr_t signal; /* the other side's notification (WRITE) */
    mica_cptr_t wait;   /* ours (READ) */
    bool sender;
    /* Statistics, this side's. */
    uint32_t sent, received, blocked, max_depth;
};

/* Lay out a new ring in `size` bytes at mem (the sender's side does this once, before the
 * receiver looks): as many slots of msg_words words as fit, at most max_slots. Returns the slot
 * count, 0 if not even one fits. */
uint32_t mica_port_format(void *mem, mica_word_t size, uint32_t msg_words, uint32_t max_slots);
/* Attach to a formatted ring; MICA_ERR_INVALID_ARGUMENT if mem holds none. */
mica_error_t mica_port_attach(struct mica_port *p, void *mem, bool sender, mica_cptr_t signal,
                              mica_cptr_t wait);

/* Queue msg (ring->msg_words words). block: wait for room when full (counted in `blocked`);
 * else MICA_ERR_WOULD_BLOCK. */
mica_error_t mica_port_send(struct mica_port *p, const mica_word_t *msg, bool block);
/* Take the oldest message into msg. block: wait for one; else MICA_ERR_WOULD_BLOCK. */
mica_error_t mica_port_recv(struct mica_port *p, mica_word_t *msg, bool block);
/* Messages queued now. */
uint32_t mica_port_depth(const struct mica_port *p);

#endif
