/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ring of premultiplied source rows the Gaussian and the resampler read for 4-channel
 * images (filters/pp-premultiply-private.h).
 */
#define G_LOG_DOMAIN "pp-filter"

#include "config.h"

#include "filters/pp-premultiply-private.h"
#include "filters/pp-vector-private.h"

void
_pp_premultiplied_rows_init (PpPremultipliedRows *cache,
                             const PpImage       *src,
                             int                  n_slots,
                             int                  bits)
{
  g_assert (src->channels == 4 && n_slots > 0 && (bits == 6 || bits == 7));

  cache->src = src;
  cache->bits = bits;
  cache->n_slots = n_slots;
  cache->row_of_slot = g_new (int, n_slots);
  for (int i = 0; i < n_slots; i++)
    cache->row_of_slot[i] = -1;
  cache->rows = g_new (guint16, (gsize) n_slots * src->width * 4);
  cache->opaque = g_new0 (guint8, src->height);
}

void
_pp_premultiplied_rows_clear (PpPremultipliedRows *cache)
{
  g_clear_pointer (&cache->row_of_slot, g_free);
  g_clear_pointer (&cache->rows, g_free);
  g_clear_pointer (&cache->opaque, g_free);
}

static gboolean
row_is_opaque (const guint8 *row,
               int           width)
{
  guint8 all = 255;

  for (int x = 0; x < width; x++)
    all &= row[4 * x + 3];
  return all == 255;
}

gboolean
_pp_rows_opaque (const PpImage *src,
                 int            y0,
                 int            y1)
{
  g_assert (src->channels == 4);

  for (int y = MAX (y0, 0); y <= MIN (y1, src->height - 1); y++)
    if (!row_is_opaque (PP_IMAGE_ROW (src, y), src->width))
      return FALSE;
  return TRUE;
}

gboolean
_pp_premultiplied_rows_opaque (PpPremultipliedRows *cache,
                               int                  y0,
                               int                  y1)
{
  for (int y = MAX (y0, 0); y <= MIN (y1, cache->src->height - 1); y++)
    {
      if (cache->opaque[y] == 0)
        cache->opaque[y] = row_is_opaque (PP_IMAGE_ROW (cache->src, y), cache->src->width) ? 1 : 2;
      if (cache->opaque[y] != 1)
        return FALSE;
    }
  return TRUE;
}

/* c·a·257 / 2^16 is c·a/255 to within 1/65536 relative; shifting by 16 - bits instead of 16
 * keeps @bits fraction bits, and the added half rounds. At most 255·255·257 + 2^9 < 2^25. */
PP_VECTOR_CLONES static void
premultiply_row (const guint8 *restrict in,
                 int                    width,
                 int                    bits,
                 guint16      *restrict out)
{
  int shift = 16 - bits;
  guint32 half = 1u << (shift - 1);

  for (int x = 0; x < width; x++)
    {
      guint32 a = in[4 * x + 3];

      out[4 * x] = (in[4 * x] * a * 257 + half) >> shift;
      out[4 * x + 1] = (in[4 * x + 1] * a * 257 + half) >> shift;
      out[4 * x + 2] = (in[4 * x + 2] * a * 257 + half) >> shift;
      out[4 * x + 3] = a << bits;
    }
}

/* Row @y (already clamped to the image) premultiplied; valid until @n_slots further rows
 * have been asked for. */
const guint16 *
_pp_premultiplied_rows_get (PpPremultipliedRows *cache,
                            int                  y)
{
  int slot = y % cache->n_slots;
  guint16 *row = cache->rows + (gsize) slot * cache->src->width * 4;

  g_assert (y >= 0 && y < cache->src->height);
  if (cache->row_of_slot[slot] != y)
    {
      premultiply_row (PP_IMAGE_ROW (cache->src, y), cache->src->width, cache->bits, row);
      cache->row_of_slot[slot] = y;
    }
  return row;
}
