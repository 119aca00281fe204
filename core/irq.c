/* SPDX-License-Identifier: MIT */
/*
 * Interrupts. IRQControl hands out one IRQHandler cap per line; a handler binds a notification.
 * When a line fires the arch masks it and the kernel signals the notification; the driver's
 * IRQHandler_Ack unmasks it. Deleting the last IRQHandler cap releases the line.
 */
#include "cap.h"
#include "cnode.h"
#include "invocation.h"
#include "ipc.h"
#include "irq.h"

/* The kernel's own table of claimed lines and their notification caps. */
static bool irq_claimed[ARCH_IRQ_LINES];
static struct cte irq_ntfn[ARCH_IRQ_LINES];

static int irq_control_get(struct inv *inv)
{
    struct cte *root, *dest;
    int err;

    if (inv->label != MICA_IRQ_CONTROL_GET)
        return MICA_ERR_ILLEGAL_OPERATION;
    if (inv->len < 3)
        return MICA_ERR_TRUNCATED_MESSAGE;
    if ((err = inv_cap_typed(inv, 0, MICA_OBJ_CNODE, false, &root)))
        return err;
    word_t irq = inv->mr[0];
    if (irq >= ARCH_IRQ_LINES || !hal_irq_valid(irq))
        return MICA_ERR_RANGE;
    if (irq_claimed[irq])
        return MICA_ERR_REVOKE_FIRST;
    if ((err = cnode_lookup_slot(&root->cap, inv->mr[1], inv->mr[2], &dest)))
        return err;
    if (dest->cap.type != MICA_CAP_NULL)
        return MICA_ERR_DELETE_FIRST;
    /* A claimed line is unmasked, an unclaimed one masked (seL4's setIRQState). */
    irq_claimed[irq] = true;
    hal_irq_unmask(irq);
    struct cap c = {.type = MICA_CAP_IRQ_HANDLER, .rights = MICA_RIGHTS_ALL, .obj = irq};
    cap_insert(dest, &c, inv->slot);
    return MICA_OK;
}

static int irq_handler_decode(struct inv *inv)
{
    word_t irq = inv->slot->cap.obj;
    struct cte *n;
    struct cap c;
    int err;

    switch (inv->label) {
    case MICA_IRQ_HANDLER_SET_NOTIFICATION:
        if ((err = inv_cap_typed(inv, 0, MICA_OBJ_NOTIFICATION, true, &n)))
            return err;
        if (n && cap_derive(n, MICA_RIGHTS_ALL, &c))
            return MICA_ERR_INVALID_CAPABILITY;
        cap_delete(&irq_ntfn[irq]);
        if (n)
            cap_insert(&irq_ntfn[irq], &c, n);
        return MICA_OK;
    case MICA_IRQ_HANDLER_ACK: hal_irq_unmask(irq); return MICA_OK;
    case MICA_IRQ_HANDLER_CLEAR: cap_delete(&irq_ntfn[irq]); return MICA_OK;
    default: return MICA_ERR_ILLEGAL_OPERATION;
    }
}

int irq_decode(struct inv *inv)
{
    if (inv->slot->cap.type == MICA_CAP_IRQ_CONTROL)
        return irq_control_get(inv);
    return irq_handler_decode(inv);
}

void irq_handle(word_t irq)
{
    if (irq < ARCH_IRQ_LINES && irq_ntfn[irq].cap.type == MICA_OBJ_NOTIFICATION) {
        notify_signal(&irq_ntfn[irq].cap);
        return;
    }
    /* Nobody listens: leave it masked rather than take it again and again. */
    klog_warn("mica: irq %lu with no handler\n", (unsigned long)irq);
}

void irq_destroy(word_t irq)
{
    if (irq >= ARCH_IRQ_LINES)
        return;
    hal_irq_mask(irq);
    cap_delete(&irq_ntfn[irq]);
    irq_claimed[irq] = false;
}
