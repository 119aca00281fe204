/* SPDX-License-Identifier: MIT */
/*
 * Armv8-M internals shared by the files of arch/armv8m: the System Control Block registers (Armv8-M
 * ARM D1, "System Control Space"; the kernel runs Secure, so these are the Secure views), the
 * board data and the functions the arch's files call in each other.
 */
#ifndef MICA_ARMV8M_H
#define MICA_ARMV8M_H

#include <mica/kernel.h>

#include "hal.h"

#define SCS_REG(off) (*(volatile uint32_t *)(0xe000e000u + (off)))

#define ICSR             SCS_REG(0xd04)
#define ICSR_VECTACTIVE  0x1ffu
#define ICSR_PENDSVSET   (1u << 28)
#define ICSR_PENDSTSET   (1u << 26)
#define ICSR_PENDSTCLR   (1u << 25)
#define ICSR_VECTPENDING (0x1ffu << 12)
#define VTOR             SCS_REG(0xd08)
#define CCR              SCS_REG(0xd14)
#define CCR_DIV_0_TRP    (1u << 4)
#define CCR_STKOFHFNMIGN (1u << 10)
/* The priority byte of system exception n (4-15) in SHPR1-3 (Armv8-M ARM D1.2.215). */
#define SHPR_BYTE(n)  (*(volatile uint8_t *)(0xe000ed18u + (n)-4))
#define SHCSR         SCS_REG(0xd24)
#define SHCSR_ENABLES (0xfu << 16) /* MemManage, BusFault, UsageFault, SecureFault */
/* Pending bits of the exceptions a thread raises itself: UsageFault, MemManage, BusFault, SVCall,
 * SecureFault. */
#define SHCSR_SYNC_PENDED ((1u << 12) | (1u << 13) | (1u << 14) | (1u << 15) | (1u << 20))
#define CFSR              SCS_REG(0xd28)
#define HFSR              SCS_REG(0xd2c)
#define DFSR              SCS_REG(0xd30)
#define MMFAR             SCS_REG(0xd34)
#define BFAR              SCS_REG(0xd38)
#define CPACR             SCS_REG(0xd88)

/* CFSR bits (MMFSR [7:0], BFSR [15:8], UFSR [31:16]). */
#define CFSR_IACCVIOL   (1u << 0)
#define CFSR_DACCVIOL   (1u << 1)
#define CFSR_MSTKERR    (1u << 4)
#define CFSR_MLSPERR    (1u << 5)
#define CFSR_MMARVALID  (1u << 7)
#define CFSR_IBUSERR    (1u << 8)
#define CFSR_PRECISERR  (1u << 9)
#define CFSR_STKERR     (1u << 12)
#define CFSR_LSPERR     (1u << 13)
#define CFSR_BFARVALID  (1u << 15)
#define CFSR_UNDEFINSTR (1u << 16)
#define CFSR_INVSTATE   (1u << 17)
#define CFSR_INVPC      (1u << 18)
#define CFSR_NOCP       (1u << 19)
#define CFSR_STKOF      (1u << 20)
#define CFSR_UNALIGNED  (1u << 24)
#define CFSR_DIVBYZERO  (1u << 25)
#define DFSR_BKPT       (1u << 1)
#define HFSR_FORCED     (1u << 30)
#define HFSR_DEBUGEVT   (1u << 31)

/* Exception numbers (Armv8-M ARM B3.30). */
#define EXC_HARDFAULT 3
#define EXC_MEMMANAGE 4
#define EXC_BUSFAULT  5
#define EXC_USAGE     6
#define EXC_SECURE    7
#define EXC_SVCALL    11
#define EXC_DEBUGMON  12
#define EXC_PENDSV    14
#define EXC_SYSTICK   15
#define EXC_IRQ0      16

/*
 * What the kernel needs to know about the board that it cannot read from the hardware (there is
 * no devicetree): where its clock is. RAM, reserved memory, the devices user drivers may map and
 * the board's own setup (its peripheral protection, say) are the firmware's, which describes them
 * in struct mica_platform (include/mica/kernel.h); the console is CONFIG_UART_BASE. One definition
 * per board (arch/armv8m/board_<board>.c): the only kernel C that names board addresses.
 */
struct armv8m_board {
    paddr_t clock_timer; /* CMSDK APB timer the kernel keeps its clock on */
    unsigned clock_irq;  /* its NVIC line, which user space may not claim */
    paddr_t timer;       /* CMSDK APB timer for the kernel's one-shot deadlines */
    unsigned timer_irq;  /* its NVIC line, the kernel's too */
    uint32_t sysclk_hz;  /* the clock of both timers */
};
extern const struct armv8m_board armv8m_board;

/* ctx.c: the hardware frame on the thread's stack at psp into ctx (registers and SP) */
void armv8m_frame_in(struct arch_ctx *ctx, word_t psp);
/* fault.c: a fault of a thread (exception 3-7), described in *trap; always true (reported) */
bool armv8m_fault(struct arch_ctx *ctx, struct hal_trap *trap, word_t exc, word_t psp);
/* timer.c */
void armv8m_timer_init(void);
void armv8m_timer_expired(void);
/* irq.c: Mica's NVIC lines (those of the firmware's vector table, lines entries after the 16
 * system ones, that name mica_exception_handler) taken at priority prio */
typedef void (*armv8m_vector_t)(void);
void armv8m_irq_init(const armv8m_vector_t *vectors, unsigned lines, uint8_t prio);
/* Line irq fired: describe it in *trap (the deadline timer's is HAL_TRAP_TIMER, a device's is
 * masked until hal_irq_unmask); false if there is nothing to report (the clock's wrap). */
bool armv8m_irq_take(word_t irq, struct hal_trap *trap);
/* mpu.c */
void armv8m_mpu_init(void);
/* On with the thread's regions (and PRIVDEFENA), or off, as the kernel runs. */
void armv8m_mpu_enable(bool on);

#endif
