/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Box blur: the mean of the (2r+1)² pixels around each pixel, clamp-to-edge, rounded half up,
 * alpha carried untouched. Running sums make the cost independent of the radius: per band, one
 * sum per column over 2r+1 rows, updated by one row in and one row out per destination row,
 * then a running sum along the row. Everything is an exact integer, division included.
 */
#include "config.h"

#include "pp-filter.h"
#include "pp-local-private.h"

static const PpParamSpec params[] = {
  { "radius", "Radius", PP_PARAM_INT, 1, 100, 2, 1, "px", NULL },
};

static int
box_blur_get_radius (const double *values)
{
  return (int) values[0];
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
  /* floor (t / count) == (t · magic) >> 40 for every t below 256 · count: count <= 40401, so
   * t · (magic · count - 2^40) < 256 · count² < 2^40, the condition for exactness. */
  guint64 magic = (G_GUINT64_CONSTANT (1) << 40) / count + 1;
  /* Column sums with r pixels of edge padding each side, and one pixel more that the running
   * sum reads (and does not use) after the last pixel. */
  g_autofree guint32 *sums = g_new0 (guint32, n + (gsize) (2 * r + 1) * c);
  guint32 *body = sums + (gsize) r * c;

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

      for (int ch = 0; ch < c; ch++)
        {
          guint32 total = 0;

          for (int k = 0; k <= 2 * r; k++)
            total += sums[(gsize) k * c + ch];
          for (gsize i = ch; i < n; i += c)
            {
              out[i] = ((total + count / 2) * magic) >> 40;
              total += sums[i + (gsize) (2 * r + 1) * c] - sums[i];
            }
        }
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
