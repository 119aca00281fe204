/* SPDX-License-Identifier: MIT */
/*
 * The smaller of the example vendor's two root tasks: it says where it runs and what it was given,
 * and stops the machine (its return value is the status the firmware's halt callback sees).
 */
#include <mica/user.h>

int mica_main(const struct mica_bootinfo *bi)
{
    unsigned long ram = 0;

    for (mica_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++)
        if (!bi->untyped_list[i].is_device)
            ram += 1ul << bi->untyped_list[i].size_bits;
    mica_printf("hello: root task on %s (%s), %lu untyped caps, %lu KiB of RAM to retype\n",
                bi->board, bi->arch, (unsigned long)(bi->untyped.end - bi->untyped.start),
                ram >> 10);
    return 0;
}
