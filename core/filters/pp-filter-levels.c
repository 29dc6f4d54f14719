/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Levels: maps the black point to 0 and the white point to 255, with an optional midtone gamma
 * in between, as the Levels dialog of photo editors does.
 */
#include "config.h"

#include <math.h>

#include "filters/pp-filter.h"

static const PpParamSpec params[] = {
  { "black", "Black Point", PP_PARAM_INT, 0, 254, 0, 1, NULL, NULL },
  { "white", "White Point", PP_PARAM_INT, 1, 255, 255, 1, NULL, NULL },
  { "gamma", "Midtones", PP_PARAM_DOUBLE, 0.1, 10.0, 1.0, 0.05, NULL, NULL },
};

static gboolean
levels_validate (const double *values,
                 GError      **error)
{
  if (values[0] >= values[1])
    {
      g_set_error (error, PP_FILTER_ERROR, PP_FILTER_ERROR_BAD_VALUE,
                   "levels black point (%d) must be below the white point (%d)",
                   (int) values[0], (int) values[1]);
      return FALSE;
    }
  return TRUE;
}

static void
levels_build_lut (const double *values,
                  guint8        lut[3][256])
{
  double black = values[0], white = values[1], exponent = 1.0 / values[2];

  for (int v = 0; v < 256; v++)
    {
      double t = CLAMP ((v - black) / (white - black), 0.0, 1.0);

      lut[0][v] = lut[1][v] = lut[2][v] = pp_clamp_u8 (255.0 * pow (t, exponent));
    }
}

const PpFilterInfo pp_filter_levels = {
  .name = "levels",
  .label = "Levels",
  .description = "Map black..white to 0..255: out = 255·((in - black)/(white - black))^(1/gamma)",
  .kind = PP_FILTER_KIND_POINT,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .validate = levels_validate,
  .build_lut = levels_build_lut,
};
