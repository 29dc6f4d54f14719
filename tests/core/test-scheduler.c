/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scheduler's promise: serial and parallel runs give byte-identical results for every filter,
 * every thread count 1..8 and awkward sizes; stats say which worker ran which band; runs can be
 * cancelled and run asynchronously.
 *
 * Identity is only worth something when the work really is split: a band is about 128 KiB of
 * output and a render uses min(threads, bands) workers, so a small image is one band and every
 * thread count gives the serial bytes trivially. banded-identical therefore makes the plans with
 * a test-only band size (_pp_plan_set_band_rows_for_testing) that gives every stage at least 8
 * bands, and wraps each filter's band function in a rendezvous: a worker's first band waits
 * until `threads` distinct threads hold one, so every run really is spread over exactly that
 * many workers (asserted, with the workers the run's stats name).
 */
#include "render/pp-plan-private.h"
#include "render/pp-render.h"
#include "pp-test-util.h"

static const int sizes[][2] = {
  { 1, 1 }, { 1, 37 }, { 37, 1 }, { 2, 2 }, { 7, 5 }, { 31, 29 }, { 257, 3 }, { 3, 257 },
  { 101, 103 }, { 640, 97 },
};

/* Each parameter at its default, then at two thirds of its range: both must be identical. */
static void
values_for_variant (const PpFilterInfo *info,
                    int                 variant,
                    double             *values)
{
  pp_filter_info_get_defaults (info, values);
  if (variant == 0)
    return;
  for (guint p = 0; p < info->n_params; p++)
    {
      const PpParamSpec *pspec = &info->params[p];
      double v = pspec->min + (pspec->max - pspec->min) * 2.0 / 3.0;

      /* Keep sizes small enough that the test stays quick on big geometry parameters. */
      if (pspec->unit != NULL && g_str_equal (pspec->unit, "px"))
        v = MIN (v, 40);
      values[p] = pspec->type == PP_PARAM_DOUBLE ? v : (int) v;
    }
}

static void
test_serial_parallel_identical (void)
{
  guint n_filters;
  const PpFilterInfo *const *filters = pp_filter_list (&n_filters);
  guint n_compared = 0;

  for (guint f = 0; f < n_filters; f++)
    for (int variant = 0; variant < 2; variant++)
      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        for (int channels = 3; channels <= 4; channels++)
          {
            int w = sizes[s][0], h = sizes[s][1];
            int extra = (int) (s % 3) * 5; /* strides larger than the width */
            double values[PP_MAX_PARAMS];
            g_autoptr (PpPipeline) pipeline = pp_pipeline_new ();
            g_autoptr (PpImage) src = pp_test_image_new (w, h, channels, extra, f * 1000 + s);
            g_autoptr (PpImage) serial = NULL;
            g_autoptr (PpPlan) plan = NULL;
            g_autoptr (GError) error = NULL;

            values_for_variant (filters[f], variant, values);
            if (!pp_filter_info_validate (filters[f], values, NULL))
              continue;
            pp_pipeline_append (pipeline, filters[f], values);
            plan = pp_plan_new (pipeline, w, h, channels, &error);
            if (plan == NULL)
              {
                /* Only an honest "too large" or "empty" (a crop outside a tiny image) may
                 * stop a plan for these small sizes. */
                g_assert_true (g_error_matches (error, PP_FILTER_ERROR, PP_FILTER_ERROR_TOO_LARGE) ||
                               g_error_matches (error, PP_FILTER_ERROR, PP_FILTER_ERROR_EMPTY));
                continue;
              }

            serial = pp_plan_run_here (plan, src, 0, NULL, NULL, &error);
            g_assert_no_error (error);
            g_assert_true (pp_test_padding_intact (src, extra));

            for (guint threads = 1; threads <= 8; threads++)
              {
                g_autoptr (PpImage) parallel = pp_plan_run (plan, src, threads, NULL, NULL, &error);

                g_assert_no_error (error);
                if (!pp_image_equal (serial, parallel))
                  g_error ("%s (variant %d) on %dx%dx%d: %u threads differ from serial",
                           filters[f]->name, variant, w, h, channels, threads);
                n_compared++;
              }
          }
  /* Guard against a loop that silently skipped everything. */
  g_assert_cmpuint (n_compared, >=, n_filters * G_N_ELEMENTS (sizes) * 2 * 8);
}

/* ---- banded-identical ---- */

/* Tall enough that resize=1 still leaves 8 rows; one narrow, one wider, both odd. */
static const int banded_sizes[][2] = { { 37, 811 }, { 131, 807 } };

/* Every worker's first band waits here until `expected` distinct threads have arrived (or a
 * deadline passes), so no worker can take all the bands before the others start. */
static struct
{
  GMutex lock;
  GCond cond;
  guint expected;
  GPtrArray *threads; /* of GThread*, distinct */
  gboolean timed_out;
} rendezvous;

static void
rendezvous_reset (guint expected)
{
  g_mutex_lock (&rendezvous.lock);
  rendezvous.expected = expected;
  rendezvous.timed_out = FALSE;
  if (rendezvous.threads == NULL)
    rendezvous.threads = g_ptr_array_new ();
  g_ptr_array_set_size (rendezvous.threads, 0);
  g_mutex_unlock (&rendezvous.lock);
}

static void
rendezvous_arrive (void)
{
  GThread *self = g_thread_self ();
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_mutex_lock (&rendezvous.lock);
  if (!g_ptr_array_find (rendezvous.threads, self, NULL))
    {
      g_ptr_array_add (rendezvous.threads, self);
      g_cond_broadcast (&rendezvous.cond);
      while (rendezvous.threads->len < rendezvous.expected && !rendezvous.timed_out)
        if (!g_cond_wait_until (&rendezvous.cond, &rendezvous.lock, deadline))
          rendezvous.timed_out = TRUE;
    }
  g_mutex_unlock (&rendezvous.lock);
}

/* The filter under test, its band function wrapped in the rendezvous. */
static const PpFilterInfo *wrapped_filter;
static PpFilterInfo wrapper;

static void
wrapper_process_band (const PpFilterContext *ctx,
                      const PpImage         *src,
                      PpImage               *dst,
                      int                    y0,
                      int                    y1)
{
  rendezvous_arrive ();
  wrapped_filter->process_band (ctx, src, dst, y0, y1);
}

/* Point filters have no band function: they run on the rows of the stage before them. This
 * local filter of radius 0 copies its band and meets the rendezvous, and the point filter
 * under test fuses into its stage, on the same bands and workers. */
static int
copy_get_radius (const double *values)
{
  return 0;
}

static void
copy_process_band (const PpFilterContext *ctx,
                   const PpImage         *src,
                   PpImage               *dst,
                   int                    y0,
                   int                    y1)
{
  rendezvous_arrive ();
  for (int y = y0; y < y1; y++)
    memcpy (PP_IMAGE_ROW (dst, y), PP_IMAGE_ROW (src, y), (gsize) src->width * src->channels);
}

static const PpFilterInfo rendezvous_copy = {
  .name = "test-rendezvous-copy",
  .label = "Copy",
  .description = "Copies its band after the rendezvous",
  .kind = PP_FILTER_KIND_LOCAL,
  .main_syntax = PP_MAIN_NONE,
  .get_radius = copy_get_radius,
  .process_band = copy_process_band,
};

/* Variant 0: defaults; 1: every parameter at its minimum; 2: at its maximum. Geometry sizes in
 * pixels go up to twice the image (fit, crop) and crop's offsets up to 8 pixels from the far
 * edge, so that the extremes still leave an image; every other range is used in full (a
 * gaussian of sigma 50, a box of radius 100, resize from 1 to 400 %). */
static void
banded_values (const PpFilterInfo *info,
               int                 variant,
               int                 width,
               int                 height,
               double             *values)
{
  pp_filter_info_get_defaults (info, values);
  if (variant == 0)
    return;
  for (guint p = 0; p < info->n_params; p++)
    {
      const PpParamSpec *pspec = &info->params[p];
      double v = variant == 1 ? pspec->min : pspec->max;

      if (info->kind == PP_FILTER_KIND_GEOMETRY && g_strcmp0 (pspec->unit, "px") == 0)
        {
          gboolean vertical = g_str_equal (pspec->name, "height") || g_str_equal (pspec->name, "y");
          int side = vertical ? height : width;

          if (g_str_equal (pspec->name, "x") || g_str_equal (pspec->name, "y"))
            v = MIN (v, side - 8);
          else
            v = MIN (v, 2 * side);
        }
      values[p] = v;
    }
}

/* Distinct lanes the run's stats say did bands. */
static guint
count_lanes (const PpRenderStats *stats)
{
  guint64 lanes = 0;
  guint n = 0;

  for (guint i = 0; i < stats->spans->len; i++)
    lanes |= G_GUINT64_CONSTANT (1) << g_array_index (stats->spans, PpSpan, i).worker;
  for (; lanes != 0; lanes &= lanes - 1)
    n++;
  return n;
}

static void
test_banded_identical (void)
{
  guint n_filters;
  const PpFilterInfo *const *filters = pp_filter_list (&n_filters);
  guint n_cases = 0, n_runs = 0, n_few_rows = 0;

  g_mutex_init (&rendezvous.lock);
  g_cond_init (&rendezvous.cond);
  for (guint f = 0; f < n_filters; f++)
    {
      const PpFilterInfo *info = filters[f];
      guint n_banded = 0;

      wrapped_filter = info;
      wrapper = *info;
      wrapper.process_band = wrapper_process_band;
      for (int variant = 0; variant < 3; variant++)
        for (guint s = 0; s < G_N_ELEMENTS (banded_sizes); s++)
          for (int channels = 3; channels <= 4; channels++)
            {
              int w = banded_sizes[s][0], h = banded_sizes[s][1], out_h;
              int extra = (int) s * 3;
              double values[PP_MAX_PARAMS];
              g_autoptr (PpPipeline) pipeline = pp_pipeline_new ();
              g_autoptr (PpPipeline) banded_pipeline = pp_pipeline_new ();
              g_autoptr (PpImage) src = pp_test_image_new (w, h, channels, extra,
                                                           f * 100 + variant * 10 + s);
              g_autoptr (PpImage) serial = NULL;
              g_autoptr (PpPlan) plan = NULL;
              g_autoptr (PpPlan) banded = NULL;
              g_autoptr (GError) error = NULL;
              g_autofree char *spec = NULL;
              guint n_bands;

              banded_values (info, variant, w, h, values);
              if (!pp_filter_info_validate (info, values, NULL))
                g_error ("%s: variant %d is not valid", info->name, variant);
              pp_pipeline_append (pipeline, info, values);
              spec = pp_pipeline_to_spec (pipeline);
              plan = pp_plan_new (pipeline, w, h, channels, &error);
              g_assert_no_error (error);
              serial = pp_plan_run (plan, src, 1, NULL, NULL, &error);
              g_assert_no_error (error);
              g_assert_true (pp_test_padding_intact (src, extra));

              /* The same filter, wrapped, in 8 to 13 bands of its output. */
              pp_plan_get_output_size (plan, NULL, &out_h);
              if (info->kind == PP_FILTER_KIND_POINT)
                pp_pipeline_append (banded_pipeline, &rendezvous_copy, NULL);
              pp_pipeline_append (banded_pipeline,
                                  info->kind == PP_FILTER_KIND_POINT ? info : &wrapper, values);
              _pp_plan_set_band_rows_for_testing (MAX (1, out_h / (int) (8 + n_cases % 6)));
              banded = pp_plan_new (banded_pipeline, w, h, channels, &error);
              _pp_plan_set_band_rows_for_testing (0);
              g_assert_no_error (error);
              g_assert_cmpuint (pp_plan_get_n_stages (banded), ==, 1);
              n_bands = pp_plan_get_n_bands (banded, 0);
              if (out_h >= 8)
                {
                  if (n_bands < 8)
                    g_error ("%s on %dx%dx%d: %u bands", spec, w, h, channels, n_bands);
                  n_banded++;
                }
              else
                n_few_rows++; /* crop or fit to 1 x 1: one row cannot be split */

              for (guint threads = 1; threads <= 8; threads++)
                {
                  g_autoptr (PpRenderStats) stats = NULL;
                  g_autoptr (PpImage) parallel = NULL;
                  guint workers = MIN (threads, n_bands);

                  rendezvous_reset (workers);
                  parallel = pp_plan_run (banded, src, threads, NULL, &stats, &error);
                  g_assert_no_error (error);
                  if (!pp_image_equal (serial, parallel))
                    g_error ("%s on %dx%dx%d in %u bands: %u threads differ from serial", spec,
                             w, h, channels, n_bands, threads);
                  if (rendezvous.timed_out || rendezvous.threads->len != workers ||
                      count_lanes (stats) != workers)
                    g_error ("%s on %dx%dx%d in %u bands, %u threads: %u threads and %u lanes "
                             "did bands, expected %u", spec, w, h, channels, n_bands, threads,
                             rendezvous.threads->len, count_lanes (stats), workers);
                  n_runs++;
                }
              n_cases++;
            }
      /* Every variant of every filter had its 8 bands, but for a 1-row output. */
      g_assert_cmpuint (n_banded, >=, 3 * G_N_ELEMENTS (banded_sizes) * 2 - 4);
    }
  g_test_message ("%u cases, %u parallel runs compared with serial; %u cases had fewer than 8 "
                  "rows of output", n_cases, n_runs, n_few_rows);
  g_assert_cmpuint (n_cases, ==, n_filters * 3 * G_N_ELEMENTS (banded_sizes) * 2);
  g_assert_cmpuint (n_few_rows, <=, 8); /* crop and fit at their minimum: a 1 x 1 image */
  g_ptr_array_unref (rendezvous.threads);
  rendezvous.threads = NULL;
}

/* A chain mixing every kind, on a larger image, at 1..8 threads. */
static void
test_chain_identical (void)
{
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new ();
  g_autoptr (PpImage) src = pp_test_photo_new (733, 491, 3, 5);
  g_autoptr (PpImage) serial = NULL;
  g_autoptr (PpPlan) plan = NULL;
  guint n_filters;
  const PpFilterInfo *const *filters = pp_filter_list (&n_filters);

  /* Every filter once, at its defaults, in registry order. */
  for (guint f = 0; f < n_filters; f++)
    pp_pipeline_append (pipeline, filters[f], NULL);
  plan = pp_plan_new (pipeline, src->width, src->height, src->channels, NULL);
  g_assert_nonnull (plan);
  serial = pp_plan_run (plan, src, 1, NULL, NULL, NULL);
  g_assert_nonnull (serial);
  for (guint threads = 2; threads <= 8; threads++)
    {
      g_autoptr (PpImage) parallel = pp_plan_run (plan, src, threads, NULL, NULL, NULL);

      g_assert_true (pp_image_equal (serial, parallel));
    }
}

static void
test_stats (void)
{
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("exposure=1", NULL);
  g_autoptr (PpImage) src = pp_test_photo_new (300, 2000, 3, 1);
  g_autoptr (PpPlan) plan = pp_plan_new (pipeline, 300, 2000, 3, NULL);
  g_autoptr (PpRenderStats) stats = NULL;
  g_autoptr (PpImage) out = pp_plan_run (plan, src, 4, NULL, &stats, NULL);
  guint n_bands = pp_plan_get_n_bands (plan, 0);
  g_autofree gboolean *seen = g_new0 (gboolean, n_bands);

  g_assert_nonnull (out);
  g_assert_cmpuint (n_bands, >, 4);
  g_assert_cmpuint (stats->n_threads, ==, 4);
  g_assert_cmpuint (stats->spans->len, ==, n_bands);
  for (guint i = 0; i < stats->spans->len; i++)
    {
      const PpSpan *span = &g_array_index (stats->spans, PpSpan, i);

      g_assert_cmpuint (span->worker, <, 4);
      g_assert_cmpuint (span->stage, ==, 0);
      g_assert_cmpint (span->start_us, >=, stats->start_us);
      g_assert_cmpint (span->end_us, >=, span->start_us);
      g_assert_cmpint (span->end_us, <=, stats->end_us);
      g_assert_false (seen[span->item]);
      seen[span->item] = TRUE;
    }
  g_assert_cmpint (pp_render_stats_get_busy_us (stats), >, 0);
}

static void
test_cancel (void)
{
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("exposure=1", NULL);
  g_autoptr (PpImage) src = pp_test_photo_new (64, 64, 4, 1);
  g_autoptr (PpPlan) plan = pp_plan_new (pipeline, 64, 64, 4, NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) error2 = NULL;
  g_autoptr (PpImage) out = NULL;
  g_autoptr (PpImage) out2 = NULL;

  g_cancellable_cancel (cancellable);
  out = pp_plan_run (plan, src, 2, cancellable, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  out2 = pp_plan_run_here (plan, src, 0, cancellable, NULL, &error2);
  g_assert_null (out2);
  g_assert_error (error2, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct
{
  PpPlan *plan;
  PpImage *out;
  GThread *thread;
} AsyncRender;

static void
on_render_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncRender *render = user_data;

  render->thread = g_thread_self ();
  render->out = pp_plan_run_finish (render->plan, result, NULL, NULL);
}

/* The callback of an async render runs on the caller's main context, not on a worker. */
static void
test_async (void)
{
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("exposure=-1", NULL);
  g_autoptr (PpImage) src = pp_test_photo_new (500, 400, 3, 9);
  g_autoptr (PpPlan) plan = pp_plan_new (pipeline, 500, 400, 3, NULL);
  g_autoptr (PpImage) sync = pp_plan_run (plan, src, 1, NULL, NULL, NULL);
  AsyncRender render = { .plan = plan };

  pp_plan_run_async (plan, src, 3, NULL, on_render_done, &render);
  while (render.out == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (render.thread == g_thread_self ());
  g_assert_true (pp_image_equal (sync, render.out));
  pp_image_unref (render.out);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/scheduler/serial-parallel-identical", test_serial_parallel_identical);
  g_test_add_func ("/pp/scheduler/banded-identical", test_banded_identical);
  g_test_add_func ("/pp/scheduler/chain-identical", test_chain_identical);
  g_test_add_func ("/pp/scheduler/stats", test_stats);
  g_test_add_func ("/pp/scheduler/cancel", test_cancel);
  g_test_add_func ("/pp/scheduler/async", test_async);
  return g_test_run ();
}
