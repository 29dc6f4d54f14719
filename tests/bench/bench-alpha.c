/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Benchmark (not a test) of premultiplied alpha: one pipeline spec on one RGB or RGBA image of a
 * given size, on the calling thread (as a batch worker runs it), several times; prints the
 * median wall time. Under callgrind,
 * count only the filtering with --collect-atstart=no --toggle-collect=bench_alpha_run:
 *   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_alpha_run \
 *     build/tests/bench/bench-alpha fit=800x800 3000 2000 4 1
 * The RGBA image is a photo-like gradient whose alpha runs from 0 to 255 across it, so every
 * kind of pixel (transparent, partly, opaque) is everywhere (the worst case); ALPHA=opaque makes
 * it all 255 (a PNG with an unused alpha channel), ALPHA=cutout an opaque disc with a soft edge
 * on a transparent background (a logo or a product shot: the usual case).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/pp-render.h"

static PpImage *
make_image (int         w,
            int         h,
            int         channels,
            const char *alpha)
{
  PpImage *image = pp_image_new (w, h, channels);
  guint32 state = 12345;

  for (int y = 0; y < h; y++)
    {
      guint8 *row = PP_IMAGE_ROW (image, y);

      for (int x = 0; x < w; x++)
        {
          guint8 *p = row + (gsize) x * channels;

          state = state * 1664525u + 1013904223u;
          p[0] = (x * 255 / w + (state >> 28)) & 0xff;
          p[1] = (y * 255 / h + (state >> 24 & 15)) & 0xff;
          p[2] = ((x + y) * 255 / (w + h)) & 0xff;
          if (channels == 4 && g_strcmp0 (alpha, "opaque") == 0)
            p[3] = 255;
          else if (channels == 4 && g_strcmp0 (alpha, "cutout") == 0)
            {
              double d = 0.4 * MIN (w, h) - hypot (x - w / 2.0, y - h / 2.0);

              p[3] = d >= 1.0 ? 255 : d <= 0.0 ? 0 : (guint8) (d * 255.0);
            }
          else if (channels == 4)
            p[3] = x * 255 / MAX (w - 1, 1);
        }
    }
  return image;
}

/* Kept out of line so callgrind can count exactly this. */
G_GNUC_NO_INLINE static PpImage *
bench_alpha_run (PpPlan  *plan,
                 PpImage *src)
{
  return pp_plan_run_here (plan, src, 0, NULL, NULL, NULL);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PpPipeline) pipeline = NULL;
  g_autoptr (PpPlan) plan = NULL;
  g_autoptr (PpImage) src = NULL;
  gint64 samples[31];
  int w, h, channels, reps;

  if (argc < 5)
    {
      fprintf (stderr, "usage: %s SPEC WIDTH HEIGHT CHANNELS [REPS]\n", argv[0]);
      return 2;
    }
  w = atoi (argv[2]);
  h = atoi (argv[3]);
  channels = atoi (argv[4]);
  reps = argc > 5 ? CLAMP (atoi (argv[5]), 1, 31) : 5;
  if (w < 1 || h < 1 || (channels != 3 && channels != 4))
    {
      fprintf (stderr, "bad size or channel count\n");
      return 2;
    }
  pipeline = pp_pipeline_new_from_spec (argv[1], &error);
  if (pipeline != NULL)
    plan = pp_plan_new (pipeline, w, h, channels, &error);
  if (plan == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  src = make_image (w, h, channels, g_getenv ("ALPHA"));
  for (int r = 0; r < reps; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (PpImage) out = bench_alpha_run (plan, src);

      samples[r] = g_get_monotonic_time () - t0;
    }
  qsort (samples, reps, sizeof (gint64), compare_gint64);
  printf ("%s on %dx%dx%d, 1 thread: median %.1f ms of %d\n", argv[1], w, h, channels,
          samples[reps / 2] / 1000.0, reps);
  return 0;
}
