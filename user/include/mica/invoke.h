/* SPDX-License-Identifier: MIT */
/*
 * Typed wrappers for every invocation label of include/mica/objects.h. Each one marshals its
 * arguments into message registers and the IPC buffer's caps[] exactly as objects.h documents and
 * performs a Call on the invoked capability; the result is the kernel's enum mica_error.
 */
#ifndef MICA_INVOKE_H
#define MICA_INVOKE_H

#include <mica/mica.h>

/*
 * The generic form: Call `obj` with `label`, message registers mr[0..nmr) and extra capabilities
 * caps[0..ncaps) (cptrs). Out-of-range counts are passed through unchanged so that tests can send
 * malformed invocations. If out_info is not NULL it receives the reply's message info; reply
 * message registers are read with mica_get_mr() afterwards.
 */
mica_error_t mica_invoke(mica_cptr_t obj, mica_word_t label, unsigned nmr, const mica_word_t *mr,
                         unsigned ncaps, const mica_cptr_t *caps, mica_word_t *out_info);

/* If set, called after every invocation with its label and result: a trace hook (the conformance
 * suite records what the toolkit did on its behalf). NULL by default. */
extern void (*mica_invoke_hook)(mica_word_t label, mica_error_t err);

/* Untyped */
mica_error_t mica_untyped_retype(mica_cptr_t ut, mica_word_t type, mica_word_t size_bits,
                                 mica_cptr_t root, mica_word_t node_index, mica_word_t node_depth,
                                 mica_word_t node_offset, mica_word_t num);

/* CNode: `dest_root` (or `root`) is the invoked CNode. */
mica_error_t mica_cnode_copy(mica_cptr_t dest_root, mica_word_t dest_index, mica_word_t dest_depth,
                             mica_cptr_t src_root, mica_word_t src_index, mica_word_t src_depth,
                             mica_word_t rights);
mica_error_t mica_cnode_mint(mica_cptr_t dest_root, mica_word_t dest_index, mica_word_t dest_depth,
                             mica_cptr_t src_root, mica_word_t src_index, mica_word_t src_depth,
                             mica_word_t rights, mica_word_t badge);
mica_error_t mica_cnode_move(mica_cptr_t dest_root, mica_word_t dest_index, mica_word_t dest_depth,
                             mica_cptr_t src_root, mica_word_t src_index, mica_word_t src_depth);
mica_error_t mica_cnode_mutate(mica_cptr_t dest_root, mica_word_t dest_index,
                               mica_word_t dest_depth, mica_cptr_t src_root, mica_word_t src_index,
                               mica_word_t src_depth, mica_word_t badge);
mica_error_t mica_cnode_delete(mica_cptr_t root, mica_word_t index, mica_word_t depth);
mica_error_t mica_cnode_revoke(mica_cptr_t root, mica_word_t index, mica_word_t depth);

/* TCB. A null cptr (0) for a Configure cap leaves that part unchanged. */
mica_error_t mica_tcb_configure(mica_cptr_t tcb, mica_cptr_t cspace_root, mica_cptr_t vspace_root,
                                mica_word_t ipc_buffer, mica_cptr_t ipc_buffer_frame);
mica_error_t mica_tcb_set_priority(mica_cptr_t tcb, mica_cptr_t authority, mica_word_t prio);
mica_error_t mica_tcb_set_mc_priority(mica_cptr_t tcb, mica_cptr_t authority, mica_word_t mcp);
mica_error_t mica_tcb_suspend(mica_cptr_t tcb);
mica_error_t mica_tcb_resume(mica_cptr_t tcb);
/* Reads `count` registers from id `first` into values[] (only on success). */
mica_error_t mica_tcb_read_registers(mica_cptr_t tcb, mica_word_t first, mica_word_t count,
                                     mica_word_t *values);
/* Writes values[0..count) to registers from id `first`; `resume` != 0 also resumes the thread. */
mica_error_t mica_tcb_write_registers(mica_cptr_t tcb, mica_word_t resume, mica_word_t first,
                                      mica_word_t count, const mica_word_t *values);
mica_error_t mica_tcb_bind_notification(mica_cptr_t tcb, mica_cptr_t ntfn);
mica_error_t mica_tcb_unbind_notification(mica_cptr_t tcb);
mica_error_t mica_tcb_set_fault_handler(mica_cptr_t tcb, mica_cptr_t ep);
mica_error_t mica_tcb_set_timeout_handler(mica_cptr_t tcb, mica_cptr_t ep);

/* SchedControl / SchedContext */
mica_error_t mica_sched_control_configure(mica_cptr_t sched_control, mica_cptr_t sc,
                                          mica_word_t budget_us, mica_word_t period_us,
                                          mica_word_t extra_refills, mica_word_t badge);
mica_error_t mica_sched_context_bind(mica_cptr_t sc, mica_cptr_t tcb_or_ntfn);
mica_error_t mica_sched_context_unbind(mica_cptr_t sc);
/* Stores the time consumed since the last call, in us, into *us (only on success). */
mica_error_t mica_sched_context_consumed(mica_cptr_t sc, mica_word_t *us);

/* IRQControl / IRQHandler */
mica_error_t mica_irq_control_get(mica_cptr_t irq_control, mica_word_t irq, mica_cptr_t root,
                                  mica_word_t index, mica_word_t depth);
mica_error_t mica_irq_handler_set_notification(mica_cptr_t handler, mica_cptr_t ntfn);
mica_error_t mica_irq_handler_ack(mica_cptr_t handler);
mica_error_t mica_irq_handler_clear(mica_cptr_t handler);
mica_error_t mica_irq_handler_set_cpu(mica_cptr_t handler, mica_word_t cpu);

/* Frame / PageTable. On MICA_ERR_FAILED_LOOKUP, mica_get_mr(0) is the missing level. */
mica_error_t mica_frame_map(mica_cptr_t frame, mica_cptr_t vspace, mica_word_t vaddr,
                            mica_word_t rights, mica_word_t attr);
mica_error_t mica_frame_remap(mica_cptr_t frame, mica_word_t rights, mica_word_t attr);
mica_error_t mica_frame_unmap(mica_cptr_t frame);
/* Stores the frame's physical address into *paddr (only on success). */
mica_error_t mica_frame_get_address(mica_cptr_t frame, mica_word_t *paddr);
mica_error_t mica_page_table_map(mica_cptr_t pt, mica_cptr_t vspace, mica_word_t vaddr);
mica_error_t mica_page_table_unmap(mica_cptr_t pt);

#endif
