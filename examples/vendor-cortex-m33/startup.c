/* SPDX-License-Identifier: MIT */
/*
 * The vendor's CMSIS-style startup for the AN505's Cortex-M33: the vector table, Reset_Handler,
 * default handlers, and the C runtime's _start. The table is the one the core runs with for good:
 * Mica does not bring a table of its own but checks this one and points VTOR at it. So the entries
 * Mica takes name Mica's handlers (include/mica/kernel.h): the fault exceptions, SVCall, PendSV,
 * and the NVIC lines of its two timers (3 and 4) and of the devices user drivers may claim. The
 * rest are the firmware's: its SysTick tick and the dual timer's line 5 (main.c), and a default
 * handler that stops the machine for anything it did not expect.
 */
#include <stdint.h>

#include <mica/kernel.h>

#include "platform.h"

#define NVIC_LINES VENDOR_NVIC_LINES

typedef void (*vector_t)(void);

extern uint32_t __stack_top[], __stack_limit[], __bss_start[], __bss_end[]; /* vendor.ld */

void Reset_Handler(void);
void Default_Handler(void);
void SystemInit(void);           /* system.c */
void SysTick_Handler(void);      /* main.c */
void DUALTIMER_IRQHandler(void); /* main.c */
__attribute__((noreturn)) void _start(void);
int main(void);
void vendor_exit(int status); /* main.c */
void NMI_Handler(void) __attribute__((weak, alias("Default_Handler")));
void DebugMon_Handler(void) __attribute__((weak, alias("Default_Handler")));

/* Armv8-M ARM B3.30: initial SP, Reset, exceptions 2-15, then one entry per NVIC line. 112 words,
 * so aligned to 512 bytes (VTOR's rule); vendor.ld puts it first, at VTOR_S's reset value. */
const vector_t __VECTOR_TABLE[16 + NVIC_LINES]
    __attribute__((section(".vectors"), used, aligned(512))) = {
        [0] = (vector_t)__stack_top,
        [1] = Reset_Handler,
        [2] = NMI_Handler,
        [3] = mica_exception_handler, /* HardFault */
        [4] = mica_exception_handler, /* MemManage */
        [5] = mica_exception_handler, /* BusFault */
        [6] = mica_exception_handler, /* UsageFault */
        [7] = mica_exception_handler, /* SecureFault */
        [8 ... 10] = Default_Handler, /* reserved */
        [11] = mica_svc_handler,      /* SVCall: Mica's system calls */
        [12] = DebugMon_Handler,
        [13] = Default_Handler,     /* reserved */
        [14] = mica_pendsv_handler, /* PendSV: Mica enters its Handler mode with it */
        [15] = SysTick_Handler,     /* the firmware's tick */
        [16 ... 16 + 2] = Default_Handler,
        [16 + 3] = mica_exception_handler, /* TIMER0: Mica's deadlines */
        [16 + 4] = mica_exception_handler, /* TIMER1: Mica's clock */
        [16 + 5] = DUALTIMER_IRQHandler,   /* the firmware's doorbell */
        [16 + 6 ... 16 + 31] = Default_Handler,
        /* The expansion peripherals' lines (UARTs, SPI, I2C, ...): Mica may give them to user
         * drivers, which claim them through IRQControl (UART0's registers are the firmware's,
         * reserved, so no driver can make use of its lines). */
        [16 + 32 ... 16 + NVIC_LINES - 1] = mica_exception_handler,
};

/* Any exception the firmware did not plan for. */
void Default_Handler(void)
{
    vendor_exit(5);
}

/* Privileged Thread mode on the main stack, as the core leaves reset. */
void Reset_Handler(void)
{
    __asm__ volatile("cpsid i\n\tmsr msplim, %0" ::"r"(__stack_limit));
    SystemInit();
    _start();
}

/* The C runtime: everything runs where QEMU loaded it (code memory is RAM here), so only .bss
 * needs clearing. */
void _start(void)
{
    for (volatile uint32_t *p = __bss_start; p < __bss_end; p++)
        *p = 0;
    main();
    vendor_exit(6);
    for (;;)
        ;
}
