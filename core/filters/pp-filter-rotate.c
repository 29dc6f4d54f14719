/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rotate: clockwise by 90, 180 or 270 degrees. Quarter turns read the source down its columns;
 * the destination is walked in strips of columns so each source cache line serves many
 * destination rows before it is evicted.
 */
#include "config.h"

#include <string.h>

#include "filters/pp-filter.h"

static const char *const angles[] = { "90", "180", "270", NULL };

static const PpParamSpec params[] = {
  { "angle", "Angle", PP_PARAM_CHOICE, 0, 2, 0, 1, "°", angles },
};

enum { ROTATE_90, ROTATE_180, ROTATE_270 };

#define STRIP 64

static void
rotate_get_output_size (const double *values,
                        int           in_width,
                        int           in_height,
                        int          *out_width,
                        int          *out_height)
{
  gboolean quarter = (int) values[0] != ROTATE_180;

  *out_width = quarter ? in_height : in_width;
  *out_height = quarter ? in_width : in_height;
}

static inline void
copy_pixel (guint8       *dst,
            const guint8 *src,
            int           channels)
{
  dst[0] = src[0];
  dst[1] = src[1];
  dst[2] = src[2];
  if (channels == 4)
    dst[3] = src[3];
}

static void
rotate_process_band (const PpFilterContext *ctx,
                     const PpImage         *src,
                     PpImage               *dst,
                     int                    y0,
                     int                    y1)
{
  int angle = (int) ctx->values[0];
  int c = src->channels;

  if (angle == ROTATE_180)
    {
      for (int y = y0; y < y1; y++)
        {
          const guint8 *in = PP_IMAGE_ROW (src, src->height - 1 - y);
          guint8 *out = PP_IMAGE_ROW (dst, y);

          for (int x = 0; x < dst->width; x++)
            copy_pixel (out + (gsize) x * c, in + (gsize) (src->width - 1 - x) * c, c);
        }
      return;
    }

  for (int x0 = 0; x0 < dst->width; x0 += STRIP)
    {
      int x1 = MIN (x0 + STRIP, dst->width);

      for (int y = y0; y < y1; y++)
        {
          guint8 *out = PP_IMAGE_ROW (dst, y);

          if (angle == ROTATE_90)
            {
              /* Destination row y is source column y, read bottom to top. */
              for (int x = x0; x < x1; x++)
                copy_pixel (out + (gsize) x * c,
                            PP_IMAGE_ROW (src, src->height - 1 - x) + (gsize) y * c, c);
            }
          else
            {
              /* Destination row y is source column width-1-y, read top to bottom. */
              for (int x = x0; x < x1; x++)
                copy_pixel (out + (gsize) x * c,
                            PP_IMAGE_ROW (src, x) + (gsize) (src->width - 1 - y) * c, c);
            }
        }
    }
}

const PpFilterInfo pp_filter_rotate = {
  .name = "rotate",
  .label = "Rotate",
  .description = "Turn clockwise by 90, 180 or 270 degrees",
  .kind = PP_FILTER_KIND_GEOMETRY,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .get_output_size = rotate_get_output_size,
  .process_band = rotate_process_band,
};
