/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Crop: keeps the width x height rectangle whose top-left corner is (x, y), clamped to the
 * image (`crop=800x600;x=100;y=50`). A rectangle entirely outside the image leaves nothing,
 * which the planner reports as an error naming the step.
 */
#include "config.h"

#include <string.h>

#include "filters/pp-filter.h"

static const PpParamSpec params[] = {
  { "width", "Width", PP_PARAM_INT, 1, 65535, 800, 1, "px", NULL },
  { "height", "Height", PP_PARAM_INT, 1, 65535, 800, 1, "px", NULL },
  { "x", "Left", PP_PARAM_INT, 0, 65535, 0, 1, "px", NULL },
  { "y", "Top", PP_PARAM_INT, 0, 65535, 0, 1, "px", NULL },
};

static int
clamp_extent (int offset,
              int extent,
              int side)
{
  return offset >= side ? 0 : MIN (extent, side - offset);
}

static void
crop_get_output_size (const double *values,
                      int           in_width,
                      int           in_height,
                      int          *out_width,
                      int          *out_height)
{
  *out_width = clamp_extent ((int) values[2], (int) values[0], in_width);
  *out_height = clamp_extent ((int) values[3], (int) values[1], in_height);
}

static void
crop_process_band (const PpFilterContext *ctx,
                   const PpImage         *src,
                   PpImage               *dst,
                   int                    y0,
                   int                    y1)
{
  int x = (int) ctx->values[2], top = (int) ctx->values[3];
  gsize offset = (gsize) x * src->channels, n = (gsize) dst->width * dst->channels;

  for (int y = y0; y < y1; y++)
    memcpy (PP_IMAGE_ROW (dst, y), PP_IMAGE_ROW (src, top + y) + offset, n);
}

const PpFilterInfo pp_filter_crop = {
  .name = "crop",
  .label = "Crop",
  .description = "Keep the width x height rectangle at (x, y)",
  .kind = PP_FILTER_KIND_GEOMETRY,
  .main_syntax = PP_MAIN_SIZE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .get_output_size = crop_get_output_size,
  .process_band = crop_process_band,
};
