/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Emboss: a relief lit from the top left. With E the 3x3 kernel
 *   -2 -1  0
 *   -1  1  1
 *    0  1  2
 * applied per channel (clamp-to-edge), out = clamp(in + round(strength · (E*in - in))): strength
 * 1 is the plain kernel, smaller values blend towards the original. Alpha carried untouched;
 * RGBA works on premultiplied colours (c·a), the result divided by the pixel's alpha again.
 */
#include "config.h"

#include <math.h>

#include "filters/pp-filter.h"
#include "filters/pp-local-private.h"

static const PpParamSpec params[] = {
  { "strength", "Strength", PP_PARAM_DOUBLE, 0.1, 5.0, 1.0, 0.1, NULL, NULL },
};

/* E*in - in is the sum over the 8 neighbours: between -4·255 and 4·255. */
#define MAX_RELIEF (4 * 255)

typedef struct
{
  gint32 offset[2 * MAX_RELIEF + 1]; /* 32-bit entries: vector gathers load 32 bits */
  double strength;
} Emboss;

static int
emboss_get_radius (const double *values)
{
  return 1;
}

static gpointer
emboss_prepare (const PpFilterContext *ctx)
{
  Emboss *emboss = g_new (Emboss, 1);

  /* in is whole, so floor (in + s·d + 0.5) = in + floor (s·d + 0.5): tabulate the offset. */
  for (int d = -MAX_RELIEF; d <= MAX_RELIEF; d++)
    emboss->offset[d + MAX_RELIEF] = (gint32) floor (ctx->values[0] * d + 0.5);
  emboss->strength = ctx->values[0];
  return emboss;
}

PP_VECTOR_CLONES static void
emboss_row (const guint8 *restrict up,
            const guint8 *restrict mid,
            const guint8 *restrict down,
            int                    c,
            gsize                  n,
            gconstpointer          data,
            guint8       *restrict out)
{
  const gint32 *offset = ((const Emboss *) data)->offset;

  for (gsize i = 0; i < n; i++)
    {
      int d = (mid[i + 2 * c] + down[i + c] + 2 * down[i + 2 * c]) -
              (2 * up[i] + up[i + c] + mid[i]);
      int v = mid[i + c] + offset[d + MAX_RELIEF];

      out[i] = CLAMP (v, 0, 255);
    }
}

/* RGBA: the relief of the premultiplied colours (c·a) divided by the pixel's alpha again,
 * (p + strength · (E*p - p)) / a, so transparent neighbours count as black and weightless. */
static guint8
emboss_colour (const int     p[9],
               int           a,
               gconstpointer data)
{
  int d = (p[5] + p[7] + 2 * p[8]) - (2 * p[0] + p[1] + p[3]);
  double v = floor ((p[4] + ((const Emboss *) data)->strength * d) / a + 0.5);

  return CLAMP (v, 0.0, 255.0);
}

static void
emboss_process_band (const PpFilterContext *ctx,
                      const PpImage         *src,
                      PpImage               *dst,
                      int                    y0,
                      int                    y1)
{
  _pp_3x3_process_band (src, dst, y0, y1, emboss_row, NULL, emboss_colour, 255, ctx->data);
}

const PpFilterInfo pp_filter_emboss = {
  .name = "emboss",
  .label = "Emboss",
  .description = "Relief lit from the top left",
  .kind = PP_FILTER_KIND_LOCAL,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .get_radius = emboss_get_radius,
  .prepare = emboss_prepare,
  .release = g_free,
  .process_band = emboss_process_band,
};
