/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Gaussian blur of standard deviation sigma, clamp-to-edge, alpha carried untouched. The
 * separable fixed-point work is in pp-gauss.c (shared with sharpen).
 */
#include "config.h"

#include "filters/pp-filter.h"
#include "filters/pp-gauss-private.h"
#include "filters/pp-local-private.h"

static const PpParamSpec params[] = {
  { "sigma", "Radius (sigma)", PP_PARAM_DOUBLE, 0.1, 50.0, 2.0, 0.1, "px", NULL },
};

static int
gaussian_blur_get_radius (const double *values)
{
  return _pp_gauss_radius (values[0]);
}

static gpointer
gaussian_blur_prepare (const PpFilterContext *ctx)
{
  return _pp_gauss_kernel_new (ctx->values[0]);
}

static void
gaussian_blur_release (gpointer data)
{
  _pp_gauss_kernel_free (data);
}

static void
gaussian_blur_process_band (const PpFilterContext *ctx,
                            const PpImage         *src,
                            PpImage               *dst,
                            int                    y0,
                            int                    y1)
{
  PpGaussBand band;

  _pp_gauss_band_init (&band, ctx->data, src);
  for (int y = y0; y < y1; y++)
    _pp_gauss_band_row (&band, y, PP_IMAGE_ROW (dst, y));
  _pp_gauss_band_clear (&band);
}

const PpFilterInfo pp_filter_gaussian_blur = {
  .name = "gaussian-blur",
  .label = "Gaussian Blur",
  .description = "Smooth blur with a Gaussian of standard deviation sigma",
  .kind = PP_FILTER_KIND_LOCAL,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .get_radius = gaussian_blur_get_radius,
  .prepare = gaussian_blur_prepare,
  .release = gaussian_blur_release,
  .process_band = gaussian_blur_process_band,
};
