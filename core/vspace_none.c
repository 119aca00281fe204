/* SPDX-License-Identifier: MIT */
/*
 * The backend of vspace.h for kernels built without memory protection (neither CONFIG_MMU nor
 * CONFIG_MPU): VSpaces are plain objects and every mapping invocation is ILLEGAL_OPERATION, which
 * vspace.c decides from vspace_backend_present before calling anything here but
 * vspace_backend_activate, which does nothing.
 */
#include "vspace.h"

const bool vspace_backend_present = false;
const bool vspace_backend_tables = false;
const word_t vspace_backend_user_top = ~(word_t)0;
const word_t vspace_backend_regions = 0;

void vspace_backend_init(void *vs, word_t asid)
{
    (void)vs, (void)asid;
}

int vspace_backend_map(void *vs, word_t asid, word_t vaddr, paddr_t pa, unsigned frame_bits,
                       unsigned rights, unsigned attr, unsigned *missing)
{
    (void)vs, (void)asid, (void)vaddr, (void)pa, (void)frame_bits, (void)rights, (void)attr;
    (void)missing;
    return MICA_ERR_ILLEGAL_OPERATION;
}

int vspace_backend_remap(void *vs, word_t asid, word_t vaddr, paddr_t pa, unsigned frame_bits,
                         unsigned rights, unsigned attr)
{
    (void)vs, (void)asid, (void)vaddr, (void)pa, (void)frame_bits, (void)rights, (void)attr;
    return MICA_ERR_ILLEGAL_OPERATION;
}

void vspace_backend_unmap(void *vs, word_t asid, word_t vaddr, paddr_t pa, unsigned frame_bits)
{
    (void)vs, (void)asid, (void)vaddr, (void)pa, (void)frame_bits;
}

int vspace_backend_map_table(void *vs, word_t vaddr, paddr_t table, unsigned *level)
{
    (void)vs, (void)vaddr, (void)table, (void)level;
    return MICA_ERR_ILLEGAL_OPERATION;
}

void vspace_backend_unmap_table(void *vs, word_t asid, word_t vaddr, unsigned level, paddr_t table)
{
    (void)vs, (void)asid, (void)vaddr, (void)level, (void)table;
}

void vspace_backend_destroy(void *vs, word_t asid)
{
    (void)vs, (void)asid;
}

void vspace_backend_activate(void *vs, word_t asid)
{
    (void)vs, (void)asid;
}
