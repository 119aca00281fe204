/* SPDX-License-Identifier: MIT */
/*
 * Stopping an AArch64 machine, and PSCI (Arm DEN 0022D) for it and for starting CPUs. The
 * firmware's halt callback first, if it gave one; then, with an exit status: semihosting SYS_EXIT
 * (Arm semihosting spec 2.0, 6.5: x0 = 0x18, x1 points at {ADP_Stopped_ApplicationExit, code}, then
 * HLT #0xF000), which QEMU turns into its exit code when run with -semihosting-config enable=on.
 * Without semihosting HLT is an undefined instruction; the exception lands in ctx.c, which sees it
 * came from aarch64_semihost_hlt and powers off through PSCI SYSTEM_OFF instead (QEMU then exits
 * with 0 whatever the status).
 */
#include <string.h>

#include "aarch64.h"
#include "compiler.h"
#include "fdt.h"
#include "klog.h"
#include "platform.h"

#define SYS_EXIT                    0x18
#define ADP_STOPPED_APPLICATIONEXIT 0x20026

/* /psci's method (devicetree binding arm,psci): "hvc" or "smc". Unknown until hal_platform_init. */
static enum { PSCI_NONE, PSCI_HVC, PSCI_SMC } psci_conduit;

BOOT_CODE void aarch64_psci_init(const void *dtb)
{
    static const char *const compat[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"};
    const char *method = NULL;

    for (unsigned i = 0; i < sizeof(compat) / sizeof(compat[0]) && !method; i++)
        if (fdt_compatible_string(dtb, compat[i], "method", &method))
            method = NULL;
    if (method && strcmp(method, "hvc") == 0)
        psci_conduit = PSCI_HVC;
    else if (method && strcmp(method, "smc") == 0)
        psci_conduit = PSCI_SMC;
    else
        klog_warn("psci: no usable /psci method; no power-off or secondary CPUs\n");
}

/* SMC Calling Convention (Arm DEN 0028): function id in x0, arguments in x1..x3, result in x0.
 * -1 (NOT_SUPPORTED) without a conduit. */
word_t psci_call(word_t fn, word_t a1, word_t a2, word_t a3)
{
    register word_t x0 __asm__("x0") = fn;
    register word_t x1 __asm__("x1") = a1;
    register word_t x2 __asm__("x2") = a2;
    register word_t x3 __asm__("x3") = a3;

    if (psci_conduit == PSCI_HVC)
        __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
    else if (psci_conduit == PSCI_SMC)
        __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
    else
        return (word_t)-1;
    return x0;
}

_Noreturn void aarch64_power_off(void)
{
    psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    for (;;)
        __asm__ volatile("wfi");
}

_Noreturn void hal_halt(int status)
{
    platform_halt(status);
    uint64_t block[2] = {ADP_STOPPED_APPLICATIONEXIT, (uint64_t)(int64_t)status};
    register uint64_t x0 __asm__("x0") = SYS_EXIT;
    register uint64_t *x1 __asm__("x1") = block;

    __asm__ volatile(".globl aarch64_semihost_hlt\n"
                     "aarch64_semihost_hlt: hlt #0xf000"
                     : "+r"(x0)
                     : "r"(x1)
                     : "memory");
    aarch64_power_off();
}
