/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sepia: the classic sepia-tone matrix, blended with the original by a whole percentage. Exact
 * integer arithmetic (coefficients in thousandths), rounded half up and clamped.
 */
#include "config.h"

#include "filters/pp-filter.h"
#include "filters/pp-vector-private.h"

static const PpParamSpec params[] = {
  { "amount", "Amount", PP_PARAM_INT, 0, 100, 100, 1, "%", NULL },
};

static const gint32 matrix[3][3] = {
  { 393, 769, 189 },
  { 349, 686, 168 },
  { 272, 534, 131 },
};

static inline guint8
sepia_channel (gint32 in,
               gint32 r,
               gint32 g,
               gint32 b,
               const gint32 *m,
               gint32 amount)
{
  /* 100000 · ((1 - a) · in + a · sepia), a = amount / 100; never negative. */
  gint32 v = (100 - amount) * 1000 * in + amount * (m[0] * r + m[1] * g + m[2] * b);

  v = MIN (v, 255 * 100000);
  return ((guint32) v + 50000) / 100000;
}

/* One loop per pixel layout, so the compiler sees constant strides and vectorises. */
#define SEPIA_LOOP(name, C)                                                                 \
  PP_VECTOR_CLONES static void                                                              \
  name (guint8 *p, int n, gint32 amount)                                                    \
  {                                                                                         \
    for (int i = 0; i < n; i++)                                                             \
      {                                                                                     \
        gint32 r = p[C * i], g = p[C * i + 1], b = p[C * i + 2];                            \
                                                                                            \
        p[C * i] = sepia_channel (r, r, g, b, matrix[0], amount);                           \
        p[C * i + 1] = sepia_channel (g, r, g, b, matrix[1], amount);                       \
        p[C * i + 2] = sepia_channel (b, r, g, b, matrix[2], amount);                       \
      }                                                                                     \
  }

SEPIA_LOOP (sepia_rgb, 3)
SEPIA_LOOP (sepia_rgba, 4)

static void
sepia_map_pixels (const PpFilterContext *ctx,
                  guint8                *pixels,
                  int                    n,
                  int                    channels)
{
  gint32 amount = (gint32) ctx->values[0];

  if (channels == 3)
    sepia_rgb (pixels, n, amount);
  else
    sepia_rgba (pixels, n, amount);
}

const PpFilterInfo pp_filter_sepia = {
  .name = "sepia",
  .label = "Sepia",
  .description = "Old-photo brown tone (the classic sepia matrix), blended by amount",
  .kind = PP_FILTER_KIND_POINT,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .map_pixels = sepia_map_pixels,
};
