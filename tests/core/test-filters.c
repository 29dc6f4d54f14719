/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every filter against a naive reference written here from its definition (double precision,
 * clamp-to-edge, no tricks), on random and photo-like images, 3 and 4 channels, awkward sizes;
 * fused chains against applying the filters one by one; alpha handling; error messages.
 *
 * How results are compared. A reference gives each output channel as a real number before
 * rounding. "Exact" filters must give round-half-up of it, clamped to 0..255; only where the
 * exact value sits on a tie (x.5, where double evaluation of the definition may fall either
 * side) is either neighbour accepted. Fixed-point filters (gaussian-blur, the Lanczos3 resampler
 * of fit and resize) may differ by at most 1 from the rounded reference: 15- and 14-bit weights
 * and 16-bit intermediates cannot match double arithmetic to the last bit, and the test also
 * bounds how often they are off at all. Sharpen is exact given an 8-bit blur, and that blur may
 * be either neighbour of the rounded true Gaussian (as gaussian-blur may): its reference gives
 * the three outputs those blurs make, and how often a neighbour's is the one seen is bounded too.
 *
 * Every reference is naive and independent of the filter code: none calls a filter. The main
 * cases keep sizes and radii small so that many awkward images are quick; full-range/ covers
 * each filter's whole documented range (its ends and interior points: gaussian sigma to 50,
 * sharpen radius to 20 and threshold to 255, box radius to 100, resize to 400 %, fit and crop
 * sizes to 65535) on small images.
 */
#include <math.h>
#include <string.h>

#include "codecs/pp-codec.h"
#include "render/pp-render.h"
#include "pp-test-util.h"

typedef enum
{
  EXACT,
  EXACT_OF_A_BLUR, /* exact, from one of three 8-bit blurs (sharpen) */
  WITHIN_ONE,
} Tolerance;

/* The real-valued output of a reference: width x height x channels doubles; @alt, when set,
 * holds two more outputs each sample may equally have (sharpen's, from neighbouring blurs).
 * For RGBA filters that divide premultiplied sums by an alpha, @weight holds that alpha
 * (0..255) per pixel: a colour is then right when its premultiplied value is, within one
 * level (tolerance WITHIN_ONE); @range, when set, bounds what a sample may be where such a
 * colour feeds another step (sharpen of RGBA). */
typedef struct
{
  int width;
  int height;
  int channels;
  double *v;
  double *alt[2];
  double *weight;
  double *range[2];
} RefImage;

static RefImage *
ref_new (int width,
         int height,
         int channels)
{
  RefImage *ref = g_new0 (RefImage, 1);

  ref->width = width;
  ref->height = height;
  ref->channels = channels;
  ref->v = g_new0 (double, (gsize) width * height * channels);
  return ref;
}

static void
ref_free (RefImage *ref)
{
  g_free (ref->v);
  g_free (ref->alt[0]);
  g_free (ref->alt[1]);
  g_free (ref->weight);
  g_free (ref->range[0]);
  g_free (ref->range[1]);
  g_free (ref);
}

static double *
ref_weight_at (RefImage *ref,
               int       x,
               int       y)
{
  if (ref->weight == NULL)
    ref->weight = g_new0 (double, (gsize) ref->width * ref->height);
  return ref->weight + (gsize) y * ref->width + x;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RefImage, ref_free)

static inline double *
ref_at (RefImage *ref,
        int       x,
        int       y)
{
  return ref->v + ((gsize) y * ref->width + x) * ref->channels;
}

/* A source sample with clamp-to-edge coordinates. */
static inline double
px (const PpImage *img,
    int            x,
    int            y,
    int            c)
{
  x = CLAMP (x, 0, img->width - 1);
  y = CLAMP (y, 0, img->height - 1);
  return PP_IMAGE_ROW (img, y)[x * img->channels + c];
}

static double
round_clamp (double v)
{
  return CLAMP (floor (v + 0.5), 0.0, 255.0);
}

/* RGBA: a colour sample weighted by its alpha (the premultiplied value, real-valued), and
 * alpha itself for c = 3. */
static inline double
px_premultiplied (const PpImage *img,
                  int            x,
                  int            y,
                  int            c)
{
  return c == 3 ? px (img, x, y, 3) : px (img, x, y, c) * px (img, x, y, 3) / 255.0;
}

/* ---- references, one per filter, written from the definitions ---- */

typedef RefImage *(*RefFunc) (const double *values, const PpImage *src);

/* Point filters: a function of one pixel's channels; alpha is copied. */
typedef void (*PixelFunc) (const double *values, const double *in, double *out);

static RefImage *
ref_point (const double  *values,
           const PpImage *src,
           PixelFunc      func)
{
  RefImage *ref = ref_new (src->width, src->height, src->channels);

  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      {
        double in[4], *out = ref_at (ref, x, y);

        for (int c = 0; c < src->channels; c++)
          in[c] = px (src, x, y, c);
        func (values, in, out);
        if (src->channels == 4)
          out[3] = in[3];
      }
  return ref;
}

#define POINT_REF(name, ...)                                                   \
  static void name##_pixel (const double *values, const double *in, double *out) \
  {                                                                            \
    __VA_ARGS__                                                                \
  }                                                                            \
  static RefImage *ref_##name (const double *values, const PpImage *src)       \
  {                                                                            \
    return ref_point (values, src, name##_pixel);                              \
  }

POINT_REF (exposure,
  for (int c = 0; c < 3; c++)
    out[c] = in[c] * pow (2.0, values[0]);
)

POINT_REF (gamma,
  for (int c = 0; c < 3; c++)
    out[c] = 255.0 * pow (in[c] / 255.0, 1.0 / values[0]);
)

POINT_REF (brightness,
  for (int c = 0; c < 3; c++)
    out[c] = in[c] + 255.0 * values[0] / 100.0;
)

POINT_REF (contrast,
  for (int c = 0; c < 3; c++)
    out[c] = (in[c] - 127.5) * pow ((100.0 + values[0]) / 100.0, 2.0) + 127.5;
)

POINT_REF (saturation,
  double l = 0.2126 * in[0] + 0.7152 * in[1] + 0.0722 * in[2];
  for (int c = 0; c < 3; c++)
    out[c] = l + (1.0 + values[0] / 100.0) * (in[c] - l);
)

POINT_REF (grayscale,
  out[0] = out[1] = out[2] = 0.2126 * in[0] + 0.7152 * in[1] + 0.0722 * in[2];
)

POINT_REF (sepia,
  static const double m[3][3] = {
    { 0.393, 0.769, 0.189 }, { 0.349, 0.686, 0.168 }, { 0.272, 0.534, 0.131 },
  };
  double a = values[0] / 100.0;
  for (int c = 0; c < 3; c++)
    out[c] = (1.0 - a) * in[c] + a * (m[c][0] * in[0] + m[c][1] * in[1] + m[c][2] * in[2]);
)

POINT_REF (invert,
  for (int c = 0; c < 3; c++)
    out[c] = 255.0 - in[c];
)

/* The level is compared with the pixel's gray value: its luma rounded half up. The exact
 * rational 10000·luma is an integer, so the rounding is done on it to have no ties at all. */
POINT_REF (threshold,
  double l4 = 2126 * in[0] + 7152 * in[1] + 722 * in[2];
  double gray = floor ((l4 + 5000) / 10000);
  out[0] = out[1] = out[2] = gray >= values[0] ? 255 : 0;
)

POINT_REF (levels,
  for (int c = 0; c < 3; c++)
    {
      double t = CLAMP ((in[c] - values[0]) / (values[1] - values[0]), 0.0, 1.0);

      out[c] = 255.0 * pow (t, 1.0 / values[2]);
    }
)

/* Local filters: alpha of each pixel copied. */
static void
copy_alpha (RefImage      *ref,
            const PpImage *src)
{
  if (src->channels != 4)
    return;
  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      ref_at (ref, x, y)[3] = px (src, x, y, 3);
}

static RefImage *
ref_box_blur (const double  *values,
              const PpImage *src)
{
  RefImage *ref = ref_new (src->width, src->height, src->channels);
  int r = (int) values[0];

  /* RGBA: the mean of the alpha-weighted colours over the mean alpha (0 with nothing visible). */
  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      for (int c = 0; c < 3; c++)
        {
          double sum = 0.0, alpha = 0.0;

          for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++)
              if (src->channels == 4)
                {
                  sum += px (src, x + dx, y + dy, c) * px (src, x + dx, y + dy, 3);
                  alpha += px (src, x + dx, y + dy, 3);
                }
              else
                sum += px (src, x + dx, y + dy, c);
          if (src->channels == 4)
            ref_at (ref, x, y)[c] = alpha > 0.0 ? sum / alpha : 0.0;
          else
            ref_at (ref, x, y)[c] = sum / ((2 * r + 1) * (2 * r + 1));
        }
  copy_alpha (ref, src);
  return ref;
}

/* The 2D Gaussian of the definition, truncated at 3 sigma (at least 1 px) like the filter. */
static RefImage *
gaussian (const PpImage *src,
          double         sigma)
{
  RefImage *ref = ref_new (src->width, src->height, src->channels);
  int r = MAX (1, (int) ceil (3.0 * sigma)), n = 2 * r + 1;
  g_autofree double *g = g_new (double, n * n);
  double norm = 0.0;

  for (int dy = -r; dy <= r; dy++)
    for (int dx = -r; dx <= r; dx++)
      norm += g[(dy + r) * n + dx + r] = exp (-(dx * dx + dy * dy) / (2.0 * sigma * sigma));
  /* RGBA: the blur of the premultiplied colours over the blur of alpha. */
  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      {
        double alpha = 0.0;

        if (src->channels == 4)
          {
            for (int dy = -r; dy <= r; dy++)
              for (int dx = -r; dx <= r; dx++)
                alpha += g[(dy + r) * n + dx + r] * px (src, x + dx, y + dy, 3);
            alpha /= norm;
            *ref_weight_at (ref, x, y) = alpha;
          }
        for (int c = 0; c < 3; c++)
          {
            double sum = 0.0;

            for (int dy = -r; dy <= r; dy++)
              for (int dx = -r; dx <= r; dx++)
                sum += g[(dy + r) * n + dx + r] * (src->channels == 4
                                                     ? px_premultiplied (src, x + dx, y + dy, c)
                                                     : px (src, x + dx, y + dy, c));
            sum /= norm;
            ref_at (ref, x, y)[c] = src->channels != 4 ? sum
                                    : alpha > 0.0      ? sum * 255.0 / alpha
                                                       : 0.0;
          }
      }
  copy_alpha (ref, src);
  return ref;
}

static RefImage *
ref_gaussian_blur (const double  *values,
                   const PpImage *src)
{
  return gaussian (src, values[0]);
}

/* Unsharp mask, on an 8-bit blur B: out = in + amount·(in - B) where |in - B| >= threshold,
 * else in. B is the true Gaussian (the naive one above) rounded, or either neighbour of that
 * (as gaussian-blur's fixed point may give): the three outputs are the reference. */
static RefImage *
ref_sharpen (const double  *values,
             const PpImage *src)
{
  RefImage *ref = ref_new (src->width, src->height, src->channels);
  g_autoptr (RefImage) blur = gaussian (src, values[1]);
  gsize n = (gsize) src->width * src->height * src->channels;

  ref->alt[0] = g_new0 (double, n);
  ref->alt[1] = g_new0 (double, n);
  if (blur->weight != NULL)
    {
      ref->range[0] = g_new0 (double, n);
      ref->range[1] = g_new0 (double, n);
    }
  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      for (int c = 0; c < src->channels; c++)
        {
          gsize i = ((gsize) y * src->width + x) * src->channels + c;
          double in = px (src, x, y, c), b = round_clamp (ref_at (blur, x, y)[c]);

          for (int k = 0; k < 3; k++)
            {
              double d = in - CLAMP (b + (k == 0 ? 0 : k == 1 ? -1 : 1), 0, 255);
              double out = c == 3 ? in : fabs (d) < values[2] ? in : in + values[0] * d;

              if (k == 0)
                ref->v[i] = out;
              else
                ref->alt[k - 1][i] = out;
            }
          /* RGBA: the blur's colour is right within one premultiplied level, so within
           * 255 / (blurred alpha) levels: any such blur may be the one sharpened. */
          if (blur->weight != NULL && c < 3)
            {
              double w = *ref_weight_at (blur, x, y), t = ref_at (blur, x, y)[c];
              double slack = w > 0.0 ? MAX (1.0, 255.0 / w) : 255.0;

              ref->range[0][i] = ref->range[1][i] = ref->v[i];
              for (double bb = MAX (0.0, floor (t - slack)); bb <= MIN (255.0, ceil (t + slack));
                   bb++)
                {
                  double d = in - bb;
                  double out = round_clamp (fabs (d) < values[2] ? in : in + values[0] * d);

                  ref->range[0][i] = MIN (ref->range[0][i], out);
                  ref->range[1][i] = MAX (ref->range[1][i], out);
                }
            }
        }
  return ref;
}

static PpImage *run_one (const PpFilterInfo *info, const double *values, const PpImage *src);

static RefImage *
ref_edge_detect (const double  *values,
                 const PpImage *src)
{
  static const int kx[3][3] = { { -1, 0, 1 }, { -2, 0, 2 }, { -1, 0, 1 } };
  static const int ky[3][3] = { { -1, -2, -1 }, { 0, 0, 0 }, { 1, 2, 1 } };
  RefImage *ref = ref_new (src->width, src->height, src->channels);

  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      for (int c = 0; c < 3; c++)
        {
          double gx = 0.0, gy = 0.0;

          /* RGBA: on the premultiplied colours, then divided by the pixel's alpha again. */
          double (*sample) (const PpImage *, int, int, int) =
            src->channels == 4 ? px_premultiplied : px;
          double a = src->channels == 4 ? px (src, x, y, 3) : 255.0;

          for (int j = 0; j < 3; j++)
            for (int i = 0; i < 3; i++)
              {
                gx += kx[j][i] * sample (src, x + i - 1, y + j - 1, c);
                gy += ky[j][i] * sample (src, x + i - 1, y + j - 1, c);
              }
          ref_at (ref, x, y)[c] =
            a > 0.0 ? sqrt (gx * gx + gy * gy) * values[0] * 255.0 / a : 0.0;
        }
  copy_alpha (ref, src);
  return ref;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static RefImage *
ref_median (const double  *values,
            const PpImage *src)
{
  RefImage *ref = ref_new (src->width, src->height, src->channels);

  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      for (int c = 0; c < 3; c++)
        {
          double v[9];
          int m = 0;

          /* RGBA: fully transparent neighbours do not vote; the lower median of the rest. */
          for (int j = 0; j < 3; j++)
            for (int i = 0; i < 3; i++)
              if (src->channels != 4 || px (src, x + i - 1, y + j - 1, 3) != 0)
                v[m++] = px (src, x + i - 1, y + j - 1, c);
          qsort (v, m, sizeof (double), compare_double);
          ref_at (ref, x, y)[c] = m > 0 ? v[(m - 1) / 2] : 0.0;
        }
  copy_alpha (ref, src);
  return ref;
}

static RefImage *
ref_emboss (const double  *values,
            const PpImage *src)
{
  static const int k[3][3] = { { -2, -1, 0 }, { -1, 1, 1 }, { 0, 1, 2 } };
  RefImage *ref = ref_new (src->width, src->height, src->channels);

  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      for (int c = 0; c < 3; c++)
        {
          /* RGBA: on the premultiplied colours, then divided by the pixel's alpha again. */
          double (*sample) (const PpImage *, int, int, int) =
            src->channels == 4 ? px_premultiplied : px;
          double a = src->channels == 4 ? px (src, x, y, 3) : 255.0;
          double in = sample (src, x, y, c), conv = 0.0;

          for (int j = 0; j < 3; j++)
            for (int i = 0; i < 3; i++)
              conv += k[j][i] * sample (src, x + i - 1, y + j - 1, c);
          ref_at (ref, x, y)[c] = a > 0.0 ? (in + values[0] * (conv - in)) * 255.0 / a : 0.0;
        }
  copy_alpha (ref, src);
  return ref;
}

/* Geometry. */

static double
lanczos3 (double x)
{
  if (x == 0.0)
    return 1.0;
  if (fabs (x) >= 3.0)
    return 0.0;
  return 3.0 * sin (G_PI * x) * sin (G_PI * x / 3.0) / (G_PI * G_PI * x * x);
}

/* Weight of input sample i for output o when n_in samples become n_out: Lanczos3 at the
 * distance between pixel centres, stretched by the reduction factor when shrinking, normalised
 * over the samples inside the image. */
static double
resample_weight (int n_in,
                 int n_out,
                 int o,
                 int i)
{
  double scale = (double) n_in / n_out, stretch = MAX (scale, 1.0);
  double centre = (o + 0.5) * scale, sum = 0.0;

  for (int k = 0; k < n_in; k++)
    sum += lanczos3 ((k + 0.5 - centre) / stretch);
  return lanczos3 ((i + 0.5 - centre) / stretch) / sum;
}

static RefImage *
resample (const PpImage *src,
          int            out_w,
          int            out_h)
{
  RefImage *ref = ref_new (out_w, out_h, src->channels);
  g_autofree double *wx = g_new (double, (gsize) out_w * src->width);
  g_autofree double *wy = g_new (double, (gsize) out_h * src->height);

  for (int o = 0; o < out_w; o++)
    for (int i = 0; i < src->width; i++)
      wx[(gsize) o * src->width + i] = resample_weight (src->width, out_w, o, i);
  for (int o = 0; o < out_h; o++)
    for (int j = 0; j < src->height; j++)
      wy[(gsize) o * src->height + j] = resample_weight (src->height, out_h, o, j);

  /* Every channel, alpha included: alpha is resampled with its pixels; RGBA colours are
   * resampled premultiplied and divided by the resampled alpha. The sum over both axes is done
   * one axis at a time (columns, then rows), which is the same sum regrouped. */
  for (int y = 0; y < out_h; y++)
    {
      g_autofree double *column = g_new0 (double, (gsize) src->width * src->channels);

      for (int j = 0; j < src->height; j++)
        {
          if (wy[(gsize) y * src->height + j] == 0.0)
            continue;
          for (int i = 0; i < src->width; i++)
            for (int c = 0; c < src->channels; c++)
              column[i * src->channels + c] += wy[(gsize) y * src->height + j] *
                                               (src->channels == 4 ? px_premultiplied (src, i, j, c)
                                                                   : px (src, i, j, c));
        }
      for (int x = 0; x < out_w; x++)
        for (int c = 0; c < src->channels; c++)
          {
            double sum = 0.0;

            for (int i = 0; i < src->width; i++)
              sum += wx[(gsize) x * src->width + i] * column[i * src->channels + c];
            ref_at (ref, x, y)[c] = sum;
          }
      if (src->channels == 4)
        for (int x = 0; x < out_w; x++)
          {
            double *v = ref_at (ref, x, y);

            *ref_weight_at (ref, x, y) = v[3];
            for (int c = 0; c < 3; c++)
              v[c] = v[3] > 0.0 ? v[c] * 255.0 / v[3] : 0.0;
          }
    }
  return ref;
}

static RefImage *
ref_fit (const double  *values,
         const PpImage *src)
{
  double bw = values[0], bh = values[1], sw = src->width, sh = src->height;
  int w = sw, h = sh;

  /* Within the box, keeping the aspect ratio: the limiting side becomes the box's, the other
   * follows, rounded half up (one division, so ties are exact); small images stay as they are
   * unless enlarging is asked for. */
  if (values[2] != 0.0 || sw > bw || sh > bh)
    {
      if (bw / sw <= bh / sh)
        w = bw, h = MAX (1, (int) floor (sh * bw / sw + 0.5));
      else
        h = bh, w = MAX (1, (int) floor (sw * bh / sh + 0.5));
    }
  return resample (src, w, h);
}

static RefImage *
ref_resize (const double  *values,
            const PpImage *src)
{
  return resample (src, MAX (1, (int) floor (src->width * values[0] / 100.0 + 0.5)),
                   MAX (1, (int) floor (src->height * values[0] / 100.0 + 0.5)));
}

/* Copies pixel (sx, sy) of src to (x, y) of ref, every channel. */
static void
ref_copy_pixel (RefImage      *ref,
                int            x,
                int            y,
                const PpImage *src,
                int            sx,
                int            sy)
{
  for (int c = 0; c < src->channels; c++)
    ref_at (ref, x, y)[c] = px (src, sx, sy, c);
}

static RefImage *
ref_crop (const double  *values,
          const PpImage *src)
{
  int x0 = values[2], y0 = values[3];
  int w = MIN ((int) values[0], src->width - x0), h = MIN ((int) values[1], src->height - y0);
  RefImage *ref;

  if (w <= 0 || h <= 0)
    return NULL;
  ref = ref_new (w, h, src->channels);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      ref_copy_pixel (ref, x, y, src, x0 + x, y0 + y);
  return ref;
}

static RefImage *
ref_rotate (const double  *values,
            const PpImage *src)
{
  int degrees = 90 * (1 + (int) values[0]);
  gboolean quarter = degrees != 180;
  RefImage *ref = ref_new (quarter ? src->height : src->width, quarter ? src->width : src->height,
                           src->channels);

  /* Clockwise: walk the source and say where each pixel lands. */
  for (int sy = 0; sy < src->height; sy++)
    for (int sx = 0; sx < src->width; sx++)
      {
        int x, y;

        if (degrees == 90)
          x = src->height - 1 - sy, y = sx;
        else if (degrees == 180)
          x = src->width - 1 - sx, y = src->height - 1 - sy;
        else
          x = sy, y = src->width - 1 - sx;
        ref_copy_pixel (ref, x, y, src, sx, sy);
      }
  return ref;
}

static RefImage *
ref_flip (const double  *values,
          const PpImage *src)
{
  RefImage *ref = ref_new (src->width, src->height, src->channels);
  gboolean vertical = values[0] == 1.0;

  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      ref_copy_pixel (ref, x, y, src, vertical ? x : src->width - 1 - x,
                      vertical ? src->height - 1 - y : y);
  return ref;
}

typedef struct
{
  const char *name;
  RefFunc ref;
  Tolerance tolerance;
} Reference;

static const Reference references[] = {
  { "exposure", ref_exposure, EXACT },
  { "gamma", ref_gamma, EXACT },
  { "brightness", ref_brightness, EXACT },
  { "contrast", ref_contrast, EXACT },
  { "saturation", ref_saturation, EXACT },
  { "grayscale", ref_grayscale, EXACT },
  { "sepia", ref_sepia, EXACT },
  { "invert", ref_invert, EXACT },
  { "threshold", ref_threshold, EXACT },
  { "levels", ref_levels, EXACT },
  { "box-blur", ref_box_blur, EXACT },
  { "gaussian-blur", ref_gaussian_blur, WITHIN_ONE },
  { "sharpen", ref_sharpen, EXACT_OF_A_BLUR },
  { "edge-detect", ref_edge_detect, EXACT },
  { "median", ref_median, EXACT },
  { "emboss", ref_emboss, EXACT },
  { "fit", ref_fit, WITHIN_ONE },
  { "resize", ref_resize, WITHIN_ONE },
  { "crop", ref_crop, EXACT },
  { "rotate", ref_rotate, EXACT },
  { "flip", ref_flip, EXACT },
};

static const Reference *
find_reference (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (references); i++)
    if (g_str_equal (references[i].name, name))
      return &references[i];
  return NULL;
}

/* ---- running filters ---- */

static PpImage *
run_pipeline (PpPipeline    *pipeline,
              const PpImage *src,
              GError       **error)
{
  g_autoptr (PpPlan) plan = pp_plan_new (pipeline, src->width, src->height, src->channels, error);

  if (plan == NULL)
    return NULL;
  return pp_plan_run (plan, (PpImage *) src, 2, NULL, NULL, error);
}

static PpImage *
run_one (const PpFilterInfo *info,
         const double       *values,
         const PpImage      *src)
{
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new ();
  g_autoptr (GError) error = NULL;
  PpImage *out;

  pp_pipeline_append (pipeline, info, values);
  out = run_pipeline (pipeline, src, &error);
  g_assert_no_error (error);
  return out;
}

static PpImage *
run_spec (const char    *spec,
          const PpImage *src)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (spec, &error);
  PpImage *out;

  g_assert_no_error (error);
  out = run_pipeline (pipeline, src, &error);
  g_assert_no_error (error);
  return out;
}

typedef struct
{
  guint64 compared;
  guint64 off_by_one;
} Stats;

/* @got is @want rounded half up and clamped; at an exact tie, either neighbour. */
static gboolean
exact_match (double got,
             double want)
{
  double frac = want - floor (want);
  gboolean tie = fabs (frac - 0.5) < 1e-7 && want > -0.5 && want < 255.5;

  return got == round_clamp (want) ||
         (tie && (got == round_clamp (want - 1e-6) || got == round_clamp (want + 1e-6)));
}

/* Checks @out against @ref under @tolerance; names the filter and the first bad sample. */
static void
check (const char     *what,
       const PpImage  *out,
       const RefImage *ref,
       Tolerance       tolerance,
       Stats          *stats)
{
  g_assert_nonnull (out);
  g_assert_true ((ref->alt[0] != NULL) == (tolerance == EXACT_OF_A_BLUR));
  if (out->width != ref->width || out->height != ref->height || out->channels != ref->channels)
    g_error ("%s: output is %dx%dx%d, expected %dx%dx%d", what, out->width, out->height,
             out->channels, ref->width, ref->height, ref->channels);

  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      for (int c = 0; c < out->channels; c++)
        {
          gsize i = ((gsize) y * ref->width + x) * ref->channels + c;
          double want = ref->v[i];
          double rounded = round_clamp (want);
          double got = PP_IMAGE_ROW (out, y)[x * out->channels + c];
          gboolean ok;

          if (tolerance != WITHIN_ONE)
            ok = exact_match (got, want) ||
                 (ref->alt[0] != NULL &&
                  (exact_match (got, ref->alt[0][i]) || exact_match (got, ref->alt[1][i]))) ||
                 (ref->range[0] != NULL && c < 3 && got >= round_clamp (ref->range[0][i]) &&
                  got <= round_clamp (ref->range[1][i]));
          else
            ok = fabs (got - rounded) <= 1.0;
          /* A colour divided by a small alpha magnifies rounding: what must hold is its
           * premultiplied value (what compositing shows), within one level. */
          if (!ok && tolerance == WITHIN_ONE && ref->weight != NULL && c < 3)
            ok = fabs (got - CLAMP (want, 0.0, 255.0)) *
                   ref->weight[(gsize) y * ref->width + x] / 255.0 <= 1.0;
          if (!ok)
            g_error ("%s: pixel (%d, %d) channel %d is %g, expected %g (exactly %.9g)", what, x,
                     y, c, got, rounded, want);
          stats->compared++;
          if (got != rounded)
            stats->off_by_one++;
        }
}

/* ---- the cases ---- */

static const int sizes[][2] = {
  { 1, 1 }, { 1, 13 }, { 13, 1 }, { 2, 2 }, { 3, 2 }, { 7, 11 }, { 17, 5 }, { 31, 37 },
};

/* Parameter sets for a filter: defaults, then values spread over each range. Radii and
 * geometry sizes stay small here so the references (naive on purpose) stay quick on these many
 * sizes; full-range/ covers the rest of each range on small images. */
static void
values_for_case (const PpFilterInfo *info,
                 int                 variant,
                 GRand              *rand,
                 double             *values)
{
  pp_filter_info_get_defaults (info, values);
  if (variant == 0)
    return;
  for (guint p = 0; p < info->n_params; p++)
    {
      const PpParamSpec *pspec = &info->params[p];
      double lo = pspec->min, hi = pspec->max, v;

      if (pspec->unit != NULL && g_str_equal (pspec->unit, "px") &&
          info->kind != PP_FILTER_KIND_LOCAL)
        hi = MIN (hi, 45);
      if (g_str_equal (info->name, "gaussian-blur") || g_str_equal (info->name, "sharpen"))
        hi = MIN (hi, g_str_equal (pspec->name, "threshold") ? 40 : 4);
      if (g_str_equal (info->name, "box-blur"))
        hi = MIN (hi, 9);
      if (g_str_equal (info->name, "resize"))
        hi = MIN (hi, 250);
      switch (variant)
        {
        case 1:
          v = lo;
          break;
        case 2:
          v = hi;
          break;
        default:
          v = g_rand_double_range (rand, lo, hi);
          break;
        }
      if (pspec->type != PP_PARAM_DOUBLE)
        v = floor (v + 0.5);
      values[p] = v;
    }
}

static void
test_against_reference (gconstpointer data)
{
  const PpFilterInfo *info = data;
  const Reference *reference = find_reference (info->name);
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_str_hash (info->name));
  Stats stats = { 0 };
  guint n_cases = 0;

  /* A filter added without a reference fails here rather than going untested. */
  g_assert_nonnull (reference);

  for (int variant = 0; variant < 6; variant++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes) + 2; s++)
      for (int channels = 3; channels <= 4; channels++)
        {
          double values[PP_MAX_PARAMS];
          g_autoptr (PpImage) src = NULL;
          g_autoptr (PpImage) out = NULL;
          g_autoptr (RefImage) ref = NULL;
          g_autofree char *what = NULL;
          g_autoptr (PpPipeline) pipeline = pp_pipeline_new ();
          g_autoptr (GError) error = NULL;
          g_autofree char *spec = NULL;

          values_for_case (info, variant, rand, values);
          if (!pp_filter_info_validate (info, values, NULL))
            continue;
          /* The last two sizes are photo-like (smooth with noise); the rest random noise with
           * row padding. */
          if (s < G_N_ELEMENTS (sizes))
            src = pp_test_image_new (sizes[s][0], sizes[s][1], channels, s % 3 * 3, s + variant);
          else if (s == G_N_ELEMENTS (sizes))
            src = pp_test_photo_new (61, 43, channels, variant);
          else
            src = pp_test_photo_new (97, 29, channels, variant + 7);

          pp_pipeline_append (pipeline, info, values);
          spec = pp_pipeline_to_spec (pipeline);
          what = g_strdup_printf ("%s on %dx%dx%d", spec, src->width, src->height, channels);
          ref = reference->ref (values, src);
          out = run_pipeline (pipeline, src, &error);
          if (ref == NULL)
            {
              /* Only a crop that misses the image may produce nothing. */
              g_assert_error (error, PP_FILTER_ERROR, PP_FILTER_ERROR_EMPTY);
              continue;
            }
          g_assert_no_error (error);
          check (what, out, ref, reference->tolerance, &stats);
          n_cases++;
        }

  g_assert_cmpuint (n_cases, >=, 40);
  g_test_message ("%s: %u cases, %" G_GUINT64_FORMAT " samples, %" G_GUINT64_FORMAT
                  " off by one", info->name, n_cases, stats.compared, stats.off_by_one);
  /* Off-by-one is a rounding accident, not a habit: exact filters only at ties, fixed-point
   * ones (and sharpen, through its blur) rarely. */
  g_assert_cmpuint (stats.off_by_one * 100, <=,
                    stats.compared * (reference->tolerance == EXACT ? 1 : 5));
}

/* ---- full ranges, on small images ---- */

typedef struct
{
  double values[PP_MAX_PARAMS];
} Case;

/* Cases over a filter's whole documented range: the defaults; each parameter alone at its
 * minimum and at its maximum; every parameter at 1/4, 1/2 and 3/4 of its range. Fit and crop,
 * whose sizes go to 65535, get their own list (the image is @w x @h). */
static GArray *
full_range_cases (const PpFilterInfo *info,
                  int                 w,
                  int                 h)
{
  GArray *cases = g_array_new (FALSE, TRUE, sizeof (Case));
  Case c;

  if (g_str_equal (info->name, "fit"))
    {
      const double fits[][3] = {
        { 65535, 65535, 0 }, { 65535, 65535, 1 }, { 65535, 40, 1 }, { 40, 65535, 1 },
        { 1, 1, 0 }, { 1, 65535, 0 }, { 65535, 1, 0 }, { 1, 65535, 1 }, { 32768, 5, 1 },
      };

      for (guint i = 0; i < G_N_ELEMENTS (fits); i++)
        {
          memset (&c, 0, sizeof c);
          memcpy (c.values, fits[i], sizeof fits[i]);
          g_array_append_val (cases, c);
        }
      return cases;
    }
  if (g_str_equal (info->name, "crop"))
    {
      const double crops[][4] = {
        { 65535, 65535, 0, 0 }, { 1, 1, 0, 0 }, { 1, 1, w - 1, h - 1 }, { 65535, 1, 0, h - 1 },
        { 1, 65535, w - 1, 0 }, { 32768, 32768, w / 2, h / 2 }, { 65535, 65535, 65535, 0 },
        { 65535, 65535, 0, 65535 },
      };

      for (guint i = 0; i < G_N_ELEMENTS (crops); i++)
        {
          memset (&c, 0, sizeof c);
          memcpy (c.values, crops[i], sizeof crops[i]);
          g_array_append_val (cases, c);
        }
      return cases;
    }

  pp_filter_info_get_defaults (info, c.values);
  g_array_append_val (cases, c);
  for (guint p = 0; p < info->n_params; p++)
    for (int end = 0; end < 2; end++)
      {
        pp_filter_info_get_defaults (info, c.values);
        c.values[p] = end == 0 ? info->params[p].min : info->params[p].max;
        g_array_append_val (cases, c);
      }
  for (int quarter = 1; quarter <= 3; quarter++)
    {
      for (guint p = 0; p < info->n_params; p++)
        {
          const PpParamSpec *pspec = &info->params[p];
          double v = pspec->min + (pspec->max - pspec->min) * quarter / 4.0;

          c.values[p] = pspec->type == PP_PARAM_DOUBLE ? v : floor (v + 0.5);
        }
      g_array_append_val (cases, c);
    }
  return cases;
}

static void
test_full_range (gconstpointer data)
{
  const PpFilterInfo *info = data;
  const Reference *reference = find_reference (info->name);
  static const int sizes_small[][2] = { { 13, 11 }, { 1, 7 }, { 9, 1 }, { 29, 19 } };
  Stats stats = { 0 };
  guint n_cases = 0, n_refused = 0, n_large = 0;
  double lo[PP_MAX_PARAMS], hi[PP_MAX_PARAMS];

  g_assert_nonnull (reference);
  for (guint p = 0; p < info->n_params; p++)
    lo[p] = G_MAXDOUBLE, hi[p] = -G_MAXDOUBLE;
  for (guint s = 0; s < G_N_ELEMENTS (sizes_small); s++)
    for (int channels = 3; channels <= 4; channels++)
      {
        int w = sizes_small[s][0], h = sizes_small[s][1];
        g_autoptr (GArray) cases = full_range_cases (info, w, h);
        g_autoptr (PpImage) src = s == 3 ? pp_test_photo_new (w, h, channels, 17)
                                         : pp_test_image_new (w, h, channels, s, 31 + s);

        for (guint i = 0; i < cases->len; i++)
          {
            const double *values = g_array_index (cases, Case, i).values;
            g_autoptr (PpPipeline) pipeline = pp_pipeline_new ();
            g_autoptr (PpPlan) plan = NULL;
            g_autoptr (PpImage) out = NULL;
            g_autoptr (RefImage) ref = NULL;
            g_autoptr (GError) error = NULL;
            g_autofree char *spec = NULL;
            g_autofree char *what = NULL;

            if (!pp_filter_info_validate (info, values, NULL))
              continue; /* levels with its black point above the white point */
            pp_pipeline_append (pipeline, info, values);
            spec = pp_pipeline_to_spec (pipeline);
            what = g_strdup_printf ("%s on %dx%dx%d", spec, w, h, channels);
            plan = pp_plan_new (pipeline, w, h, channels, &error);
            if (plan == NULL)
              {
                /* Honest refusals only: a crop outside the image, a fit past the size limit. */
                if (!g_error_matches (error, PP_FILTER_ERROR, PP_FILTER_ERROR_EMPTY) &&
                    !g_error_matches (error, PP_FILTER_ERROR, PP_FILTER_ERROR_TOO_LARGE))
                  g_error ("%s: %s", what, error->message);
                if (g_error_matches (error, PP_FILTER_ERROR, PP_FILTER_ERROR_EMPTY))
                  g_assert_null (reference->ref (values, src));
                for (guint p = 0; p < info->n_params; p++)
                  lo[p] = MIN (lo[p], values[p]), hi[p] = MAX (hi[p], values[p]);
                n_refused++;
                continue;
              }
            {
              int ow, oh;

              /* Enlarging a sliver to 65535 px is allowed but not small: leave it out. */
              pp_plan_get_output_size (plan, &ow, &oh);
              if ((gint64) ow * oh > 1 << 20)
                {
                  n_large++;
                  continue;
                }
            }
            for (guint p = 0; p < info->n_params; p++)
              lo[p] = MIN (lo[p], values[p]), hi[p] = MAX (hi[p], values[p]);
            out = pp_plan_run (plan, src, 2, NULL, NULL, &error);
            g_assert_no_error (error);
            ref = reference->ref (values, src);
            check (what, out, ref, reference->tolerance, &stats);
            n_cases++;
          }
      }
  g_test_message ("%s: %u cases over the full range, %u honestly refused, %u too large to "
                  "check here, %" G_GUINT64_FORMAT " samples, %" G_GUINT64_FORMAT " off",
                  info->name, n_cases, n_refused, n_large, stats.compared, stats.off_by_one);
  g_assert_cmpuint (n_cases, >=, 8);
  /* The whole range was reached, both ends of every parameter (crop's far offsets are
   * honestly refused: nothing of the image is left). */
  for (guint p = 0; p < info->n_params; p++)
    if (lo[p] != info->params[p].min || hi[p] != info->params[p].max)
      g_error ("%s: %s only covered %g..%g of %g..%g", info->name, info->params[p].name, lo[p],
               hi[p], info->params[p].min, info->params[p].max);
  g_assert_cmpuint (stats.off_by_one * 100, <=,
                    stats.compared * (reference->tolerance == EXACT ? 1 : 5));
}

/* The resampler on a bigger downscale than the generic cases reach: 24 MP photos shrink by
 * large factors, where the stretched kernel has dozens of taps. */
static void
test_resample_large_factor (void)
{
  g_autoptr (PpImage) src = pp_test_photo_new (413, 301, 3, 11);
  g_autoptr (PpImage) src4 = pp_test_image_new (203, 97, 4, 0, 5);
  g_autoptr (PpImage) out = run_spec ("fit=37x37", src);
  g_autoptr (PpImage) out4 = run_spec ("fit=24x24", src4);
  g_autoptr (PpImage) up = run_spec ("fit=50x50;enlarge=true", src4);
  double fit37[PP_MAX_PARAMS] = { 37, 37, 0 }, fit24[PP_MAX_PARAMS] = { 24, 24, 0 };
  double fit50[PP_MAX_PARAMS] = { 50, 50, 1 };
  g_autoptr (RefImage) ref = ref_fit (fit37, src);
  g_autoptr (RefImage) ref4 = ref_fit (fit24, src4);
  g_autoptr (RefImage) ref_up = ref_fit (fit50, src4);
  Stats stats = { 0 };

  g_assert_cmpint (out->width, ==, 37);
  g_assert_cmpint (out->height, ==, 27);
  check ("fit=37x37 on 413x301x3", out, ref, WITHIN_ONE, &stats);
  check ("fit=24x24 on 203x97x4", out4, ref4, WITHIN_ONE, &stats);
  g_assert_cmpint (up->width, ==, 50);
  check ("fit=50x50;enlarge=true on 203x97x4", up, ref_up, WITHIN_ONE, &stats);
  g_assert_cmpuint (stats.off_by_one * 100, <=, stats.compared * 5);
}

/* A taller image, so a render has several bands (a band is about 128 KiB of output): each
 * band starts its own running sums and reads rows across its edges, and must still match the
 * reference everywhere. */
static void
test_multi_band (void)
{
  static const char *const specs[] = {
    "gaussian-blur=2", "box-blur=3", "sharpen=1.5;radius=2;threshold=3", "edge-detect",
    "median", "emboss=0.7", "fit=300x650", "resize=90", "rotate=90", "rotate=270", "flip=vertical",
    "crop=200x500;x=33;y=100",
  };
  g_autoptr (PpImage) src = pp_test_photo_new (333, 701, 4, 3);

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (specs[i], &error);
      const PpStep *step = pp_pipeline_get_step (pipeline, 0);
      const Reference *reference = find_reference (step->info->name);
      g_autoptr (PpPlan) plan = pp_plan_new (pipeline, src->width, src->height, 4, NULL);
      g_autoptr (PpImage) out = pp_plan_run (plan, src, 3, NULL, NULL, NULL);
      g_autoptr (RefImage) ref = reference->ref (step->values, src);
      Stats stats = { 0 };

      g_assert_cmpuint (pp_plan_get_n_bands (plan, 0), >=, 3);
      check (specs[i], out, ref, reference->tolerance, &stats);
    }
}

/* Flat areas stay exactly flat through the fixed-point filters (weights sum exactly to one). */
static void
test_flat_stays_flat (void)
{
  static const char *const specs[] = {
    "gaussian-blur=7.3", "gaussian-blur=0.1", "box-blur=5", "sharpen=3;radius=2", "median",
    "fit=17x9", "resize=37", "resize=310", "emboss=1", "edge-detect",
  };

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    for (int level = 0; level <= 255; level += 51)
      {
        g_autoptr (PpImage) src = pp_image_new (41, 23, 4);
        g_autoptr (PpImage) out = NULL;
        int expect = g_str_equal (specs[i], "edge-detect") ? 0 : level;

        memset (src->data, level, (gsize) src->stride * src->height);
        out = run_spec (specs[i], src);
        for (int y = 0; y < out->height; y++)
          for (int x = 0; x < out->width * 4; x++)
            if (PP_IMAGE_ROW (out, y)[x] != (x % 4 == 3 ? level : expect))
              g_error ("%s on flat %d: byte %d of row %d is %d", specs[i], level, x, y,
                       PP_IMAGE_ROW (out, y)[x]);
      }
}

/* Point and local filters leave alpha exactly as it was; geometry filters move it with its
 * pixel (checked with the references, which treat alpha like the other channels). */
static void
test_alpha_untouched (void)
{
  guint n_filters;
  const PpFilterInfo *const *filters = pp_filter_list (&n_filters);
  g_autoptr (PpImage) src = pp_test_image_new (29, 19, 4, 0, 99);

  for (guint f = 0; f < n_filters; f++)
    {
      g_autoptr (PpImage) out = NULL;

      if (filters[f]->kind == PP_FILTER_KIND_GEOMETRY)
        continue;
      out = run_one (filters[f], NULL, src);
      for (int y = 0; y < src->height; y++)
        for (int x = 0; x < src->width; x++)
          if (PP_IMAGE_ROW (out, y)[x * 4 + 3] != PP_IMAGE_ROW (src, y)[x * 4 + 3])
            g_error ("%s changed the alpha of pixel (%d, %d)", filters[f]->name, x, y);
    }
}

/* A random valid value for each parameter, with sizes kept small. */
static void
random_values (const PpFilterInfo *info,
               GRand              *rand,
               double             *values)
{
  do
    {
      for (guint p = 0; p < info->n_params; p++)
        {
          const PpParamSpec *pspec = &info->params[p];
          double hi = pspec->max;

          if (pspec->unit != NULL && g_str_equal (pspec->unit, "px"))
            hi = MIN (hi, 30);
          values[p] = g_rand_double_range (rand, pspec->min, hi);
          if (pspec->type != PP_PARAM_DOUBLE)
            values[p] = floor (values[p] + 0.5);
        }
    }
  while (!pp_filter_info_validate (info, values, NULL));
}

/* Consecutive point filters fuse into one pass; the result must be exactly what applying each
 * filter on its own gives, also after local and geometry filters. */
static void
test_fused_chains (void)
{
  guint n_filters;
  const PpFilterInfo *const *filters = pp_filter_list (&n_filters);
  g_autoptr (GRand) rand = g_rand_new_with_seed (2024);
  g_autoptr (GPtrArray) point = g_ptr_array_new ();
  g_autoptr (GPtrArray) other = g_ptr_array_new ();

  for (guint f = 0; f < n_filters; f++)
    g_ptr_array_add (filters[f]->kind == PP_FILTER_KIND_POINT ? point : other,
                     (gpointer) filters[f]);

  for (int round = 0; round < 150; round++)
    {
      int channels = 3 + round % 2;
      g_autoptr (PpImage) src = round % 3 == 0
        ? pp_test_image_new (23 + round % 7, 17, channels, round % 5, round)
        : pp_test_photo_new (40, 31, channels, round);
      g_autoptr (PpPipeline) chain = pp_pipeline_new ();
      g_autoptr (PpImage) fused = NULL;
      g_autoptr (PpImage) step = pp_image_copy (src);
      g_autofree char *spec = NULL;
      int length = g_rand_int_range (rand, 2, 7);

      for (int i = 0; i < length; i++)
        {
          /* Mostly point filters, sometimes a local or geometry one in between. */
          GPtrArray *pool = round >= 50 && g_rand_int_range (rand, 0, 4) == 0 ? other : point;
          const PpFilterInfo *info =
            g_ptr_array_index (pool, g_rand_int_range (rand, 0, pool->len));
          double values[PP_MAX_PARAMS];
          PpImage *next;

          random_values (info, rand, values);
          if (info->kind == PP_FILTER_KIND_GEOMETRY && g_str_equal (info->name, "crop"))
            values[2] = values[3] = 0; /* never empty */
          pp_pipeline_append (chain, info, values);
          next = run_one (info, values, step);
          pp_image_unref (step);
          step = next;
        }
      spec = pp_pipeline_to_spec (chain);
      fused = run_pipeline (chain, src, NULL);
      if (!pp_image_equal (fused, step))
        g_error ("%s: fused result differs from applying the steps one by one", spec);
    }
}

/* The documented arithmetic of exposure followed by gamma: each step maps 8 bits to 8 bits, so
 * the pair gives round(255·(e/255)^(1/g)) with e = round(clamp(in·2^EV)), exactly; with EV = 0
 * that is the classic formula clamp(((in/255)·2^EV)^(1/g)·255) itself. */
static void
test_exposure_gamma (void)
{
  static const double evs[] = { 0.0, 0.5, -1.25, 2.0, -5.0, 5.0 };
  static const double gammas[] = { 1.2, 0.1, 10.0, 2.2, 0.45 };
  g_autoptr (PpImage) src = pp_image_new (256, 1, 3);

  for (int v = 0; v < 256; v++)
    src->data[v * 3] = src->data[v * 3 + 1] = src->data[v * 3 + 2] = v;

  for (guint e = 0; e < G_N_ELEMENTS (evs); e++)
    for (guint g = 0; g < G_N_ELEMENTS (gammas); g++)
      {
        g_autofree char *spec = g_strdup_printf ("exposure=%g,gamma=%g", evs[e], gammas[g]);
        g_autoptr (PpImage) out = run_spec (spec, src);

        for (int v = 0; v < 256; v++)
          {
            double exposed = round_clamp (v * pow (2.0, evs[e]));
            double want = round_clamp (255.0 * pow (exposed / 255.0, 1.0 / gammas[g]));

            if (out->data[v * 3] != want)
              g_error ("%s: %d gives %d, expected %g", spec, v, out->data[v * 3], want);
            if (evs[e] == 0.0)
              g_assert_cmpfloat (out->data[v * 3], ==,
                                 round_clamp (pow (v / 255.0 * pow (2.0, evs[e]),
                                                   1.0 / gammas[g]) * 255.0));
          }
      }
}

/* Shrink-on-load: fit hands the loader its box as a "decode at least" hint, and whatever the
 * loader decodes at the minimum size it derives from it (pp_codec_get_fit_load_size), the fit
 * gives the same output size again. */
static void
test_fit_load_hint (void)
{
  const PpFilterInfo *fit = pp_filter_lookup ("fit");
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  guint n_shrunk = 0;

  for (int i = 0; i < 20000; i++)
    {
      double values[PP_MAX_PARAMS] = { g_rand_int_range (rand, 1, 3000),
                                       g_rand_int_range (rand, 1, 3000),
                                       g_rand_int_range (rand, 0, 2) };
      int w = g_rand_int_range (rand, 1, 20000), h = g_rand_int_range (rand, 1, 20000);
      int bw, bh, ow, oh, lw, lh, ow2, oh2;

      g_assert_true (fit->get_load_hint (values, &bw, &bh));
      g_assert_cmpint (bw, ==, (int) values[0]);
      g_assert_cmpint (bh, ==, (int) values[1]);
      fit->get_output_size (values, w, h, &ow, &oh);
      pp_codec_get_fit_load_size (w, h, bw, bh, &lw, &lh);
      if (lw == 0)
        continue;
      n_shrunk++;
      g_assert_cmpint (lw, <=, w);
      g_assert_cmpint (lh, <=, h);
      /* Never smaller than the result, in either orientation. */
      g_assert_cmpint (lw, >=, ow);
      g_assert_cmpint (lh, >=, oh);
      fit->get_output_size (values, lw, lh, &ow2, &oh2);
      if (ABS (ow2 - ow) > 1 || ABS (oh2 - oh) > 1)
        g_error ("fit=%gx%g: %dx%d gives %dx%d, but its load size %dx%d gives %dx%d", values[0],
                 values[1], w, h, ow, oh, lw, lh, ow2, oh2);
    }
  g_assert_cmpuint (n_shrunk, >, 1000);

  {
    g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("fit=800x600,gamma=1.2", NULL);
    g_autoptr (PpPipeline) later = pp_pipeline_new_from_spec ("gamma=1.2,fit=800x800", NULL);
    g_autoptr (PpPipeline) resize = pp_pipeline_new_from_spec ("resize=10", NULL);
    int bw = 0, bh = 0, lw = 0, lh = 0;

    g_assert_true (pp_pipeline_get_load_hint (pipeline, &bw, &bh));
    g_assert_cmpint (bw, ==, 800);
    g_assert_cmpint (bh, ==, 600);
    g_assert_false (pp_pipeline_get_load_hint (later, &bw, &bh));
    /* A percentage is relative to the decoded size: resize never shrinks on load. */
    g_assert_false (pp_pipeline_get_load_hint (resize, &bw, &bh));
    /* 6000 x 4000 into 800 x 600 is 800 x 533.3; turned by EXIF it would be 400 x 600 of
     * 4000 x 6000 (600 x 400 stored): the larger of the two, rounded up. */
    pp_codec_get_fit_load_size (6000, 4000, 800, 600, &lw, &lh);
    g_assert_cmpint (lw, ==, 800);
    g_assert_cmpint (lh, ==, 534);
    /* Nothing to gain from an image that already fits. */
    pp_codec_get_fit_load_size (700, 500, 800, 800, &lw, &lh);
    g_assert_cmpint (lw, ==, 0);
  }
}

/* The table kernel has a vector version chosen at run time; PP_NO_SIMD=1 forces the portable
 * loop, once per process. Run the table checks again in a child process that has it set, so
 * both give the defined bytes whatever this machine has. */
static void
test_portable_kernels (void)
{
  if (g_test_subprocess ())
    {
      guint n_filters;
      const PpFilterInfo *const *filters = pp_filter_list (&n_filters);

      g_assert_cmpstr (g_getenv ("PP_NO_SIMD"), ==, "1");
      test_exposure_gamma ();
      for (guint f = 0; f < n_filters; f++)
        if (filters[f]->kind == PP_FILTER_KIND_POINT)
          test_against_reference (filters[f]);
      test_fused_chains ();
      return;
    }
  g_setenv ("PP_NO_SIMD", "1", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("PP_NO_SIMD");
  g_test_trap_assert_passed ();
}

static void
assert_error (const char *spec,
              int         width,
              int         height,
              const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (spec, &error);
  g_autoptr (PpPlan) plan = NULL;

  if (pipeline != NULL)
    plan = pp_plan_new (pipeline, width, height, 3, &error);
  g_assert_null (plan);
  g_assert_nonnull (error);
  if (strstr (error->message, message) == NULL)
    g_error ("%s: expected an error containing \"%s\", got \"%s\"", spec, message,
             error->message);
}

static void
test_errors (void)
{
  assert_error ("gamma=40", 10, 10, "gamma must be between 0.1 and 10, got 40");
  assert_error ("gaussian-blur=51", 10, 10, "gaussian-blur must be between 0.1 and 50, got 51");
  assert_error ("levels=200;white=100", 10, 10,
                "levels black point (200) must be below the white point (100)");
  assert_error ("rotate=45", 10, 10, "rotate must be one of 90, 180, 270, got \"45\"");
  assert_error ("flip=diagonal", 10, 10, "flip must be one of horizontal, vertical");
  assert_error ("box-blur=2.5", 10, 10, "box-blur must be a whole number, got 2.5");
  assert_error ("fit=0x100", 10, 10, "fit width must be between 1 and 65535, got 0");
  assert_error ("fit=800", 10, 10, "fit");
  assert_error ("crop=10x10;x=60", 50, 100,
                "crop=10x10;x=60 leaves nothing of the 50 x 100 image");
  assert_error ("sharpen=1;radius=30", 10, 10, "sharpen radius must be between 0.1 and 20, got 30");
  assert_error ("resize=0", 10, 10, "resize must be between 1 and 400, got 0");
}

/* Each main value and each key round-trips through the spec. */
static void
test_specs (void)
{
  static const char *const specs[] = {
    "gamma=1.2", "levels=10;white=240;gamma=1.1", "sharpen=1.5;radius=2", "fit=800x600",
    "fit=800x600;enlarge=true", "crop=100x50;x=3;y=4", "rotate=270", "flip=vertical",
    "grayscale", "sepia=60", "threshold=100", "box-blur=3", "edge-detect=2", "median",
  };

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (specs[i], &error);
      g_autofree char *printed = NULL;

      g_assert_no_error (error);
      printed = pp_pipeline_to_spec (pipeline);
      g_assert_cmpstr (printed, ==, specs[i]);
    }
}

/* Every filter declares what the UI and --list-filters need. */
static void
test_declarations (void)
{
  guint n_filters;
  const PpFilterInfo *const *filters = pp_filter_list (&n_filters);
  PpFilterKind last_kind = PP_FILTER_KIND_POINT;

  g_assert_cmpuint (n_filters, ==, G_N_ELEMENTS (references));
  for (guint f = 0; f < n_filters; f++)
    {
      const PpFilterInfo *info = filters[f];
      double values[PP_MAX_PARAMS];

      g_assert_nonnull (info->label);
      g_assert_nonnull (info->description);
      /* Menu order: point, then local, then geometry. */
      g_assert_cmpint (info->kind, >=, last_kind);
      last_kind = info->kind;
      for (guint p = 0; p < info->n_params; p++)
        {
          const PpParamSpec *pspec = &info->params[p];

          g_assert_nonnull (pspec->name);
          g_assert_nonnull (pspec->label);
          g_assert_cmpfloat (pspec->min, <, pspec->max);
          g_assert_cmpfloat (pspec->default_value, >=, pspec->min);
          g_assert_cmpfloat (pspec->default_value, <=, pspec->max);
          g_assert_cmpfloat (pspec->step, >, 0);
        }
      pp_filter_info_get_defaults (info, values);
      g_assert_true (pp_filter_info_validate (info, values, NULL));
      switch (info->kind)
        {
        case PP_FILTER_KIND_POINT:
          g_assert_true ((info->build_lut != NULL) != (info->map_pixels != NULL));
          break;
        case PP_FILTER_KIND_LOCAL:
          g_assert_nonnull (info->get_radius);
          g_assert_nonnull (info->process_band);
          break;
        case PP_FILTER_KIND_GEOMETRY:
          g_assert_nonnull (info->get_output_size);
          g_assert_nonnull (info->process_band);
          break;
        }
    }
}

int
main (int    argc,
      char **argv)
{
  guint n_filters;
  const PpFilterInfo *const *filters = pp_filter_list (&n_filters);

  g_test_init (&argc, &argv, NULL);
  for (guint f = 0; f < n_filters; f++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/filters/reference/%s", filters[f]->name);

      g_test_add_data_func (path, filters[f], test_against_reference);
    }
  for (guint f = 0; f < n_filters; f++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/filters/full-range/%s", filters[f]->name);

      g_test_add_data_func (path, filters[f], test_full_range);
    }
  g_test_add_func ("/pp/filters/resample-large-factor", test_resample_large_factor);
  g_test_add_func ("/pp/filters/multi-band", test_multi_band);
  g_test_add_func ("/pp/filters/flat-stays-flat", test_flat_stays_flat);
  g_test_add_func ("/pp/filters/alpha-untouched", test_alpha_untouched);
  g_test_add_func ("/pp/filters/fused-chains", test_fused_chains);
  g_test_add_func ("/pp/filters/exposure-gamma", test_exposure_gamma);
  g_test_add_func ("/pp/filters/portable-kernels", test_portable_kernels);
  g_test_add_func ("/pp/filters/fit-load-hint", test_fit_load_hint);
  g_test_add_func ("/pp/filters/errors", test_errors);
  g_test_add_func ("/pp/filters/specs", test_specs);
  g_test_add_func ("/pp/filters/declarations", test_declarations);
  return g_test_run ();
}
