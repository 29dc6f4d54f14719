/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the neighbourhood (local) filters: clamp-to-edge row access, edge-padded
 * copies of rows so inner loops need no bounds checks, and putting alpha back.
 */
#pragma once

#include <string.h>

#include "pp-image.h"

G_BEGIN_DECLS

/* Hot inner loops are plain C the compiler vectorises; baseline x86-64 has only 16-byte
 * vectors, so they are also built for AVX2 and AVX-512 and picked when the program loads
 * (GCC function multiversioning, resolved by the dynamic linker). Same results either way:
 * the loops are integer arithmetic. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define PP_VECTOR_CLONES __attribute__ ((target_clones ("arch=x86-64-v4", "avx2", "default")))
#else
#define PP_VECTOR_CLONES
#endif

static inline const guint8 *
_pp_clamped_row (const PpImage *image,
                 int            y)
{
  return PP_IMAGE_ROW (image, CLAMP (y, 0, image->height - 1));
}

/* Copies row @y (clamped to the image) into @out with @pad pixels replicated from the first and
 * last pixel on each side: out has (width + 2 * pad) * channels bytes. */
static inline void
_pp_pad_row (const PpImage *image,
             int            y,
             int            pad,
             guint8        *out)
{
  const guint8 *row = _pp_clamped_row (image, y);
  int c = image->channels;
  gsize n = (gsize) image->width * c;

  memcpy (out + (gsize) pad * c, row, n);
  for (int i = 0; i < pad; i++)
    {
      memcpy (out + (gsize) i * c, row, c);
      memcpy (out + (gsize) (pad + image->width + i) * c, row + n - c, c);
    }
}

/* Local filters work on every byte for speed; this puts the source alpha of row @y back. */
static inline void
_pp_restore_alpha (const PpImage *src,
                   int            y,
                   guint8        *dst_row)
{
  const guint8 *row = PP_IMAGE_ROW (src, y);

  if (src->channels != 4)
    return;
  for (int x = 0; x < src->width; x++)
    dst_row[x * 4 + 3] = row[x * 4 + 3];
}

G_END_DECLS
