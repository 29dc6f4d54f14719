/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Brightness: adds the same offset to every colour channel, in percent of full scale.
 */
#include "config.h"

#include "filters/pp-filter.h"

static const PpParamSpec params[] = {
  { "amount", "Brightness", PP_PARAM_DOUBLE, -100.0, 100.0, 0.0, 1.0, "%", NULL },
};

static void
brightness_build_lut (const double *values,
                      guint8        lut[3][256])
{
  double offset = values[0] * 255.0 / 100.0;

  for (int v = 0; v < 256; v++)
    lut[0][v] = lut[1][v] = lut[2][v] = pp_clamp_u8 (v + offset);
}

const PpFilterInfo pp_filter_brightness = {
  .name = "brightness",
  .label = "Brightness",
  .description = "Add an offset to every channel: out = in + 2.55·amount",
  .kind = PP_FILTER_KIND_POINT,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .build_lut = brightness_build_lut,
};
