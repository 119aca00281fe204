/* SPDX-License-Identifier: MIT */
/*
 * The example vendor's check of Mica's manners, as a root task: every Untyped it was given lies
 * clear of the firmware's memory; it then retypes every byte of RAM it was given (Retype zeroes
 * what it hands out) and, once that is done, rings the firmware's doorbell (msip, the device range
 * the firmware gave user space), whose M-mode handler checks the canaries next to that RAM.
 */
#include <mica/invoke.h>
#include <mica/user.h>

#include "../platform.h"

#define DEPTH       MICA_WORD_BITS
#define CNODE_MAX   (MICA_MAX_CNODE_SLOTS + MICA_SLOT_BITS) /* log2 bytes of the largest CNode */
#define DOORBELL_VA 0x40000000ul

static const struct mica_untyped_desc *desc(const struct mica_bootinfo *bi, mica_cptr_t ut)
{
    return &bi->untyped_list[ut - bi->untyped.start];
}

static int overlaps(mica_word_t base, mica_word_t end, mica_word_t lo, mica_word_t hi)
{
    return base < hi && lo < end;
}

/* Untypeds that reach into memory the firmware kept: its first page (the reset vector), canary A,
 * and the hole with canary B and the slot. */
static unsigned check_untypeds(const struct mica_bootinfo *bi)
{
    unsigned bad = 0;

    for (mica_cptr_t ut = bi->untyped.start; ut < bi->untyped.end; ut++) {
        mica_word_t base = desc(bi, ut)->paddr, end = base + (1ul << desc(bi, ut)->size_bits);
        if (desc(bi, ut)->is_device)
            continue;
        if (overlaps(base, end, VENDOR_RAM_A, VENDOR_RAM_A + VENDOR_PAGE) ||
            overlaps(base, end, VENDOR_CANARY_A, VENDOR_CANARY_A + VENDOR_PAGE) ||
            overlaps(base, end, VENDOR_CANARY_B, VENDOR_RAM_B)) {
            mica_printf("canary: untyped %lx..%lx reaches the firmware's memory\n",
                        (unsigned long)base, (unsigned long)end);
            bad++;
        }
    }
    return bad;
}

/* Retype every RAM Untyped into the largest CNodes that fit (Retype zeroes them), then revoke it
 * (the slots come back). Returns the bytes zeroed; untypeds smaller than a CNode are left. */
static unsigned long zero_all(const struct mica_bootinfo *bi, unsigned *errors)
{
    unsigned long zeroed = 0;

    for (mica_cptr_t ut = bi->untyped.start; ut < bi->untyped.end; ut++) {
        unsigned bits = desc(bi, ut)->size_bits;
        if (desc(bi, ut)->is_device || bits < MICA_SLOT_BITS + MICA_MIN_CNODE_SLOTS)
            continue;
        unsigned obj = bits < CNODE_MAX ? bits : CNODE_MAX;
        mica_word_t count = 1ul << (bits - obj);
        mica_error_t err = mica_untyped_retype(ut, MICA_OBJ_CNODE, obj - MICA_SLOT_BITS,
                                               MICA_INIT_CNODE, 0, 0, bi->empty.start, count);
        if (!err)
            err = mica_cnode_revoke(MICA_INIT_CNODE, ut, DEPTH);
        if (err) {
            mica_printf("canary: retyping untyped %lu (2^%u bytes): error %d\n", (unsigned long)ut,
                        bits, err);
            (*errors)++;
            continue;
        }
        zeroed += 1ul << bits;
    }
    return zeroed;
}

/* The device Untyped of the doorbell page, as a frame mapped at DOORBELL_VA. */
static volatile uint32_t *map_doorbell(const struct mica_bootinfo *bi)
{
    mica_cptr_t frame = bi->empty.start, pt = frame + 1, dev = 0, ram = 0;

    for (mica_cptr_t ut = bi->untyped.start; ut < bi->untyped.end; ut++) {
        if (desc(bi, ut)->is_device && desc(bi, ut)->paddr == VENDOR_DOORBELL)
            dev = ut;
        if (!desc(bi, ut)->is_device && desc(bi, ut)->size_bits >= MICA_PAGE_TABLE_BITS)
            ram = ut;
    }
    if (!dev || !ram) {
        mica_printf("canary: no device untyped at the doorbell %lx\n", VENDOR_DOORBELL);
        return 0;
    }
    mica_error_t err =
        mica_untyped_retype(dev, MICA_OBJ_FRAME, MICA_PAGE_BITS, MICA_INIT_CNODE, 0, 0, frame, 1);
    for (unsigned tries = 0; !err && tries < 4; tries++) {
        err = mica_frame_map(frame, MICA_INIT_VSPACE, DOORBELL_VA, MICA_VM_READ | MICA_VM_WRITE,
                             MICA_VM_DEVICE);
        if (err != MICA_ERR_FAILED_LOOKUP)
            break;
        err = mica_untyped_retype(ram, MICA_OBJ_PAGE_TABLE, 0, MICA_INIT_CNODE, 0, 0, pt, 1);
        if (!err)
            err = mica_page_table_map(pt++, MICA_INIT_VSPACE, DOORBELL_VA);
    }
    if (err) {
        mica_printf("canary: mapping the doorbell: error %d\n", err);
        return 0;
    }
    return (volatile uint32_t *)DOORBELL_VA;
}

int mica_main(const struct mica_bootinfo *bi)
{
    unsigned errors = 0;

    mica_printf("canary: root task on %s, %lu untyped caps\n", bi->board,
                (unsigned long)(bi->untyped.end - bi->untyped.start));
    errors += check_untypeds(bi);
    unsigned long zeroed = zero_all(bi, &errors);
    mica_printf("canary: retyped and zeroed %lu KiB, all the RAM Mica gave me\n", zeroed >> 10);
    volatile uint32_t *doorbell = map_doorbell(bi);
    if (!doorbell)
        return 2;
    mica_printf("canary: ringing the firmware's doorbell\n");
    *doorbell = 1;
    mica_printf("canary: done, %u errors\n", errors);
    return errors ? 1 : 0;
}
