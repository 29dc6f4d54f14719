/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * dst[i] = lut[src[i]] for a 256-entry table. The portable loop is bound by loads (one for the
 * byte, one for the table, per byte). Where AVX-512 VBMI exists (Intel Ice Lake and later,
 * AMD Zen 4), the whole table sits in four vector registers and two two-register byte permutes
 * plus a blend map 64 bytes at a time, so the loop runs at memory speed. Both give the same
 * bytes; the choice is made once per process.
 */
#define G_LOG_DOMAIN "pp-lut"

#include "config.h"

#include "filters/pp-lut.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define PP_HAVE_VBMI_KERNEL 1
#include <immintrin.h>
#endif

static void
apply_flat_portable (const guint8 *src,
                     guint8       *dst,
                     gsize         n,
                     const guint8 *lut)
{
  gsize i = 0;

  for (; i + 4 <= n; i += 4)
    {
      dst[i] = lut[src[i]];
      dst[i + 1] = lut[src[i + 1]];
      dst[i + 2] = lut[src[i + 2]];
      dst[i + 3] = lut[src[i + 3]];
    }
  for (; i < n; i++)
    dst[i] = lut[src[i]];
}

/* RGBA: the table maps the colour bytes; every fourth byte (alpha) is copied. */
static void
apply_flat_alpha_portable (const guint8 *src,
                           guint8       *dst,
                           gsize         n,
                           const guint8 *lut)
{
  for (gsize i = 0; i + 4 <= n; i += 4)
    {
      dst[i] = lut[src[i]];
      dst[i + 1] = lut[src[i + 1]];
      dst[i + 2] = lut[src[i + 2]];
      dst[i + 3] = src[i + 3];
    }
}

#ifdef PP_HAVE_VBMI_KERNEL
__attribute__ ((target ("avx512f,avx512bw,avx512vbmi"))) static inline __m512i
lookup64 (__m512i x,
          __m512i t0,
          __m512i t1,
          __m512i t2,
          __m512i t3)
{
  /* Bits 0-6 of each byte index 128 table bytes; bit 7 picks the upper or lower half. */
  __m512i lo = _mm512_permutex2var_epi8 (t0, x, t1);
  __m512i hi = _mm512_permutex2var_epi8 (t2, x, t3);

  return _mm512_mask_blend_epi8 (_mm512_movepi8_mask (x), lo, hi);
}

/* The whole 64-byte blocks of @n: the looked-up byte where @colour has a bit, the source byte
 * elsewhere. Inlined into each caller with a constant mask, so RGB pays no blend. Returns the
 * bytes done; the caller finishes the tail with the portable loop. */
__attribute__ ((target ("avx512f,avx512bw,avx512vbmi"), always_inline)) static inline gsize
apply_blocks_vbmi (const guint8 *src,
                   guint8       *dst,
                   gsize         n,
                   const guint8 *lut,
                   __mmask64     colour)
{
  __m512i t0 = _mm512_loadu_si512 (lut);
  __m512i t1 = _mm512_loadu_si512 (lut + 64);
  __m512i t2 = _mm512_loadu_si512 (lut + 128);
  __m512i t3 = _mm512_loadu_si512 (lut + 192);
  gsize i = 0;

  for (; i + 64 <= n; i += 64)
    {
      __m512i x = _mm512_loadu_si512 (src + i);
      __m512i y = lookup64 (x, t0, t1, t2, t3);

      _mm512_storeu_si512 (dst + i, colour == ~(__mmask64) 0 ? y
                                                           : _mm512_mask_blend_epi8 (colour, x, y));
    }
  return i;
}

__attribute__ ((target ("avx512f,avx512bw,avx512vbmi"))) static void
apply_flat_alpha_vbmi (const guint8 *src,
                       guint8       *dst,
                       gsize         n,
                       const guint8 *lut)
{
  /* Every fourth byte is alpha: kept as it is. */
  gsize i = apply_blocks_vbmi (src, dst, n, lut, 0x7777777777777777ULL);

  apply_flat_alpha_portable (src + i, dst + i, n - i, lut);
}

__attribute__ ((target ("avx512f,avx512bw,avx512vbmi"))) static void
apply_flat_vbmi (const guint8 *src,
                 guint8       *dst,
                 gsize         n,
                 const guint8 *lut)
{
  gsize i = apply_blocks_vbmi (src, dst, n, lut, ~(__mmask64) 0);

  apply_flat_portable (src + i, dst + i, n - i, lut);
}
#endif

typedef void (*FlatFunc) (const guint8 *, guint8 *, gsize, const guint8 *);

static gboolean
have_vbmi (void)
{
#ifdef PP_HAVE_VBMI_KERNEL
  __builtin_cpu_init ();
  /* PP_NO_SIMD lets tests and benchmarks check the portable path on any machine. */
  return __builtin_cpu_supports ("avx512vbmi") && __builtin_cpu_supports ("avx512bw") &&
         g_getenv ("PP_NO_SIMD") == NULL;
#else
  return FALSE;
#endif
}

static FlatFunc
choose (gboolean alpha)
{
#ifdef PP_HAVE_VBMI_KERNEL
  if (have_vbmi ())
    return alpha ? apply_flat_alpha_vbmi : apply_flat_vbmi;
#endif
  return alpha ? apply_flat_alpha_portable : apply_flat_portable;
}

/**
 * pp_lut_apply_flat:
 * @src: the input bytes, whole pixels of @channels bytes
 * @dst: the output, @n bytes; may be @src itself (in place), must not overlap it otherwise
 * @n: bytes in @src and @dst, a multiple of @channels
 * @channels: 3, or 4 to leave every fourth byte (alpha) as it is in @src
 * @lut: 256 entries, one table for every colour channel
 *
 * dst[i] = lut[src[i]] for the colour bytes: the kernel a plan runs fused point filters with
 * (render/pp-plan.c). The vector version (AVX-512 VBMI) is chosen on first use where the CPU has
 * it; every version gives the same bytes (PP_NO_SIMD=1 forces the portable loop). Any thread.
 */
void
pp_lut_apply_flat (const guint8 *src,
                    guint8       *dst,
                    gsize         n,
                    int           channels,
                    const guint8 *lut)
{
  static FlatFunc funcs[2];
  gboolean alpha = channels == 4;
  /* Racing first calls store the same pointer; the atomics keep TSan informed. */
  FlatFunc f = g_atomic_pointer_get (&funcs[alpha]);

  if (f == NULL)
    {
      f = choose (alpha);
      g_atomic_pointer_set (&funcs[alpha], f);
    }
  f (src, dst, n, lut);
}
