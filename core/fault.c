/* SPDX-License-Identifier: MIT */
/*
 * Faults. Whatever a thread does wrong (an arch trap, an unknown syscall, a cap it names for a
 * transfer that does not resolve, running out of budget with a timeout handler) becomes a message
 * on its fault endpoint (timeout endpoint for timeouts), sent as a Call so that the handler can
 * answer through a Reply object (include/mica/fault.h has the layout). The faulting thread waits
 * for that answer; nothing user space does stops the kernel.
 */
#include "fault.h"
#include "ipc.h"
#include "ktime.h"
#include "sched.h"
#include "sched_context.h"
#include "tcb.h"

static const char *const fault_names[] = {
    [MICA_FAULT_NONE] = "none",
    [MICA_FAULT_MEMORY] = "memory",
    [MICA_FAULT_UNKNOWN_SYSCALL] = "unknown syscall",
    [MICA_FAULT_USER_EXCEPTION] = "user exception",
    [MICA_FAULT_CAPABILITY] = "capability",
    [MICA_FAULT_TIMEOUT] = "timeout",
};

/* A handler cap the kernel can Call through: an endpoint with WRITE and GRANT or GRANT_REPLY. */
static const struct cap *handler(const struct tcb *t, enum tcb_slot which)
{
    const struct cap *c = &t->slots[which].cap;

    if (c->type != MICA_OBJ_ENDPOINT || !(c->rights & MICA_RIGHT_WRITE) ||
        !(c->rights & (MICA_RIGHT_GRANT | MICA_RIGHT_GRANT_REPLY)))
        return NULL;
    return c;
}

void fault_raise(struct tcb *t, unsigned type, word_t addr, word_t detail)
{
    const struct cap *h = handler(t, type == MICA_FAULT_TIMEOUT ? TCB_TIMEOUT : TCB_FAULT);

    if (!h) {
        klog_warn("mica: thread %p: %s fault (pc 0x%lx addr 0x%lx detail 0x%lx), no fault handler: "
                  "suspended\n",
                  (void *)t, type < MICA_FAULT_TIMEOUT + 1 ? fault_names[type] : "?",
                  (unsigned long)tcb_reg(t, MICA_REG_PC), (unsigned long)addr,
                  (unsigned long)detail);
        tcb_suspend(t);
        return;
    }
    t->fault = (uint8_t)type;
    t->fault_addr = addr;
    t->fault_detail = detail;
    ipc_send_fault(t, h);
}

bool fault_timeout(struct tcb *t)
{
    struct sched_context *sc = t->sc;

    if (!sc || !sc->badge || !handler(t, TCB_TIMEOUT))
        return false;
    fault_raise(t, MICA_FAULT_TIMEOUT, sc->badge, (word_t)ktime_ticks_to_us(sc_consumed(sc)));
    return true;
}

void fault_message(const struct tcb *s, struct tcb *r, word_t badge)
{
    tcb_set_reg(r, MICA_REG_ARG0, badge);
    tcb_set_reg(r, MICA_REG_ARG0 + 1, mica_msginfo(s->fault, 0, 0, 3));
    tcb_set_reg(r, MICA_REG_ARG0 + 2, tcb_reg(s, MICA_REG_PC));
    tcb_set_reg(r, MICA_REG_ARG0 + 3, s->fault_addr);
    tcb_set_reg(r, MICA_REG_ARG0 + 4, s->fault_detail);
    tcb_set_reg(r, MICA_REG_ARG7, MICA_OK);
}

void fault_reply(struct tcb *t, const struct tcb *replier, word_t info)
{
    word_t label = mica_msginfo_label(info);
    unsigned len = mica_msginfo_len(info);

    t->fault = MICA_FAULT_NONE;
    if (len > MICA_MSG_MAX_LEN)
        len = MICA_MSG_MAX_LEN;
    if (label == MICA_FAULT_REPLY_SET_REGS && len >= 2) {
        word_t first = tcb_mr(replier, 0), count = tcb_mr(replier, 1);
        /* Registers the message does not carry or the arch does not have are left alone; ids are
         * first + i as numbers (the sum must not wrap around to PC). */
        for (word_t i = 0; i < count && i + 2 < len; i++)
            if (first < ARCH_NUM_REGS && i < ARCH_NUM_REGS - first)
                tcb_set_reg(t, (unsigned)(first + i), tcb_mr(replier, (unsigned)(i + 2)));
    } else if (label != 0) {
        t->state = TS_INACTIVE;
        return;
    }
    t->state = TS_READY;
    sched_enqueue(t);
}
