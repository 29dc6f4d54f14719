/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Resize: scales both sides by a percentage (each rounded half up, at least 1 px) with the
 * Lanczos3 resampler (pp-resample.c).
 */
#include "config.h"

#include <math.h>

#include "filters/pp-filter.h"
#include "filters/pp-resample-private.h"

static const PpParamSpec params[] = {
  { "percent", "Scale", PP_PARAM_DOUBLE, 1.0, 400.0, 50.0, 1.0, "%", NULL },
};

static int
scale_side (int    side,
            double percent)
{
  return MAX (1, (int) MIN (floor (side * percent / 100.0 + 0.5), G_MAXINT));
}

static void
resize_get_output_size (const double *values,
                        int           in_width,
                        int           in_height,
                        int          *out_width,
                        int          *out_height)
{
  *out_width = scale_side (in_width, values[0]);
  *out_height = scale_side (in_height, values[0]);
}

/* No get_load_hint: a percentage is relative to the decoded image, so decoding smaller would
 * change the output size, not just its quality (round (L·p) differs from round (W·p) for any
 * L < W). Shrink-on-load is for fit, whose box does not move with the decoded size. */

const PpFilterInfo pp_filter_resize = {
  .name = "resize",
  .label = "Resize",
  .description = "Scale both sides by a percentage (Lanczos3)",
  .kind = PP_FILTER_KIND_GEOMETRY,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .get_output_size = resize_get_output_size,
  .prepare = _pp_resample_prepare,
  .release = _pp_resample_free,
  .process_band = _pp_resample_process_band,
};
