/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Scaling in the real window, under Xvfb: "Automatic" is the default thread count and reads
 * "Auto"; Process with it chooses the count first (capped to one worker by a simulated small
 * memory budget), records the choice in the run and names it in the batch bar; Compare with it
 * runs its parallel half on the chosen count; the Scaling page sweeps the open folder.
 */
#include "config.h"

#include "pp-ui-test-util.h"
#include "pp-window-private.h"

typedef struct
{
  char *tmp;
  GSettings *settings;
  PpWindow *window;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr (GFile) samples = g_file_new_for_path (g_getenv ("PP_SAMPLES_DIR"));
  GFile *files[1] = { samples };

  f->tmp = g_dir_make_tmp ("parapix-ui-scaling-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", f->tmp, TRUE);
  out = g_build_filename (f->tmp, "out", NULL);
  f->settings = g_settings_new (APP_ID);
  g_settings_reset (f->settings, "threads");   /* the default: Automatic */
  pp_ui_test_set_output (f->settings, out);
  g_settings_set_string (f->settings, "pipeline", "fit=300x300");
  g_settings_set_boolean (f->settings, "parallel", TRUE);
  f->window = pp_ui_test_new_window ();
  pp_window_open_files (f->window, files, 1);
  PP_WAIT_UNTIL (!pp_thumbnail_grid_get_loading (f->window->thumbnail_grid) &&
                 g_list_model_get_n_items (pp_thumbnail_grid_get_model (
                   f->window->thumbnail_grid)) == 8, 20);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_set_focus (GTK_WINDOW (f->window), NULL);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_object_unref (f->window);
  pp_test_run_for (50);
  g_clear_object (&f->settings);
  g_unsetenv ("PP_MEMORY_BUDGET");
  pp_ui_test_remove_tree (f->tmp);
  g_free (f->tmp);
}

static void
test_automatic (Fixture       *f,
                gconstpointer  data)
{
  PpWindow *window = f->window;
  PpRun *run;
  JsonNode *choice;
  const char *explanation;
  g_autofree char *label = NULL;

  g_assert_true (_pp_window_get_automatic (window));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->threads_spin)), ==, "Auto");
  /* The preview still gets a real count: the CPU budget. */
  g_assert_cmpuint (_pp_window_get_threads (window), >=, 1);

  /* A simulated small memory budget: one worker at most for these images. */
  g_setenv ("PP_MEMORY_BUDGET", "100M", TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.process", NULL));
  g_assert_true (_pp_window_is_running (window));
  PP_WAIT_UNTIL (!_pp_window_is_running (window), 120);
  g_unsetenv ("PP_MEMORY_BUDGET");

  g_assert_cmpuint (pp_timings_view_get_n_runs (window->timings_view), ==, 1);
  run = pp_timings_view_get_run (window->timings_view, 0);
  g_assert_cmpuint (pp_run_get_threads (run), ==, 1);
  g_assert_cmpstr (pp_run_get_threads_source (run), ==, "auto");
  choice = pp_run_get_threads_choice (run);
  g_assert_nonnull (choice);
  explanation = json_object_get_string_member (json_node_get_object (choice), "explanation");
  g_assert_nonnull (strstr (explanation, "memory for 1 worker"));
  /* The spin buttons still read Auto: the choice is per run, not a setting. */
  g_assert_true (_pp_window_get_automatic (window));
  g_assert_cmpuint (g_settings_get_uint (f->settings, "threads"), ==, 0);
  g_object_get (window->progress_label, "text", &label, NULL);
  g_assert_true (g_str_has_prefix (label, "8 images in "));
  pp_test_screenshot (GTK_WIDGET (window), "automatic-done");
}

static void
test_compare_automatic (Fixture       *f,
                        gconstpointer  data)
{
  PpWindow *window = f->window;
  PpRun *parallel;

  g_setenv ("PP_MEMORY_BUDGET", "100M", TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.compare", NULL));
  PP_WAIT_UNTIL (!_pp_window_is_running (window), 180);
  g_assert_cmpuint (pp_timings_view_get_n_runs (window->timings_view), ==, 2);
  parallel = pp_timings_view_get_run (window->timings_view, 1);
  g_assert_cmpint (pp_run_get_mode (parallel), ==, PP_BATCH_MODE_PARALLEL);
  g_assert_cmpuint (pp_run_get_threads (parallel), ==, 1);
  g_assert_cmpstr (pp_run_get_threads_source (parallel), ==, "auto");
  g_assert_null (pp_run_get_threads_source (pp_timings_view_get_run (window->timings_view, 0)));
}

static void
test_scaling_page (Fixture       *f,
                   gconstpointer  data)
{
  PpWindow *window = f->window;
  PpSweep *sweep;

  adw_view_stack_set_visible_child_name (window->view_stack, "scaling");
  pp_scaling_view_set_sample (window->scaling_view, 2);
  pp_scaling_view_set_repeat (window->scaling_view, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window->scaling_view), "scaling.run",
                                             NULL));
  PP_WAIT_UNTIL (!pp_scaling_view_get_running (window->scaling_view), 180);
  sweep = pp_scaling_view_get_sweep (window->scaling_view);
  g_assert_nonnull (sweep);
  /* The window's folder and chain. */
  g_assert_cmpuint (pp_sweep_get_n_files_listed (sweep), ==, 8);
  g_assert_cmpstr (pp_sweep_get_pipeline_spec (sweep), ==, "fit=300x300");
  g_assert_true (pp_sweep_get_identical (sweep));
  pp_test_screenshot (GTK_WIDGET (window), "scaling-page");
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(name, func) \
  g_test_add ("/pp/ui/window-scaling/" name, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("automatic", test_automatic);
  ADD ("compare-automatic", test_compare_automatic);
  ADD ("scaling-page", test_scaling_page);
#undef ADD
  return g_test_run ();
}
