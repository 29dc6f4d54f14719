/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Invert: the photographic negative of the colour channels.
 */
#include "config.h"

#include "filters/pp-filter.h"

static void
invert_build_lut (const double *values,
                  guint8        lut[3][256])
{
  for (int v = 0; v < 256; v++)
    lut[0][v] = lut[1][v] = lut[2][v] = 255 - v;
}

const PpFilterInfo pp_filter_invert = {
  .name = "invert",
  .label = "Invert",
  .description = "Negative: out = 255 - in",
  .kind = PP_FILTER_KIND_POINT,
  .main_syntax = PP_MAIN_NONE,
  .params = NULL,
  .n_params = 0,
  .build_lut = invert_build_lut,
};
