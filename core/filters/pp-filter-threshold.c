/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Threshold: black and white by luma. A pixel whose grayscale value (the 8-bit Rec. 709 luma the
 * grayscale filter gives) is at least the level becomes white, any other black.
 */
#include "config.h"

#include "pp-color-private.h"
#include "pp-filter.h"

static const PpParamSpec params[] = {
  { "level", "Level", PP_PARAM_INT, 0, 255, 128, 1, NULL, NULL },
};

static void
threshold_map_pixels (const PpFilterContext *ctx,
                      guint8                *pixels,
                      int                    n,
                      int                    channels)
{
  guint level = (guint) ctx->values[0];

  for (int i = 0; i < n; i++, pixels += channels)
    pixels[0] = pixels[1] = pixels[2] =
      _pp_luma (pixels[0], pixels[1], pixels[2]) >= level ? 255 : 0;
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
