/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exposure: multiplies linear-ish intensity by 2^EV, as a camera stop would.
 */
#include "config.h"

#include <math.h>

#include "filters/pp-filter.h"

static const PpParamSpec params[] = {
  { "ev", "Exposure", PP_PARAM_DOUBLE, -5.0, 5.0, 0.0, 0.1, "EV", NULL },
};

static void
exposure_build_lut (const double *values,
                    guint8        lut[3][256])
{
  double factor = exp2 (values[0]);

  for (int v = 0; v < 256; v++)
    lut[0][v] = lut[1][v] = lut[2][v] = pp_clamp_u8 (v * factor);
}

const PpFilterInfo pp_filter_exposure = {
  .name = "exposure",
  .label = "Exposure",
  .description = "Brighten or darken by photographic stops (factor 2^EV)",
  .kind = PP_FILTER_KIND_POINT,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .build_lut = exposure_build_lut,
};
