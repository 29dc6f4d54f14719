/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Box blur: the mean of the (2r+1)² pixels around each pixel, clamp-to-edge, rounded half up,
 * alpha carried untouched. Running sums make the cost independent of the radius: per band, one
 * sum per column over 2r+1 rows, updated by one row in and one row out per destination row,
 * then prefix sums along the row, so each window total is one subtraction. Everything is an exact
 * integer, division included.
 */
#include "config.h"

#include "filters/pp-filter.h"
#include "filters/pp-local-private.h"

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

static void
box_blur_process_band (const PpFilterContext *ctx,
                       const PpImage         *src,
                       PpImage               *dst,
                       int                    y0,
                       int                    y1)
{
  int r = (int) ctx->values[0];
  int c = src->channels;
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
      box_divide_row (prefix, span, n, count / 2, magic, shift, out);
      _pp_restore_alpha (src, y, out);

      if (y + 1 < y1)
        {
          const guint8 *in = _pp_clamped_row (src, y + r + 1);
          const guint8 *gone = _pp_clamped_row (src, y - r);

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
