/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the neighbourhood (local) filters: clamp-to-edge row access, edge-padded
 * copies of rows so inner loops need no bounds checks, and putting alpha back.
 */
#pragma once

#include <string.h>

#include "pp-image.h"
#include "pp-vector-private.h"

G_BEGIN_DECLS


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
