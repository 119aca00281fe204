/* SPDX-License-Identifier: MIT */
/*
 * Invocation wrappers: marshal arguments into message registers and the IPC buffer's caps[] in
 * the order include/mica/objects.h documents, then Call the capability. Everything goes through
 * mica_invoke(), the only function that touches the syscall stubs of <mica/user.h>.
 */
#include <mica/invoke.h>
#include <mica/user.h>

void (*mica_invoke_hook)(mica_word_t label, mica_error_t err);

mica_error_t mica_invoke(mica_cptr_t obj, mica_word_t label, unsigned nmr, const mica_word_t *mr,
                         unsigned ncaps, const mica_cptr_t *caps, mica_word_t *out_info)
{
    struct mica_ipc_buffer *buf = mica_ipc_buffer();

    for (unsigned i = 0; i < nmr && i < MICA_MSG_MAX_LEN; i++)
        mica_set_mr(i, mr[i]);
    for (unsigned i = 0; i < ncaps && i < MICA_MSG_MAX_CAPS; i++)
        buf->caps[i] = caps[i];
    mica_error_t err = mica_call(obj, mica_msginfo(label, 0, ncaps, nmr), out_info);
    if (mica_invoke_hook)
        mica_invoke_hook(label, err);
    return err;
}

/* Shorthands for the common shapes: n message registers and k caps from compound literals. */
#define MRS(...)  ((const mica_word_t[]){__VA_ARGS__})
#define CAPS(...) ((const mica_cptr_t[]){__VA_ARGS__})

static mica_error_t invoke_mrs(mica_cptr_t obj, mica_word_t label, unsigned nmr,
                               const mica_word_t *mr)
{
    return mica_invoke(obj, label, nmr, mr, 0, 0, 0);
}

mica_error_t mica_untyped_retype(mica_cptr_t ut, mica_word_t type, mica_word_t size_bits,
                                 mica_cptr_t root, mica_word_t node_index, mica_word_t node_depth,
                                 mica_word_t node_offset, mica_word_t num)
{
    return mica_invoke(ut, MICA_UNTYPED_RETYPE, 6,
                       MRS(type, size_bits, node_index, node_depth, node_offset, num), 1,
                       CAPS(root), 0);
}

mica_error_t mica_cnode_copy(mica_cptr_t dest_root, mica_word_t dest_index, mica_word_t dest_depth,
                             mica_cptr_t src_root, mica_word_t src_index, mica_word_t src_depth,
                             mica_word_t rights)
{
    return mica_invoke(dest_root, MICA_CNODE_COPY, 5,
                       MRS(dest_index, dest_depth, src_index, src_depth, rights), 1, CAPS(src_root),
                       0);
}

mica_error_t mica_cnode_mint(mica_cptr_t dest_root, mica_word_t dest_index, mica_word_t dest_depth,
                             mica_cptr_t src_root, mica_word_t src_index, mica_word_t src_depth,
                             mica_word_t rights, mica_word_t badge)
{
    return mica_invoke(dest_root, MICA_CNODE_MINT, 6,
                       MRS(dest_index, dest_depth, src_index, src_depth, rights, badge), 1,
                       CAPS(src_root), 0);
}

mica_error_t mica_cnode_move(mica_cptr_t dest_root, mica_word_t dest_index, mica_word_t dest_depth,
                             mica_cptr_t src_root, mica_word_t src_index, mica_word_t src_depth)
{
    return mica_invoke(dest_root, MICA_CNODE_MOVE, 4,
                       MRS(dest_index, dest_depth, src_index, src_depth), 1, CAPS(src_root), 0);
}

mica_error_t mica_cnode_mutate(mica_cptr_t dest_root, mica_word_t dest_index,
                               mica_word_t dest_depth, mica_cptr_t src_root, mica_word_t src_index,
                               mica_word_t src_depth, mica_word_t badge)
{
    return mica_invoke(dest_root, MICA_CNODE_MUTATE, 5,
                       MRS(dest_index, dest_depth, src_index, src_depth, badge), 1, CAPS(src_root),
                       0);
}

mica_error_t mica_cnode_delete(mica_cptr_t root, mica_word_t index, mica_word_t depth)
{
    return invoke_mrs(root, MICA_CNODE_DELETE, 2, MRS(index, depth));
}

mica_error_t mica_cnode_revoke(mica_cptr_t root, mica_word_t index, mica_word_t depth)
{
    return invoke_mrs(root, MICA_CNODE_REVOKE, 2, MRS(index, depth));
}

mica_error_t mica_tcb_configure(mica_cptr_t tcb, mica_cptr_t cspace_root, mica_cptr_t vspace_root,
                                mica_word_t ipc_buffer, mica_cptr_t ipc_buffer_frame)
{
    return mica_invoke(tcb, MICA_TCB_CONFIGURE, 1, MRS(ipc_buffer), 3,
                       CAPS(cspace_root, vspace_root, ipc_buffer_frame), 0);
}

mica_error_t mica_tcb_set_priority(mica_cptr_t tcb, mica_cptr_t authority, mica_word_t prio)
{
    return mica_invoke(tcb, MICA_TCB_SET_PRIORITY, 1, MRS(prio), 1, CAPS(authority), 0);
}

mica_error_t mica_tcb_set_mc_priority(mica_cptr_t tcb, mica_cptr_t authority, mica_word_t mcp)
{
    return mica_invoke(tcb, MICA_TCB_SET_MC_PRIORITY, 1, MRS(mcp), 1, CAPS(authority), 0);
}

mica_error_t mica_tcb_suspend(mica_cptr_t tcb)
{
    return invoke_mrs(tcb, MICA_TCB_SUSPEND, 0, 0);
}

mica_error_t mica_tcb_resume(mica_cptr_t tcb)
{
    return invoke_mrs(tcb, MICA_TCB_RESUME, 0, 0);
}

mica_error_t mica_tcb_read_registers(mica_cptr_t tcb, mica_word_t first, mica_word_t count,
                                     mica_word_t *values)
{
    mica_error_t err = invoke_mrs(tcb, MICA_TCB_READ_REGISTERS, 2, MRS(first, count));

    if (err == MICA_OK) {
        for (mica_word_t i = 0; i < count && i < MICA_MSG_MAX_LEN; i++)
            values[i] = mica_get_mr((unsigned)i);
    }
    return err;
}

mica_error_t mica_tcb_write_registers(mica_cptr_t tcb, mica_word_t resume, mica_word_t first,
                                      mica_word_t count, const mica_word_t *values)
{
    mica_word_t mr[MICA_MSG_MAX_LEN];
    unsigned n = 3;

    mr[0] = resume;
    mr[1] = first;
    mr[2] = count;
    /* Only as many values as fit; the kernel sees the shortfall as a truncated message. */
    for (mica_word_t i = 0; i < count && n < MICA_MSG_MAX_LEN; i++)
        mr[n++] = values[i];
    return invoke_mrs(tcb, MICA_TCB_WRITE_REGISTERS, n, mr);
}

mica_error_t mica_tcb_bind_notification(mica_cptr_t tcb, mica_cptr_t ntfn)
{
    return mica_invoke(tcb, MICA_TCB_BIND_NOTIFICATION, 0, 0, 1, CAPS(ntfn), 0);
}

mica_error_t mica_tcb_unbind_notification(mica_cptr_t tcb)
{
    return invoke_mrs(tcb, MICA_TCB_UNBIND_NOTIFICATION, 0, 0);
}

mica_error_t mica_tcb_set_fault_handler(mica_cptr_t tcb, mica_cptr_t ep)
{
    return mica_invoke(tcb, MICA_TCB_SET_FAULT_HANDLER, 0, 0, 1, CAPS(ep), 0);
}

mica_error_t mica_tcb_set_timeout_handler(mica_cptr_t tcb, mica_cptr_t ep)
{
    return mica_invoke(tcb, MICA_TCB_SET_TIMEOUT_HANDLER, 0, 0, 1, CAPS(ep), 0);
}

mica_error_t mica_sched_control_configure(mica_cptr_t sched_control, mica_cptr_t sc,
                                          mica_word_t budget_us, mica_word_t period_us,
                                          mica_word_t extra_refills, mica_word_t badge)
{
    return mica_invoke(sched_control, MICA_SCHED_CONTROL_CONFIGURE, 4,
                       MRS(budget_us, period_us, extra_refills, badge), 1, CAPS(sc), 0);
}

mica_error_t mica_sched_context_bind(mica_cptr_t sc, mica_cptr_t tcb_or_ntfn)
{
    return mica_invoke(sc, MICA_SCHED_CONTEXT_BIND, 0, 0, 1, CAPS(tcb_or_ntfn), 0);
}

mica_error_t mica_sched_context_unbind(mica_cptr_t sc)
{
    return invoke_mrs(sc, MICA_SCHED_CONTEXT_UNBIND, 0, 0);
}

mica_error_t mica_sched_context_consumed(mica_cptr_t sc, mica_word_t *us)
{
    mica_error_t err = invoke_mrs(sc, MICA_SCHED_CONTEXT_CONSUMED, 0, 0);

    if (err == MICA_OK)
        *us = mica_get_mr(0);
    return err;
}

mica_error_t mica_irq_control_get(mica_cptr_t irq_control, mica_word_t irq, mica_cptr_t root,
                                  mica_word_t index, mica_word_t depth)
{
    return mica_invoke(irq_control, MICA_IRQ_CONTROL_GET, 3, MRS(irq, index, depth), 1, CAPS(root),
                       0);
}

mica_error_t mica_irq_handler_set_notification(mica_cptr_t handler, mica_cptr_t ntfn)
{
    return mica_invoke(handler, MICA_IRQ_HANDLER_SET_NOTIFICATION, 0, 0, 1, CAPS(ntfn), 0);
}

mica_error_t mica_irq_handler_ack(mica_cptr_t handler)
{
    return invoke_mrs(handler, MICA_IRQ_HANDLER_ACK, 0, 0);
}

mica_error_t mica_irq_handler_clear(mica_cptr_t handler)
{
    return invoke_mrs(handler, MICA_IRQ_HANDLER_CLEAR, 0, 0);
}

mica_error_t mica_irq_handler_set_cpu(mica_cptr_t handler, mica_word_t cpu)
{
    return invoke_mrs(handler, MICA_IRQ_HANDLER_SET_CPU, 1, MRS(cpu));
}

mica_error_t mica_frame_map(mica_cptr_t frame, mica_cptr_t vspace, mica_word_t vaddr,
                            mica_word_t rights, mica_word_t attr)
{
    return mica_invoke(frame, MICA_FRAME_MAP, 3, MRS(vaddr, rights, attr), 1, CAPS(vspace), 0);
}

mica_error_t mica_frame_remap(mica_cptr_t frame, mica_word_t rights, mica_word_t attr)
{
    return invoke_mrs(frame, MICA_FRAME_REMAP, 2, MRS(rights, attr));
}

mica_error_t mica_frame_unmap(mica_cptr_t frame)
{
    return invoke_mrs(frame, MICA_FRAME_UNMAP, 0, 0);
}

mica_error_t mica_frame_get_address(mica_cptr_t frame, mica_word_t *paddr)
{
    mica_error_t err = invoke_mrs(frame, MICA_FRAME_GET_ADDRESS, 0, 0);

    if (err == MICA_OK)
        *paddr = mica_get_mr(0);
    return err;
}

mica_error_t mica_page_table_map(mica_cptr_t pt, mica_cptr_t vspace, mica_word_t vaddr)
{
    return mica_invoke(pt, MICA_PAGE_TABLE_MAP, 1, MRS(vaddr), 1, CAPS(vspace), 0);
}

mica_error_t mica_page_table_unmap(mica_cptr_t pt)
{
    return invoke_mrs(pt, MICA_PAGE_TABLE_UNMAP, 0, 0);
}
