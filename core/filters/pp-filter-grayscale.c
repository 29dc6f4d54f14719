/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Grayscale: every colour channel becomes the Rec. 709 luma of the pixel.
 */
#include "config.h"

#include "pp-color-private.h"
#include "pp-filter.h"

static void
grayscale_map_pixels (const PpFilterContext *ctx,
                      guint8                *pixels,
                      int                    n,
                      int                    channels)
{
  for (int i = 0; i < n; i++, pixels += channels)
    pixels[0] = pixels[1] = pixels[2] = _pp_luma (pixels[0], pixels[1], pixels[2]);
}

const PpFilterInfo pp_filter_grayscale = {
  .name = "grayscale",
  .label = "Grayscale",
  .description = "Rec. 709 luma: 0.2126 R + 0.7152 G + 0.0722 B",
  .kind = PP_FILTER_KIND_POINT,
  .main_syntax = PP_MAIN_NONE,
  .params = NULL,
  .n_params = 0,
  .map_pixels = grayscale_map_pixels,
};
