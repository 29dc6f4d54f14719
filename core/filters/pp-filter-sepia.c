/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sepia: the classic sepia-tone matrix, blended with the original by a whole percentage. Exact
 * integer arithmetic (coefficients in thousandths), rounded half up and clamped.
 */
#include "config.h"

#include "pp-filter.h"

static const PpParamSpec params[] = {
  { "amount", "Amount", PP_PARAM_INT, 0, 100, 100, 1, "%", NULL },
};

static const gint32 matrix[3][3] = {
  { 393, 769, 189 },
  { 349, 686, 168 },
  { 272, 534, 131 },
};

static void
sepia_map_pixels (const PpFilterContext *ctx,
                  guint8                *pixels,
                  int                    n,
                  int                    channels)
{
  gint32 amount = (gint32) ctx->values[0];

  for (int i = 0; i < n; i++, pixels += channels)
    {
      gint32 r = pixels[0], g = pixels[1], b = pixels[2];

      for (int c = 0; c < 3; c++)
        {
          /* 100000 · ((1 - a) · in + a · sepia), a = amount / 100. */
          gint32 v = (100 - amount) * 1000 * pixels[c] +
                     amount * (matrix[c][0] * r + matrix[c][1] * g + matrix[c][2] * b);

          pixels[c] = v >= 255 * 100000 ? 255 : (v + 50000) / 100000;
        }
    }
}

const PpFilterInfo pp_filter_sepia = {
  .name = "sepia",
  .label = "Sepia",
  .description = "Old-photo brown tone (the classic sepia matrix), blended by amount",
  .kind = PP_FILTER_KIND_POINT,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .map_pixels = sepia_map_pixels,
};
