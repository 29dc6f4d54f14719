/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Saturation: moves each colour channel away from (or towards) the pixel's Rec. 709 luma:
 * out = L + (1 + amount/100)·(c - L), so -100 is grayscale and +100 doubles the colourfulness.
 * Computed in exact integers (amount is a whole percentage), rounded half up.
 */
#include "config.h"

#include "filters/pp-color-private.h"
#include "filters/pp-filter.h"

static const PpParamSpec params[] = {
  { "amount", "Saturation", PP_PARAM_INT, -100, 100, 0, 1, "%", NULL },
};

static inline guint8
mix (gint32 c,
     gint32 luma4,
     gint32 factor)
{
  /* 10^6 · (L + factor/100 · (c - L)), with L = luma4 / 10^4; |n| < 2^31 for 8-bit inputs. */
  gint32 n = 100 * luma4 + factor * (10000 * c - luma4);

  /* Clamp first, so the rounding division only sees 0..255·10^6 (unsigned: cheaper). */
  n = CLAMP (n, 0, 255 * 1000000);
  return ((guint32) n + 500000) / 1000000;
}

/* One loop per pixel layout, so the compiler sees constant strides and vectorises. */
#define SATURATION_LOOP(name, C)                                                            \
  PP_VECTOR_CLONES static void                                                              \
  name (guint8 *p, int n, gint32 factor)                                                    \
  {                                                                                         \
    for (int i = 0; i < n; i++)                                                             \
      {                                                                                     \
        gint32 luma4 = _pp_luma_x10000 (p[C * i], p[C * i + 1], p[C * i + 2]);              \
                                                                                            \
        p[C * i] = mix (p[C * i], luma4, factor);                                           \
        p[C * i + 1] = mix (p[C * i + 1], luma4, factor);                                   \
        p[C * i + 2] = mix (p[C * i + 2], luma4, factor);                                   \
      }                                                                                     \
  }

SATURATION_LOOP (saturation_rgb, 3)
SATURATION_LOOP (saturation_rgba, 4)

static void
saturation_map_pixels (const PpFilterContext *ctx,
                       guint8                *pixels,
                       int                    n,
                       int                    channels)
{
  gint32 factor = 100 + (gint32) ctx->values[0];

  if (channels == 3)
    saturation_rgb (pixels, n, factor);
  else
    saturation_rgba (pixels, n, factor);
}

const PpFilterInfo pp_filter_saturation = {
  .name = "saturation",
  .label = "Saturation",
  .description = "Colourfulness around the Rec. 709 luma: -100 is gray, +100 doubles it",
  .kind = PP_FILTER_KIND_POINT,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .map_pixels = saturation_map_pixels,
};
