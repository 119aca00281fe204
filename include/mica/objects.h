/* SPDX-License-Identifier: MIT */
/*
 * Kernel object types, their sizes, and the invocation labels with their argument layout.
 * Arguments are message registers (MR0, MR1, ...) and extra capabilities (CAP0..CAP2, cptrs in
 * the caller's IPC buffer caps[]). Results come back in message registers; the error in ARG7.
 */
#ifndef MICA_OBJECTS_H
#define MICA_OBJECTS_H

#include <mica/abi.h>

/* Capability types; the retypable ones double as object types for Untyped_Retype. */
enum mica_cap_type {
    MICA_CAP_NULL = 0,
    MICA_OBJ_UNTYPED,
    MICA_OBJ_TCB,
    MICA_OBJ_ENDPOINT,
    MICA_OBJ_NOTIFICATION,
    MICA_OBJ_CNODE,
    MICA_OBJ_REPLY,
    MICA_OBJ_SCHED_CONTEXT,
    MICA_OBJ_FRAME,
    MICA_OBJ_PAGE_TABLE,
    MICA_OBJ_VSPACE,
    MICA_OBJ_TYPE_COUNT, /* retypable types end here */
    MICA_CAP_IRQ_CONTROL = MICA_OBJ_TYPE_COUNT,
    MICA_CAP_IRQ_HANDLER,
    MICA_CAP_SCHED_CONTROL,
    /* A capability whose object the kernel is still deleting: a Delete or Revoke was preempted
     * (docs/abi.md, "Long operations"). Delete on its slot, or Revoke of the Untyped it came
     * from, continues the deletion; it can be neither invoked, copied nor moved. */
    MICA_CAP_ZOMBIE,
    MICA_CAP_TYPE_COUNT
};

/*
 * Object sizes as log2 bytes. Fixed-size objects ignore Retype's size_bits; for Untyped, Frame and
 * CNode (log2 of the slot count) it is the caller's choice within the ranges below.
 */
/* A TCB holds the thread's saved registers: 2 KiB on AArch64, whose 32 128-bit FP/SIMD registers
 * alone take 512 bytes, 1 KiB elsewhere. */
#if defined(__aarch64__)
#define MICA_TCB_BITS 11
#else
#define MICA_TCB_BITS 10
#endif
#define MICA_ENDPOINT_BITS      5
#define MICA_NOTIFICATION_BITS  6
#define MICA_REPLY_BITS         6
#define MICA_SCHED_CONTEXT_BITS 8
#define MICA_SLOT_BITS          6 /* one CNode slot */
#define MICA_PAGE_BITS          12
#define MICA_PAGE_TABLE_BITS    12
#define MICA_VSPACE_BITS        12
#define MICA_MIN_UNTYPED_BITS   4
#define MICA_MAX_UNTYPED_BITS   (MICA_WORD_BITS - 2)
#define MICA_MIN_CNODE_SLOTS    1 /* CNode size_bits range: 1..MICA_MAX_CNODE_SLOTS */
#define MICA_MAX_CNODE_SLOTS    20
#define MICA_MIN_FRAME_BITS     5 /* MPU arches accept 5..; MMU arches MICA_PAGE_BITS only */
#define MICA_NUM_PRIORITIES     256

/* A CNode capability's guard, set through Mint/Mutate's badge argument. */
#define MICA_CNODE_GUARD(value, bits) (((mica_word_t)(value) << 6) | ((bits)&0x3f))

/* Mapping rights (Frame_Map, Frame_Remap) and attributes. */
#define MICA_VM_READ   0x1u
#define MICA_VM_WRITE  0x2u
#define MICA_VM_EXEC   0x4u
#define MICA_VM_CACHED 0x0u /* attr: normal memory */
#define MICA_VM_DEVICE 0x1u /* attr: device memory, uncached */

/*
 * Invocation labels. Each block names the object type invoked, then the arguments in order.
 * "root" arguments are CNode caps; an (index, depth) pair names a slot below that root the way
 * seL4 does: index is resolved through root, consuming exactly depth bits (see docs/abi.md).
 */
enum mica_label {
    MICA_LABEL_NONE = 0,

    /* Untyped. MR0 type, MR1 size_bits, MR2 node_index, MR3 node_depth, MR4 node_offset,
     * MR5 num_objects, CAP0 root. Objects go into num_objects consecutive empty slots from
     * node_offset of the CNode found at (node_index, node_depth) below root (depth 0: root). */
    MICA_UNTYPED_RETYPE = 1,

    /* CNode (the invoked CNode is the destination root). Copy: MR0 dest_index, MR1 dest_depth,
     * MR2 src_index, MR3 src_depth, MR4 rights, CAP0 src_root. Mint: as Copy plus MR5 badge
     * (guard for CNode caps). Move: MR0-MR3, CAP0 src_root. Mutate: MR0-MR3, MR4 badge,
     * CAP0 src_root. Delete, Revoke: MR0 index, MR1 depth. */
    MICA_CNODE_COPY = 16,
    MICA_CNODE_MINT,
    MICA_CNODE_MOVE,
    MICA_CNODE_MUTATE,
    MICA_CNODE_DELETE,
    MICA_CNODE_REVOKE,

    /* TCB. Configure: MR0 ipc_buffer user address, CAP0 cspace root, CAP1 vspace root,
     * CAP2 ipc_buffer frame (a null cptr leaves that part unchanged).
     * SetPriority / SetMCPriority: MR0 value, CAP0 authority TCB (value <= its MCP).
     * Suspend, Resume: no arguments.
     * ReadRegisters: MR0 first register id, MR1 count; values returned in MR0...
     * WriteRegisters: MR0 resume (0/1), MR1 first register id, MR2 count, MR3... values.
     * BindNotification: CAP0 notification. UnbindNotification: none.
     * SetFaultHandler / SetTimeoutHandler: CAP0 endpoint (null clears). */
    MICA_TCB_CONFIGURE = 32,
    MICA_TCB_SET_PRIORITY,
    MICA_TCB_SET_MC_PRIORITY,
    MICA_TCB_SUSPEND,
    MICA_TCB_RESUME,
    MICA_TCB_READ_REGISTERS,
    MICA_TCB_WRITE_REGISTERS,
    MICA_TCB_BIND_NOTIFICATION,
    MICA_TCB_UNBIND_NOTIFICATION,
    MICA_TCB_SET_FAULT_HANDLER,
    MICA_TCB_SET_TIMEOUT_HANDLER,

    /* SchedControl: Configure: MR0 budget_us, MR1 period_us, MR2 extra_refills, MR3 badge
     * (reported in timeout faults), CAP0 sched context.
     * SchedContext: Bind: CAP0 TCB or notification. Unbind: none. Consumed: returns MR0 = time
     * consumed since the last call, in us. */
    MICA_SCHED_CONTROL_CONFIGURE = 48,
    MICA_SCHED_CONTEXT_BIND,
    MICA_SCHED_CONTEXT_UNBIND,
    MICA_SCHED_CONTEXT_CONSUMED,

    /* IRQControl: Get: MR0 irq, MR1 dest_index, MR2 dest_depth, CAP0 dest root.
     * IRQHandler: SetNotification: CAP0 notification (null clears). Ack: unmask the line.
     * Clear: unbind the notification. SetCPU: MR0 cpu (a started CPU, < bootinfo num_cpus): route
     * the line to it. */
    MICA_IRQ_CONTROL_GET = 64,
    MICA_IRQ_HANDLER_SET_NOTIFICATION,
    MICA_IRQ_HANDLER_ACK,
    MICA_IRQ_HANDLER_CLEAR,
    MICA_IRQ_HANDLER_SET_CPU,

    /* Frame: Map: MR0 vaddr, MR1 rights (MICA_VM_*), MR2 attr, CAP0 vspace. Remap: MR0 rights,
     * MR1 attr (frame must be mapped). Unmap: none. GetAddress: returns MR0 physical address.
     * PageTable: Map: MR0 vaddr, CAP0 vspace (placed at the highest missing level for vaddr).
     * Unmap: none. A missing level is MICA_ERR_FAILED_LOOKUP with MR0 = the missing level. */
    MICA_FRAME_MAP = 80,
    MICA_FRAME_REMAP,
    MICA_FRAME_UNMAP,
    MICA_FRAME_GET_ADDRESS,
    MICA_PAGE_TABLE_MAP,
    MICA_PAGE_TABLE_UNMAP,
};

#endif
