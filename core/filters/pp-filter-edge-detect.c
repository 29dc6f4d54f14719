/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Edge detect: the Sobel gradient magnitude of each colour channel, sqrt (gx² + gy²) · scale,
 * clamp-to-edge, rounded half up; alpha carried untouched. RGBA works on premultiplied colours
 * (c·a) and divides the result by the pixel's alpha again, so what transparent pixels hide
 * never makes an edge.
 */
#include "config.h"

#include <math.h>

#include "filters/pp-filter.h"
#include "filters/pp-local-private.h"

static const PpParamSpec params[] = {
  { "scale", "Strength", PP_PARAM_DOUBLE, 0.1, 4.0, 1.0, 0.05, NULL, NULL },
};

static int
edge_detect_get_radius (const double *values)
{
  return 1;
}

PP_VECTOR_CLONES static void
sobel_row (const guint8 *restrict up,
           const guint8 *restrict mid,
           const guint8 *restrict down,
           int                    c,
           gsize                  n,
           gconstpointer          data,
           guint8       *restrict out)
{
  double scale = *(const double *) data;

  for (gsize i = 0; i < n; i++)
    {
      /* Index i is the pixel left of the centre in the padded rows, i + 2c the right. */
      int gx = (up[i + 2 * c] + 2 * mid[i + 2 * c] + down[i + 2 * c]) -
               (up[i] + 2 * mid[i] + down[i]);
      int gy = (down[i] + 2 * down[i + c] + down[i + 2 * c]) -
               (up[i] + 2 * up[i + c] + up[i + 2 * c]);
      double v = sqrt ((double) (gx * gx + gy * gy)) * scale;

      out[i] = v >= 255.0 ? 255 : (guint8) (v + 0.5);
    }
}

/* RGBA: the gradient of the premultiplied colours (c·a), divided by the pixel's alpha again:
 * sqrt (gx² + gy²) · scale / a; what transparent pixels hide never makes an edge. */
static guint8
sobel_colour (const int     p[9],
              int           a,
              gconstpointer data)
{
  double gx = (p[2] + 2 * p[5] + p[8]) - (p[0] + 2 * p[3] + p[6]);
  double gy = (p[6] + 2 * p[7] + p[8]) - (p[0] + 2 * p[1] + p[2]);
  double v = sqrt (gx * gx + gy * gy) * *(const double *) data / a;

  return v >= 255.0 ? 255 : (guint8) (v + 0.5);
}

static void
edge_detect_process_band (const PpFilterContext *ctx,
                           const PpImage         *src,
                           PpImage               *dst,
                           int                    y0,
                           int                    y1)
{
  _pp_3x3_process_band (src, dst, y0, y1, sobel_row, NULL, sobel_colour, 255,
                        &ctx->values[0]);
}

const PpFilterInfo pp_filter_edge_detect = {
  .name = "edge-detect",
  .label = "Edge Detect",
  .description = "Sobel gradient magnitude of each channel",
  .kind = PP_FILTER_KIND_LOCAL,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .get_radius = edge_detect_get_radius,
  .process_band = edge_detect_process_band,
};
