/* SPDX-License-Identifier: MIT */
/*
 * Interrupts. IRQControl hands out one IRQHandler cap per line; a handler binds a notification.
 * When a line fires the arch masks it and the kernel signals the notification; the driver's
 * IRQHandler_Ack unmasks it. Deleting the last IRQHandler cap releases the line.
 *
 * With several CPUs, IRQHandler_SetCPU routes a line to one of them; a new claim starts on the
 * default CPU (CONFIG_IRQ_DEFAULT_CPU, or the boot CPU if that one did not start). The arch keeps
 * the route (its controller needs it to mask, unmask and complete), so the core keeps none.
 */
#include "cap.h"
#include "cnode.h"
#include "delete.h"
#include "invocation.h"
#include "irq.h"
#include "notify.h"
#include "sched.h"

/* The kernel's own table of claimed lines and their notification caps. */
static bool irq_claimed[ARCH_IRQ_LINES];
static struct cte irq_ntfn[ARCH_IRQ_LINES];
static unsigned irq_default_cpu;

#ifdef CONFIG_DEBUG_SYSCALLS
/* 1 + the CPU that took each line's last interrupt, 0 for none (MICA_SYS_DEBUG_IRQ_CPU). */
_Static_assert(CONFIG_NR_CPUS < 255, "irq_took holds a CPU index + 1 in a byte");
static uint8_t irq_took[ARCH_IRQ_LINES];
#endif

void irq_init_cpus(unsigned ncpus)
{
    if (CONFIG_IRQ_DEFAULT_CPU < ncpus) {
        irq_default_cpu = CONFIG_IRQ_DEFAULT_CPU;
        return;
    }
    klog_info("mica: CONFIG_IRQ_DEFAULT_CPU %u did not start: interrupts go to cpu 0\n",
              (unsigned)CONFIG_IRQ_DEFAULT_CPU);
}

static void irq_invoke_get(struct cte *control, word_t irq, struct cte *dest)
{
    struct cap c = {.type = MICA_CAP_IRQ_HANDLER, .rights = MICA_RIGHTS_ALL, .obj = irq};

    /* A claimed line is unmasked, an unclaimed one masked (seL4's setIRQState). */
    irq_claimed[irq] = true;
    hal_irq_set_cpu(irq, irq_default_cpu);
    hal_irq_unmask(irq);
    cap_insert(dest, &c, control);
}

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
    irq_invoke_get(inv->slot, irq, dest);
    return MICA_OK;
}

/* SetNotification: the old notification cap goes (preemptible: deleting the last cap to a
 * notification wakes its waiters one step each), then n's copy c comes, if n still holds it. */
static int irq_invoke_set_notification(word_t irq, struct cte *n, const struct cap *c)
{
    int err = cap_delete(&irq_ntfn[irq]);

    if (err)
        return err;
    if (n && cap_same_object(&n->cap, c))
        cap_insert(&irq_ntfn[irq], c, n);
    return MICA_OK;
}

static int irq_handler_decode(struct inv *inv)
{
    word_t irq = inv->slot->cap.obj;
    struct cte *n;
    struct cap c = {0};
    int err;

    switch (inv->label) {
    case MICA_IRQ_HANDLER_SET_NOTIFICATION:
        if ((err = inv_cap_typed(inv, 0, MICA_OBJ_NOTIFICATION, true, &n)))
            return err;
        if (n && cap_derive(n, MICA_RIGHTS_ALL, &c))
            return MICA_ERR_INVALID_CAPABILITY;
        return irq_invoke_set_notification(irq, n, &c);
    case MICA_IRQ_HANDLER_ACK: hal_irq_unmask(irq); return MICA_OK;
    case MICA_IRQ_HANDLER_CLEAR: return cap_delete(&irq_ntfn[irq]);
    case MICA_IRQ_HANDLER_SET_CPU:
        if (inv->len < 1)
            return MICA_ERR_TRUNCATED_MESSAGE;
        /* Only a CPU that runs the kernel has its interrupt controller interface set up. */
        if (inv->mr[0] >= sched_ncpus)
            return MICA_ERR_RANGE;
        hal_irq_set_cpu(irq, (unsigned)inv->mr[0]);
        return MICA_OK;
    default: return MICA_ERR_ILLEGAL_OPERATION;
    }
}

int irq_decode(struct inv *inv)
{
    if (inv->slot->cap.type == MICA_CAP_IRQ_CONTROL)
        return irq_control_get(inv);
    return irq_handler_decode(inv);
}

#ifdef CONFIG_DEBUG_SYSCALLS
int irq_debug_took(word_t irq, word_t *cpu)
{
    if (irq >= ARCH_IRQ_LINES || !hal_irq_valid(irq))
        return MICA_ERR_RANGE;
    *cpu = irq_took[irq] ? (word_t)irq_took[irq] - 1 : ~(word_t)0;
    return MICA_OK;
}
#endif

void irq_handle(word_t irq)
{
#ifdef CONFIG_DEBUG_SYSCALLS
    if (irq < ARCH_IRQ_LINES)
        irq_took[irq] = (uint8_t)(hal_cpu_id() + 1);
#endif
    if (irq < ARCH_IRQ_LINES && irq_ntfn[irq].cap.type == MICA_OBJ_NOTIFICATION) {
        notify_signal(&irq_ntfn[irq].cap);
        return;
    }
    /* Nobody listens: leave it masked rather than take it again and again. */
    klog_warn("mica: irq %lu with no handler\n", (unsigned long)irq);
}

void irq_finalise_begin(word_t irq)
{
    hal_irq_mask(irq);
}

int irq_finalise_step(word_t irq, struct cte **slot)
{
    /* The notification cap the line signals goes first (delete.c deletes it), then the line is
     * free to be claimed again. */
    if (irq_ntfn[irq].cap.type != MICA_CAP_NULL) {
        *slot = &irq_ntfn[irq];
        return STEP_SLOT;
    }
    irq_claimed[irq] = false;
    return STEP_DONE;
}
