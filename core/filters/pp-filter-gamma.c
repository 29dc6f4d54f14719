/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Gamma: out = 255 · (in / 255)^(1/g), so g > 1 lifts the shadows, as in the classic
 * exposure/gamma demo. After `exposure=EV` the pair gives out = clamp(((in/255)·2^EV)^(1/g)·255)
 * with the exposure result rounded to 8 bits in between (each step maps 8 bits to 8 bits, which
 * is what makes the fused table identical to applying the two one after the other).
 */
#include "config.h"

#include <math.h>

#include "filters/pp-filter.h"

static const PpParamSpec params[] = {
  { "gamma", "Gamma", PP_PARAM_DOUBLE, 0.1, 10.0, 1.0, 0.05, NULL, NULL },
};

static void
gamma_build_lut (const double *values,
                 guint8        lut[3][256])
{
  double exponent = 1.0 / values[0];

  for (int v = 0; v < 256; v++)
    lut[0][v] = lut[1][v] = lut[2][v] = pp_clamp_u8 (255.0 * pow (v / 255.0, exponent));
}

const PpFilterInfo pp_filter_gamma = {
  .name = "gamma",
  .label = "Gamma",
  .description = "Gamma correction: out = 255·(in/255)^(1/gamma); above 1 brightens shadows",
  .kind = PP_FILTER_KIND_POINT,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .build_lut = gamma_build_lut,
};
