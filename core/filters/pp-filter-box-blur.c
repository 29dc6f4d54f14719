/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Box blur: the mean of the (2r+1)² pixels around each pixel, clamp-to-edge, rounded half up,
 * alpha carried untouched. Running sums make the cost independent of the radius: per band, one
 * sum per column over 2r+1 rows, updated by one row in and one row out per destination row,
 * then prefix sums along the row, so each window total is one subtraction. Everything is an exact
 * integer, division included. RGBA colours are averaged weighted by alpha (sum (c·a) / sum (a),
 * so transparent pixels' colours never show), alpha itself untouched.
 */
#include "config.h"

#include <math.h>

#include "filters/pp-filter.h"
#include "filters/pp-local-private.h"
#include "filters/pp-premultiply-private.h"

static const PpParamSpec params[] = {
  { "radius", "Radius", PP_PARAM_INT, 1, 100, 2, 1, "px", NULL },
};

static int
box_blur_get_radius (const double *values)
{
  return (int) values[0];
}

/* out[p·c + ch] = sums[0·c + ch] + … + sums[p·c + ch], with the running totals in registers
 * (through memory, each addition would wait for the store of the one before). */
static void
running_sums (const guint32 *restrict sums,
              gsize                   n_pixels,
              int                     c,
              guint32       *restrict out)
{
  guint32 a0 = 0, a1 = 0, a2 = 0, a3 = 0;

  if (c == 3)
    for (gsize p = 0; p < n_pixels; p++, sums += 3, out += 3)
      {
        out[0] = a0 += sums[0];
        out[1] = a1 += sums[1];
        out[2] = a2 += sums[2];
      }
  else
    for (gsize p = 0; p < n_pixels; p++, sums += 4, out += 4)
      {
        out[0] = a0 += sums[0];
        out[1] = a1 += sums[1];
        out[2] = a2 += sums[2];
        out[3] = a3 += sums[3];
      }
}

PP_VECTOR_CLONES static void
box_divide_row (const guint32 *restrict prefix,
                gsize                   span,
                gsize                   n,
                guint32                 half,
                guint64                 magic,
                int                     shift,
                guint8        *restrict out)
{
  for (gsize i = 0; i < n; i++)
    out[i] = ((guint64) (prefix[i + span] - prefix[i] + half) * magic) >> shift;
}

/* RGBA: @row's colours weighted by their alpha, and the alpha, added to (or, with @sign -1,
 * taken from) the column sums. Sums of c·a over a window stay below 201² · 255² < 2^32. */
static void
add_premultiplied (guint32      *restrict body,
                   const guint8 *restrict row,
                   int                    width,
                   int                    sign)
{
  for (int x = 0; x < width; x++)
    {
      guint32 a = row[4 * x + 3];

      body[4 * x] += (guint32) sign * (row[4 * x] * a);
      body[4 * x + 1] += (guint32) sign * (row[4 * x + 1] * a);
      body[4 * x + 2] += (guint32) sign * (row[4 * x + 2] * a);
      body[4 * x + 3] += (guint32) sign * a;
    }
}

/* RGBA: colour = round half up (sum (c·a) / sum (a)) over the window, 0 where the whole window
 * is transparent; alpha is the caller's. In double the quotient's floor is exact: numerator
 * and denominator are below 2^34, so a quotient that is not whole is at least 2^-25 from the
 * next integer, far more than the division's error. */
static void
box_divide_row_premultiplied (const guint32 *restrict prefix,
                              gsize                   span,
                              int                     width,
                              guint8        *restrict out)
{
  for (int x = 0; x < width; x++)
    {
      const guint32 *lo = prefix + (gsize) 4 * x, *hi = lo + span;
      double sum_a = (guint32) (hi[3] - lo[3]);

      for (int c = 0; c < 3; c++)
        out[4 * x + c] = sum_a > 0.0
                           ? (guint8) floor ((2.0 * (guint32) (hi[c] - lo[c]) + sum_a) /
                                             (2.0 * sum_a))
                           : 0;
    }
}

static void
box_blur_process_band (const PpFilterContext *ctx,
                       const PpImage         *src,
                       PpImage               *dst,
                       int                    y0,
                       int                    y1)
{
  int r = (int) ctx->values[0];
  int c = src->channels;
  /* RGBA is averaged premultiplied, except in an opaque band (every row its windows reach),
   * where the straight sums give the same bytes, cheaper. */
  gboolean premultiplied = c == 4 && !_pp_rows_opaque (src, y0 - r, y1 - 1 + r);
  gsize n = (gsize) src->width * c;
  guint32 count = (guint32) (2 * r + 1) * (guint32) (2 * r + 1);
  gsize span = (gsize) (2 * r + 1) * c;
  /* Division by count as a multiply and shift, exact: with 2^shift > 256 · count² and
   * magic = floor (2^shift / count) + 1, every t below 256 · count has
   * floor (t / count) == (t · magic) >> shift, and magic stays below 2^32, so the product is
   * one 32 x 32 -> 64-bit multiply the vector units have. */
  int shift = 8;
  guint64 magic;
  /* Column sums with r pixels of edge padding each side, and their running (prefix) sums along
   * the row: a window's total is then one subtraction, for every pixel independently. */
  g_autofree guint32 *sums = g_new0 (guint32, n + (gsize) 2 * r * c);
  g_autofree guint32 *prefix = g_new0 (guint32, n + (gsize) (2 * r + 1) * c);
  guint32 *body = sums + (gsize) r * c;

  while ((G_GUINT64_CONSTANT (1) << shift) <= (guint64) 256 * count * count)
    shift++;
  magic = (G_GUINT64_CONSTANT (1) << shift) / count + 1;

  for (int k = -r; k <= r; k++)
    {
      const guint8 *row = _pp_clamped_row (src, y0 + k);

      if (premultiplied)
        add_premultiplied (body, row, src->width, 1);
      else
        for (gsize i = 0; i < n; i++)
          body[i] += row[i];
    }

  for (int y = y0; y < y1; y++)
    {
      guint8 *out = PP_IMAGE_ROW (dst, y);

      for (int p = 0; p < r; p++)
        for (int ch = 0; ch < c; ch++)
          {
            sums[(gsize) p * c + ch] = body[ch];
            body[n + (gsize) p * c + ch] = body[n - c + ch];
          }

      /* Sums wrap modulo 2^32, and a difference of two of them is still the exact window
       * total, which is far below 2^32. */
      running_sums (sums, (gsize) src->width + 2 * r, c, prefix + c);
      if (premultiplied)
        box_divide_row_premultiplied (prefix, span, src->width, out);
      else
        box_divide_row (prefix, span, n, count / 2, magic, shift, out);
      _pp_restore_alpha (src, y, out);

      if (y + 1 < y1)
        {
          const guint8 *in = _pp_clamped_row (src, y + r + 1);
          const guint8 *gone = _pp_clamped_row (src, y - r);

          if (premultiplied)
            {
              add_premultiplied (body, in, src->width, 1);
              add_premultiplied (body, gone, src->width, -1);
            }
          else
            for (gsize i = 0; i < n; i++)
              body[i] += in[i] - gone[i];
        }
    }
}

const PpFilterInfo pp_filter_box_blur = {
  .name = "box-blur",
  .label = "Box Blur",
  .description = "Mean of the (2·radius+1)² square around each pixel",
  .kind = PP_FILTER_KIND_LOCAL,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .get_radius = box_blur_get_radius,
  .process_band = box_blur_process_band,
};
