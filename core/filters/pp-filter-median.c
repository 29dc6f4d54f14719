/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Median 3x3: each colour channel becomes the median of the 9 values around it, clamp-to-edge;
 * alpha carried untouched. A 19-exchange selection network of min/max, branch-free, which the
 * compiler turns into vector min/max over many bytes at once. For RGBA, fully transparent
 * neighbours do not vote (their colours are invisible): the lower median of the others.
 */
#include "config.h"

#include "filters/pp-filter.h"
#include "filters/pp-local-private.h"

static int
median_get_radius (const double *values)
{
  return 1;
}

#define SORT2(a, b) do { guint8 lo_ = MIN (a, b); b = MAX (a, b); a = lo_; } while (0)

static inline guint8
median9 (guint8 p0, guint8 p1, guint8 p2, guint8 p3, guint8 p4, guint8 p5, guint8 p6,
         guint8 p7, guint8 p8)
{
  /* The median-of-9 network from Paeth, "Median finding on a 3x3 grid" (Graphics Gems). */
  SORT2 (p1, p2); SORT2 (p4, p5); SORT2 (p7, p8);
  SORT2 (p0, p1); SORT2 (p3, p4); SORT2 (p6, p7);
  SORT2 (p1, p2); SORT2 (p4, p5); SORT2 (p7, p8);
  SORT2 (p0, p3); SORT2 (p5, p8); SORT2 (p4, p7);
  SORT2 (p3, p6); SORT2 (p1, p4); SORT2 (p2, p5);
  SORT2 (p4, p7); SORT2 (p4, p2); SORT2 (p6, p4);
  SORT2 (p4, p2);
  return p4;
}

PP_VECTOR_CLONES static void
median_row (const guint8 *restrict up,
            const guint8 *restrict mid,
            const guint8 *restrict down,
            int                    c,
            gsize                  n,
            gconstpointer          data,
            guint8       *restrict out)
{
  for (gsize i = 0; i < n; i++)
    out[i] = median9 (up[i], up[i + c], up[i + 2 * c], mid[i], mid[i + c], mid[i + 2 * c],
                      down[i], down[i + c], down[i + 2 * c]);
}

/* The lower median of @n values (the middle one when @n is odd, as median9 for n = 9). */
static guint8
median_of (guint8 *v,
           int     n)
{
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && v[j - 1] > v[j]; j--)
      {
        guint8 t = v[j];

        v[j] = v[j - 1];
        v[j - 1] = t;
      }
  return v[(n - 1) / 2];
}

/* RGBA: the median of the neighbours that are not fully transparent, so the colours they
 * hide never show (with all nine visible, median_row's result stands); 0 when none is. */
static void
median_fix (const guint8 *up,
            const guint8 *mid,
            const guint8 *down,
            int           x,
            gconstpointer data,
            guint8       *out)
{
  const guint8 *rows[3] = { up, mid, down };
  const guint8 *visible[9];
  int m = 0;

  for (int j = 0; j < 3; j++)
    for (int i = 0; i < 3; i++)
      if (rows[j][4 * (x + i) + 3] != 0)
        visible[m++] = rows[j] + 4 * (x + i);
  if (m == 9)
    return;
  for (int ch = 0; ch < 3; ch++)
    {
      guint8 v[9];

      for (int k = 0; k < m; k++)
        v[k] = visible[k][ch];
      out[ch] = m > 0 ? median_of (v, m) : 0;
    }
}

static void
median_process_band (const PpFilterContext *ctx,
                      const PpImage         *src,
                      PpImage               *dst,
                      int                    y0,
                      int                    y1)
{
  _pp_3x3_process_band (src, dst, y0, y1, median_row, median_fix, NULL, 1, NULL);
}

const PpFilterInfo pp_filter_median = {
  .name = "median",
  .label = "Median",
  .description = "Median of the 3x3 neighbourhood of each channel: removes speckle noise",
  .kind = PP_FILTER_KIND_LOCAL,
  .main_syntax = PP_MAIN_NONE,
  .params = NULL,
  .n_params = 0,
  .get_radius = median_get_radius,
  .process_band = median_process_band,
};
