/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scheduler's promise: serial and parallel runs give byte-identical results for every filter,
 * every thread count 1..8 and awkward sizes; stats say which worker ran which band; runs can be
 * cancelled and run asynchronously.
 */
#include "render/pp-scheduler.h"
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
  g_test_add_func ("/pp/scheduler/chain-identical", test_chain_identical);
  g_test_add_func ("/pp/scheduler/stats", test_stats);
  g_test_add_func ("/pp/scheduler/cancel", test_cancel);
  g_test_add_func ("/pp/scheduler/async", test_async);
  return g_test_run ();
}
