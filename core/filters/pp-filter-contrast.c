/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Contrast: stretches or squeezes values around mid-grey. The factor ((100 + amount) / 100)²
 * makes -100 a flat grey, 0 the identity and +100 a 4x stretch, with finer control near 0.
 */
#include "config.h"

#include "filters/pp-filter.h"

static const PpParamSpec params[] = {
  { "amount", "Contrast", PP_PARAM_DOUBLE, -100.0, 100.0, 0.0, 1.0, "%", NULL },
};

static void
contrast_build_lut (const double *values,
                    guint8        lut[3][256])
{
  double f = (100.0 + values[0]) / 100.0;

  f *= f;
  for (int v = 0; v < 256; v++)
    lut[0][v] = lut[1][v] = lut[2][v] = pp_clamp_u8 ((v - 127.5) * f + 127.5);
}

const PpFilterInfo pp_filter_contrast = {
  .name = "contrast",
  .label = "Contrast",
  .description = "Stretch around mid-grey: out = (in - 127.5)·((100 + amount)/100)² + 127.5",
  .kind = PP_FILTER_KIND_POINT,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .build_lut = contrast_build_lut,
};
