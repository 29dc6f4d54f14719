/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Benchmark (not a test): each filter on one 24-megapixel image, serial vs parallel, against a
 * memcpy of the same buffer as the physical floor. Prints medians and ratios. Environment:
 * PP_BENCH_REPS (runs per median, default 5), PP_BENCH_SIZE (WxH instead of 6000x4000).
 */
#include <stdio.h>
#include <string.h>

#include "render/pp-render.h"

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
median_ms (gint64 *samples,
           int     n)
{
  qsort (samples, n, sizeof (gint64), compare_gint64);
  return (n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2) / 1000.0;
}

static PpImage *
make_photo (int w,
            int h)
{
  PpImage *image = pp_image_new (w, h, 3);
  guint32 state = 12345;

  for (int y = 0; y < h; y++)
    {
      guint8 *row = PP_IMAGE_ROW (image, y);

      for (int x = 0; x < w; x++)
        {
          state = state * 1664525u + 1013904223u;
          row[x * 3] = (x * 255 / w + (state >> 28)) & 0xff;
          row[x * 3 + 1] = (y * 255 / h + (state >> 24 & 15)) & 0xff;
          row[x * 3 + 2] = ((x + y) * 255 / (w + h)) & 0xff;
        }
    }
  return image;
}

/* Defaults, except where the defaults do nothing (exposure 0, gamma 1…): a filter that plans
 * to no work would time an empty run. Then each parameter at two thirds of its range. */
static const double *
bench_values (const PpFilterInfo *info,
              double             *values)
{
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new ();
  g_autoptr (PpPlan) plan = NULL;

  pp_filter_info_get_defaults (info, values);
  pp_pipeline_append (pipeline, info, values);
  plan = pp_plan_new (pipeline, 64, 64, 3, NULL);
  if (plan != NULL && pp_plan_get_n_stages (plan) > 0)
    return values;
  for (guint p = 0; p < info->n_params; p++)
    {
      const PpParamSpec *pspec = &info->params[p];
      double v = pspec->min + (pspec->max - pspec->min) * 2.0 / 3.0;

      values[p] = pspec->type == PP_PARAM_DOUBLE ? v : (int) v;
    }
  return values;
}

int
main (int    argc,
      char **argv)
{
  int w = 6000, h = 4000, reps = 5;
  guint threads = pp_scheduler_get_default_threads ();
  g_autoptr (PpImage) src = NULL;
  g_autoptr (PpImage) copy = NULL;
  gint64 samples[32];
  double memcpy_ms;
  guint n_filters;
  const PpFilterInfo *const *filters = pp_filter_list (&n_filters);
  const char *only = argc > 1 ? argv[1] : NULL;
  gboolean only_spec = only != NULL && (strchr (only, '=') != NULL || strchr (only, ',') != NULL);
  static const char *const chains[] = { "exposure=0.5,gamma=1.2", "gaussian-blur=2" };

  if (g_getenv ("PP_BENCH_REPS") != NULL)
    reps = CLAMP (atoi (g_getenv ("PP_BENCH_REPS")), 1, 31);
  /* A smaller image (WxH) for instruction counts under callgrind, where 24 MP takes hours. */
  if (g_getenv ("PP_BENCH_SIZE") != NULL
      && (sscanf (g_getenv ("PP_BENCH_SIZE"), "%dx%d", &w, &h) != 2 || w < 16 || h < 16))
    {
      fprintf (stderr, "PP_BENCH_SIZE: expected WxH, at least 16x16\n");
      return 2;
    }
  src = make_photo (w, h);
  copy = pp_image_new (w, h, 3);

  for (int r = 0; r < reps; r++)
    {
      gint64 t0 = g_get_monotonic_time ();

      memcpy (copy->data, src->data, (gsize) src->stride * h);
      samples[r] = g_get_monotonic_time () - t0;
    }
  memcpy_ms = median_ms (samples, reps);

  printf ("# one %dx%d RGB image (%.1f MP), %u threads, median of %d runs\n", w, h, w * h / 1e6,
          threads, reps);
  printf ("# memcpy of the same buffer: %.1f ms\n", memcpy_ms);
  printf ("%-16s %10s %10s %8s %10s %10s\n", "filter", "serial ms", "par ms", "speedup",
          "serial/mc", "par/mc");

  /* Each filter at its defaults, then the chains issue 6 sets targets for. An argument with
   * '=' or ',' is a pipeline spec to time instead (its row is named by the spec). */
  for (guint f = 0; f < n_filters + G_N_ELEMENTS (chains); f++)
    {
      g_autoptr (PpPipeline) pipeline = NULL;
      g_autoptr (PpPlan) plan = NULL;
      const char *label;
      double serial_ms, parallel_ms;
      double values[PP_MAX_PARAMS];

      if (f < n_filters)
        {
          label = filters[f]->name;
          if (only_spec || (only != NULL && strstr (only, label) == NULL))
            continue;
          pipeline = pp_pipeline_new ();
          pp_pipeline_append (pipeline, filters[f], bench_values (filters[f], values));
        }
      else
        {
          label = only_spec ? only : chains[f - n_filters];
          if ((only_spec && f > n_filters) || (!only_spec && only != NULL))
            continue;
          pipeline = pp_pipeline_new_from_spec (label, NULL);
          if (pipeline == NULL)
            {
              fprintf (stderr, "bad spec: %s\n", label);
              return 2;
            }
        }
      plan = pp_plan_new (pipeline, w, h, 3, NULL);
      if (plan == NULL)
        {
          fprintf (stderr, "%s: cannot plan a %dx%d image\n", label, w, h);
          return 1;
        }
      for (int mode = 0; mode < 2; mode++)
        {
          for (int r = 0; r < reps; r++)
            {
              gint64 t0 = g_get_monotonic_time ();
              g_autoptr (PpImage) out = pp_plan_run (plan, src, mode == 0 ? 1 : threads, NULL,
                                                     NULL, NULL);

              samples[r] = g_get_monotonic_time () - t0;
              if (out == NULL)
                {
                  fprintf (stderr, "%s: the render failed\n", label);
                  return 1;
                }
            }
          if (mode == 0)
            serial_ms = median_ms (samples, reps);
          else
            parallel_ms = median_ms (samples, reps);
        }
      printf ("%-16s %10.1f %10.1f %7.2fx %9.2fx %9.2fx\n", label, serial_ms,
              parallel_ms, serial_ms / parallel_ms, serial_ms / memcpy_ms, parallel_ms / memcpy_ms);
      fflush (stdout);
    }
  return 0;
}
