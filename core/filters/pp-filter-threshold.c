/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Threshold: black and white by luma. A pixel whose grayscale value (the 8-bit Rec. 709 luma the
 * grayscale filter gives) is at least the level becomes white, any other black.
 */
#include "config.h"

#include "filters/pp-color-private.h"
#include "filters/pp-filter.h"

static const PpParamSpec params[] = {
  { "level", "Level", PP_PARAM_INT, 0, 255, 128, 1, NULL, NULL },
};

/* One loop per pixel layout, so the compiler sees constant strides and vectorises. */
#define THRESHOLD_LOOP(name, C)                                                             \
  PP_VECTOR_CLONES static void                                                              \
  name (guint8 *p, int n, guint level)                                                      \
  {                                                                                         \
    for (int i = 0; i < n; i++)                                                             \
      p[C * i] = p[C * i + 1] = p[C * i + 2] =                                              \
        _pp_luma (p[C * i], p[C * i + 1], p[C * i + 2]) >= level ? 255 : 0;                 \
  }

THRESHOLD_LOOP (threshold_rgb, 3)
THRESHOLD_LOOP (threshold_rgba, 4)

static void
threshold_map_pixels (const PpFilterContext *ctx,
                      guint8                *pixels,
                      int                    n,
                      int                    channels)
{
  guint level = (guint) ctx->values[0];

  if (channels == 3)
    threshold_rgb (pixels, n, level);
  else
    threshold_rgba (pixels, n, level);
}

const PpFilterInfo pp_filter_threshold = {
  .name = "threshold",
  .label = "Threshold",
  .description = "Black and white: white where the luma is at least the level",
  .kind = PP_FILTER_KIND_POINT,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .map_pixels = threshold_map_pixels,
};
