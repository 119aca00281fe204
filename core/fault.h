/* SPDX-License-Identifier: MIT */
/* User faults as messages to a thread's fault or timeout handler (fault.c). */
#ifndef MICA_CORE_FAULT_H
#define MICA_CORE_FAULT_H

#include "object.h"

/* t faulted: send the fault (enum mica_fault_type, address, detail; PC from its registers) to
 * its handler as a Call, or suspend it with one log line if it has no usable handler. */
void fault_raise(struct tcb *t, unsigned type, word_t addr, word_t detail);
/* t's scheduling context ran out: send a timeout fault if t has a timeout handler and the
 * context a badge. Returns whether it did (t is then blocked). */
bool fault_timeout(struct tcb *t);
/* Fill r's receive registers with sender s's pending fault message, badge badge. */
void fault_message(const struct tcb *s, struct tcb *r, word_t badge);
/* The handler (replier, message info) answered faulted thread t, which is off every queue:
 * label 0 resumes it, MICA_FAULT_REPLY_SET_REGS writes registers and resumes it, any other
 * label leaves it stopped (Inactive). */
void fault_reply(struct tcb *t, const struct tcb *replier, word_t info);

#endif
