/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the neighbourhood (local) filters: clamp-to-edge row access, edge-padded
 * copies of rows so inner loops need no bounds checks, and putting alpha back.
 */
#pragma once

#include <string.h>

#include "image/pp-image.h"
#include "filters/pp-vector-private.h"

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

/* A 3x3 filter's work on one padded row triple: @up, @mid and @down hold the rows above, at and
 * below with one replicated pixel on each side, so index i is the pixel left of the centre. */
typedef void (*PpRow3x3Func) (const guint8 *up,
                              const guint8 *mid,
                              const guint8 *down,
                              int           channels,
                              gsize         n,
                              gconstpointer data,
                              guint8       *out);

/* RGBA, for the pixels the straight row function cannot be trusted with (some neighbour not
 * opaque): recomputes the three colours of pixel @x of the destination row from the padded
 * source rows (straight RGBA; index 4·x is the pixel left of the centre), with @out pointing at
 * the destination pixel, which already holds the straight result and the source alpha. */
typedef void (*PpFix3x3Func) (const guint8 *up,
                              const guint8 *mid,
                              const guint8 *down,
                              int           x,
                              gconstpointer data,
                              guint8       *out);

/* The 3x3 neighbourhood of pixel @x's channel @ch premultiplied exactly: c·a, 0..65025, in
 * reading order. */
static inline void
_pp_3x3_premultiplied (const guint8 *up,
                       const guint8 *mid,
                       const guint8 *down,
                       int           x,
                       int           ch,
                       int           p[9])
{
  const guint8 *rows[3] = { up, mid, down };

  for (int j = 0; j < 3; j++)
    for (int i = 0; i < 3; i++)
      {
        const guint8 *px = rows[j] + 4 * (x + i);

        p[j * 3 + i] = px[ch] * px[3];
      }
}

/* RGBA, for kernels that weigh colours by alpha (edge-detect, emboss), instead of a
 * PpFix3x3Func: one colour of a pixel that is not transparent (alpha @a, 1..255) from its
 * premultiplied 3x3 neighbourhood @p (_pp_3x3_premultiplied()), as a straight value. */
typedef guint8 (*PpColour3x3Func) (const int     p[9],
                                   int           a,
                                   gconstpointer data);

/* Pixel @x's three colours by @colour (0 where the pixel is transparent), the fix of kernels
 * that weigh colours by alpha. */
static inline void
_pp_3x3_fix_colours (const guint8    *up,
                     const guint8    *mid,
                     const guint8    *down,
                     int              x,
                     PpColour3x3Func  colour,
                     gconstpointer    data,
                     guint8          *out)
{
  int a = out[3];

  for (int ch = 0; ch < 3; ch++)
    {
      int p[9];

      if (a == 0)
        {
          out[ch] = 0;
          continue;
        }
      _pp_3x3_premultiplied (up, mid, down, x, ch, p);
      out[ch] = colour (p, a, data);
    }
}

static inline guint8
_pp_row_min_alpha (const guint8 *row,
                   gsize         n_pixels)
{
  guint8 least = 255;

  for (gsize x = 0; x < n_pixels; x++)
    least = MIN (least, row[4 * x + 3]);
  return least;
}

/* The band loop every 3x3 filter (edge-detect, emboss, median) shares: pad the three source rows
 * around each destination row (clamp to edge), run @row, put the source alpha back. For RGBA,
 * @fix (or, when it is NULL, _pp_3x3_fix_colours() with @colour) then redoes each pixel with a
 * neighbour whose alpha is below @fix_below (where @row, which sees straight colours, would let
 * hidden colours show: 255 for kernels that weigh colours by alpha, 1 for the median, which
 * only ignores invisible pixels); rows with no such alpha are left to @row alone. */
static inline void
_pp_3x3_process_band (const PpImage *src,
                      PpImage       *dst,
                      int            y0,
                      int            y1,
                      PpRow3x3Func   row,
                      PpFix3x3Func   fix,
                      PpColour3x3Func colour,
                      guint8         fix_below,
                      gconstpointer  data)
{
  int c = src->channels;
  gsize n = (gsize) src->width * c, padded = n + 2 * c;
  g_autofree guint8 *buf = g_malloc (3 * padded);

  for (int y = y0; y < y1; y++)
    {
      guint8 *out = PP_IMAGE_ROW (dst, y);
      const guint8 *up = buf, *mid = buf + padded, *down = buf + 2 * padded;

      _pp_pad_row (src, y - 1, 1, buf);
      _pp_pad_row (src, y, 1, buf + padded);
      _pp_pad_row (src, y + 1, 1, buf + 2 * padded);
      row (up, mid, down, c, n, data, out);
      _pp_restore_alpha (src, y, out);
      if (c != 4 || (_pp_row_min_alpha (up, src->width + 2) >= fix_below &&
                     _pp_row_min_alpha (mid, src->width + 2) >= fix_below &&
                     _pp_row_min_alpha (down, src->width + 2) >= fix_below))
        continue;
      for (int x = 0; x < src->width; x++)
        {
          guint8 least = 255;

          for (int k = 0; k < 3; k++)
            least = MIN (least, MIN (up[4 * (x + k) + 3],
                                     MIN (mid[4 * (x + k) + 3], down[4 * (x + k) + 3])));
          if (least >= fix_below)
            continue;
          if (fix != NULL)
            fix (up, mid, down, x, data, out + 4 * x);
          else
            _pp_3x3_fix_colours (up, mid, down, x, colour, data, out + 4 * x);
        }
    }
}

G_END_DECLS
