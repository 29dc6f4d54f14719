/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sharpen by unsharp mask: with B the Gaussian blur of radius sigma (exactly what gaussian-blur
 * gives, 8 bits) and d = in - B per channel, out = clamp(in + round(amount · d)) where
 * |d| >= threshold, else in. The rounded offsets are tabulated once per image, which keeps the
 * result exactly the formula above.
 */
#include "config.h"

#include <math.h>

#include "filters/pp-filter.h"
#include "filters/pp-gauss-private.h"
#include "filters/pp-local-private.h"

static const PpParamSpec params[] = {
  { "amount", "Amount", PP_PARAM_DOUBLE, 0.0, 5.0, 1.0, 0.1, NULL, NULL },
  { "radius", "Radius", PP_PARAM_DOUBLE, 0.1, 20.0, 1.0, 0.1, "px", NULL },
  { "threshold", "Threshold", PP_PARAM_INT, 0, 255, 0, 1, NULL, NULL },
};

typedef struct
{
  PpGaussKernel *kernel;
  gint32 offset[511]; /* offset[d + 255] for d = in - blur; 32 bits for vector gathers */
} Sharpen;

static int
sharpen_get_radius (const double *values)
{
  return _pp_gauss_radius (values[1]);
}

static gpointer
sharpen_prepare (const PpFilterContext *ctx)
{
  Sharpen *sharpen = g_new0 (Sharpen, 1);
  double amount = ctx->values[0];
  int threshold = (int) ctx->values[2];

  sharpen->kernel = _pp_gauss_kernel_new (ctx->values[1]);
  /* in is a whole number, so clamp (floor (in + amount·d + 0.5)) = in + floor (amount·d + 0.5)
   * before clamping: the table holds the second term. */
  for (int d = -255; d <= 255; d++)
    sharpen->offset[d + 255] = ABS (d) < threshold ? 0 : (gint32) floor (amount * d + 0.5);
  return sharpen;
}

static void
sharpen_release (gpointer data)
{
  Sharpen *sharpen = data;

  _pp_gauss_kernel_free (sharpen->kernel);
  g_free (sharpen);
}

PP_VECTOR_CLONES static void
unsharp_row (const guint8 *restrict in,
             const gint32          *offset,
             gsize                  n,
             guint8       *restrict out)
{
  for (gsize i = 0; i < n; i++)
    {
      int v = in[i] + offset[in[i] - out[i] + 255];

      out[i] = CLAMP (v, 0, 255);
    }
}

static void
sharpen_process_band (const PpFilterContext *ctx,
                      const PpImage         *src,
                      PpImage               *dst,
                      int                    y0,
                      int                    y1)
{
  const Sharpen *sharpen = ctx->data;
  gsize n = (gsize) src->width * src->channels;
  PpGaussBand band;

  _pp_gauss_band_init (&band, sharpen->kernel, src);
  for (int y = y0; y < y1; y++)
    {
      guint8 *out = PP_IMAGE_ROW (dst, y);

      _pp_gauss_band_row (&band, y, out);
      unsharp_row (PP_IMAGE_ROW (src, y), sharpen->offset, n, out);
      _pp_restore_alpha (src, y, out);
    }
  _pp_gauss_band_clear (&band);
}

const PpFilterInfo pp_filter_sharpen = {
  .name = "sharpen",
  .label = "Sharpen",
  .description = "Unsharp mask: add amount × (image - Gaussian blur) where it exceeds threshold",
  .kind = PP_FILTER_KIND_LOCAL,
  .main_syntax = PP_MAIN_VALUE,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .get_radius = sharpen_get_radius,
  .prepare = sharpen_prepare,
  .release = sharpen_release,
  .process_band = sharpen_process_band,
};
