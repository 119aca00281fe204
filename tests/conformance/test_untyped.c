/* SPDX-License-Identifier: MIT */
/* Untyped_Retype: every object type, the argument checks in their documented order, the
 * watermark with alignment, reset on revoke and zeroed objects. */
#include "suite.h"

static mica_error_t retype(mica_cptr_t ut, mica_word_t type, mica_word_t bits, mica_cptr_t slot,
                           mica_word_t num)
{
    return mica_untyped_retype(ut, type, bits, ROOT, 0, 0, slot, num);
}

static void t_retype_each_type(void)
{
    static const struct {
        mica_word_t type, bits;
    } objs[] = {
        {MICA_OBJ_UNTYPED, 12},      {MICA_OBJ_TCB, MICA_TCB_BITS},
        {MICA_OBJ_ENDPOINT, 0},      {MICA_OBJ_NOTIFICATION, 0},
        {MICA_OBJ_CNODE, 4},         {MICA_OBJ_REPLY, 0},
        {MICA_OBJ_SCHED_CONTEXT, 0}, {MICA_OBJ_FRAME, MICA_PAGE_BITS},
    };

    for (unsigned i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
        mica_cptr_t s = env_slot();
        CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), objs[i].type, objs[i].bits, s, 1),
                  MICA_OK);
        CHECK_CAP(s, objs[i].type);
    }
}

static void t_retype_vm_objects(void)
{
    mica_cptr_t s = env_slots(2);

    /* Plain objects on every board, even where nothing can be mapped. */
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_OBJ_VSPACE, MICA_VSPACE_BITS, s, 1),
              MICA_OK);
    CHECK_CAP(s, MICA_OBJ_VSPACE);
    CHECK_INV(MICA_UNTYPED_RETYPE,
              retype(env_pool(), MICA_OBJ_PAGE_TABLE, MICA_PAGE_TABLE_BITS, s + 1, 1), MICA_OK);
    CHECK_CAP(s + 1, MICA_OBJ_PAGE_TABLE);
}

static void t_retype_many(void)
{
    mica_cptr_t s = env_slots(5);

    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_OBJ_ENDPOINT, 0, s, 4), MICA_OK);
    for (unsigned i = 0; i < 4; i++)
        CHECK_CAP(s + i, MICA_OBJ_ENDPOINT);
    CHECK_CAP(s + 4, MICA_CAP_NULL);
}

static void t_retype_bad_type(void)
{
    mica_cptr_t s = env_slot();

    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_OBJ_TYPE_COUNT, 0, s, 1),
              MICA_ERR_INVALID_ARGUMENT);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_CAP_NULL, 0, s, 1),
              MICA_ERR_INVALID_ARGUMENT);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_CAP_IRQ_HANDLER, 0, s, 1),
              MICA_ERR_INVALID_ARGUMENT);
    CHECK_CAP(s, MICA_CAP_NULL);
}

static void t_retype_size_range(void)
{
    mica_cptr_t s = env_slot();

    CHECK_INV(MICA_UNTYPED_RETYPE,
              retype(env_pool(), MICA_OBJ_UNTYPED, MICA_MIN_UNTYPED_BITS - 1, s, 1),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_UNTYPED_RETYPE,
              retype(env_pool(), MICA_OBJ_UNTYPED, MICA_MAX_UNTYPED_BITS + 1, s, 1),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_UNTYPED_RETYPE,
              retype(env_pool(), MICA_OBJ_CNODE, MICA_MAX_CNODE_SLOTS + 1, s, 1), MICA_ERR_RANGE);
    CHECK_INV(MICA_UNTYPED_RETYPE,
              retype(env_pool(), MICA_OBJ_CNODE, MICA_MIN_CNODE_SLOTS - 1, s, 1), MICA_ERR_RANGE);
    CHECK_INV(MICA_UNTYPED_RETYPE,
              retype(env_pool(), MICA_OBJ_FRAME, MICA_MIN_FRAME_BITS - 1, s, 1), MICA_ERR_RANGE);
    CHECK_CAP(s, MICA_CAP_NULL);
    /* The smallest legal sizes work. */
    CHECK_INV(MICA_UNTYPED_RETYPE,
              retype(env_pool(), MICA_OBJ_UNTYPED, MICA_MIN_UNTYPED_BITS, s, 1), MICA_OK);
    CHECK_CAP(s, MICA_OBJ_UNTYPED);
}

/* docs/abi.md: fixed-size types ignore size_bits, whatever it is (it used to be RANGE from 64). */
static void t_retype_fixed_size_ignores_size_bits(void)
{
    mica_cptr_t s = env_slots(3);

    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_OBJ_ENDPOINT, MICA_WORD_BITS, s, 1),
              MICA_OK);
    CHECK_INV(MICA_UNTYPED_RETYPE,
              retype(env_pool(), MICA_OBJ_NOTIFICATION, ~(mica_word_t)0, s + 1, 1), MICA_OK);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_OBJ_TCB, 1000, s + 2, 1), MICA_OK);
    CHECK_CAP(s, MICA_OBJ_ENDPOINT);
    CHECK_CAP(s + 1, MICA_OBJ_NOTIFICATION);
    CHECK_CAP(s + 2, MICA_OBJ_TCB);
}

static void t_retype_num_range(void)
{
    mica_cptr_t s = env_slot();

    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_OBJ_ENDPOINT, 0, s, 0), MICA_ERR_RANGE);
    /* More than 256 objects in one call (docs/abi.md), though the slots exist. */
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_OBJ_ENDPOINT, 0, s, 257),
              MICA_ERR_RANGE);
    /* More objects than the destination CNode has slots. */
    CHECK_INV(MICA_UNTYPED_RETYPE,
              retype(env_pool(), MICA_OBJ_ENDPOINT, 0, s,
                     ((mica_word_t)1 << env_bi->root_cnode_bits) + 1),
              MICA_ERR_RANGE);
    CHECK_CAP(s, MICA_CAP_NULL);
}

static void t_retype_offset_range(void)
{
    mica_word_t slots = (mica_word_t)1 << env_bi->root_cnode_bits;

    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_OBJ_ENDPOINT, 0, slots, 1),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_OBJ_ENDPOINT, 0, slots - 1, 2),
              MICA_ERR_RANGE);
    CHECK_CAP(slots - 1, MICA_CAP_NULL);
}

static void t_retype_dest_occupied(void)
{
    mica_cptr_t s = env_slots(3);

    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_OBJ_NOTIFICATION, 0, s + 1, 1), MICA_OK);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_OBJ_ENDPOINT, 0, s + 1, 1),
              MICA_ERR_DELETE_FIRST);
    CHECK_CAP(s + 1, MICA_OBJ_NOTIFICATION);
    /* Decode checks every slot before anything is created. */
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(env_pool(), MICA_OBJ_ENDPOINT, 0, s, 3),
              MICA_ERR_DELETE_FIRST);
    CHECK_CAP(s, MICA_CAP_NULL);
    CHECK_CAP(s + 2, MICA_CAP_NULL);
}

static void t_retype_not_enough_memory(void)
{
    mica_cptr_t ut = new_untyped(MICA_PAGE_BITS);
    mica_cptr_t s = env_slots(2);

    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_FRAME, MICA_PAGE_BITS, s, 1), MICA_OK);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_ENDPOINT, 0, s + 1, 1),
              MICA_ERR_NOT_ENOUGH_MEMORY);
    CHECK_CAP(s + 1, MICA_CAP_NULL);
    /* An object bigger than the whole untyped. */
    mica_cptr_t ut2 = new_untyped(MICA_PAGE_BITS);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut2, MICA_OBJ_UNTYPED, MICA_PAGE_BITS + 1, s + 1, 1),
              MICA_ERR_NOT_ENOUGH_MEMORY);
    CHECK_CAP(s + 1, MICA_CAP_NULL);
}

static void t_retype_watermark_alignment(void)
{
    mica_cptr_t ut = new_untyped(12);
    mica_cptr_t s = env_slots(3);

    /* 32 bytes used; a 2 KiB object must start at 2 KiB, filling the rest exactly. */
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_ENDPOINT, 0, s, 1), MICA_OK);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_UNTYPED, 11, s + 1, 1), MICA_OK);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_ENDPOINT, 0, s + 2, 1),
              MICA_ERR_NOT_ENOUGH_MEMORY);
    CHECK_CAP(s + 2, MICA_CAP_NULL);
}

static void t_retype_all_or_nothing(void)
{
    mica_cptr_t ut = new_untyped(7); /* room for four 32-byte endpoints */
    mica_cptr_t s = env_slots(5);

    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_ENDPOINT, 0, s, 5),
              MICA_ERR_NOT_ENOUGH_MEMORY);
    for (unsigned i = 0; i < 5; i++)
        CHECK_CAP(s + i, MICA_CAP_NULL);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_ENDPOINT, 0, s, 4), MICA_OK);
    CHECK_CAP(s + 3, MICA_OBJ_ENDPOINT);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_ENDPOINT, 0, s + 4, 1),
              MICA_ERR_NOT_ENOUGH_MEMORY);
}

static void t_retype_frame_addresses(void)
{
    mica_cptr_t ut = new_untyped(MICA_PAGE_BITS + 2);
    mica_cptr_t s = env_slots(2);
    mica_word_t a = 0, b = 0, page = (mica_word_t)1 << MICA_PAGE_BITS;

    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_FRAME, MICA_PAGE_BITS, s, 2), MICA_OK);
    CHECK_INV(MICA_FRAME_GET_ADDRESS, mica_frame_get_address(s, &a), MICA_OK);
    CHECK_INV(MICA_FRAME_GET_ADDRESS, mica_frame_get_address(s + 1, &b), MICA_OK);
    CHECK_EQ(a & (page - 1), 0);
    CHECK_EQ(b, a + page);
    /* Inside the pool, which lies inside the untyped it was carved from. */
    CHECK(a >= env_pool_paddr() &&
          b + page <= env_pool_paddr() + ((mica_word_t)1 << env_pool_bits()));
}

static void t_retype_root_errors(void)
{
    mica_cptr_t ep = new_ep();
    mica_cptr_t s = env_slot();

    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_untyped_retype(env_pool(), MICA_OBJ_ENDPOINT, 0, ep, 0, 0, s, 1),
              MICA_ERR_INVALID_CAPABILITY);
    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_untyped_retype(env_pool(), MICA_OBJ_ENDPOINT, 0, env_slot(), 0, 0, s, 1),
              MICA_ERR_INVALID_CAPABILITY);
    /* An extra-cap cptr that does not resolve (guard mismatch). */
    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_untyped_retype(env_pool(), MICA_OBJ_ENDPOINT, 0,
                                  (mica_cptr_t)1 << (MICA_WORD_BITS - 1), 0, 0, s, 1),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_CAP(s, MICA_CAP_NULL);
}

static void t_retype_into_sub_cnode(void)
{
    mica_cptr_t cn = env_new(MICA_OBJ_CNODE, 4);
    mica_cptr_t out = env_slot();

    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_untyped_retype(env_pool(), MICA_OBJ_NOTIFICATION, 0, ROOT, cn, ROOT_DEPTH, 3, 2),
              MICA_OK);
    /* Copy them back out to look at them. */
    CHECK_INV(MICA_CNODE_COPY, mica_cnode_copy(ROOT, out, ROOT_DEPTH, cn, 4, 4, MICA_RIGHTS_ALL),
              MICA_OK);
    CHECK_CAP(out, MICA_OBJ_NOTIFICATION);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, out, ROOT_DEPTH), MICA_OK);
    CHECK_INV(MICA_CNODE_COPY, mica_cnode_copy(ROOT, out, ROOT_DEPTH, cn, 5, 4, MICA_RIGHTS_ALL),
              MICA_ERR_FAILED_LOOKUP);
    /* node_offset is checked against the sub-CNode's 16 slots. */
    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_untyped_retype(env_pool(), MICA_OBJ_ENDPOINT, 0, ROOT, cn, ROOT_DEPTH, 16, 1),
              MICA_ERR_RANGE);
    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_untyped_retype(env_pool(), MICA_OBJ_ENDPOINT, 0, ROOT, cn, ROOT_DEPTH, 15, 2),
              MICA_ERR_RANGE);
}

static void t_retype_node_lookup(void)
{
    mica_cptr_t ep = new_ep();
    mica_cptr_t s = env_slot();

    /* depth beyond a word */
    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_untyped_retype(env_pool(), MICA_OBJ_ENDPOINT, 0, ROOT, ep, ROOT_DEPTH + 1, 0, 1),
              MICA_ERR_RANGE);
    /* the node is an endpoint, not a CNode */
    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_untyped_retype(env_pool(), MICA_OBJ_ENDPOINT, 0, ROOT, ep, ROOT_DEPTH, 0, 1),
              MICA_ERR_FAILED_LOOKUP);
    /* too few bits to get through the root CNode's guard */
    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_untyped_retype(env_pool(), MICA_OBJ_ENDPOINT, 0, ROOT, s,
                                  env_bi->root_cnode_bits, 0, 1),
              MICA_ERR_FAILED_LOOKUP);
    /* an empty slot */
    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_untyped_retype(env_pool(), MICA_OBJ_ENDPOINT, 0, ROOT, s, ROOT_DEPTH, 0, 1),
              MICA_ERR_FAILED_LOOKUP);
    CHECK_CAP(s, MICA_CAP_NULL);
}

static void t_retype_device_untyped(void)
{
    const struct mica_bootinfo *bi = env_bi;
    mica_cptr_t dev = 0;

    for (mica_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        if (bi->untyped_list[i].is_device && bi->untyped_list[i].size_bits >= MICA_PAGE_BITS &&
            !env_device_in_use(bi->untyped.start + i)) {
            dev = bi->untyped.start + i;
            break;
        }
    }
    if (!dev) {
        tap_skip("board reports no device untyped");
        return;
    }
    mica_cptr_t s = env_slot();
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(dev, MICA_OBJ_TCB, MICA_TCB_BITS, s, 1),
              MICA_ERR_INVALID_ARGUMENT);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(dev, MICA_OBJ_ENDPOINT, 0, s, 1),
              MICA_ERR_INVALID_ARGUMENT);
    CHECK_CAP(s, MICA_CAP_NULL);
    /* Frames from a device untyped are fine; revoking resets it for the next run. */
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(dev, MICA_OBJ_FRAME, MICA_PAGE_BITS, s, 1), MICA_OK);
    CHECK_CAP(s, MICA_OBJ_FRAME);
    CHECK_INV(MICA_CNODE_REVOKE, mica_cnode_revoke(ROOT, dev, ROOT_DEPTH), MICA_OK);
    CHECK_CAP(s, MICA_CAP_NULL);
}

static void t_retype_revoke_first(void)
{
    mica_cptr_t ut = new_untyped(12);
    mica_cptr_t copy = env_slot(), s = env_slot();

    /* A copy of an untyped with no children is allowed; then neither may retype. */
    CHECK_INV(MICA_CNODE_COPY,
              mica_cnode_copy(ROOT, copy, ROOT_DEPTH, ROOT, ut, ROOT_DEPTH, MICA_RIGHTS_ALL),
              MICA_OK);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_ENDPOINT, 0, s, 1), MICA_ERR_REVOKE_FIRST);
    CHECK_CAP(s, MICA_CAP_NULL);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(ROOT, copy, ROOT_DEPTH), MICA_OK);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_ENDPOINT, 0, s, 1), MICA_OK);
    /* An untyped with children cannot be copied. */
    CHECK_INV(MICA_CNODE_COPY,
              mica_cnode_copy(ROOT, copy, ROOT_DEPTH, ROOT, ut, ROOT_DEPTH, MICA_RIGHTS_ALL),
              MICA_ERR_REVOKE_FIRST);
    CHECK_INV(MICA_CNODE_MINT,
              mica_cnode_mint(ROOT, copy, ROOT_DEPTH, ROOT, ut, ROOT_DEPTH, MICA_RIGHTS_ALL, 0),
              MICA_ERR_REVOKE_FIRST);
    CHECK_CAP(copy, MICA_CAP_NULL);
}

static void t_retype_reset_on_revoke(void)
{
    mica_cptr_t ut = new_untyped(MICA_PAGE_BITS);
    mica_cptr_t s = env_slots(2);

    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_FRAME, MICA_PAGE_BITS, s, 1), MICA_OK);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_FRAME, MICA_PAGE_BITS, s + 1, 1),
              MICA_ERR_NOT_ENOUGH_MEMORY);
    CHECK_INV(MICA_CNODE_REVOKE, mica_cnode_revoke(ROOT, ut, ROOT_DEPTH), MICA_OK);
    CHECK_CAP(s, MICA_CAP_NULL);
    CHECK_CAP(ut, MICA_OBJ_UNTYPED);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_FRAME, MICA_PAGE_BITS, s + 1, 1), MICA_OK);
    CHECK_CAP(s + 1, MICA_OBJ_FRAME);
}

static void t_retype_zeroed(void)
{
    mica_cptr_t ut = new_untyped(MICA_NOTIFICATION_BITS);
    mica_cptr_t n = env_slot();
    mica_word_t bits = 0;

    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_NOTIFICATION, 0, n, 1), MICA_OK);
    mica_cptr_t badged = env_mint(n, MICA_RIGHTS_ALL, 0x5a);
    CHECK_SYS(MICA_SYS_SEND, mica_signal(badged), MICA_OK);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, &bits), MICA_OK); /* the bits are kept ... */
    CHECK_EQ(bits, 0x5a);
    CHECK_SYS(MICA_SYS_SEND, mica_signal(badged), MICA_OK); /* ... so leave some pending */
    /* Same memory, new object: the pending bits must be gone. */
    CHECK_INV(MICA_CNODE_REVOKE, mica_cnode_revoke(ROOT, ut, ROOT_DEPTH), MICA_OK);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_NOTIFICATION, 0, n, 1), MICA_OK);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(n, &bits), MICA_ERR_WOULD_BLOCK);
    CHECK_EQ(bits, 0);
}

/* The same after a revoke whose next Retype makes an Untyped: the Untyped child does not zero
 * (its own Retypes will), so it must not leave the parent believing that the memory above it,
 * where the revoked objects lived, is still known to be zero. */
static void t_retype_zeroed_after_untyped(void)
{
    mica_cptr_t ut = new_untyped(MICA_NOTIFICATION_BITS + 1);
    mica_cptr_t s = env_slots(2);
    mica_word_t bits = 0;

    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_UNTYPED, MICA_NOTIFICATION_BITS, s, 1),
              MICA_OK);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_NOTIFICATION, 0, s + 1, 1), MICA_OK);
    CHECK_SYS(MICA_SYS_SEND, mica_signal(env_mint(s + 1, MICA_RIGHTS_ALL, 0x5a)), MICA_OK);
    CHECK_INV(MICA_CNODE_REVOKE, mica_cnode_revoke(ROOT, ut, ROOT_DEPTH), MICA_OK);
    /* Same layout again: the new notification is where the old one was. */
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_UNTYPED, MICA_NOTIFICATION_BITS, s, 1),
              MICA_OK);
    CHECK_INV(MICA_UNTYPED_RETYPE, retype(ut, MICA_OBJ_NOTIFICATION, 0, s + 1, 1), MICA_OK);
    CHECK_SYS(MICA_SYS_NBRECV, mica_poll(s + 1, &bits), MICA_ERR_WOULD_BLOCK);
    CHECK_EQ(bits, 0);
}

static void t_retype_truncated(void)
{
    mica_word_t mr[6] = {MICA_OBJ_ENDPOINT, 0, 0, 0, env_slot(), 1};
    mica_cptr_t caps[1] = {ROOT};

    CHECK_INV(MICA_UNTYPED_RETYPE, mica_invoke(env_pool(), MICA_UNTYPED_RETYPE, 5, mr, 1, caps, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_INV(MICA_UNTYPED_RETYPE, mica_invoke(env_pool(), MICA_UNTYPED_RETYPE, 6, mr, 0, caps, 0),
              MICA_ERR_TRUNCATED_MESSAGE);
    CHECK_CAP(mr[4], MICA_CAP_NULL);
    CHECK_INV(MICA_UNTYPED_RETYPE, mica_invoke(env_pool(), MICA_UNTYPED_RETYPE, 6, mr, 1, caps, 0),
              MICA_OK);
    CHECK_CAP(mr[4], MICA_OBJ_ENDPOINT);
}

static void t_retype_wrong_object(void)
{
    mica_cptr_t s = env_slot();
    /* Not an endpoint, notification or reply: for those a Call is IPC, not an invocation. */
    mica_cptr_t n = MICA_INIT_IPC_BUFFER;

    /* Retype on something that is not an Untyped; CNode labels on an Untyped. */
    CHECK_INV(MICA_UNTYPED_RETYPE,
              mica_untyped_retype(MICA_INIT_TCB, MICA_OBJ_ENDPOINT, 0, ROOT, 0, 0, s, 1),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_UNTYPED_RETYPE, mica_untyped_retype(n, MICA_OBJ_ENDPOINT, 0, ROOT, 0, 0, s, 1),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_CNODE_DELETE, mica_cnode_delete(env_pool(), s, ROOT_DEPTH),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_INV(MICA_UNTYPED_RETYPE, mica_invoke(env_pool(), 1000, 0, 0, 0, 0, 0),
              MICA_ERR_ILLEGAL_OPERATION);
    CHECK_CAP(s, MICA_CAP_NULL);
}

const struct tap_test untyped_tests[] = {
    TEST(t_retype_each_type, "untyped: retype into every non-VM object type",
         INV(MICA_UNTYPED_RETYPE, MICA_OK)),
    TEST(t_retype_vm_objects, "untyped: retype VSpace and PageTable",
         INV(MICA_UNTYPED_RETYPE, MICA_OK)),
    TEST(t_retype_many, "untyped: retype several objects into consecutive slots",
         INV(MICA_UNTYPED_RETYPE, MICA_OK)),
    TEST(t_retype_bad_type, "untyped: unknown object types",
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_INVALID_ARGUMENT)),
    TEST(t_retype_fixed_size_ignores_size_bits, "untyped: fixed-size types ignore size_bits",
         INV(MICA_UNTYPED_RETYPE, MICA_OK)),
    TEST(t_retype_size_range, "untyped: size_bits outside each type's range",
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_RANGE), INV(MICA_UNTYPED_RETYPE, MICA_OK)),
    TEST(t_retype_num_range, "untyped: zero or too many objects",
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_RANGE)),
    TEST(t_retype_offset_range, "untyped: node_offset beyond the destination CNode",
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_RANGE)),
    TEST(t_retype_dest_occupied, "untyped: occupied destination slot, nothing created",
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_DELETE_FIRST)),
    TEST(t_retype_not_enough_memory, "untyped: not enough memory left",
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_NOT_ENOUGH_MEMORY)),
    TEST(t_retype_watermark_alignment, "untyped: watermark aligns each object to its size",
         INV(MICA_UNTYPED_RETYPE, MICA_OK), INV(MICA_UNTYPED_RETYPE, MICA_ERR_NOT_ENOUGH_MEMORY)),
    TEST(t_retype_all_or_nothing, "untyped: a retype that does not fit creates nothing",
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_NOT_ENOUGH_MEMORY), INV(MICA_UNTYPED_RETYPE, MICA_OK)),
    TEST(t_retype_frame_addresses, "untyped: frames are consecutive, aligned, inside the untyped",
         INV(MICA_FRAME_GET_ADDRESS, MICA_OK)),
    TEST(t_retype_root_errors, "untyped: root argument not a CNode or unresolvable",
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_INVALID_CAPABILITY),
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_FAILED_LOOKUP)),
    TEST(t_retype_into_sub_cnode, "untyped: objects into a CNode named by (index, depth)",
         INV(MICA_UNTYPED_RETYPE, MICA_OK), INV(MICA_UNTYPED_RETYPE, MICA_ERR_RANGE)),
    TEST(t_retype_node_lookup, "untyped: destination CNode lookup failures",
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_RANGE),
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_FAILED_LOOKUP)),
    TEST(t_retype_device_untyped, "untyped: device untyped only makes frames",
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_INVALID_ARGUMENT), INV(MICA_UNTYPED_RETYPE, MICA_OK)),
    TEST(t_retype_revoke_first, "untyped: copies and children exclude each other",
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_REVOKE_FIRST),
         INV(MICA_CNODE_COPY, MICA_ERR_REVOKE_FIRST), INV(MICA_CNODE_MINT, MICA_ERR_REVOKE_FIRST)),
    TEST(t_retype_reset_on_revoke, "untyped: revoke deletes children and resets the watermark",
         INV(MICA_UNTYPED_RETYPE, MICA_OK), INV(MICA_CNODE_REVOKE, MICA_OK)),
    TEST(t_retype_zeroed, "untyped: new objects start zeroed",
         SYS(MICA_SYS_NBRECV, MICA_ERR_WOULD_BLOCK)),
    TEST(t_retype_zeroed_after_untyped,
         "untyped: objects start zeroed after a revoke when an Untyped is made first",
         SYS(MICA_SYS_NBRECV, MICA_ERR_WOULD_BLOCK)),
    TEST(t_retype_truncated, "untyped: too few message registers or caps",
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_TRUNCATED_MESSAGE)),
    TEST(t_retype_wrong_object, "untyped: labels on the wrong object type",
         INV(MICA_UNTYPED_RETYPE, MICA_ERR_ILLEGAL_OPERATION),
         INV(MICA_CNODE_DELETE, MICA_ERR_ILLEGAL_OPERATION)),
};
DEFINE_COUNT(untyped);
