/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PP_VECTOR_CLONES marks a filter's hot loop for function multiversioning.
 */
#pragma once

/* Hot inner loops are plain C the compiler vectorises; baseline x86-64 has only 16-byte
 * vectors, so they are also built for AVX2 and AVX-512 and picked when the program loads
 * (GCC function multiversioning, resolved by the dynamic linker). Same results either way:
 * the loops are integer arithmetic. */
/* Not under ThreadSanitizer: the clones' resolvers run during relocation, before the TSan
 * runtime is up, and crash there. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) && \
    !defined(__SANITIZE_THREAD__)
#define PP_VECTOR_CLONES __attribute__ ((target_clones ("arch=x86-64-v4", "avx2", "default")))
#else
#define PP_VECTOR_CLONES
#endif
