/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks, run as the root task. Each figure is the median over BATCHES batches of the mean
 * time of one operation within a batch of BATCH operations, so the clock's own cost is spread
 * out. The clock is the arch's mica_clock(): ns of the host's CLOCK_MONOTONIC on hosted,
 * instructions retired (rdinstret) on riscv64, the PMU cycle counter (PMCCNTR_EL0) on aarch64;
 * -icount makes both exact instruction counts. On armv8m, timer 1 of the CMSDK dual timer, which
 * this program maps and starts (clock_setup): 50 instructions per tick under -icount shift=0.
 */
#include <stdbool.h>
#include <string.h>

#include <mica/invoke.h>
#include <mica/user.h>

#define BATCH     200
#define BATCHES   301
#define STACK     (16 * 1024)
#define DEPTH     MICA_WORD_BITS
#define ROOT_PRIO 100 /* below the partners, so that a wake-up switches to them */

static char stack_a[STACK] __attribute__((aligned(16))),
    stack_b[STACK] __attribute__((aligned(16)));
static mica_cptr_t ep, reply, ntfn, tcb_a, buf_a, sc_a, tcb_b, sc_b, ut, next_slot;
static const struct mica_bootinfo *boot;

/* This program's pages, from the user link script where it gives them (riscv64, aarch64,
 * armv8m). */
extern char __mica_image_start[] __attribute__((weak)), __mica_data_start[] __attribute__((weak)),
    __mica_image_end[] __attribute__((weak));
/* armv8m's mica_clock reads the counter this names (user/arch/armv8m/clock.c). */
extern volatile const uint32_t *mica_clock_counter __attribute__((weak));
static uint64_t samples[BATCHES];

static void sort(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

/* Record batch b's per-operation time in tenths of a clock unit. */
static void record(unsigned b, uint64_t t0, uint64_t t1, unsigned ops)
{
    samples[b] = (t1 - t0) * 10 / ops;
}

static void report_in(const char *name, const char *unit, const char *what)
{
    sort(samples, BATCHES);
    uint64_t med = samples[BATCHES / 2];
    mica_printf("bench: %-28s median %4lu.%lu %s  (min %lu.%lu, max %lu.%lu)  %s\n", name,
                (unsigned long)(med / 10), (unsigned long)(med % 10), unit,
                (unsigned long)(samples[0] / 10), (unsigned long)(samples[0] % 10),
                (unsigned long)(samples[BATCHES - 1] / 10),
                (unsigned long)(samples[BATCHES - 1] % 10), what);
}

static void report(const char *name, const char *what)
{
    report_in(name, mica_clock_unit, what);
}

/* Raw syscalls: MR0..3 stay in registers, nothing goes through the IPC buffer. The server
 * answers with reply_info (a message of the length the round trip measures). */
static volatile mica_word_t reply_info;

static void server(mica_word_t arg)
{
    struct mica_regs r = {{ep, 0, 0, 0, 0, 0, reply, MICA_SYS_RECV}};

    (void)arg;
    mica_syscall(&r);
    for (;;) {
        r.r[0] = ep;
        r.r[1] = reply_info;
        r.r[2]++;
        r.r[6] = reply;
        r.r[7] = MICA_SYS_REPLY_RECV;
        mica_syscall(&r);
    }
}

static void waiter(mica_word_t arg)
{
    (void)arg;
    for (;;)
        mica_wait(ntfn, NULL);
}

static void yielder(mica_word_t arg)
{
    (void)arg;
    for (;;)
        mica_yield();
}

/* Where tcb_a's IPC buffer is: mapped after the boot-info frame on MMU boards (the driver's
 * invocations use it), elsewhere the frame's own address (mapped there on MPU boards; set up in
 * mica_main). */
static mica_word_t buf_addr;

static int start(void (*fn)(mica_word_t), mica_word_t prio)
{
    mica_word_t regs[2] = {(mica_word_t)fn, (mica_word_t)(stack_a + STACK)};

    if (mica_tcb_configure(tcb_a, MICA_INIT_CNODE, MICA_INIT_VSPACE, buf_addr, buf_a) ||
        mica_tcb_set_priority(tcb_a, MICA_INIT_TCB, prio) ||
        mica_tcb_write_registers(tcb_a, 1, MICA_REG_PC, 2, regs))
        return -1;
    return 0;
}

/* The largest RAM untyped of at least 2^bits bytes, or 0. */
static mica_cptr_t big_untyped(unsigned bits)
{
    mica_cptr_t best = 0;
    unsigned best_bits = 0;

    for (mica_word_t i = 0; i < boot->untyped.end - boot->untyped.start; i++) {
        const struct mica_untyped_desc *d = &boot->untyped_list[i];
        if (!d->is_device && d->size_bits >= bits && d->size_bits > best_bits)
            best = boot->untyped.start + i, best_bits = d->size_bits;
    }
    return best;
}

/* Map a copy of frame cap f at vaddr in vspace vs, adding page tables as the walk asks. */
static mica_error_t map_copy(mica_cptr_t f, mica_cptr_t vs, mica_word_t vaddr, mica_word_t rights)
{
    mica_cptr_t copy = next_slot++;
    mica_error_t err =
        mica_cnode_copy(MICA_INIT_CNODE, copy, DEPTH, MICA_INIT_CNODE, f, DEPTH, MICA_RIGHTS_ALL);

    for (int tries = 0; !err && tries < 4; tries++) {
        err = mica_frame_map(copy, vs, vaddr, rights, MICA_VM_CACHED);
        if (err != MICA_ERR_FAILED_LOOKUP)
            break;
        mica_cptr_t pt = next_slot++;
        if (!(err = mica_untyped_retype(ut, MICA_OBJ_PAGE_TABLE, 0, MICA_INIT_CNODE, 0, 0, pt, 1)))
            err = mica_page_table_map(pt, vs, vaddr);
    }
    return err;
}

/*
 * MPU: the same from the boot frame caps of any size, each at its own address (user_frames: the
 * image's segments, then the root's stack, which the server does not use but may share).
 */
static mica_cptr_t second_vspace_mpu(mica_cptr_t vs)
{
    for (mica_cptr_t f = boot->user_frames.start; f < boot->user_frames.end; f++) {
        mica_word_t pa;
        if (mica_frame_get_address(f, &pa))
            return 0;
        mica_word_t rights = pa < (mica_word_t)__mica_data_start ? MICA_VM_READ | MICA_VM_EXEC
                                                                 : MICA_VM_READ | MICA_VM_WRITE;
        if (map_copy(f, vs, pa, rights))
            return 0;
    }
    return vs;
}

/*
 * A second address space holding this program's image at the same addresses (copies of the boot
 * frame caps, which come first in bi->user_frames, one per page from __mica_image_start): code
 * read-execute, data read-write, shared with the root. Needs an MMU or MPU over real memory.
 */
static mica_cptr_t second_vspace(void)
{
    const mica_word_t page = (mica_word_t)1 << MICA_PAGE_BITS;
    mica_cptr_t vs = next_slot++;
    mica_word_t va = (mica_word_t)__mica_image_start;

    if (!(boot->flags & (MICA_BOOT_FLAG_MMU | MICA_BOOT_FLAG_MPU)) ||
        !(boot->flags & MICA_BOOT_FLAG_REAL_MEM) || !__mica_image_start ||
        mica_untyped_retype(ut, MICA_OBJ_VSPACE, 0, MICA_INIT_CNODE, 0, 0, vs, 1))
        return 0;
    if (boot->flags & MICA_BOOT_FLAG_MPU)
        return second_vspace_mpu(vs);
    for (mica_cptr_t f = boot->user_frames.start; va < (mica_word_t)__mica_image_end; f++) {
        mica_word_t rights = va < (mica_word_t)__mica_data_start ? MICA_VM_READ | MICA_VM_EXEC
                                                                 : MICA_VM_READ | MICA_VM_WRITE;
        if (f == boot->user_frames.end || map_copy(f, vs, va, rights))
            return 0;
        va += page;
    }
    return vs;
}

/* The server thread (tcb_a) in the root's address space or, cross, in the second one, at
 * priority 200, started; passive: then it gives up sc_a once it waits in Recv. */
static bool server_start(bool cross, bool passive)
{
    static mica_cptr_t vs;
    mica_word_t regs[2] = {(mica_word_t)server, (mica_word_t)(stack_a + STACK)};
    mica_word_t addr = buf_addr;

    if (cross) {
        if (!vs)
            vs = second_vspace();
        if (!vs || mica_frame_get_address(buf_a, &addr))
            return false;
    }
    if (mica_tcb_configure(tcb_a, MICA_INIT_CNODE, cross ? vs : MICA_INIT_VSPACE, addr, buf_a) ||
        mica_tcb_set_priority(tcb_a, MICA_INIT_TCB, 200) ||
        mica_tcb_write_registers(tcb_a, 1, MICA_REG_PC, 2, regs))
        return false;
    /* The server ran on sc_a until it waited in Recv: from now on it has no time of its own. */
    if (passive && mica_sched_context_unbind(sc_a))
        mica_printf("bench: unbind failed\n");
    return true;
}

static void server_stop(bool passive)
{
    mica_tcb_suspend(tcb_a);
    if (passive)
        mica_sched_context_bind(sc_a, tcb_a);
}

/* BATCHES x BATCH round trips, client Call -> server ReplyRecv -> client, len message registers
 * each way. */
static void round_trips(int len)
{
    struct mica_regs r;

    reply_info = mica_msginfo(0, 0, 0, len);
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = mica_clock();
        for (unsigned i = 0; i < BATCH; i++) {
            r = (struct mica_regs){{ep, mica_msginfo(1, 0, 0, len), i, 0, 0, 0, 0, MICA_SYS_CALL}};
            mica_syscall(&r);
        }
        record(b, t0, mica_clock(), BATCH);
    }
}

/*
 * The round trip, active (the server on sc_a) or passive (each Call lends the client's context,
 * each ReplyRecv gives it back: MCS donation), the server in the root's address space or in a
 * second one, with a message of 1 or 0 registers. The passive cross-address-space round trip with
 * an empty message is the like-for-like of seL4's MCS fast path figure.
 */
static void bench_call(bool passive, bool cross, int len)
{
    static const char *const names[2][2][2] = {
        {{"call+replyrecv len0", "call+replyrecv"},
         {"call+replyrecv cross len0", "call+replyrecv cross"}},
        {{"passive call+replyrecv len0", "passive call+replyrecv"},
         {"passive cross len0", "passive call+replyrecv cross"}}};
    const char *name = names[passive][cross][len != 0];
    if (!server_start(cross, passive)) {
        mica_printf("bench: %-28s skipped: needs an MMU or MPU with real memory and the image "
                    "bounds\n",
                    name);
        return;
    }
    round_trips(len);
    server_stop(passive);
    report(name, cross ? (passive ? "passive server in another address space (seL4's MCS case)"
                                  : "server with its own context in another address space")
                       : (passive ? "passive server on the client's SchedContext, same space"
                                  : "round trip, client Call -> server ReplyRecv -> client"));
}

/* Threads for the crowded round trip: half blocked on a notification, half ready below the
 * client's priority. They share one small stack: a blocked one runs only until its first Wait
 * (nothing signals that notification until crowd_stop has deleted them all), and a ready one
 * never runs at all while the bench goes on. */
#define CROWD       1000
#define CROWD_STACK 2048
static char crowd_stack[CROWD_STACK] __attribute__((aligned(16)));

static void crowd_blocked(mica_word_t arg)
{
    (void)arg;
    for (;;)
        mica_wait(ntfn, NULL);
}

static void crowd_ready(mica_word_t arg)
{
    (void)arg;
    for (;;)
        mica_yield();
}

/* The peer: tcb_b looping on Yield at the root's priority, on its own context (sc_b). */
static int start_peer(void)
{
    mica_word_t regs[2] = {(mica_word_t)yielder, (mica_word_t)(stack_b + STACK)};

    if (mica_tcb_configure(tcb_b, MICA_INIT_CNODE, MICA_INIT_VSPACE, 0, 0) ||
        mica_tcb_set_priority(tcb_b, MICA_INIT_TCB, ROOT_PRIO) ||
        mica_tcb_write_registers(tcb_b, 1, MICA_REG_PC, 2, regs))
        return -1;
    return 0;
}

/* n objects of type from ut into fresh root slots, at most 256 per Retype; the first slot or 0. */
static mica_cptr_t retype_n(mica_cptr_t ut, mica_word_t type, unsigned n)
{
    mica_cptr_t first = next_slot;

    for (unsigned done = 0; done < n; done += 256) {
        unsigned k = n - done < 256 ? n - done : 256;
        if (mica_untyped_retype(ut, type, 0, MICA_INIT_CNODE, 0, 0, first + done, k))
            return 0;
    }
    next_slot += n;
    return first;
}

/* CROWD threads with contexts of their own (round robin, 10 ms), from a child Untyped of the
 * largest one, which crowd_stop revokes; returns the child, or 0. */
static mica_cptr_t crowd_start(void)
{
    mica_cptr_t big = big_untyped(23), child = next_slot++, tcbs, scs;

    if (!big || mica_untyped_retype(big, MICA_OBJ_UNTYPED, 22, MICA_INIT_CNODE, 0, 0, child, 1) ||
        !(tcbs = retype_n(child, MICA_OBJ_TCB, CROWD)) ||
        !(scs = retype_n(child, MICA_OBJ_SCHED_CONTEXT, CROWD)))
        return 0;
    for (unsigned i = 0; i < CROWD; i++) {
        bool blocked = i % 2 == 0;
        mica_word_t regs[2] = {blocked ? (mica_word_t)crowd_blocked : (mica_word_t)crowd_ready,
                               (mica_word_t)(crowd_stack + CROWD_STACK)};
        /* The blocked half runs once, above the root, straight into its Wait. */
        if (mica_sched_control_configure(boot->sched_control.start, scs + i, 10000, 10000, 0, 0) ||
            mica_sched_context_bind(scs + i, tcbs + i) ||
            mica_tcb_configure(tcbs + i, MICA_INIT_CNODE, MICA_INIT_VSPACE, 0, 0) ||
            mica_tcb_set_priority(tcbs + i, MICA_INIT_TCB, blocked ? 150 : ROOT_PRIO - 1) ||
            mica_tcb_write_registers(tcbs + i, 1, MICA_REG_PC, 2, regs))
            return 0;
    }
    return child;
}

static void crowd_stop(mica_cptr_t child)
{
    mica_cnode_revoke(MICA_INIT_CNODE, child, DEPTH);
    mica_cnode_delete(MICA_INIT_CNODE, child, DEPTH);
}

/*
 * The like-for-like round trip again, in company: with CROWD other threads (half blocked, half
 * ready at a lower priority: the scheduler's bitmap is never empty), and with a thread of the
 * client's own priority ready all along (a Yield loop), which the reply must not let in
 * (same-priority fairness comes from timeslices, not from IPC).
 */
static void bench_call_company(void)
{
    const char *crowd_name = "passive cross len0 1000 thr";
    const char *peer_name = "passive cross len0 peer";
    mica_cptr_t crowd = crowd_start();

    if (!crowd || !server_start(true, true)) {
        mica_printf("bench: %-28s skipped: no room for %u threads, or no second address space\n",
                    crowd_name, CROWD);
    } else {
        round_trips(0);
        server_stop(true);
        report(crowd_name, "the passive cross round trip, len0, with 1000 other threads");
    }
    if (crowd)
        crowd_stop(crowd);
    if (start_peer() || !server_start(true, true)) {
        mica_printf("bench: %-28s skipped: no second address space\n", peer_name);
        return;
    }
    round_trips(0);
    server_stop(true);
    mica_tcb_suspend(tcb_b);
    report(peer_name, "the same with a Yield loop ready at the client's priority");
}

/*
 * IRQ to user driver: a device whose interrupt the root can raise at a known instant, in a frame
 * of its device untyped, its line bound to a notification, and a driver thread above the root's
 * priority waiting on it; the latency is the driver's clock read after its Wait returned minus
 * the instant the device raised the line. Skipped on boards without such a device.
 *  - qemu-virt-riscv64: the goldfish RTC (0x101000, PLIC line 11). The root arms an alarm RTC_LEAD
 *    ns ahead and spins; under -icount shift=0 one virtual ns is one instruction and the busy CPU
 *    never sleeps, so the alarm fires RTC_LEAD instructions after the arming clock read.
 *  - qemu-virt-aarch64: the PL061 GPIO (0x9030000, GIC SPI 7 = INTID 39) with pin 0 an output
 *    whose level-high interrupt is enabled (PL061 TRM 3.3): the root's store that drives the pin
 *    high raises the line, one instruction after its clock read.
 *  - qemu-mps2-an505: timer 2 of the CMSDK dual timer (0x50002000, NVIC line 5), one-shot
 *    DUAL_LEAD ticks of the 20 MHz system clock ahead (50 instructions a tick under -icount
 *    shift=0, so the figure moves in steps of 50); its timer 1 is the clock.
 */
#define RTC_BASE            0x101000ul
#define RTC_IRQ             11
#define RTC_TIME_LOW        0x00
#define RTC_TIME_HIGH       0x04
#define RTC_ALARM_LOW       0x08
#define RTC_ALARM_HIGH      0x0c
#define RTC_IRQ_ENABLED     0x10
#define RTC_CLEAR_INTERRUPT 0x1c
#define RTC_LEAD            20000
#define GPIO_BASE           0x9030000ul
#define GPIO_IRQ            39
#define GPIO_DATA_PIN0      0x004 /* GPIODATA through address mask bit 0 */
#define GPIO_DIR            0x400
#define GPIO_IS             0x404 /* 1: level-sensitive */
#define GPIO_IEV            0x40c /* 1: high level */
#define GPIO_IE             0x410
#define GPIO_IC             0x41c
#define AN505_DUAL          0x50002000ul
#define AN505_DUAL_IRQ      5
#define DUAL_LOAD           0x00
#define DUAL_VALUE          0x04
#define DUAL_CONTROL        0x08
#define DUAL_INTCLR         0x0c
#define DUAL_T2             0x20 /* timer 2's registers */
#define DUAL_FREE           0x82 /* enable, 32-bit, free running, no interrupt */
#define DUAL_ONESHOT_IRQ    0xa3 /* enable, periodic off, interrupt, prescale 1, 32-bit, one-shot */
#define INSTR_PER_TICK      50   /* -icount shift=0 (1 GHz) over the AN505's 20 MHz */
#define DUAL_LEAD           (RTC_LEAD / INSTR_PER_TICK)
#define IRQ_SAMPLES         101

static volatile uint32_t *dev_regs, *an505_dual;
static bool dev_is_gpio, dev_is_dual;
static mica_cptr_t irq_ntfn, irq_handler;
static volatile uint64_t woke_at;
static volatile unsigned wakes;

static void reg_write(unsigned off, uint32_t v)
{
    dev_regs[off / 4] = v;
}

static void driver(mica_word_t arg)
{
    (void)arg;
    for (;;) {
        mica_wait(irq_ntfn, NULL);
        woke_at = mica_clock();
        if (dev_is_gpio) {
            reg_write(GPIO_DATA_PIN0, 0);
            reg_write(GPIO_IC, 1);
        } else if (dev_is_dual) {
            reg_write(DUAL_T2 + DUAL_INTCLR, 1);
        } else {
            reg_write(RTC_CLEAR_INTERRUPT, 1);
        }
        mica_irq_handler_ack(irq_handler);
        wakes++;
    }
}

static mica_cptr_t device_untyped(mica_word_t paddr)
{
    for (mica_word_t i = 0; i < boot->untyped.end - boot->untyped.start; i++) {
        const struct mica_untyped_desc *d = &boot->untyped_list[i];
        if (d->is_device && paddr >= d->paddr && paddr - d->paddr < (mica_word_t)1 << d->size_bits)
            return boot->untyped.start + i;
    }
    return 0;
}

/* The page of device registers at paddr, mapped read-write (on an MPU at its own address, else
 * at va); the registers' address. */
static volatile uint32_t *map_device(mica_word_t paddr, mica_word_t va)
{
    const mica_word_t offset = paddr & (((mica_word_t)1 << MICA_PAGE_BITS) - 1);
    mica_cptr_t dev = device_untyped(paddr), frame = next_slot++;

    if (boot->flags & MICA_BOOT_FLAG_MPU)
        va = paddr - offset;
    if (!dev ||
        mica_untyped_retype(dev, MICA_OBJ_FRAME, MICA_PAGE_BITS, MICA_INIT_CNODE, 0, 0, frame, 1) ||
        map_copy(frame, MICA_INIT_VSPACE, va, MICA_VM_READ | MICA_VM_WRITE))
        return NULL;
    /* A device frame need not be the first page of its untyped. */
    return (volatile uint32_t *)(va + offset);
}

/* armv8m: mica_clock reads the dual timer's timer 1, started here free running down from
 * 0xffffffff (its timer 2 is irq-to-user's). */
static bool clock_setup(void)
{
    if (!&mica_clock_counter)
        return true; /* the arch's clock needs no help */
    if (strcmp(boot->board, "qemu-mps2-an505") != 0 ||
        !(an505_dual = map_device(AN505_DUAL, AN505_DUAL)))
        return false;
    an505_dual[DUAL_CONTROL / 4] = 0;
    an505_dual[DUAL_LOAD / 4] = 0xffffffff;
    an505_dual[DUAL_CONTROL / 4] = DUAL_FREE;
    mica_clock_counter = &an505_dual[DUAL_VALUE / 4];
    return true;
}

static bool irq_setup(void)
{
    mica_word_t base, irq;

    if (strcmp(boot->board, "qemu-virt-riscv64") == 0) {
        base = RTC_BASE, irq = RTC_IRQ;
    } else if (strcmp(boot->board, "qemu-virt-aarch64") == 0) {
        base = GPIO_BASE, irq = GPIO_IRQ, dev_is_gpio = true;
    } else if (strcmp(boot->board, "qemu-mps2-an505") == 0 && an505_dual) {
        base = 0, irq = AN505_DUAL_IRQ, dev_is_dual = true;
    } else {
        return false;
    }
    dev_regs = dev_is_dual ? an505_dual : map_device(base, (mica_word_t)1 << 31);
    irq_ntfn = next_slot++;
    irq_handler = next_slot++;
    if (!dev_regs ||
        mica_untyped_retype(ut, MICA_OBJ_NOTIFICATION, 0, MICA_INIT_CNODE, 0, 0, irq_ntfn, 1) ||
        mica_irq_control_get(MICA_INIT_IRQ_CONTROL, irq, MICA_INIT_CNODE, irq_handler, DEPTH) ||
        mica_irq_handler_set_notification(irq_handler, irq_ntfn))
        return false;
    if (dev_is_gpio) {
        reg_write(GPIO_DIR, 1);
        reg_write(GPIO_IS, 1);
        reg_write(GPIO_IEV, 1);
        reg_write(GPIO_IE, 1);
    } else if (!dev_is_dual) {
        reg_write(RTC_IRQ_ENABLED, 1);
    }
    return true;
}

/* Make the device raise its interrupt; returns the clock reading the latency counts from. */
static uint64_t irq_raise(void)
{
    if (dev_is_gpio) {
        uint64_t t0 = mica_clock();
        reg_write(GPIO_DATA_PIN0, 1);
        return t0;
    }
    if (dev_is_dual) {
        uint64_t t0 = mica_clock();
        reg_write(DUAL_T2 + DUAL_LOAD, DUAL_LEAD);
        reg_write(DUAL_T2 + DUAL_CONTROL, DUAL_ONESHOT_IRQ);
        return t0 + DUAL_LEAD * INSTR_PER_TICK;
    }
    uint64_t lo = dev_regs[RTC_TIME_LOW / 4];
    uint64_t when = (((uint64_t)dev_regs[RTC_TIME_HIGH / 4] << 32) | lo) + RTC_LEAD;
    uint64_t t0 = mica_clock();
    reg_write(RTC_ALARM_HIGH, (uint32_t)(when >> 32));
    reg_write(RTC_ALARM_LOW, (uint32_t)when);
    return t0 + RTC_LEAD;
}

static void bench_irq(void)
{
    if (!irq_setup() || start(driver, 200)) {
        mica_printf("bench: %-28s skipped: needs the goldfish RTC of qemu-virt-riscv64, the "
                    "PL061 of qemu-virt-aarch64 or the dual timer of qemu-mps2-an505\n",
                    "irq-to-user");
        return;
    }
    for (unsigned b = 0; b < IRQ_SAMPLES; b++) {
        unsigned seen = wakes;
        uint64_t start = mica_clock(), t0 = irq_raise();
        while (wakes == seen && mica_clock() - start < 100 * RTC_LEAD)
            ;
        if (wakes == seen) {
            mica_printf("bench: %-28s failed: no interrupt reached the driver\n", "irq-to-user");
            mica_tcb_suspend(tcb_a);
            return;
        }
        samples[b] = (woke_at - t0) * 10;
    }
    for (unsigned b = IRQ_SAMPLES; b < BATCHES; b++)
        samples[b] = samples[b % IRQ_SAMPLES];
    mica_tcb_suspend(tcb_a);
    report("irq-to-user", "device interrupt to the driver thread's return from Wait (-icount)");
}

/*
 * Worst interrupt latency while the kernel runs long operations (issue 9): the root, below the
 * driver's priority, starts an operation whose work grows with sizes it chose, and the driver
 * wakes every LAT_PERIOD ns to a goldfish RTC alarm it re-arms itself. Each wake-up's latency is
 * the RTC's time when the driver runs minus the alarm's (-icount shift=0: ns are instructions).
 * The operation stops at a preemption point when the interrupt is pending, the driver runs, and
 * the root's syscall is restarted and carries on. Only on qemu-virt-riscv64 (a timed device the
 * user can arm) with enough memory for the 64 MiB CNode (CONFIG_QEMU_BENCH_ARGS gives 512 MiB).
 */
#define LAT_PERIOD 100000

static volatile bool lat_on;
static volatile uint64_t lat_alarm, lat_max, lat_count;

static uint64_t rtc_now(void)
{
    uint64_t lo = dev_regs[RTC_TIME_LOW / 4];
    return ((uint64_t)dev_regs[RTC_TIME_HIGH / 4] << 32) | lo;
}

static void rtc_alarm(uint64_t when)
{
    reg_write(RTC_ALARM_HIGH, (uint32_t)(when >> 32));
    reg_write(RTC_ALARM_LOW, (uint32_t)when);
}

static void lat_driver(mica_word_t arg)
{
    (void)arg;
    for (;;) {
        mica_wait(irq_ntfn, NULL);
        uint64_t now = rtc_now();
        reg_write(RTC_CLEAR_INTERRUPT, 1);
        if (lat_on) {
            if (now - lat_alarm > lat_max)
                lat_max = now - lat_alarm;
            lat_count++;
            lat_alarm = rtc_now() + LAT_PERIOD;
            rtc_alarm(lat_alarm);
        }
        mica_irq_handler_ack(irq_handler);
    }
}

/* Run op with the alarm ticking; print and return the worst latency. */
static uint64_t lat_run(const char *name, mica_error_t (*op)(void))
{
    lat_max = lat_count = 0;
    lat_alarm = rtc_now() + LAT_PERIOD;
    lat_on = true;
    rtc_alarm(lat_alarm);
    uint64_t t0 = mica_clock();
    mica_error_t err = op();
    uint64_t t1 = mica_clock();
    lat_on = false;
    rtc_alarm(~(uint64_t)0 >> 1);
    mica_printf("bench: irq latency during %-27s max %6lu %s over %lu interrupts, %lu %s long%s\n",
                name, (unsigned long)lat_max, mica_clock_unit, (unsigned long)lat_count,
                (unsigned long)(t1 - t0), mica_clock_unit, err ? " (the operation FAILED)" : "");
    return err || !lat_count ? ~(uint64_t)0 : lat_max;
}

static mica_cptr_t lat_ut, lat_cn, lat_ep;
static unsigned lat_cn_bits;

/* Scratch CNode of 2^bits slots from lat_ut, in root slot lat_cn. */
static mica_error_t lat_cnode(unsigned bits)
{
    lat_cn_bits = bits;
    return mica_untyped_retype(lat_ut, MICA_OBJ_CNODE, bits, MICA_INIT_CNODE, 0, 0, lat_cn, 1);
}

static mica_error_t op_retype_64m(void)
{
    return lat_cnode(20); /* 2^20 slots of 64 bytes: 64 MiB zeroed */
}

static mica_error_t op_delete_full_cnode(void)
{
    return mica_cnode_delete(MICA_INIT_CNODE, lat_cn, DEPTH);
}

static mica_error_t op_revoke_ep(void)
{
    return mica_cnode_revoke(MICA_INIT_CNODE, lat_ep, DEPTH);
}

static mica_error_t op_revoke_untyped(void)
{
    return mica_cnode_revoke(MICA_INIT_CNODE, lat_ut, DEPTH);
}

static mica_error_t op_delete_head(void)
{
    return mica_cnode_delete(lat_cn, 0, lat_cn_bits);
}

static void bench_irq_latency(void)
{
    const char *row = "irq latency, long ops";
    mica_cptr_t ep0 = next_slot++;
    uint64_t worst = 0, w;
    unsigned b;

    lat_cn = next_slot++;
    lat_ep = ep0;
    if (strcmp(boot->board, "qemu-virt-riscv64") || !dev_regs || !(lat_ut = big_untyped(27)) ||
        mica_untyped_retype(ut, MICA_OBJ_ENDPOINT, 0, MICA_INIT_CNODE, 0, 0, ep0, 1) ||
        start(lat_driver, 200)) {
        mica_printf("bench: %-28s skipped: needs the goldfish RTC of qemu-virt-riscv64 and a "
                    "128 MiB untyped (-m 512M)\n",
                    row);
        return;
    }
    /* A Retype that zeroes 64 MiB, then a Delete of that CNode full of caps. */
    w = lat_run("retype zeroing 64 MiB", op_retype_64m);
    worst = w > worst ? w : worst;
    for (mica_word_t i = 0; i < ((mica_word_t)1 << 20); i++)
        if (mica_cnode_copy(lat_cn, i, 20, MICA_INIT_CNODE, ep0, DEPTH, MICA_RIGHTS_ALL))
            break;
    w = lat_run("delete of 2^20 slots of caps", op_delete_full_cnode);
    worst = w > worst ? w : worst;
    /* Revoke of a 32k-deep derivation chain: copy of a copy of ... of ep0. */
    mica_cnode_revoke(MICA_INIT_CNODE, lat_ut, DEPTH);
    lat_cnode(15);
    mica_cnode_copy(lat_cn, 0, 15, MICA_INIT_CNODE, ep0, DEPTH, MICA_RIGHTS_ALL);
    for (b = 1; b < (1u << 15); b++)
        if (mica_cnode_copy(lat_cn, b, 15, lat_cn, b - 1, 15, MICA_RIGHTS_ALL))
            break;
    w = lat_run("revoke of a 32k-deep chain", op_revoke_ep);
    worst = w > worst ? w : worst;
    /* Revoke of an Untyped with 16k children (endpoints in a 2^14-slot CNode). */
    mica_cnode_delete(MICA_INIT_CNODE, lat_cn, DEPTH);
    mica_cnode_revoke(MICA_INIT_CNODE, lat_ut, DEPTH);
    lat_cnode(14);
    for (b = 0; b < (1u << 14); b += 256)
        if (mica_untyped_retype(lat_ut, MICA_OBJ_ENDPOINT, 0, MICA_INIT_CNODE, lat_cn, DEPTH, b,
                                256))
            break;
    w = lat_run("revoke of an untyped, 16k children", op_revoke_untyped);
    worst = w > worst ? w : worst;
    /* Delete of 10,000 nested CNodes: CNode i+1's only cap in slot 0 of CNode i. */
    lat_cnode(14);
    for (b = 0; b < 10000; b += 250)
        if (mica_untyped_retype(lat_ut, MICA_OBJ_CNODE, 1, MICA_INIT_CNODE, lat_cn, DEPTH, b, 250))
            break;
    for (b = 10000 - 1; b > 0; b--)
        if (mica_cnode_move(lat_cn, (mica_word_t)(b - 1) << 1, 15, lat_cn, b, 14))
            break;
    lat_cn_bits = 14;
    w = lat_run("delete of 10,000 nested CNodes", op_delete_head);
    worst = w > worst ? w : worst;
    mica_cnode_delete(MICA_INIT_CNODE, lat_cn, DEPTH);
    mica_cnode_revoke(MICA_INIT_CNODE, lat_ut, DEPTH);
    mica_tcb_suspend(tcb_a);
    for (b = 0; b < BATCHES; b++)
        samples[b] = worst * 10;
    report(row, "worst irq-to-user latency in all five operations above (-icount)");
}

static void bench_signal(void)
{
    start(waiter, 200);
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = mica_clock();
        for (unsigned i = 0; i < BATCH; i++)
            mica_signal(ntfn);
        record(b, t0, mica_clock(), BATCH);
    }
    mica_tcb_suspend(tcb_a);
    report("signal-to-wake", "Signal wakes a higher-priority waiter, which Waits again");
}

static void bench_yield(void)
{
    start(yielder, ROOT_PRIO);
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = mica_clock();
        for (unsigned i = 0; i < BATCH; i++)
            mica_yield();
        record(b, t0, mica_clock(), 2 * BATCH);
    }
    mica_tcb_suspend(tcb_a);
    report("yield", "one Yield that switches to another thread of the same priority");
}

static void bench_null(void)
{
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = mica_clock();
        for (unsigned i = 0; i < BATCH; i++)
            mica_debug_cap_type(0, NULL);
        record(b, t0, mica_clock(), BATCH);
    }
    report("null syscall", "MICA_SYS_DEBUG_CAP_TYPE on the null cptr 0");
}

/*
 * Cross-CPU rows (issue 13), only with more than one CPU up. One CPU's instruction counter cannot
 * time a round trip between two, so these rows read the counter every CPU shares (riscv64 `time`,
 * aarch64 CNTVCT_EL0) and convert it to ns. What a shared-clock ns is depends on how QEMU runs:
 *  - with -icount shift=0 (what `ninja bench` boots), QEMU runs the vCPUs one at a time, round
 *    robin, and virtual time advances one ns per instruction of whichever vCPU runs: a figure is
 *    the instructions both CPUs execute, serialised (a CPU that halts in WFI costs nothing; it
 *    hands over to the next vCPU);
 *  - without -icount (MTTCG, one host thread per vCPU) it is host time: the unit says so, and the
 *    figure depends on the host.
 * clock_is_icount() tells the two apart by repeating a fixed loop: under -icount the per-CPU
 * counter gives the same count every time, host time never does.
 */
#define XCPU_FREQ_RISCV 10000000 /* qemu-virt-riscv64's timebase-frequency (QEMU's devicetree) */

static uint64_t shared_ticks(void)
{
    uint64_t t = 0;
#if defined(__riscv)
    __asm__ volatile("rdtime %0" : "=r"(t));
#elif defined(__aarch64__)
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
#endif
    return t;
}

/* Tenths of a ns per tick of the shared counter, 0 when unknown: riscv64 has no register that
 * gives the frequency (the devicetree does, which the root task does not see). */
static uint64_t shared_tenths_per_tick(void)
{
#if defined(__riscv)
    return strcmp(boot->board, "qemu-virt-riscv64") == 0 ? 10000000000ull / XCPU_FREQ_RISCV : 0;
#elif defined(__aarch64__)
    uint64_t f;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f ? 10000000000ull / f : 0;
#else
    return 0;
#endif
}

static bool clock_is_icount(void)
{
    enum { RUNS = 15 };
    uint64_t d[RUNS];
    unsigned close = 0;

    for (unsigned k = 0; k < RUNS; k++) {
        uint64_t t0 = mica_clock();
        for (volatile unsigned i = 0; i < 2000; i++)
            ;
        d[k] = mica_clock() - t0;
    }
    sort(d, RUNS);
    for (unsigned k = 0; k < RUNS; k++)
        close += d[k] + 2 >= d[RUNS / 2] && d[k] <= d[RUNS / 2] + 2;
    /* Under -icount the runs agree to a count or two (riscv64's rdinstret is exact to +-1 here),
     * but for an interrupt landing in one; host time is never that steady over 10,000 guest
     * instructions. */
    return close > RUNS / 2;
}

static const char *xcpu_unit;
static uint64_t xcpu_tenths;

static void xcpu_record(unsigned b, uint64_t t0, uint64_t t1, unsigned ops)
{
    samples[b] = (t1 - t0) * xcpu_tenths / ops;
}

/* sc_a, and so tcb_a, on CPU cpu. */
static bool sc_a_on(unsigned cpu)
{
    return mica_sched_control_configure(boot->sched_control.start + cpu, sc_a, 10000, 10000, 0,
                                        0) == MICA_OK;
}

/* The round trip with the server (own context, root's address space) on CPU 1, the client (the
 * root task) on CPU 0, one message register each way. */
static void bench_xcpu_call(void)
{
    const char *name = "xcpu call+replyrecv";

    if (!sc_a_on(1) || !server_start(false, false)) {
        mica_printf("bench: %-28s failed: no server on CPU 1\n", name);
        return;
    }
    reply_info = mica_msginfo(0, 0, 0, 1);
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = shared_ticks();
        for (unsigned i = 0; i < BATCH; i++) {
            struct mica_regs r = {{ep, mica_msginfo(1, 0, 0, 1), i, 0, 0, 0, 0, MICA_SYS_CALL}};
            mica_syscall(&r);
        }
        xcpu_record(b, t0, shared_ticks(), BATCH);
    }
    server_stop(false);
    report_in(name, xcpu_unit, "client on CPU 0, server on CPU 1 with its own SchedContext");
}

/* The waiter on CPU 1 stamps the shared clock as soon as its Wait returns, then acknowledges on
 * ack_ntfn, which the root Waits on: the root must not spin for the answer, since under -icount a
 * spinning vCPU keeps the others from running. */
static mica_cptr_t ack_ntfn;
static volatile uint64_t xwoke_at;

static void xwaiter(mica_word_t arg)
{
    (void)arg;
    for (;;) {
        mica_wait(ntfn, NULL);
        xwoke_at = shared_ticks();
        mica_signal(ack_ntfn);
    }
}

static void bench_xcpu_signal(void)
{
    const char *name = "xcpu signal-to-wake";

    ack_ntfn = next_slot++;
    if (mica_untyped_retype(ut, MICA_OBJ_NOTIFICATION, 0, MICA_INIT_CNODE, 0, 0, ack_ntfn, 1) ||
        !sc_a_on(1) || start(xwaiter, 200)) {
        mica_printf("bench: %-28s failed: no waiter on CPU 1\n", name);
        return;
    }
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t sum = 0;
        for (unsigned i = 0; i < BATCH; i++) {
            uint64_t t0 = shared_ticks();
            mica_signal(ntfn);
            mica_wait(ack_ntfn, NULL);
            sum += xwoke_at - t0;
        }
        samples[b] = sum * xcpu_tenths / BATCH;
    }
    mica_tcb_suspend(tcb_a);
    report_in(name, xcpu_unit, "Signal on CPU 0 to the waiter's return from Wait on CPU 1");
}

static void bench_xcpu(void)
{
    if (boot->num_cpus < 2)
        return; /* a uniprocessor build, or one CPU up: no such rows */
    xcpu_tenths = shared_tenths_per_tick();
    if (!xcpu_tenths) {
        mica_printf("bench: %-28s skipped: no shared counter of known frequency\n", "xcpu");
        return;
    }
    xcpu_unit = clock_is_icount() ? "instr, both CPUs" : "host ns";
    bench_xcpu_call();
    bench_xcpu_signal();
    sc_a_on(0);
}

int mica_main(const struct mica_bootinfo *bi)
{
    mica_cptr_t next = bi->empty.start;

    for (mica_word_t i = bi->untyped.start; i < bi->untyped.end && !ut; i++)
        if (bi->untyped_list[i - bi->untyped.start].size_bits >= 16 &&
            !bi->untyped_list[i - bi->untyped.start].is_device)
            ut = i;
    ep = next++;
    reply = next++;
    ntfn = next++;
    tcb_a = next++;
    buf_a = next++;
    sc_a = next++;
    tcb_b = next++;
    sc_b = next++;
    static const mica_word_t types[] = {
        MICA_OBJ_ENDPOINT, MICA_OBJ_REPLY,         MICA_OBJ_NOTIFICATION, MICA_OBJ_TCB,
        MICA_OBJ_FRAME,    MICA_OBJ_SCHED_CONTEXT, MICA_OBJ_TCB,          MICA_OBJ_SCHED_CONTEXT};
    for (unsigned i = 0; i < 8; i++) {
        mica_error_t err =
            mica_untyped_retype(ut, types[i], MICA_PAGE_BITS, MICA_INIT_CNODE, 0, 0, ep + i, 1);
        if (err) {
            mica_printf("bench: setup failed: %d\n", err);
            return 1;
        }
    }
    /* The partner threads need scheduling contexts to run: round robin, 10 ms slices. */
    if (mica_tcb_set_priority(MICA_INIT_TCB, MICA_INIT_TCB, ROOT_PRIO) ||
        mica_sched_control_configure(bi->sched_control.start, sc_a, 10000, 10000, 0, 0) ||
        mica_sched_context_bind(sc_a, tcb_a) ||
        mica_sched_control_configure(bi->sched_control.start, sc_b, 10000, 10000, 0, 0) ||
        mica_sched_context_bind(sc_b, tcb_b))
        return 1;
    mica_printf("bench: %s, %u batches of %u operations\n", bi->board, BATCHES, BATCH);
    boot = bi;
    next_slot = next + 5;
    if (!clock_setup()) {
        mica_printf("bench: no clock: mica_clock needs a timer this board does not have\n");
        return 1;
    }
    if (mica_frame_get_address(buf_a, &buf_addr))
        return 1;
    if ((bi->flags & MICA_BOOT_FLAG_MMU) &&
        map_copy(buf_a, MICA_INIT_VSPACE, bi->bootinfo_vaddr + ((mica_word_t)1 << MICA_PAGE_BITS),
                 MICA_VM_READ | MICA_VM_WRITE) == MICA_OK)
        buf_addr = bi->bootinfo_vaddr + ((mica_word_t)1 << MICA_PAGE_BITS);
    if ((bi->flags & MICA_BOOT_FLAG_MPU) &&
        map_copy(buf_a, MICA_INIT_VSPACE, buf_addr, MICA_VM_READ | MICA_VM_WRITE))
        return 1;
    for (int len = 1; len >= 0; len--) {
        bench_call(false, false, len);
        bench_call(true, false, len);
        bench_call(false, true, len);
        bench_call(true, true, len);
    }
    bench_call_company();
    bench_signal();
    bench_yield();
    bench_null();
    bench_irq();
    bench_irq_latency();
    bench_xcpu();
    return 0;
}
