/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Separable Gaussian blur in fixed point. Each destination row is made on its own: a vertical
 * pass over the 2r+1 source rows around it into a row of 16-bit intermediates (8.7 fixed
 * point), then a horizontal pass over that row. Rows never depend on each other, so bands do
 * not recompute overlaps and the result cannot depend on the band split. The kernel is
 * symmetric, so each pair of taps at the same distance is added first and multiplied once; the
 * inner loops run over blocks of bytes with 16-bit products into 32-bit sums, the shape the
 * compiler vectorises.
 */
#define G_LOG_DOMAIN "pp-gauss"

#include "config.h"

#include <math.h>

#include "filters/pp-gauss-private.h"
#include "filters/pp-local-private.h"

#define BLOCK 64


/* Three sigmas hold 99.7 % of the weight; past that, taps round to nothing at 15 bits anyway
 * for small sigmas and cost time for large ones. */
int
_pp_gauss_radius (double sigma)
{
  return MAX (1, (int) ceil (3.0 * sigma));
}

PpGaussKernel *
_pp_gauss_kernel_new (double sigma)
{
  PpGaussKernel *kernel = g_new0 (PpGaussKernel, 1);
  int r = _pp_gauss_radius (sigma);
  int n = 2 * r + 1;
  g_autofree double *w = g_new (double, n);
  double sum = 0.0;
  int total = 0;

  for (int k = 0; k < n; k++)
    sum += w[k] = exp (-(double) (k - r) * (k - r) / (2.0 * sigma * sigma));
  kernel->radius = r;
  kernel->weights = g_new (guint16, n);
  for (int k = 0; k < n; k++)
    total += kernel->weights[k] = (guint16) floor (w[k] / sum * (1 << PP_GAUSS_BITS) + 0.5);
  /* Rounding left the sum a little off: the centre takes the difference (the rounding was
   * symmetric, so the kernel stays symmetric), so flat areas stay exactly flat. */
  kernel->weights[r] += (1 << PP_GAUSS_BITS) - total;
  return kernel;
}

void
_pp_gauss_kernel_free (PpGaussKernel *kernel)
{
  if (kernel == NULL)
    return;
  g_free (kernel->weights);
  g_free (kernel);
}

gsize
_pp_gauss_scratch_size (const PpGaussKernel *kernel,
                        int                  width,
                        int                  channels)
{
  return (gsize) (width + 2 * kernel->radius) * channels * sizeof (guint16) +
         (gsize) (2 * kernel->radius + 1) * sizeof (const guint8 *);
}

PP_VECTOR_CLONES static void
vertical_pass (const guint8 *const *rows,
               const guint16       *w,
               int                  r,
               gsize                n,
               guint16             *out)
{
  gsize i = 0;

  for (; i + BLOCK <= n; i += BLOCK)
    {
      guint32 acc[BLOCK];

      for (int j = 0; j < BLOCK; j++)
        acc[j] = (guint32) w[r] * rows[r][i + j];
      for (int k = 0; k < r; k++)
        {
          const guint8 *a = rows[k] + i, *b = rows[2 * r - k] + i;
          guint16 wk = w[k];

          for (int j = 0; j < BLOCK; j++)
            acc[j] += (guint32) wk * (guint16) (a[j] + b[j]);
        }
      for (int j = 0; j < BLOCK; j++)
        out[i + j] = (acc[j] + (1 << 7)) >> 8;
    }
  for (; i < n; i++)
    {
      guint32 acc = (guint32) w[r] * rows[r][i];

      for (int k = 0; k < r; k++)
        acc += (guint32) w[k] * (guint16) (rows[k][i] + rows[2 * r - k][i]);
      out[i] = (acc + (1 << 7)) >> 8;
    }
}

/* @in holds the row with r pixels of edge padding each side; @step is the channel count. */
PP_VECTOR_CLONES static void
horizontal_pass (const guint16 *in,
                 const guint16 *w,
                 int            r,
                 int            step,
                 gsize          n,
                 guint8        *out)
{
  const guint16 *centre = in + (gsize) r * step;
  gsize i = 0;

  for (; i + BLOCK <= n; i += BLOCK)
    {
      guint32 acc[BLOCK];

      for (int j = 0; j < BLOCK; j++)
        acc[j] = (guint32) w[r] * centre[i + j];
      for (int k = 0; k < r; k++)
        {
          const guint16 *a = in + i + (gsize) k * step, *b = in + i + (gsize) (2 * r - k) * step;
          guint16 wk = w[k];

          for (int j = 0; j < BLOCK; j++)
            acc[j] += (guint32) wk * (guint16) (a[j] + b[j]);
        }
      for (int j = 0; j < BLOCK; j++)
        out[i + j] = (acc[j] + (1u << 21)) >> 22;
    }
  for (; i < n; i++)
    {
      guint32 acc = (guint32) w[r] * centre[i];

      for (int k = 0; k < r; k++)
        acc += (guint32) w[k] * (guint16) (in[i + (gsize) k * step] +
                                           in[i + (gsize) (2 * r - k) * step]);
      out[i] = (acc + (1u << 21)) >> 22;
    }
}

/* Blurs every byte of row @y of @src into @out, alpha included: callers that carry alpha
 * untouched put it back. */
void
_pp_gauss_blur_row (const PpGaussKernel *kernel,
                    const PpImage       *src,
                    int                  y,
                    gpointer             scratch,
                    guint8              *out)
{
  int r = kernel->radius, c = src->channels;
  gsize n = (gsize) src->width * c;
  /* The row pointers first, so they are aligned. */
  const guint8 **rows = scratch;
  guint16 *tmp = (guint16 *) (rows + 2 * r + 1);
  guint16 *body = tmp + (gsize) r * c;

  for (int k = 0; k <= 2 * r; k++)
    rows[k] = PP_IMAGE_ROW (src, CLAMP (y + k - r, 0, src->height - 1));
  vertical_pass (rows, kernel->weights, r, n, body);

  /* Clamp to edge horizontally: replicate the first and last pixel into the padding. */
  for (int p = 0; p < r; p++)
    for (int ch = 0; ch < c; ch++)
      {
        tmp[(gsize) p * c + ch] = body[ch];
        body[n + (gsize) p * c + ch] = body[n - c + ch];
      }
  horizontal_pass (tmp, kernel->weights, r, c, n, out);
}
