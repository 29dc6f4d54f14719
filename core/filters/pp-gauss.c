/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Separable Gaussian blur in fixed point. Each destination row is made on its own: a vertical
 * pass over the 2r+1 source rows around it into a row of 16-bit intermediates (8.7 fixed
 * point), then a horizontal pass over that row. Rows never depend on each other, so bands do
 * not recompute overlaps and the result cannot depend on the band split. The kernel is
 * symmetric, so each pair of taps at the same distance is added first and multiplied once; the
 * inner loops run over blocks of bytes with 16-bit products into 32-bit sums, the shape the
 * compiler vectorises.
 *
 * For RGBA the colours are blurred premultiplied and divided by the blurred alpha (so
 * transparent pixels' colours never bleed into visible ones), while each pixel keeps its own
 * alpha: the rows come premultiplied into 8.7 fixed point and the sums stay 32-bit. Rows whose
 * whole kernel window is opaque take the straight path, which gives the same bytes.
 */
#define G_LOG_DOMAIN "pp-gauss"

#include "config.h"

#include <math.h>

#include "filters/pp-gauss-private.h"
#include "filters/pp-local-private.h"
#include "filters/pp-premultiply-private.h"

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
  gsize size = (gsize) (width + 2 * kernel->radius) * channels * sizeof (guint16) +
               (gsize) (2 * kernel->radius + 1) * sizeof (const guint8 *);

  /* RGBA also keeps the horizontal pass's 32-bit sums, and a factor per pixel. */
  if (channels == 4)
    size += (gsize) width * 4 * sizeof (guint32) + (gsize) width * sizeof (float);
  return size;
}

/* The vertical pass, symmetric: out = round (sum of w[k] · rows[k] >> @shift), each pair of
 * rows at the same distance added first. @rows hold bytes, or 16-bit premultiplied values when
 * @wide. Always inlined with constant @wide and @shift, so each caller below keeps its own
 * vectorised loop (with no branch in it). */
#define AT(row, i) (wide ? ((const guint16 *) (row))[i] : ((const guint8 *) (row))[i])
__attribute__ ((always_inline)) static inline void
vertical_sums (const void *const *rows,
               const guint16     *w,
               int                r,
               gsize              n,
               gboolean           wide,
               int                shift,
               guint16           *out)
{
  guint32 half = 1u << (shift - 1);
  gsize i = 0;

  for (; i + BLOCK <= n; i += BLOCK)
    {
      guint32 acc[BLOCK];

      for (int j = 0; j < BLOCK; j++)
        acc[j] = (guint32) w[r] * AT (rows[r], i + j);
      for (int k = 0; k < r; k++)
        {
          const void *a = rows[k], *b = rows[2 * r - k];
          guint16 wk = w[k];

          for (int j = 0; j < BLOCK; j++)
            acc[j] += (guint32) wk * (guint16) (AT (a, i + j) + AT (b, i + j));
        }
      for (int j = 0; j < BLOCK; j++)
        out[i + j] = (acc[j] + half) >> shift;
    }
  for (; i < n; i++)
    {
      guint32 acc = (guint32) w[r] * AT (rows[r], i);

      for (int k = 0; k < r; k++)
        acc += (guint32) w[k] * (guint16) (AT (rows[k], i) + AT (rows[2 * r - k], i));
      out[i] = (acc + half) >> shift;
    }
}
#undef AT

/* Bytes into 8.7 fixed point (times 0.15 weights: 8.15 sums, less 8 bits). */
PP_VECTOR_CLONES static void
vertical_pass (const guint8 *const *rows,
               const guint16       *w,
               int                  r,
               gsize                n,
               guint16             *out)
{
  vertical_sums ((const void *const *) rows, w, r, n, FALSE, 8, out);
}

/* The horizontal pass over 8.7 values: @in holds the row with r pixels of edge padding each
 * side, @step is the channel count. Into @sums (8.22, kept for dividing by alpha) when not
 * NULL, else rounded to bytes into @out. Always inlined with constant arguments, like
 * vertical_sums(). */
__attribute__ ((always_inline)) static inline void
horizontal_any (const guint16 *in,
                const guint16 *w,
                int            r,
                int            step,
                gsize          n,
                guint32       *sums,
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
        if (sums != NULL)
          sums[i + j] = acc[j];
        else
          out[i + j] = (acc[j] + (1u << 21)) >> 22;
    }
  for (; i < n; i++)
    {
      guint32 acc = (guint32) w[r] * centre[i];

      for (int k = 0; k < r; k++)
        acc += (guint32) w[k] * (guint16) (in[i + (gsize) k * step] +
                                           in[i + (gsize) (2 * r - k) * step]);
      if (sums != NULL)
        sums[i] = acc;
      else
        out[i] = (acc + (1u << 21)) >> 22;
    }
}

PP_VECTOR_CLONES static void
horizontal_pass (const guint16 *in,
                 const guint16 *w,
                 int            r,
                 int            step,
                 gsize          n,
                 guint8        *out)
{
  horizontal_any (in, w, r, step, n, NULL, out);
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

/* The vertical pass on premultiplied 8.7 rows (at most 32640, so a pair fits 16 bits and
 * 2^15 times a value fits 32): back to 8.7. */
PP_VECTOR_CLONES static void
vertical_pass_premultiplied (const guint16 *const *rows,
                             const guint16        *w,
                             int                   r,
                             gsize                 n,
                             guint16              *out)
{
  vertical_sums ((const void *const *) rows, w, r, n, TRUE, 15, out);
}

/* The horizontal pass over RGBA, its 8.22 sums kept. */
PP_VECTOR_CLONES static void
horizontal_sums (const guint16 *in,
                 const guint16 *w,
                 int            r,
                 gsize          n,
                 guint32       *sums)
{
  horizontal_any (in, w, r, 4, n, sums, NULL);
}

/* Straight colours from the 8.22 sums, with the source's alpha: colour = round (sum·255 /
 * alpha sum), clamped, 0 where the alpha sum is 0. Single precision, in flat loops, so it
 * vectorises; sums below 2^30 keep 24 significant bits, far more than one level needs. @factor
 * is scratch for @width floats. */
PP_VECTOR_CLONES static void
unpremultiply_row (const guint32 *restrict sums,
                   const guint8  *restrict alpha,
                   int                     width,
                   float         *restrict factor,
                   guint8        *restrict out)
{
  for (int x = 0; x < width; x++)
    {
      float a = (float) (gint32) sums[4 * x + 3];

      factor[x] = a > 0.0f ? 255.0f / a : 0.0f;
    }
  for (int i = 0; i < 4 * width; i++)
    {
      float v = (float) (gint32) sums[i] * factor[i >> 2] + 0.5f;

      out[i] = (guint8) (gint32) (v < 255.0f ? v : 255.0f);
    }
  for (int x = 0; x < width; x++)
    out[4 * x + 3] = alpha[4 * x + 3];
}

/**
 * _pp_gauss_blur_row_premultiplied:
 * @rows: the band's premultiplied rows of the source (7 fraction bits)
 * @out: receives straight RGBA: the alpha-weighted blur of the colours, the source's alpha
 *
 * _pp_gauss_blur_row() for 4-channel images: colour = blur (c·a) / blur (a); a pixel whose
 * whole neighbourhood is transparent gets colour 0.
 */
void
_pp_gauss_blur_row_premultiplied (const PpGaussKernel *kernel,
                                  PpPremultipliedRows *rows,
                                  int                  y,
                                  gpointer             scratch,
                                  guint8              *out)
{
  const PpImage *src = rows->src;
  int r = kernel->radius;
  gsize n = (gsize) src->width * 4;
  const guint16 **in = scratch;
  guint16 *tmp = (guint16 *) (in + 2 * r + 1);
  guint16 *body = tmp + (gsize) r * 4;
  guint32 *sums = (guint32 *) (tmp + n + (gsize) 2 * r * 4);
  const guint8 *alpha = PP_IMAGE_ROW (src, y);

  g_assert (src->channels == 4 && rows->bits == 7);
  for (int k = 0; k <= 2 * r; k++)
    in[k] = _pp_premultiplied_rows_get (rows, CLAMP (y + k - r, 0, src->height - 1));
  vertical_pass_premultiplied (in, kernel->weights, r, n, body);
  for (int p = 0; p < r; p++)
    for (int ch = 0; ch < 4; ch++)
      {
        tmp[(gsize) p * 4 + ch] = body[ch];
        body[n + (gsize) p * 4 + ch] = body[n - 4 + ch];
      }
  horizontal_sums (tmp, kernel->weights, r, n, sums);
  unpremultiply_row (sums, alpha, src->width, (float *) (sums + n), out);
}

void
_pp_gauss_band_init (PpGaussBand         *band,
                     const PpGaussKernel *kernel,
                     const PpImage       *src)
{
  band->kernel = kernel;
  band->src = src;
  band->scratch = g_malloc (_pp_gauss_scratch_size (kernel, src->width, src->channels));
  if (src->channels == 4)
    _pp_premultiplied_rows_init (&band->premultiplied, src, 2 * kernel->radius + 1, 7);
}

void
_pp_gauss_band_row (PpGaussBand *band,
                    int          y,
                    guint8      *out)
{
  int r = band->kernel->radius;

  /* Where every row under the kernel is opaque, the straight blur gives the same bytes. */
  if (band->src->channels == 4
      && !_pp_premultiplied_rows_opaque (&band->premultiplied, y - r, y + r))
    _pp_gauss_blur_row_premultiplied (band->kernel, &band->premultiplied, y, band->scratch, out);
  else
    {
      _pp_gauss_blur_row (band->kernel, band->src, y, band->scratch, out);
      _pp_restore_alpha (band->src, y, out);
    }
}

void
_pp_gauss_band_clear (PpGaussBand *band)
{
  g_clear_pointer (&band->scratch, g_free);
  if (band->src->channels == 4)
    _pp_premultiplied_rows_clear (&band->premultiplied);
}
