/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Flip: mirrors the image left to right (horizontal) or top to bottom (vertical).
 */
#include "config.h"

#include <string.h>

#include "filters/pp-filter.h"

static const char *const directions[] = { "horizontal", "vertical", NULL };

static const PpParamSpec params[] = {
  { "direction", "Direction", PP_PARAM_CHOICE, 0, 1, 0, 1, NULL, directions },
};

static void
flip_get_output_size (const double *values,
                      int           in_width,
                      int           in_height,
                      int          *out_width,
                      int          *out_height)
{
  *out_width = in_width;
  *out_height = in_height;
}

static void
flip_process_band (const PpFilterContext *ctx,
                   const PpImage         *src,
                   PpImage               *dst,
                   int                    y0,
                   int                    y1)
{
  gboolean vertical = (int) ctx->values[0] == 1;
  int c = src->channels;

  for (int y = y0; y < y1; y++)
    {
      guint8 *out = PP_IMAGE_ROW (dst, y);

      if (vertical)
        {
          memcpy (out, PP_IMAGE_ROW (src, src->height - 1 - y), (gsize) src->width * c);
          continue;
        }
      {
        const guint8 *in = PP_IMAGE_ROW (src, y) + (gsize) (src->width - 1) * c;

        for (int x = 0; x < src->width; x++, in -= c, out += c)
          {
            out[0] = in[0];
            out[1] = in[1];
            out[2] = in[2];
            if (c == 4)
              out[3] = in[3];
          }
      }
    }
}

const PpFilterInfo pp_filter_flip = {
  .name = "flip",
  .label = "Flip",
  .description = "Mirror left to right (horizontal) or top to bottom (vertical)",
  .kind = PP_FILTER_KIND_GEOMETRY,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .get_output_size = flip_get_output_size,
  .process_band = flip_process_band,
};
