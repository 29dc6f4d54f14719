/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Scaling view under Xvfb: a sweep of 3 sample photos runs from its action, the chart
 * follows it live, the limit, recommendation and details appear, the report exports, and a
 * cancelled sweep keeps what it measured. Screenshots in light and dark.
 */
#include "config.h"

#include "pp-scaling-chart.h"
#include "pp-scaling-view.h"
#include "pp-ui-test-util.h"

typedef struct
{
  GtkWindow *window;
  PpScalingView *view;
  char *scratch;
  guint chart_updates;
} Fixture;

static PpBatch *
request_batch (PpScalingView *view,
               Fixture       *f)
{
  g_autoptr (GFile) in = g_file_new_for_path (g_getenv ("PP_SAMPLES_DIR"));
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("exposure=0.3,fit=400x400", NULL);
  PpBatch *batch = pp_batch_new ();

  pp_batch_set_input_folder (batch, in);
  pp_batch_set_pipeline (batch, pipeline);
  return batch;
}

static void
on_point_updated (Fixture *f)
{
  f->chart_updates++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->scratch = g_dir_make_tmp ("pp-test-scaling-view-XXXXXX", NULL);
  /* The sweep's scratch folders go under the cache dir: keep them in the test's own. */
  g_setenv ("XDG_CACHE_HOME", f->scratch, TRUE);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 900, 760);
  f->view = PP_SCALING_VIEW (pp_scaling_view_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  g_signal_connect (f->view, "request-batch", G_CALLBACK (request_batch), f);
  gtk_window_present (f->window);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *cache = g_build_filename (f->scratch, "parapix", NULL);
  g_autoptr (GDir) left = g_dir_open (cache, 0, NULL);

  /* Every sweep removed its scratch folder. */
  g_assert_true (left == NULL || g_dir_read_name (left) == NULL);
  /* A spin button's text still focused while its window goes warns (GTK 4.8). */
  gtk_window_set_focus (f->window, NULL);
  pp_test_run_for (20);
  gtk_window_destroy (f->window);
  pp_test_run_for (50);
  g_rmdir (cache);
  g_rmdir (f->scratch);
  g_free (f->scratch);
}

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static gboolean
export_to (PpScalingView *view,
           GFile         *file,
           GError       **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  pp_scaling_view_export_async (view, file, NULL, on_exported, &result);
  PP_WAIT_UNTIL (result != NULL, 20);
  return pp_scaling_view_export_finish (view, result, error);
}

static void
test_sweep (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *report = g_build_filename (f->scratch, "report.html", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (report);
  g_autoptr (GError) error = NULL;
  g_autofree char *html = NULL;
  PpSweep *sweep;
  guint live_updates;

  /* Nothing to export before a sweep. */
  g_assert_false (export_to (f->view, file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  g_clear_error (&error);

  pp_scaling_view_set_sample (f->view, 3);
  pp_scaling_view_set_repeat (f->view, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "scaling.run", NULL));
  g_assert_true (pp_scaling_view_get_running (f->view));
  sweep = pp_scaling_view_get_sweep (f->view);
  g_assert_nonnull (sweep);
  g_signal_connect_swapped (sweep, "point-updated", G_CALLBACK (on_point_updated), f);
  /* Live: a point arrives while the sweep still runs. */
  PP_WAIT_UNTIL (f->chart_updates >= 1 || !pp_scaling_view_get_running (f->view), 120);
  live_updates = pp_scaling_view_get_running (f->view) ? f->chart_updates : 0;
  PP_WAIT_UNTIL (!pp_scaling_view_get_running (f->view), 180);
  g_assert_cmpuint (live_updates, >=, 1);
  g_assert_cmpuint (f->chart_updates, >=, pp_sweep_get_n_points (sweep));
  g_signal_handlers_disconnect_by_data (sweep, f);

  g_assert_false (pp_sweep_get_cancelled (sweep));
  g_assert_true (pp_sweep_get_identical (sweep));
  g_assert_cmpuint (pp_sweep_get_survey (sweep)->n_files, ==, 3);
  g_assert_cmpuint (pp_sweep_get_n_points (sweep), >=, 2);
  for (guint i = 0; i < pp_sweep_get_n_points (sweep); i++)
    g_assert_cmpuint (pp_sweep_get_point (sweep, i)->n_runs, ==, 1);
  g_assert_cmpuint (pp_scaling_view_get_recommended_threads (f->view), >=, 1);
  g_assert_nonnull (pp_sweep_get_limit (sweep));
  pp_test_screenshot (GTK_WIDGET (f->window), "scaling");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  pp_test_screenshot (GTK_WIDGET (f->window), "scaling-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Export: one HTML file with the chart inline. */
  g_assert_true (export_to (f->view, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (report, &html, NULL, NULL));
  g_assert_nonnull (strstr (html, "<svg"));
  g_assert_nonnull (strstr (html, "exposure=0.3,fit=400x400"));
  g_unlink (report);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  PpSweep *sweep;

  pp_scaling_view_set_sample (f->view, 8);
  pp_scaling_view_set_repeat (f->view, 3);
  pp_scaling_view_run (f->view);
  sweep = pp_scaling_view_get_sweep (f->view);
  /* Cancel once the first timed run has a point. */
  PP_WAIT_UNTIL (pp_sweep_find_point (sweep, 1) != NULL &&
                 pp_sweep_find_point (sweep, 1)->n_runs >= 1, 120);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "scaling.cancel", NULL));
  PP_WAIT_UNTIL (!pp_scaling_view_get_running (f->view), 120);
  g_assert_true (pp_sweep_get_cancelled (sweep));
  /* What it measured stays (the first run at least), and no more than was asked. */
  g_assert_cmpuint (pp_sweep_find_point (sweep, 1)->n_runs, >=, 1);
  g_assert_cmpuint (pp_sweep_find_point (sweep, 1)->n_runs, <, 3);
}

static void
test_no_batch (Fixture       *f,
               gconstpointer  data)
{
  PpScalingView *empty = PP_SCALING_VIEW (pp_scaling_view_new ());

  g_object_ref_sink (empty);
  /* Nothing answers "request-batch": nothing runs, and the view says why. */
  pp_scaling_view_run (empty);
  g_assert_false (pp_scaling_view_get_running (empty));
  g_assert_null (pp_scaling_view_get_sweep (empty));
  g_object_unref (empty);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(name, func) \
  g_test_add ("/pp/ui/scaling-view/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("sweep", test_sweep);
  ADD ("cancel", test_cancel);
  ADD ("no-batch", test_no_batch);
#undef ADD
  return g_test_run ();
}
