/* SPDX-License-Identifier: MIT */
/*
 * The example vendor's check of Mica's manners, as a root task: every Untyped it was given lies
 * clear of the firmware's memory; it then retypes every byte of RAM it was given (Retype zeroes
 * what it hands out) and, once that is done, fires the dual timer (the device range the firmware
 * gave user space), whose interrupt is the firmware's: its handler checks the canaries and stops
 * the timer, which this task waits for.
 */
#include <mica/invoke.h>
#include <mica/user.h>

#include "../platform.h"

#define DEPTH     MICA_WORD_BITS
#define CNODE_MAX (MICA_MAX_CNODE_SLOTS + MICA_SLOT_BITS) /* log2 bytes of the largest CNode */
#define WAIT_MAX  10000000u

static const struct mica_untyped_desc *desc(const struct mica_bootinfo *bi, mica_cptr_t ut)
{
    return &bi->untyped_list[ut - bi->untyped.start];
}

static int overlaps(mica_word_t base, mica_word_t end, mica_word_t lo, mica_word_t hi)
{
    return base < hi && lo < end;
}

/* Untypeds that reach into memory the firmware kept: its image, and the canaries. */
static unsigned check_untypeds(const struct mica_bootinfo *bi)
{
    unsigned bad = 0;

    for (mica_cptr_t ut = bi->untyped.start; ut < bi->untyped.end; ut++) {
        mica_word_t base = desc(bi, ut)->paddr, end = base + (1ul << desc(bi, ut)->size_bits);
        if (overlaps(base, end, VENDOR_CODE, VENDOR_ROOT_SLOT) ||
            overlaps(base, end, VENDOR_CANARY_A, VENDOR_CANARY_A + VENDOR_PAGE) ||
            overlaps(base, end, VENDOR_CANARY_B, VENDOR_CANARY_B + VENDOR_PAGE) ||
            overlaps(base, end, VENDOR_UART, VENDOR_UART + VENDOR_PAGE)) {
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

/* The dual timer's device Untyped as a frame, mapped where it is (an MPU maps a frame only at its
 * own address). */
static volatile uint32_t *map_dual_timer(const struct mica_bootinfo *bi)
{
    mica_cptr_t frame = bi->empty.start, dev = 0;

    for (mica_cptr_t ut = bi->untyped.start; ut < bi->untyped.end; ut++)
        if (desc(bi, ut)->is_device && desc(bi, ut)->paddr == VENDOR_DUAL)
            dev = ut;
    if (!dev) {
        mica_printf("canary: no device untyped at the dual timer %lx\n", VENDOR_DUAL);
        return 0;
    }
    mica_error_t err =
        mica_untyped_retype(dev, MICA_OBJ_FRAME, MICA_PAGE_BITS, MICA_INIT_CNODE, 0, 0, frame, 1);
    if (!err)
        err = mica_frame_map(frame, MICA_INIT_VSPACE, VENDOR_DUAL, MICA_VM_READ | MICA_VM_WRITE,
                             MICA_VM_DEVICE);
    if (err) {
        mica_printf("canary: mapping the dual timer: error %d\n", err);
        return 0;
    }
    return (volatile uint32_t *)VENDOR_DUAL;
}

/* IRQControl hands out the NVIC lines whose vector is Mica's (the expansion peripherals', from 32
 * on), never the firmware's: the dual timer's line 5 is RANGE. */
static unsigned check_lines(const struct mica_bootinfo *bi)
{
    mica_cptr_t slot = bi->empty.start;
    mica_error_t mine =
        mica_irq_control_get(MICA_INIT_IRQ_CONTROL, VENDOR_MICA_IRQ, MICA_INIT_CNODE, slot, DEPTH);
    mica_error_t firmware = mica_irq_control_get(MICA_INIT_IRQ_CONTROL, VENDOR_DUAL_IRQ,
                                                 MICA_INIT_CNODE, slot + 1, DEPTH);

    if (!mine)
        mine = mica_cnode_delete(MICA_INIT_CNODE, slot, DEPTH);
    mica_printf("canary: IRQControl: Mica's line %d: error %d, the firmware's line %d: error %d\n",
                VENDOR_MICA_IRQ, mine, VENDOR_DUAL_IRQ, firmware);
    return (mine != MICA_OK) + (firmware != MICA_ERR_RANGE);
}

int mica_main(const struct mica_bootinfo *bi)
{
    unsigned errors = 0;

    mica_printf("canary: root task on %s, %lu untyped caps\n", bi->board,
                (unsigned long)(bi->untyped.end - bi->untyped.start));
    errors += check_untypeds(bi);
    errors += check_lines(bi);
    unsigned long zeroed = zero_all(bi, &errors);
    mica_printf("canary: retyped and zeroed %lu KiB, all the RAM Mica gave me\n", zeroed >> 10);
    volatile uint32_t *dual = map_dual_timer(bi);
    if (!dual)
        return 2;
    mica_printf("canary: firing the firmware's dual timer interrupt\n");
    dual[DUAL_T2_CONTROL] = 0;
    dual[DUAL_T2_LOAD] = 100;
    dual[DUAL_T2_CONTROL] = DUAL_ONESHOT;
    unsigned spins = 0;
    while ((dual[DUAL_T2_CONTROL] & DUAL_ENABLE) && spins < WAIT_MAX)
        spins++;
    if (spins == WAIT_MAX) {
        mica_printf("canary: the firmware's handler never stopped the timer\n");
        errors++;
    }
    mica_printf("canary: done, %u errors\n", errors);
    return errors ? 1 : 0;
}
