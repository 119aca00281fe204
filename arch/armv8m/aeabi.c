/* SPDX-License-Identifier: MIT */
/*
 * Run-time helpers that clang calls on Armv8-M (Run-time ABI for the Arm Architecture, 4.3 and
 * 4.2): memory copies and fills for struct assignment and initialisation, and 64-bit unsigned
 * division (the M33 divides 32-bit numbers in hardware only). Debian ships no bare-metal
 * compiler-rt, so the kernel brings its own. The aligned variants (4, 8) may use the plain ones.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

void __aeabi_memcpy(void *dst, const void *src, size_t n);
void __aeabi_memcpy4(void *dst, const void *src, size_t n);
void __aeabi_memcpy8(void *dst, const void *src, size_t n);
void __aeabi_memmove(void *dst, const void *src, size_t n);
void __aeabi_memmove4(void *dst, const void *src, size_t n);
void __aeabi_memmove8(void *dst, const void *src, size_t n);
void __aeabi_memset(void *dst, size_t n, int c);
void __aeabi_memset4(void *dst, size_t n, int c);
void __aeabi_memset8(void *dst, size_t n, int c);
void __aeabi_memclr(void *dst, size_t n);
void __aeabi_memclr4(void *dst, size_t n);
void __aeabi_memclr8(void *dst, size_t n);
uint64_t armv8m_udivmod64(uint64_t n, uint64_t d, uint64_t *rem);

void __aeabi_memcpy(void *dst, const void *src, size_t n)
{
    memcpy(dst, src, n);
}

void __aeabi_memcpy4(void *dst, const void *src, size_t n)
{
    memcpy(dst, src, n);
}

void __aeabi_memcpy8(void *dst, const void *src, size_t n)
{
    memcpy(dst, src, n);
}

void __aeabi_memmove(void *dst, const void *src, size_t n)
{
    memmove(dst, src, n);
}

void __aeabi_memmove4(void *dst, const void *src, size_t n)
{
    memmove(dst, src, n);
}

void __aeabi_memmove8(void *dst, const void *src, size_t n)
{
    memmove(dst, src, n);
}

/* Note the argument order: size before value, unlike memset. */
void __aeabi_memset(void *dst, size_t n, int c)
{
    memset(dst, c, n);
}

void __aeabi_memset4(void *dst, size_t n, int c)
{
    memset(dst, c, n);
}

void __aeabi_memset8(void *dst, size_t n, int c)
{
    memset(dst, c, n);
}

void __aeabi_memclr(void *dst, size_t n)
{
    memset(dst, 0, n);
}

void __aeabi_memclr4(void *dst, size_t n)
{
    memset(dst, 0, n);
}

void __aeabi_memclr8(void *dst, size_t n)
{
    memset(dst, 0, n);
}

/*
 * n / d and n % d by shift and subtract, one quotient bit per step, starting at the highest bit
 * where d still fits. Division by zero returns all ones and n as the remainder (the ABI leaves
 * it to __aeabi_ldiv0, which may return anything; the kernel never divides by zero on purpose).
 */
uint64_t armv8m_udivmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint64_t q = 0;
    int shift = 0;

    if (d == 0) {
        *rem = n;
        return UINT64_MAX;
    }
    while (!(d >> 63) && (d << 1) <= n) {
        d <<= 1;
        shift++;
    }
    for (; shift >= 0; shift--, d >>= 1) {
        q <<= 1;
        if (n >= d) {
            n -= d;
            q |= 1;
        }
    }
    *rem = n;
    return q;
}
