/* SPDX-License-Identifier: MIT */
/*
 * The conformance suite's root task: runs every test table, prints TAP on the debug console and
 * halts the machine with status 0 if all tests passed, 1 otherwise.
 */
#include "suite.h"

static const struct tap_suite suites[] = {
    {boot_tests, 0},    {untyped_tests, 0}, {cnode_tests, 0},    {tcb_tests, 0},   {ipc_tests, 0},
    {ntfn_tests, 0},    {sched_tests, 0},   {schedctx_tests, 0}, {irq_tests, 0},   {vm_tests, 0},
    {mpu_tests, 0},     {mcs_tests, 0},     {fault_tests, 0},    {board_tests, 0}, {an505_tests, 0},
    {toolkit_tests, 0}, {smp_tests, 0},
};

int mica_main(const struct mica_bootinfo *bi)
{
    const unsigned *counts[] = {
        &boot_tests_count,  &untyped_tests_count, &cnode_tests_count, &tcb_tests_count,
        &ipc_tests_count,   &ntfn_tests_count,    &sched_tests_count, &schedctx_tests_count,
        &irq_tests_count,   &vm_tests_count,      &mpu_tests_count,   &mcs_tests_count,
        &fault_tests_count, &board_tests_count,   &an505_tests_count, &toolkit_tests_count,
        &smp_tests_count,
    };
    struct tap_suite run[sizeof(suites) / sizeof(suites[0])];

    for (unsigned i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
        run[i].tests = suites[i].tests;
        run[i].count = *counts[i];
    }
    if (!env_init(bi))
        mica_debug_halt(1);
    unsigned failed = tap_run(run, sizeof(run) / sizeof(run[0]), env_test_begin, env_test_end);
    mica_debug_halt(failed ? 1 : 0);
}
