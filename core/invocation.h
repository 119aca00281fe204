/* SPDX-License-Identifier: MIT */
/*
 * An invocation in flight: the invoked capability, the label, the message registers and the
 * extra capabilities the caller sent. Decoders read it (and may fail); invokers only act.
 */
#ifndef MICA_INVOCATION_H
#define MICA_INVOCATION_H

#include "object.h"

#define INV_MAX_MR 8 /* no invocation takes more fixed arguments */

struct inv {
    struct tcb *t;    /* the caller */
    struct cte *slot; /* the invoked capability's slot */
    word_t label;
    unsigned len;   /* message registers sent */
    unsigned ncaps; /* extra caps sent */
    word_t mr[INV_MAX_MR];
    unsigned nret; /* result message registers written */
};

/* Invoke the object slot names for caller t with message info info: decode (every check, which
 * may fail), then invoke. Returns an error, MICA_OK or SYSCALL_PREEMPTED (a long operation to be
 * restarted: the caller's registers are left as they were). */
int invocation_handle(struct tcb *t, struct cte *slot, word_t info);

/* Message register i of the caller (i < inv->len), from registers or the IPC buffer. */
word_t inv_mr(const struct inv *inv, unsigned i);

/* Extra cap i: TRUNCATED_MESSAGE if not sent, FAILED_LOOKUP if its cptr does not resolve; *slot
 * may then be an empty slot (a null cap), except for cptr 0, which gives *slot = NULL. */
int inv_cap(const struct inv *inv, unsigned i, struct cte **slot);

/* Like inv_cap, but the cap must be of type (else INVALID_CAPABILITY); null allowed if
 * allow_null (then *slot = NULL). */
int inv_cap_typed(const struct inv *inv, unsigned i, unsigned type, bool allow_null,
                  struct cte **slot);

/* Set result message register i (also counts it into the reply length). */
void inv_ret(struct inv *inv, unsigned i, word_t v);

/* Decoders: each checks everything, then invokes (which cannot fail). */
int untyped_decode(struct inv *inv);
int cnode_decode(struct inv *inv);
int tcb_decode(struct inv *inv);
int sched_context_decode(struct inv *inv);
int frame_decode(struct inv *inv);
int irq_decode(struct inv *inv);

#endif
