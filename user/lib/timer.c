/* SPDX-License-Identifier: MIT */
/*
 * Timeouts on scheduling contexts (<mica/timer.h>). A sleeper's state word is the only thing its
 * owner and it both write, with compare-and-swap: armed -> fired (the sleeper, before it signals)
 * races armed -> cancelled (the owner), so exactly one of "signal" and "cancelled" happens. The
 * word also counts the timeouts the sleeper took (a generation, in the bits above the state), so
 * a handle can never cancel the next timeout of the same sleeper.
 */
#include <mica/timer.h>

enum { ST_IDLE, ST_ARMED, ST_FIRED, ST_CANCELLED };
#define ST_BITS       2
#define ST_MASK       3
#define STATE(w)      ((w)&ST_MASK)
#define WORD(gen, st) (((mica_word_t)(gen) << ST_BITS) | (st))

static bool cas(volatile mica_word_t *p, mica_word_t from, mica_word_t to)
{
    return __atomic_compare_exchange_n(p, &from, to, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* Spend MICA_TIMER_SPIN_US of the context's budget, unless the sleeper's word changes (its timeout
 * was cancelled, or replaced by the next one). The kernel allows no more than that budget per
 * period, so by the time we have it all the period has rolled over at least once: the timeout is
 * over. We spin on Poll (a syscall, so that hosted's time moves, and one that charges nothing
 * itself). SchedContext_Consumed reports whole microseconds and restarts from zero, so asking
 * after every poll would round everything away where a poll is quick (under QEMU -icount, a
 * poll is a fraction of a microsecond); asking after too many would make no progress per period
 * where polls are slow (QEMU on host time): the batch starts at one poll and doubles while
 * nothing was counted. Returns whether the budget was spent with the word unchanged. */
#define SPIN_BATCH_MAX 64

static bool spend_budget(struct mica_sleeper *s, mica_word_t w)
{
    mica_word_t used = 0, us;
    unsigned batch = 1;

    mica_sched_context_consumed(s->thread.sc, &us); /* from now on */
    while (used < MICA_TIMER_SPIN_US) {
        for (unsigned i = 0; i < batch; i++) {
            if (s->st != w)
                return false;
            mica_poll(s->go, 0); /* a new timeout's signal: we see its word anyway */
        }
        if (mica_sched_context_consumed(s->thread.sc, &us) != MICA_OK)
            continue;
        if (!us && batch < SPIN_BATCH_MAX)
            batch *= 2;
        used += us;
    }
    return true;
}

/* Times the armed timeout in the word, again and again until the word says there is none. The
 * target is read before the word is claimed: the owner may give the sleeper its next timeout (a
 * new target) as soon as it is no longer armed. */
static void sleeper(mica_word_t arg)
{
    struct mica_sleeper *s = (struct mica_sleeper *)arg;

    for (;;) {
        mica_word_t w = s->st;
        if (STATE(w) != ST_ARMED) {
            if (STATE(w) == ST_CANCELLED)
                cas(&s->st, w, WORD(w >> ST_BITS, ST_IDLE));
            mica_wait(s->go, 0);
            continue;
        }
        if (!spend_budget(s, w))
            continue;
        mica_cptr_t target = s->target;
        if (cas(&s->st, w, w + (ST_FIRED - ST_ARMED))) {
            mica_signal(target);
            cas(&s->st, w + (ST_FIRED - ST_ARMED), WORD(w >> ST_BITS, ST_IDLE));
        }
    }
}

mica_error_t mica_timer_init(struct mica_timer *tm, struct mica_env *env, unsigned priority,
                             unsigned nsleepers)
{
    struct mica_thread_attr attr = {
        .priority = priority,
        .budget_us = MICA_TIMER_SPIN_US,
    };
    mica_error_t err;

    *tm = (struct mica_timer){.env = env};
    if (nsleepers > MICA_TIMER_MAX_SLEEPERS)
        nsleepers = MICA_TIMER_MAX_SLEEPERS;
    if ((err = mica_alloc_object(&env->alloc, MICA_OBJ_NOTIFICATION, 0, &tm->sleep_ntfn)))
        return err;
    /* An MPU VSpace has a few regions only: a stack and an IPC buffer per sleeper would take two
     * each. One block instead: the IPC buffer its first page (shared: sleepers only signal, wait
     * and read their budget, all in registers), their stacks above it. */
    bool mpu = env->flags & MICA_BOOT_FLAG_MPU;
    if (mpu && nsleepers &&
        (err = mica_vspace_alloc(
             &env->vspace, ((mica_word_t)1 << MICA_PAGE_BITS) + nsleepers * MICA_TIMER_MPU_STACK,
             MICA_VM_READ | MICA_VM_WRITE, false, &tm->mpu_block)))
        return err;
    for (tm->n = 0; tm->n < nsleepers; tm->n++) {
        struct mica_sleeper *s = &tm->s[tm->n];
        s->timer = tm;
        if (mpu) {
            attr.ipc_frame = tm->mpu_block.frames;
            attr.ipc_vaddr = tm->mpu_block.vaddr;
            attr.stack = (char *)tm->mpu_block.ptr + ((mica_word_t)1 << MICA_PAGE_BITS) +
                         tm->n * MICA_TIMER_MPU_STACK;
            attr.stack_size = MICA_TIMER_MPU_STACK;
        }
        if ((err = mica_alloc_object(&env->alloc, MICA_OBJ_NOTIFICATION, 0, &s->go)) ||
            (err = mica_thread_create(&s->thread, env, &attr, sleeper, (mica_word_t)s)))
            return err;
    }
    return MICA_OK;
}

/* Any sleeper not timing a live timeout will do: idle, cancelled (it may still be spinning on the
 * old one; it sees the new word and starts again), or fired (it read its target already). */
mica_error_t mica_timer_after(struct mica_timer *tm, mica_word_t us, mica_cptr_t ntfn, int *handle)
{
    for (unsigned i = 0; i < tm->n; i++) {
        struct mica_sleeper *s = &tm->s[i];
        mica_word_t w = s->st, gen = (w >> ST_BITS) + 1;
        if (STATE(w) == ST_ARMED)
            continue;
        s->target = ntfn;
        s->us = us;
        if (!cas(&s->st, w, WORD(gen, ST_ARMED)))
            continue;
        /* Budget now, the next only `us` after now. A timeout within the budget itself is a
         * round-robin context: spending the budget takes longer than the timeout. */
        mica_word_t budget = MICA_TIMER_SPIN_US, period = us > budget ? us : budget;
        mica_error_t err = mica_sched_control_configure(tm->env->sched_control, s->thread.sc,
                                                        budget, period, 0, 0);
        if (err) {
            cas(&s->st, WORD(gen, ST_ARMED), WORD(gen, ST_IDLE));
            return err;
        }
        /* The handle: sleeper index in the low byte, the generation above. */
        *handle = (int)(((gen & 0x7fffff) << 8) | (i + 1));
        return mica_signal(s->go);
    }
    return MICA_ERR_NOT_ENOUGH_MEMORY;
}

bool mica_timer_cancel(struct mica_timer *tm, int handle)
{
    unsigned i = (unsigned)handle & 0xff;
    mica_word_t gen = (mica_word_t)handle >> 8;

    if (handle <= 0 || i < 1 || i > tm->n)
        return false;
    struct mica_sleeper *s = &tm->s[i - 1];
    mica_word_t w = s->st;
    if (((w >> ST_BITS) & 0x7fffff) != gen || STATE(w) != ST_ARMED ||
        !cas(&s->st, w, w + (ST_CANCELLED - ST_ARMED)))
        return false;
    /* Release it if the kernel holds it until its next period: a fresh budget, now. */
    mica_sched_control_configure(tm->env->sched_control, s->thread.sc, MICA_TIMER_SPIN_US,
                                 MICA_TIMER_SPIN_US, 0, 0);
    return true;
}

mica_error_t mica_sleep_us(struct mica_timer *tm, mica_word_t us)
{
    int h;
    mica_error_t err = mica_timer_after(tm, us, tm->sleep_ntfn, &h);

    return err ? err : mica_wait(tm->sleep_ntfn, 0);
}

mica_error_t mica_timeout_init(struct mica_timeout *to, struct mica_timer *tm, mica_cptr_t ntfn,
                               mica_word_t bit)
{
    *to = (struct mica_timeout){.timer = tm, .wait = ntfn, .bit = bit};
    to->signal = mica_alloc_mint(&tm->env->alloc, ntfn, MICA_RIGHT_WRITE, bit);
    return to->signal ? MICA_OK : MICA_ERR_RANGE;
}

mica_error_t mica_timed_wait(struct mica_timeout *to, mica_word_t us, mica_word_t *bits)
{
    mica_word_t got = 0, more;
    int h;
    mica_error_t err = mica_timer_after(to->timer, us, to->signal, &h);

    if (err || (err = mica_wait(to->wait, &got)))
        return err;
    if (!(got & to->bit) && !mica_timer_cancel(to->timer, h)) {
        /* It fired as the event came: take its signal now, or a later wait would see it. */
        do {
            if ((err = mica_wait(to->wait, &more)))
                return err;
            got |= more;
        } while (!(more & to->bit));
        got &= ~to->bit;
        *bits = got;
        return MICA_OK;
    }
    *bits = got & ~to->bit;
    return *bits ? MICA_OK : MICA_ERR_WOULD_BLOCK;
}
