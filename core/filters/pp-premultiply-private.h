/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Premultiplied alpha for the resampling and neighbourhood kernels. A transparent pixel's
 * colour is invisible and often arbitrary (black, or whatever the editor left there); mixing
 * it into its neighbours as if it were visible makes dark or coloured fringes ("haloes") along
 * every soft edge. Weighting each colour by its alpha (premultiplying), filtering, then
 * dividing by the filtered alpha again keeps invisible colours out of visible pixels.
 *
 * Only 4-channel images take these paths, so RGB filtering costs exactly what it did; rows
 * under an all-opaque window take the straight path, which gives exactly the premultiplied
 * bytes there, so opaque RGBA costs and looks as RGB does (tests/core/test-alpha.c).
 */
#pragma once

#include "image/pp-image.h"

G_BEGIN_DECLS

/* round (c·a / 255) for 8-bit c and a, exactly (Blinn, "Three wrongs make a right", 1995). */
static inline guint
_pp_premultiply8 (guint c,
                  guint a)
{
  guint t = c * a + 128;

  return (t + (t >> 8)) >> 8;
}

/* min (255, round (v·255 / a)), 0 where a is 0: a premultiplied 8-bit result back to a
 * straight colour, for filters whose result keeps the pixel's own alpha. */
static inline guint8
_pp_unpremultiply8 (guint v,
                    guint a)
{
  guint c;

  if (a == 0)
    return 0;
  c = (v * 255 + a / 2) / a;
  return c > 255 ? 255 : (guint8) c;
}

/* Source rows of a 4-channel image premultiplied into 16-bit fixed point with @bits (6 or 7)
 * fraction bits: colour round (c·a/255 · 2^bits) (to within a quarter unit), alpha a·2^bits,
 * so an opaque pixel's values are exactly c·2^bits, the straight kernels' scale. A band's
 * output rows share most of their source rows: each is premultiplied once per band and
 * kept in a ring of @n_slots rows (at least the kernel's height). */
typedef struct
{
  const PpImage *src;
  int bits;
  int n_slots;
  int *row_of_slot; /* which source row each slot holds; -1 when empty */
  guint16 *rows;    /* n_slots rows of width * 4 values */
  guint8 *opaque;   /* per source row: 0 not looked at yet, 1 all alpha 255, 2 not */
} PpPremultipliedRows;

void           _pp_premultiplied_rows_init  (PpPremultipliedRows *cache,
                                             const PpImage       *src,
                                             int                  n_slots,
                                             int                  bits);
void           _pp_premultiplied_rows_clear (PpPremultipliedRows *cache);
const guint16 *_pp_premultiplied_rows_get   (PpPremultipliedRows *cache,
                                             int                  y);
/* Whether source rows @y0..@y1 (inclusive, clamped to the image) are all opaque: there the
 * straight kernels give exactly the premultiplied result, cheaper. */
gboolean       _pp_premultiplied_rows_opaque (PpPremultipliedRows *cache,
                                              int                  y0,
                                              int                  y1);
/* The same question without a cache, for a band at once. */
gboolean       _pp_rows_opaque               (const PpImage       *src,
                                              int                  y0,
                                              int                  y1);

/* The factor that turns premultiplied sums back into straight colours: 255 / @sum_alpha for
 * sums at one fixed-point scale, 0 where nothing visible contributed. With an opaque sum
 * (255·2^k) it is exactly 2^-k, so opaque pixels round as the straight kernels do. */
static inline double
_pp_unpremultiply_factor (double sum_alpha)
{
  return sum_alpha > 0.0 ? 255.0 / sum_alpha : 0.0;
}

/* clamp (round (sum_colour · factor)) to 0..255. */
static inline guint8
_pp_unpremultiply_sum (double sum_colour,
                       double factor)
{
  double v = sum_colour * factor + 0.5;

  return v <= 0.0 ? 0 : v >= 255.0 ? 255 : (guint8) v;
}

G_END_DECLS
