/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Grayscale: every colour channel becomes the Rec. 709 luma of the pixel.
 */
#include "config.h"

#include "filters/pp-color-private.h"
#include "filters/pp-filter.h"

/* One loop per pixel layout, so the compiler sees constant strides and vectorises. */
PP_VECTOR_CLONES static void
gray_rgb (guint8 *p,
          int     n)
{
  for (int i = 0; i < n; i++)
    p[3 * i] = p[3 * i + 1] = p[3 * i + 2] = _pp_luma (p[3 * i], p[3 * i + 1], p[3 * i + 2]);
}

PP_VECTOR_CLONES static void
gray_rgba (guint8 *p,
           int     n)
{
  for (int i = 0; i < n; i++)
    p[4 * i] = p[4 * i + 1] = p[4 * i + 2] = _pp_luma (p[4 * i], p[4 * i + 1], p[4 * i + 2]);
}

static void
grayscale_map_pixels (const PpFilterContext *ctx,
                      guint8                *pixels,
                      int                    n,
                      int                    channels)
{
  if (channels == 3)
    gray_rgb (pixels, n);
  else
    gray_rgba (pixels, n);
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
