/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lanczos3 resampling, as Pillow's and libvips' reduce do: the kernel is stretched by the
 * reduction factor when shrinking (so it averages every input pixel instead of skipping some),
 * truncated at the image edges and renormalised. Weights for both axes are computed once per
 * image in 2.14 fixed point.
 *
 * Each destination row is made on its own, so bands never overlap and results cannot depend on
 * the band split: the vertical pass sums the source rows under the row's kernel into a row of
 * 16-bit intermediates (8.6 fixed point: Lanczos lobes overshoot 0..255, so these are signed),
 * then the horizontal pass sums those under each output pixel's kernel. The vertical pass is
 * contiguous in memory and vectorises; it runs over the full input width, which is why it goes
 * first (the horizontal pass then only touches output-width work).
 *
 * RGBA is resampled premultiplied (filters/pp-premultiply-private.h): the vertical pass reads
 * source rows premultiplied into 8.6 fixed point, the horizontal pass keeps its 8.20 sums, and
 * each output colour is its alpha-weighted sum divided by the alpha sum. Opaque pixels come out
 * exactly as on the straight path.
 */
#define G_LOG_DOMAIN "pp-resample"

#include "config.h"

#include <math.h>
#include <string.h>

#include "filters/pp-local-private.h"
#include "filters/pp-premultiply-private.h"
#include "filters/pp-resample-private.h"

#define SUPPORT 3.0
#define BLOCK 64

double
_pp_lanczos3 (double x)
{
  if (x < 0.0)
    x = -x;
  if (x < 1e-12)
    return 1.0;
  if (x >= SUPPORT)
    return 0.0;
  return SUPPORT * sin (G_PI * x) * sin (G_PI * x / SUPPORT) / (G_PI * G_PI * x * x);
}

void
_pp_resample_axis_init (PpResampleAxis *axis,
                        int             n_in,
                        int             n_out)
{
  double scale = (double) n_in / n_out;
  double stretch = MAX (scale, 1.0);
  double support = SUPPORT * stretch;
  g_autofree double *w = NULL;

  axis->n_out = n_out;
  axis->n_taps = MIN ((int) ceil (2.0 * support) + 1, n_in);
  axis->first = g_new (int, n_out);
  axis->weights = g_new0 (gint16, (gsize) n_out * axis->n_taps);
  w = g_new (double, axis->n_taps);

  for (int o = 0; o < n_out; o++)
    {
      /* Pixel centres: output o covers input [o·scale, (o+1)·scale). */
      double centre = (o + 0.5) * scale;
      int lo = MAX ((int) floor (centre - support + 0.5), 0);
      int hi = MIN ((int) floor (centre + support + 0.5), n_in);
      gint16 *q = axis->weights + (gsize) o * axis->n_taps;
      double sum = 0.0;
      int total = 0, biggest = 0;

      /* Keep the window inside the array of taps (it can be one wider by rounding). */
      hi = MIN (hi, lo + axis->n_taps);
      lo = MIN (lo, n_in - axis->n_taps);
      lo = MAX (lo, 0);
      axis->first[o] = lo;
      for (int k = 0; k < axis->n_taps; k++)
        {
          int i = lo + k;

          w[k] = i < hi ? _pp_lanczos3 ((i + 0.5 - centre) / stretch) : 0.0;
          sum += w[k];
        }
      for (int k = 0; k < axis->n_taps; k++)
        {
          q[k] = (gint16) floor (w[k] / sum * (1 << PP_RESAMPLE_BITS) + 0.5);
          total += q[k];
          if (q[k] > q[biggest])
            biggest = k;
        }
      /* The rounding error goes to the largest weight, so flat areas stay exactly flat. */
      q[biggest] += (1 << PP_RESAMPLE_BITS) - total;
    }

  axis->n_padded = (axis->n_taps + 7) & ~7;
  axis->padded = g_new0 (gint16, (gsize) n_out * axis->n_padded);
  for (int o = 0; o < n_out; o++)
    memcpy (axis->padded + (gsize) o * axis->n_padded, axis->weights + (gsize) o * axis->n_taps,
            axis->n_taps * sizeof (gint16));
}

void
_pp_resample_axis_clear (PpResampleAxis *axis)
{
  g_clear_pointer (&axis->first, g_free);
  g_clear_pointer (&axis->weights, g_free);
  g_clear_pointer (&axis->padded, g_free);
}

PpResample *
_pp_resample_new (int in_width,
                  int in_height,
                  int out_width,
                  int out_height)
{
  PpResample *resample = g_new0 (PpResample, 1);

  _pp_resample_axis_init (&resample->x, in_width, out_width);
  _pp_resample_axis_init (&resample->y, in_height, out_height);
  return resample;
}

void
_pp_resample_free (gpointer data)
{
  PpResample *resample = data;

  if (resample == NULL)
    return;
  _pp_resample_axis_clear (&resample->x);
  _pp_resample_axis_clear (&resample->y);
  g_free (resample);
}

/* The vertical pass: out = round (sum of w[k] · row k >> @shift) over @n_taps rows: of @src's
 * bytes from row @first, or of the 16-bit premultiplied @rows when @wide. The shift is
 * arithmetic on the negative sums of overshooting lobes (gcc and clang define it so). Always
 * inlined with constant @wide and @shift, so each caller below keeps its own vectorised loop
 * (with no branch in it). */
#define AT(row, i) (wide ? (gint32) ((const guint16 *) (row))[i] \
                         : (gint32) (gint16) ((const guint8 *) (row))[i])
__attribute__ ((always_inline)) static inline void
vertical_sums (const PpImage         *src,
               int                    first,
               const guint16 *const  *rows,
               const gint16          *w,
               int                    n_taps,
               gsize                  n,
               gboolean               wide,
               int                    shift,
               gint16                *out)
{
  gint32 half = 1 << (shift - 1);
  gsize i = 0;

  for (; i + BLOCK <= n; i += BLOCK)
    {
      gint32 acc[BLOCK] = { 0 };

      for (int k = 0; k < n_taps; k++)
        {
          const void *row = wide ? (const void *) (rows[k] + i)
                                 : (const void *) (PP_IMAGE_ROW (src, first + k) + i);
          gint16 wk = w[k];

          if (wk == 0)
            continue;
          for (int j = 0; j < BLOCK; j++)
            acc[j] += (gint32) wk * AT (row, j);
        }
      for (int j = 0; j < BLOCK; j++)
        out[i + j] = (acc[j] + half) >> shift;
    }
  for (; i < n; i++)
    {
      gint32 acc = 0;

      for (int k = 0; k < n_taps; k++)
        acc += w[k] * AT (wide ? (const void *) rows[k]
                               : (const void *) PP_IMAGE_ROW (src, first + k), i);
      out[i] = (acc + half) >> shift;
    }
}
#undef AT

/* 8.6 fixed point: (sum of u8 · 2.14 weights) >> 8, rounded. */
PP_VECTOR_CLONES static void
vertical_pass (const PpImage *src,
               int            first,
               const gint16  *w,
               int            n_taps,
               gint16        *out)
{
  vertical_sums (src, first, NULL, w, n_taps, (gsize) src->width * src->channels, FALSE, 8,
                 out);
}

static inline guint8
finish (gint32 acc)
{
  /* 8.6 times 2.14 is 8.20 fixed point. */
  acc = (acc + (1 << 19)) >> 20;
  return CLAMP (acc, 0, 255);
}

/* The horizontal pass works on one channel at a time (planes), so each output is a dot product
 * of contiguous 16-bit weights and samples, padded to whole vectors: the compiler turns it into
 * multiply-add-pairs instructions. The planes have n_padded zeros past their end for the
 * padding taps to read. Into @sums as 8.20 sums (one plane of n_out per channel) when not NULL,
 * else finished into interleaved bytes in @out. Always inlined with constant arguments. */
__attribute__ ((always_inline)) static inline void
horizontal_any (const PpResampleAxis *axis,
                const gint16 *const  *planes,
                int                   channels,
                gint32               *sums,
                guint8               *out)
{
  int n_padded = axis->n_padded;

  for (int c = 0; c < channels; c++)
    for (int o = 0; o < axis->n_out; o++)
      {
        const gint16 *restrict w = axis->padded + (gsize) o * n_padded;
        const gint16 *restrict p = planes[c] + axis->first[o];
        gint32 acc = 0;

        for (int k = 0; k < n_padded; k++)
          acc += (gint32) w[k] * p[k];
        if (sums != NULL)
          sums[(gsize) c * axis->n_out + o] = acc;
        else
          out[(gsize) o * channels + c] = finish (acc);
      }
}

PP_VECTOR_CLONES static void
horizontal_pass (const PpResampleAxis *axis,
                 const gint16 *const  *planes,
                 int                   channels,
                 guint8               *out)
{
  horizontal_any (axis, planes, channels, NULL, out);
}

PP_VECTOR_CLONES static void
deinterleave (const gint16 *restrict in,
              int                    width,
              int                    channels,
              gint16 *const         *planes)
{
  gint16 *restrict p0 = planes[0], *restrict p1 = planes[1], *restrict p2 = planes[2];

  if (channels == 3)
    for (int x = 0; x < width; x++)
      {
        p0[x] = in[3 * x];
        p1[x] = in[3 * x + 1];
        p2[x] = in[3 * x + 2];
      }
  else
    {
      gint16 *restrict p3 = planes[3];

      for (int x = 0; x < width; x++)
        {
          p0[x] = in[4 * x];
          p1[x] = in[4 * x + 1];
          p2[x] = in[4 * x + 2];
          p3[x] = in[4 * x + 3];
        }
    }
}

/* The vertical pass on premultiplied 8.6 rows: 2.14 weights give 8.20 sums (at most
 * 16320 · 1.3 · 2^14 < 2^31 with Lanczos' overshoot), back to 8.6. */
PP_VECTOR_CLONES static void
vertical_pass_premultiplied (const guint16 *const *rows,
                             const gint16         *w,
                             int                   n_taps,
                             gsize                 n,
                             gint16               *out)
{
  vertical_sums (NULL, 0, rows, w, n_taps, n, TRUE, 14, out);
}

/* The horizontal pass's dot products, kept as 8.20 sums (one plane of n_out per channel). */
PP_VECTOR_CLONES static void
horizontal_sums (const PpResampleAxis *axis,
                 const gint16 *const  *planes,
                 int                   channels,
                 gint32               *sums)
{
  horizontal_any (axis, planes, channels, sums, NULL);
}

/* Straight RGBA from the four planes of premultiplied 8.20 sums. */
static void
unpremultiply_row (const gint32 *sums,
                   int           n_out,
                   guint8       *out)
{
  const gint32 *r = sums, *g = sums + n_out, *b = sums + 2 * n_out, *a = sums + 3 * n_out;

  for (int o = 0; o < n_out; o++)
    {
      double factor = _pp_unpremultiply_factor (a[o]);

      out[4 * o] = _pp_unpremultiply_sum (r[o], factor);
      out[4 * o + 1] = _pp_unpremultiply_sum (g[o], factor);
      out[4 * o + 2] = _pp_unpremultiply_sum (b[o], factor);
      out[4 * o + 3] = finish (a[o]);
    }
}

static void
resample_band_premultiplied (const PpResample *resample,
                             const PpImage    *src,
                             PpImage          *dst,
                             int               y0,
                             int               y1)
{
  int n_taps = resample->y.n_taps;
  g_autofree gint16 *tmp = g_new (gint16, (gsize) src->width * 4);
  g_autofree gint32 *sums = g_new (gint32, (gsize) resample->x.n_out * 4);
  g_autofree const guint16 **rows = g_new (const guint16 *, n_taps);
  gint16 *planes[4];
  PpPremultipliedRows cache;

  _pp_premultiplied_rows_init (&cache, src, n_taps, 6);
  for (int c = 0; c < 4; c++)
    planes[c] = g_new0 (gint16, (gsize) src->width + resample->x.n_padded);
  for (int y = y0; y < y1; y++)
    {
      int first = resample->y.first[y];
      const gint16 *w = resample->y.weights + (gsize) y * n_taps;

      /* Under an opaque window the straight passes give exactly these bytes, cheaper. */
      if (_pp_premultiplied_rows_opaque (&cache, first, first + n_taps - 1))
        {
          vertical_pass (src, first, w, n_taps, tmp);
          deinterleave (tmp, src->width, 4, planes);
          horizontal_pass (&resample->x, (const gint16 *const *) planes, 4,
                           PP_IMAGE_ROW (dst, y));
          continue;
        }
      for (int k = 0; k < n_taps; k++)
        rows[k] = _pp_premultiplied_rows_get (&cache, first + k);
      vertical_pass_premultiplied (rows, w, n_taps, (gsize) src->width * 4, tmp);
      deinterleave (tmp, src->width, 4, planes);
      horizontal_sums (&resample->x, (const gint16 *const *) planes, 4, sums);
      unpremultiply_row (sums, resample->x.n_out, PP_IMAGE_ROW (dst, y));
    }
  for (int c = 0; c < 4; c++)
    g_free (planes[c]);
  _pp_premultiplied_rows_clear (&cache);
}

/* RGBA is resampled premultiplied, alpha included (each pixel's alpha moves with its pixel). */
void
_pp_resample_band (const PpResample *resample,
                   const PpImage    *src,
                   PpImage          *dst,
                   int               y0,
                   int               y1)
{
  g_autofree gint16 *tmp = NULL;
  gint16 *planes[4] = { NULL };

  /* Same size (fit of an image that already fits): the weights are exactly one tap of 1.0. */
  if (resample->x.n_out == src->width && resample->y.n_out == src->height)
    {
      for (int y = y0; y < y1; y++)
        memcpy (PP_IMAGE_ROW (dst, y), PP_IMAGE_ROW (src, y), (gsize) src->width * src->channels);
      return;
    }
  if (src->channels == 4)
    {
      resample_band_premultiplied (resample, src, dst, y0, y1);
      return;
    }

  tmp = g_new (gint16, (gsize) src->width * src->channels);
  for (int c = 0; c < src->channels; c++)
    planes[c] = g_new0 (gint16, (gsize) src->width + resample->x.n_padded);
  for (int y = y0; y < y1; y++)
    {
      vertical_pass (src, resample->y.first[y],
                     resample->y.weights + (gsize) y * resample->y.n_taps, resample->y.n_taps,
                     tmp);
      deinterleave (tmp, src->width, src->channels, planes);
      horizontal_pass (&resample->x, (const gint16 *const *) planes, src->channels,
                       PP_IMAGE_ROW (dst, y));
    }
  for (int c = 0; c < src->channels; c++)
    g_free (planes[c]);
}

gpointer
_pp_resample_prepare (const PpFilterContext *ctx)
{
  return _pp_resample_new (ctx->src_width, ctx->src_height, ctx->dst_width, ctx->dst_height);
}

void
_pp_resample_process_band (const PpFilterContext *ctx,
                           const PpImage         *src,
                           PpImage               *dst,
                           int                    y0,
                           int                    y1)
{
  _pp_resample_band (ctx->data, src, dst, y0, y1);
}
