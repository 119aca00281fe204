/* SPDX-License-Identifier: MIT */
/*
 * kernel_main, where every arch hands over after its entry code. For now it is the boot stub:
 * bring up the platform, read the memory map, print one banner line and stop the machine.
 */
#include <stdint.h>

#include "hal.h"
#include "klog.h"
#ifdef CONFIG_FDT
#include "fdt.h"
#endif

/* Fill bp from the devicetree; false (after one error line) if the blob is unusable. */
static bool boot_read_fdt(struct boot_params *bp)
{
#ifdef CONFIG_FDT
    char why[128];
    int ret = fdt_scan_boot(bp->dtb, FDT_MAX_SIZE, bp, why, sizeof(why));

    if (ret) {
        kprintf("mica: bad devicetree at %p: %s\n", bp->dtb, why);
        return false;
    }
#else
    (void)bp;
#endif
    return true;
}

_Noreturn void kernel_main(struct boot_params *bp)
{
    uint64_t ram = 0;

    hal_platform_init(bp);
    if (bp->dtb && !boot_read_fdt(bp))
        hal_halt(2);
    for (unsigned i = 0; i < bp->nram; i++)
        ram += bp->ram[i].size;
    kprintf("mica: board=%s arch=%s cpus=%u ram=%lluMiB\n", CONFIG_BOARD, CONFIG_ARCH, bp->ncpus,
            (unsigned long long)(ram >> 20));
    hal_halt(0);
}

/* No secondary CPU is started yet. */
_Noreturn void kernel_secondary_main(unsigned cpu)
{
    kpanic("cpu %u: secondary CPUs are not supported yet", cpu);
}
