/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Closing and re-running without surprises (issue 12, items 7 and 11, and the focus part of the
 * accessibility section):
 * - closing the window mid-batch asks (Cancel / Stop and Quit); Stop and Quit cancels, then
 *   closes, leaving only whole outputs;
 * - a bad name template is shown as it is typed, and a run it would fail creates nothing;
 * - the bar says what a re-run does with the files already in the output folder;
 * - images opened from two folders go into each folder's own "processed";
 * - Process moves the focus to Cancel, and it comes back when the run ends.
 */
#include "config.h"

#include "pp-output-dialog.h"
#include "pp-ui-test-util.h"
#include "pp-window-private.h"

typedef PpUiWindowFixture Fixture;

static void
copy_sample (const char *name,
             const char *folder,
             const char *as)
{
  g_autofree char *from = g_build_filename (g_getenv ("PP_SAMPLES_DIR"), name, NULL);
  g_autofree char *to = g_build_filename (folder, as, NULL);

  pp_test_copy_file (from, to);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->tmp = g_dir_make_tmp ("parapix-safety-XXXXXX", NULL);
  fixture->in = g_build_filename (fixture->tmp, "in", NULL);
  fixture->out = g_build_filename (fixture->tmp, "out", NULL);
  g_mkdir (fixture->in, 0755);
  fixture->settings = g_settings_new (APP_ID);
  pp_ui_test_set_output (fixture->settings, fixture->out);
  g_settings_reset (fixture->settings, "chain");
  g_settings_set_string (fixture->settings, "pipeline", "exposure=0.2");
  g_settings_reset (fixture->settings, "output-template");
  g_settings_reset (fixture->settings, "output-format");
  g_settings_reset (fixture->settings, "collision");
  g_settings_set_uint (fixture->settings, "threads", 2);
  g_settings_set_int (fixture->settings, "window-width", 1200);
  g_settings_set_int (fixture->settings, "window-height", 760);
  fixture->window = pp_ui_test_new_window ();
}

static void
open_path (PpWindow   *window,
           const char *path)
{
  g_autoptr (GFile) folder = g_file_new_for_path (path);
  GFile *files[1] = { folder };

  pp_window_open_files (window, files, 1);
  PP_WAIT_UNTIL (!pp_thumbnail_grid_get_loading (window->thumbnail_grid), 20);
  PP_WAIT_UNTIL (pp_thumbnail_grid_get_sizes_known (window->thumbnail_grid), 20);
}

/* Item 7. */
static void
test_close_mid_batch (Fixture       *fixture,
                      gconstpointer  data)
{
  PpWindow *window = fixture->window;
  AdwMessageDialog *dialog;
  PpRun *run;

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("leaf-%u.jpg", i);

      copy_sample ("leaf.jpg", fixture->in, name);
    }
  /* Slow enough to still be running when the window is closed. */
  g_settings_set_string (fixture->settings, "pipeline", "gaussian-blur=12");
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_object_unref (fixture->window);
  fixture->window = window = g_object_ref_sink (pp_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  open_path (window, fixture->in);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.process", NULL));
  g_assert_true (_pp_window_is_running (window));
  gtk_window_close (GTK_WINDOW (window));
  PP_WAIT_UNTIL ((dialog = pp_ui_test_find_message_dialog (TRUE)) != NULL, 10);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (_pp_window_is_running (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Stop the Batch and Quit?");
  g_assert_true (adw_message_dialog_has_response (dialog, "cancel"));
  g_assert_true (adw_message_dialog_has_response (dialog, "stop"));
  pp_test_screenshot (GTK_WIDGET (dialog), "close-mid-batch");

  /* Cancel: nothing stops. */
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  pp_test_run_for (100);
  g_assert_true (_pp_window_is_running (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* Stop and Quit: the run is cancelled, then the window goes. */
  run = pp_timings_view_get_run (window->timings_view, 0);
  gtk_window_close (GTK_WINDOW (window));
  PP_WAIT_UNTIL ((dialog = pp_ui_test_find_message_dialog (TRUE)) != NULL, 10);
  adw_message_dialog_response (dialog, "stop");
  gtk_window_destroy (GTK_WINDOW (dialog));
  PP_WAIT_UNTIL (!gtk_widget_get_visible (GTK_WIDGET (window)), 60);
  g_assert_false (_pp_window_is_running (window));
  g_assert_true (pp_run_get_cancelled (run));
  {
    PpRunTotals totals;
    g_autoptr (GDir) dir = g_dir_open (fixture->out, 0, NULL);
    const char *name;

    pp_run_get_totals (run, &totals);
    g_assert_cmpuint (totals.n_ok, <, 6);
    /* Only whole images: each one decodes. */
    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (fixture->out, name, NULL);
        g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, NULL);

        g_assert_false (g_str_has_prefix (name, "."));
        g_assert_nonnull (pixbuf);
      }
  }
}

/* Process with the settings as they are is refused: no run, no output folder. */
static void
assert_process_refused (Fixture *fixture)
{
  PpWindow *window = fixture->window;

  copy_sample ("cat.jpg", fixture->in, "cat.jpg");
  open_path (window, fixture->in);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.process", NULL);
  pp_test_run_for (200);
  g_assert_false (_pp_window_is_running (window));
  g_assert_false (g_file_test (fixture->out, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (pp_timings_view_get_n_runs (window->timings_view), ==, 0);
}

/* Item 11: a bad template is flagged while typed; a refused run creates nothing. */
static void
test_bad_template (Fixture       *fixture,
                   gconstpointer  data)
{
  PpWindow *window = fixture->window;
  g_autofree char *example = NULL;
  g_autofree char *problem = NULL;

  problem = pp_output_dialog_check_template ("{nme}.{ext}", PP_FORMAT_SAME, NULL);
  g_test_message ("%s", problem);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "nme"));
  g_clear_pointer (&problem, g_free);
  problem = pp_output_dialog_check_template ("{name}-small.{ext}", PP_FORMAT_SAME, &example);
  g_assert_null (problem);
  g_assert_cmpstr (example, ==, "IMG_1234.jpg is written as IMG_1234-small.jpg");
  g_clear_pointer (&problem, g_free);
  problem = pp_output_dialog_check_template ("sub/{name}.{ext}", PP_FORMAT_SAME, NULL);
  g_assert_nonnull (problem);

  /* The dialog says so live. */
  {
    PpOutputDialog *dialog = pp_output_dialog_new (GTK_WINDOW (window), fixture->settings, NULL);

    gtk_window_present (GTK_WINDOW (dialog));
    g_settings_set_string (fixture->settings, "output-template", "{nme}.{ext}");
    pp_test_run_for (100);
    pp_test_screenshot (GTK_WIDGET (dialog), "output-template-error");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  assert_process_refused (fixture);
}

/* A template whose extension is not the chosen format's: the dialog says why as the template
 * or the format changes, and Process writes nothing. */
static void
test_template_extension (Fixture       *fixture,
                         gconstpointer  data)
{
  PpWindow *window = fixture->window;
  g_autofree char *example = NULL;
  g_autofree char *problem = NULL;

  problem = pp_output_dialog_check_template ("{name}.png", PP_FORMAT_JPEG, NULL);
  g_assert_cmpstr (problem, ==, "name template “{name}.png” ends in .png, but the output format "
                   "is JPEG: end it with .{ext}, or choose PNG as the output format");
  g_clear_pointer (&problem, g_free);
  problem = pp_output_dialog_check_template ("{name}.png", PP_FORMAT_PNG, &example);
  g_assert_null (problem);
  g_assert_cmpstr (example, ==, "IMG_1234.jpg is written as IMG_1234.png");
  g_clear_pointer (&example, g_free);
  problem = pp_output_dialog_check_template ("{name}-small.{ext}", PP_FORMAT_WEBP, &example);
  g_assert_null (problem);
  g_assert_cmpstr (example, ==, "IMG_1234.jpg is written as IMG_1234-small.webp");

  {
    PpOutputDialog *dialog = pp_output_dialog_new (GTK_WINDOW (window), fixture->settings, NULL);
    GtkWidget *row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                                PP_TYPE_OUTPUT_DIALOG,
                                                                "template_row"));

    gtk_window_present (GTK_WINDOW (dialog));
    g_settings_set_enum (fixture->settings, "output-format", PP_FORMAT_PNG);
    g_settings_set_string (fixture->settings, "output-template", "{name}.png");
    pp_test_run_for (50);
    g_assert_false (gtk_widget_has_css_class (row, "error"));
    /* Only the format changes: the template no longer fits it. */
    g_settings_set_enum (fixture->settings, "output-format", PP_FORMAT_JPEG);
    pp_test_run_for (50);
    g_assert_true (gtk_widget_has_css_class (row, "error"));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  assert_process_refused (fixture);
}

/* Item 11: the bar says what a re-run will do. */
static void
test_rerun (Fixture       *fixture,
            gconstpointer  data)
{
  PpWindow *window = fixture->window;
  const char *text;

  copy_sample ("cat.jpg", fixture->in, "cat.jpg");
  copy_sample ("park.jpg", fixture->in, "park.jpg");
  open_path (window, fixture->in);
  text = gtk_inscription_get_text (window->current_file_label);
  g_assert_null (strstr (text, "already there"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.process", NULL));
  PP_WAIT_UNTIL (!_pp_window_is_running (window), 60);
  g_assert_cmpuint (pp_test_count_entries (fixture->out), ==, 2);

  /* Ready again (the settings are read afresh): the bar names the two files and the policy. */
  g_settings_set_enum (fixture->settings, "collision", PP_COLLISION_RENAME);
  _pp_window_update_batch_bar (window);
  text = gtk_inscription_get_text (window->current_file_label);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "2 files already there"));
  g_assert_nonnull (strstr (text, "get a number"));
  g_settings_set_enum (fixture->settings, "collision", PP_COLLISION_SKIP);
  text = gtk_inscription_get_text (window->current_file_label);
  g_assert_nonnull (strstr (text, "skipped"));
  g_settings_set_enum (fixture->settings, "collision", PP_COLLISION_OVERWRITE);
  text = gtk_inscription_get_text (window->current_file_label);
  g_assert_nonnull (strstr (text, "replace"));
  pp_test_screenshot (GTK_WIDGET (window), "rerun");
}

/* Item 11: one output folder per source folder. */
static void
test_two_folders (Fixture       *fixture,
                  gconstpointer  data)
{
  PpWindow *window = fixture->window;
  g_autofree char *a = g_build_filename (fixture->tmp, "a", NULL);
  g_autofree char *b = g_build_filename (fixture->tmp, "b", NULL);
  g_autofree char *a_out = g_build_filename (a, "processed", NULL);
  g_autofree char *b_out = g_build_filename (b, "processed", NULL);
  g_autoptr (GFile) f1 = NULL;
  g_autoptr (GFile) f2 = NULL;
  g_autoptr (GFile) f3 = NULL;

  g_mkdir (a, 0755);
  g_mkdir (b, 0755);
  copy_sample ("cat.jpg", a, "cat.jpg");
  copy_sample ("park.jpg", a, "park.jpg");
  copy_sample ("river.jpg", b, "river.jpg");
  g_settings_set_string (fixture->settings, "output-folder", ""); /* the default */
  f1 = g_file_new_build_filename (a, "cat.jpg", NULL);
  f2 = g_file_new_build_filename (b, "river.jpg", NULL);
  f3 = g_file_new_build_filename (a, "park.jpg", NULL);
  {
    GFile *files[3] = { f1, f2, f3 };

    pp_window_open_files (window, files, 3);
  }
  PP_WAIT_UNTIL (!pp_thumbnail_grid_get_loading (window->thumbnail_grid), 20);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.process", NULL));
  PP_WAIT_UNTIL (!_pp_window_is_running (window), 120);
  g_assert_cmpuint (pp_test_count_entries (a_out), ==, 2);
  g_assert_cmpuint (pp_test_count_entries (b_out), ==, 1);
  g_assert_true (g_file_test (g_build_filename (b_out, "river.jpg", NULL), G_FILE_TEST_EXISTS));
  g_assert_cmpuint (pp_timings_view_get_n_runs (window->timings_view), ==, 2);
  g_assert_nonnull (strstr (gtk_inscription_get_text (window->progress_label), "2 folders"));
}

/* Accessibility: Process gives the focus to Cancel, and gets it back. */
static void
test_focus (Fixture       *fixture,
            gconstpointer  data)
{
  PpWindow *window = fixture->window;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("leaf-%u.jpg", i);

      copy_sample ("leaf.jpg", fixture->in, name);
    }
  open_path (window, fixture->in);
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (window->process_button)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.process", NULL));
  g_assert_true (_pp_window_is_running (window));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (window->cancel_button));
  PP_WAIT_UNTIL (!_pp_window_is_running (window), 120);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (window->process_button));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = pp_ui_test_init (&argc, &argv);

  g_test_add ("/pp/ui/batch-safety/close-mid-batch", Fixture, NULL, fixture_set_up,
              test_close_mid_batch, pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/batch-safety/bad-template", Fixture, NULL, fixture_set_up,
              test_bad_template, pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/batch-safety/template-extension", Fixture, NULL, fixture_set_up,
              test_template_extension, pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/batch-safety/rerun", Fixture, NULL, fixture_set_up, test_rerun,
              pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/batch-safety/two-folders", Fixture, NULL, fixture_set_up,
              test_two_folders, pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/batch-safety/focus", Fixture, NULL, fixture_set_up, test_focus,
              pp_ui_window_fixture_tear_down);
  return g_test_run ();
}
