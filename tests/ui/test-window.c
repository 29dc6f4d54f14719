/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real window driven through its actions under Xvfb: open the sample folder, build a chain,
 * preview, run serially then in parallel, Compare; check the progress bar, the timings table
 * and the outputs; and on a folder of 12-megapixel JPEGs, hold the main loop to the
 * responsiveness budget (tests/ui/pp-ui-budget.h) during a Compare and while browsing during a
 * Process, and the preview asked for meanwhile to arrive in time. Screenshots of each state go
 * to $G_TEST_BUILDDIR/screenshots.
 */
#include "config.h"

#include <malloc.h>

#include "batch/pp-batch.h"
#include "render/pp-presets.h"
#include "render/pp-scheduler.h"
#include "pp-ui-budget.h"
#include "pp-ui-test-util.h"
#include "pp-window-private.h"

typedef struct
{
  char *tmp;
  char *out;
  GSettings *settings;
  PpWindow *window;
  GArray *fractions;
} Fixture;

static void
on_fraction (GtkProgressBar *bar,
             GParamSpec     *pspec,
             Fixture        *fixture)
{
  double fraction = gtk_progress_bar_get_fraction (bar);

  g_array_append_val (fixture->fractions, fraction);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fixture->tmp = g_dir_make_tmp ("parapix-ui-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->out = g_build_filename (fixture->tmp, "out", NULL);

  fixture->settings = g_settings_new (APP_ID);
  pp_ui_test_set_output (fixture->settings, fixture->out);
  g_settings_set_string (fixture->settings, "pipeline", "");
  g_settings_set_uint (fixture->settings, "threads", 2);
  g_settings_set_int (fixture->settings, "window-width", 1280);
  g_settings_set_int (fixture->settings, "window-height", 760);

  fixture->window = g_object_ref_sink (pp_window_new (NULL));
  fixture->fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_signal_connect (fixture->window->progress_bar, "notify::fraction", G_CALLBACK (on_fraction),
                    fixture);
  pp_ui_test_present (fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  pp_ui_test_close (fixture->window);
  g_array_unref (fixture->fractions);
  g_clear_object (&fixture->settings);
  pp_ui_test_remove_tree (fixture->tmp);
  g_free (fixture->out);
  g_free (fixture->tmp);
}

static void
open_folder (Fixture    *fixture,
             const char *path,
             guint       n_expected)
{
  g_autoptr (GFile) folder = g_file_new_for_path (path);
  GFile *files[1] = { folder };

  pp_window_open_files (fixture->window, files, 1);
  PP_WAIT_UNTIL (!pp_thumbnail_grid_get_loading (fixture->window->thumbnail_grid) &&
                 g_list_model_get_n_items (pp_thumbnail_grid_get_model (
                   fixture->window->thumbnail_grid)) == n_expected, 20);
  PP_WAIT_UNTIL (pp_thumbnail_grid_get_n_thumbnails (fixture->window->thumbnail_grid) > 0, 30);
}

static void
activate (GtkWidget  *widget,
          const char *action,
          GVariant   *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (widget, action, parameter));
}

/* Runs the window's Process in @parallel mode and checks the progress bar on the way. */
static void
process (Fixture  *fixture,
         gboolean  parallel)
{
  PpWindow *window = fixture->window;

  gtk_toggle_button_set_active (parallel ? window->parallel_button : window->serial_button, TRUE);
  g_array_set_size (fixture->fractions, 0);
  activate (GTK_WIDGET (window), "win.process", NULL);
  g_assert_true (_pp_window_is_running (window));
  PP_WAIT_UNTIL (!_pp_window_is_running (window), 120);

  g_assert_cmpuint (fixture->fractions->len, >=, 2);
  for (guint i = 1; i < fixture->fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fixture->fractions, double, i), >=,
                       g_array_index (fixture->fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fixture->fractions, double, fixture->fractions->len - 1), ==,
                     1.0);
}

static void
assert_outputs_exist (PpRun *run,
                      guint  n_expected)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (run));
  guint ok = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (run), i);

      if (pp_file_result_get_status (result) != PP_FILE_STATUS_OK)
        {
          g_test_message ("%s: %s", pp_file_result_get_input (result),
                          pp_file_result_get_reason (result));
          continue;
        }
      g_assert_true (g_file_test (pp_file_result_get_output (result), G_FILE_TEST_IS_REGULAR));
      ok++;
    }
  g_assert_cmpuint (ok, ==, n_expected);
}

static void
test_workflow (Fixture       *fixture,
               gconstpointer  data)
{
  PpWindow *window = fixture->window;
  const char *samples = g_getenv ("PP_SAMPLES_DIR");
  g_autoptr (GError) error = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *status = NULL;
  guint n_renders, n_proxy;
  PpRun *serial, *parallel;
  double speedup;

  g_assert_nonnull (samples);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "empty");
  pp_test_screenshot (GTK_WIDGET (window), "empty");

  open_folder (fixture, samples, 8);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "content");
  /* leaf.jpg, 3264 x 2448: large enough for a proxy while dragging. */
  pp_thumbnail_grid_select (window->thumbnail_grid, 2);
  g_assert_cmpstr (pp_image_item_get_name (pp_thumbnail_grid_get_selected_item (
                     window->thumbnail_grid)), ==, "leaf.jpg");

  /* Build a chain through the editor's actions: a preset, then one more filter. */
  activate (GTK_WIDGET (window->chain_editor), "chain.load-preset",
            g_variant_new_string ("Brighten"));
  activate (GTK_WIDGET (window->chain_editor), "chain.add", g_variant_new_string ("saturation"));
  g_assert_true (pp_pipeline_set_value (window->pipeline, 2, 0, 40, &error));
  g_assert_no_error (error);
  spec = pp_pipeline_to_spec (window->pipeline);
  g_assert_cmpstr (spec, ==, "exposure=0.5,gamma=1.2,saturation=40");
  activate (GTK_WIDGET (window->chain_editor), "chain.move-up", g_variant_new_uint32 (2));
  g_free (spec);
  spec = pp_pipeline_to_spec (window->pipeline);
  g_assert_cmpstr (spec, ==, "exposure=0.5,saturation=40,gamma=1.2");
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "pipeline"), ==, spec);

  /* The preview renders the chain: its status line reports a real render. */
  n_renders = pp_preview_get_n_renders (window->preview);
  g_signal_emit_by_name (window->chain_editor, "changed", FALSE);
  PP_WAIT_UNTIL (pp_preview_get_n_renders (window->preview) > n_renders &&
                 !pp_preview_get_busy (window->preview) &&
                 g_str_has_prefix (pp_preview_get_status (window->preview), "Processed in") &&
                 !g_str_has_suffix (pp_preview_get_status (window->preview), " preview"), 30);
  status = g_strdup (pp_preview_get_status (window->preview));
  g_assert_nonnull (strstr (status, "on 2 threads · shown in "));
  g_assert_false (g_str_has_suffix (status, " preview"));

  /* A burst of changes while "dragging": latest wins (one render in flight, one pending), the
   * proxy first, then the full image once the values settle. */
  n_renders = pp_preview_get_n_renders (window->preview);
  n_proxy = pp_preview_get_n_proxy_renders (window->preview);
  for (guint i = 0; i < 20; i++)
    {
      g_assert_true (pp_pipeline_set_value (window->pipeline, 0, 0, 0.05 * i, &error));
      g_signal_emit_by_name (window->chain_editor, "changed", TRUE);
    }
  PP_WAIT_UNTIL (pp_preview_get_n_proxy_renders (window->preview) > n_proxy, 30);
  PP_WAIT_UNTIL (pp_preview_get_n_renders (window->preview) -
                 pp_preview_get_n_proxy_renders (window->preview) > n_renders - n_proxy &&
                 !pp_preview_get_busy (window->preview) &&
                 !g_str_has_suffix (pp_preview_get_status (window->preview), " preview"), 30);
  g_test_message ("20 changes gave %u renders",
                  pp_preview_get_n_renders (window->preview) - n_renders);
  g_assert_cmpuint (pp_preview_get_n_renders (window->preview) - n_renders, <=, 3);
  pp_test_screenshot (GTK_WIDGET (window), "preview");
  activate (GTK_WIDGET (window), "win.toggle-compare", NULL);
  g_assert_true (pp_preview_get_compare (window->preview));
  pp_test_screenshot (GTK_WIDGET (window), "preview-compare");
  activate (GTK_WIDGET (window), "win.toggle-compare", NULL);

  /* Serial, then parallel. */
  process (fixture, FALSE);
  process (fixture, TRUE);
  g_assert_cmpuint (pp_timings_view_get_n_runs (window->timings_view), ==, 2);
  serial = pp_timings_view_get_run (window->timings_view, 0);
  parallel = pp_timings_view_get_run (window->timings_view, 1);
  g_assert_cmpint (pp_run_get_mode (serial), ==, PP_BATCH_MODE_SERIAL);
  g_assert_cmpuint (pp_run_get_threads (serial), ==, 1);
  g_assert_cmpint (pp_run_get_mode (parallel), ==, PP_BATCH_MODE_PARALLEL);
  g_assert_cmpuint (pp_run_get_threads (parallel), ==, 2);
  speedup = pp_timings_view_get_speedup (window->timings_view, parallel);
  g_test_message ("samples: serial %.3f s, parallel %.3f s, speedup %.2f",
                  pp_run_get_wall_us (serial) / 1e6, pp_run_get_wall_us (parallel) / 1e6, speedup);
  g_assert_cmpfloat (speedup, >, 0.0);
  g_assert_cmpfloat (speedup, ==,
                     (double) pp_run_get_wall_us (serial) / pp_run_get_wall_us (parallel));
  assert_outputs_exist (serial, 8);
  assert_outputs_exist (parallel, 8);

  /* Compare: serial into a scratch folder, parallel into the output; outputs byte-identical. */
  activate (GTK_WIDGET (window), "win.compare", NULL);
  PP_WAIT_UNTIL (!_pp_window_is_running (window), 120);
  g_assert_cmpuint (pp_timings_view_get_n_runs (window->timings_view), ==, 4);
  csv = pp_timings_view_to_csv (window->timings_view);
  g_test_message ("%s", csv);
  g_strstrip (csv);
  {
    g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
    g_auto (GStrv) fields = NULL;

    g_assert_cmpuint (g_strv_length (lines), ==, 5);
    fields = g_strsplit (lines[4], ",", -1);
    g_assert_cmpstr (fields[0], ==, "parallel");
    g_assert_cmpstr (fields[8], ==, "yes");
  }

  adw_view_stack_set_visible_child_name (window->view_stack, "timings");
  pp_test_screenshot (GTK_WIDGET (window), "timings-samples");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  pp_test_screenshot (GTK_WIDGET (window), "timings-samples-dark");
  adw_view_stack_set_visible_child_name (window->view_stack, "images");
  pp_test_screenshot (GTK_WIDGET (window), "preview-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_unwritable_output (Fixture       *fixture,
                        gconstpointer  data)
{
  PpWindow *window = fixture->window;
  const char *samples = g_getenv ("PP_SAMPLES_DIR");
  /* A folder that cannot be created even by root: its parent is a regular file. Inside a
   * Flatpak the same path is taken by a read-only document-portal folder. */
  g_autofree char *blocker = g_build_filename (fixture->tmp, "not-a-folder", NULL);
  g_autofree char *target = g_build_filename (blocker, "out", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (target);
  g_autofree char *uri = g_file_get_uri (file);
  GList *toplevels;
  gboolean found = FALSE;

  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  g_settings_set_string (fixture->settings, "output-folder", uri);
  open_folder (fixture, samples, 8);
  activate (GTK_WIDGET (window), "win.process", NULL);
  g_assert_false (_pp_window_is_running (window));
  pp_test_run_for (200);
  /* A dialog explains and offers another folder. */
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      {
        const char *body = adw_message_dialog_get_body (l->data);

        g_test_message ("%s", body);
        g_assert_nonnull (strstr (body, "cannot create the output folder"));
        g_assert_nonnull (strstr (body, target));
        g_assert_true (adw_message_dialog_has_response (l->data, "choose"));
        pp_test_screenshot (GTK_WIDGET (l->data), "unwritable-output");
        gtk_window_destroy (l->data);
        found = TRUE;
        break;
      }
  g_list_free (toplevels);
  g_assert_true (found);
  g_assert_cmpuint (pp_timings_view_get_n_runs (window->timings_view), ==, 0);
}

/* A broken file is one failure with its reason, listed by win.show-failures; Cancel (Escape)
 * stops a run and leaves no partial output. */
static void
test_failures_and_cancel (Fixture       *fixture,
                          gconstpointer  data)
{
  PpWindow *window = fixture->window;
  const char *samples = g_getenv ("PP_SAMPLES_DIR");
  g_autofree char *in = g_build_filename (fixture->tmp, "in", NULL);
  static const char *const names[] = { "leaf.jpg", "clouds.jpg", "waterfall.jpg", "park.jpg" };
  g_autofree char *broken = g_build_filename (in, "broken.jpg", NULL);
  g_autofree char *label = NULL;
  GtkWindow *failures = NULL;
  GList *toplevels;
  PpRun *run;
  PpRunTotals totals;

  g_mkdir_with_parents (in, 0755);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *from = g_build_filename (samples, names[i], NULL);
      g_autofree char *to = g_build_filename (in, names[i], NULL);

      pp_test_copy_file (from, to);
    }
  g_assert_true (g_file_set_contents (broken, "\xff\xd8\xff\xe0 not really a JPEG", -1, NULL));
  open_folder (fixture, in, G_N_ELEMENTS (names) + 1);
  process (fixture, TRUE);

  run = pp_timings_view_get_run (fixture->window->timings_view, 0);
  pp_run_get_totals (run, &totals);
  g_assert_cmpuint (totals.n_ok, ==, G_N_ELEMENTS (names));
  g_assert_cmpuint (totals.n_failed, ==, 1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->failures_button)));
  label = g_strdup (gtk_label_get_label (window->failures_label));
  g_assert_cmpstr (label, ==, "1 failed");
  activate (GTK_WIDGET (window), "win.show-failures", NULL);
  pp_test_run_for (100);
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_WINDOW (l->data) && l->data != (gpointer) window)
      failures = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (failures);
  g_assert_cmpstr (gtk_window_get_title (failures), ==, "1 File Failed");
  pp_test_screenshot (GTK_WIDGET (failures), "failures");
  gtk_window_destroy (failures);

  /* Cancel once the first file is done: the run ends cancelled, and what it wrote is whole. */
  activate (GTK_WIDGET (window), "win.process", NULL);
  g_assert_true (_pp_window_is_running (window));
  run = pp_timings_view_get_run (fixture->window->timings_view, 1);
  PP_WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (run)) >= 1, 60);
  activate (GTK_WIDGET (window), "batch.cancel", NULL);
  PP_WAIT_UNTIL (!_pp_window_is_running (window), 60);
  g_assert_cmpuint (pp_timings_view_get_n_runs (window->timings_view), ==, 2);
  g_assert_true (pp_run_get_cancelled (run));
  pp_run_get_totals (run, &totals);
  g_assert_cmpuint (totals.n_ok, <, G_N_ELEMENTS (names));
  {
    g_autoptr (GDir) dir = g_dir_open (fixture->out, 0, NULL);
    const char *name;
    guint n = 0;

    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (fixture->out, name, NULL);
        g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, NULL);

        g_assert_false (g_str_has_prefix (name, "."));
        g_assert_nonnull (pixbuf);
        n++;
      }
    g_assert_cmpuint (n, ==, G_N_ELEMENTS (names) + totals.n_ok);
  }
}

/* Answers the preset name dialog the editor opened. */
static void
answer_name (const char *name)
{
  AdwMessageDialog *dialog;

  PP_WAIT_UNTIL ((dialog = pp_ui_test_find_message_dialog (FALSE)) != NULL, 10);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), name);
  adw_message_dialog_response (dialog, "save");
  gtk_window_destroy (GTK_WINDOW (dialog));
  pp_test_run_for (50);
}

static void
test_presets (Fixture       *fixture,
              gconstpointer  data)
{
  PpWindow *window = fixture->window;
  GtkWidget *editor = GTK_WIDGET (window->chain_editor);
  const PpBuiltinPreset *builtin;
  g_auto (GStrv) names = NULL;
  g_autofree char *spec = NULL;
  guint n;

  /* Every built-in preset names real filters with valid values. */
  builtin = pp_presets_get_builtin (&n);
  g_assert_cmpuint (n, ==, 3);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *loaded = NULL;

      activate (editor, "chain.load-preset", g_variant_new_string (builtin[i].name));
      loaded = pp_pipeline_to_spec (window->pipeline);
      g_assert_cmpstr (loaded, ==, builtin[i].spec);
    }

  activate (editor, "chain.clear", NULL);
  g_assert_cmpuint (pp_pipeline_get_n_steps (window->pipeline), ==, 0);
  activate (editor, "chain.add", g_variant_new_string ("sepia"));
  activate (editor, "chain.add", g_variant_new_string ("fit"));
  spec = pp_pipeline_to_spec (window->pipeline);
  activate (editor, "chain.save-preset", NULL);
  answer_name ("Old photo");
  names = pp_presets_list_user ();
  g_assert_cmpstrv (names, ((const char *[]) { "Old photo", NULL }));
  g_clear_pointer (&names, g_strfreev);

  activate (editor, "chain.clear", NULL);
  activate (editor, "chain.load-preset", g_variant_new_string ("Old photo"));
  {
    g_autofree char *loaded = pp_pipeline_to_spec (window->pipeline);

    g_assert_cmpstr (loaded, ==, spec);
  }
  /* The editor shows one row per step, and the steps toggle. */
  g_assert_nonnull (gtk_widget_get_first_child (GTK_WIDGET (window->chain_editor)));
  activate (editor, "chain.remove", g_variant_new_uint32 (1));
  g_assert_cmpuint (pp_pipeline_get_n_steps (window->pipeline), ==, 1);

  activate (editor, "chain.rename-preset", g_variant_new_string ("Old photo"));
  answer_name ("Sepia");
  names = pp_presets_list_user ();
  g_assert_cmpstrv (names, ((const char *[]) { "Sepia", NULL }));
  g_clear_pointer (&names, g_strfreev);

  activate (editor, "chain.delete-preset", g_variant_new_string ("Sepia"));
  names = pp_presets_list_user ();
  g_assert_cmpstrv (names, ((const char *[]) { NULL }));
}

/* The first widget of @type under @root (depth first) whose preferences-row title is @title,
 * or any widget of @type when @title is NULL. */
static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type)
          && (title == NULL
              || (ADW_IS_PREFERENCES_ROW (child)
                  && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)),
                                title) == 0)))
        return child;
      if ((found = find_widget (child, type, title)) != NULL)
        return found;
    }
  return NULL;
}

/* Output settings: a preferences window bound to GSettings. */
static void
test_output_settings (Fixture       *fixture,
                      gconstpointer  data)
{
  PpWindow *window = fixture->window;
  const char *samples = g_getenv ("PP_SAMPLES_DIR");
  g_autoptr (GFile) folder = g_file_new_for_path (samples);
  g_autofree char *uri = g_file_get_uri (folder);
  g_autofree char *format = NULL;
  GList *toplevels;
  GtkWindow *dialog = NULL;

  open_folder (fixture, samples, 8);
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "recent-folder"), ==, uri);

  activate (GTK_WIDGET (window), "win.output-settings", NULL);
  pp_test_run_for (100);
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_PREFERENCES_WINDOW (l->data))
      dialog = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (dialog);
  pp_test_screenshot (GTK_WIDGET (dialog), "output-settings");

  /* The format row writes the setting, and the setting moves the row. */
  {
    AdwComboRow *row = NULL;
    GtkWidget *child;

    for (child = gtk_widget_get_first_child (GTK_WIDGET (dialog)); child != NULL;)
      {
        if (ADW_IS_COMBO_ROW (child) &&
            g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), "Format") == 0)
          {
            row = ADW_COMBO_ROW (child);
            break;
          }
        /* Depth-first walk of the dialog's widgets. */
        if (gtk_widget_get_first_child (child) != NULL)
          child = gtk_widget_get_first_child (child);
        else
          {
            while (child != NULL && gtk_widget_get_next_sibling (child) == NULL)
              child = gtk_widget_get_parent (child) == GTK_WIDGET (dialog)
                        ? NULL : gtk_widget_get_parent (child);
            if (child != NULL)
              child = gtk_widget_get_next_sibling (child);
          }
      }
    g_assert_nonnull (row);
    adw_combo_row_set_selected (row, 2);
    format = g_settings_get_string (fixture->settings, "output-format");
    g_assert_cmpstr (format, ==, "png");
    g_settings_set_string (fixture->settings, "output-format", "webp");
    g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 3);
    g_settings_reset (fixture->settings, "output-format");
  }

  /* What outputs keep: metadata, file date and background rows write their settings. */
  {
    AdwComboRow *metadata = ADW_COMBO_ROW (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW,
                                                        "Photo Information"));
    AdwComboRow *dates = ADW_COMBO_ROW (find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW,
                                                     "File Date"));
    GtkColorChooser *background = GTK_COLOR_CHOOSER (
      find_widget (GTK_WIDGET (dialog), GTK_TYPE_COLOR_BUTTON, NULL));
    g_autofree char *policy = NULL;
    g_autofree char *when = NULL;
    g_autofree char *color = NULL;
    GdkRGBA rgba;

    g_assert_nonnull (metadata);
    g_assert_nonnull (dates);
    g_assert_nonnull (background);
    g_assert_cmpuint (adw_combo_row_get_selected (metadata), ==, 0); /* keep, by default */
    adw_combo_row_set_selected (metadata, 2);
    policy = g_settings_get_string (fixture->settings, "output-metadata");
    g_assert_cmpstr (policy, ==, "strip-gps");
    adw_combo_row_set_selected (dates, 1);
    when = g_settings_get_string (fixture->settings, "output-timestamps");
    g_assert_cmpstr (when, ==, "now");
    gtk_color_chooser_get_rgba (background, &rgba);
    g_assert_cmpfloat (rgba.red, ==, 1.0); /* white, by default */
    gtk_color_chooser_set_rgba (background, &(GdkRGBA) { 0, 0.5, 1, 1 });
    color = g_settings_get_string (fixture->settings, "output-background");
    g_assert_cmpstr (color, ==, "#0080ff");
    g_settings_reset (fixture->settings, "output-metadata");
    g_settings_reset (fixture->settings, "output-timestamps");
    g_settings_reset (fixture->settings, "output-background");
  }
  gtk_window_destroy (dialog);
}

/* Dropping files on the window opens them; a dropped folder opens as a folder. */
static void
test_drop (Fixture       *fixture,
           gconstpointer  data)
{
  PpWindow *window = fixture->window;
  const char *samples = g_getenv ("PP_SAMPLES_DIR");
  g_autoptr (GListModel) controllers =
    gtk_widget_observe_controllers (GTK_WIDGET (window->main_stack));
  GtkDropTarget *target = NULL;
  g_autoptr (GFile) leaf = NULL;
  g_autoptr (GFile) cat = NULL;
  g_autoptr (GFile) folder = g_file_new_for_path (samples);
  GSList *list = NULL;
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  leaf = g_file_get_child (folder, "leaf.jpg");
  cat = g_file_get_child (folder, "cat.jpg");
  list = g_slist_append (list, leaf);
  list = g_slist_append (list, cat);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, list);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);
  g_value_unset (&value);
  g_slist_free (list);
  g_assert_true (handled);
  PP_WAIT_UNTIL (g_list_model_get_n_items (
                   pp_thumbnail_grid_get_model (window->thumbnail_grid)) == 2, 10);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "content");

  list = g_slist_append (NULL, folder);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, list);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);
  g_value_unset (&value);
  g_slist_free (list);
  PP_WAIT_UNTIL (!pp_thumbnail_grid_get_loading (window->thumbnail_grid) &&
                 g_list_model_get_n_items (
                   pp_thumbnail_grid_get_model (window->thumbnail_grid)) == 8, 10);
}

/* Files finished so far by the parallel run of a Compare (0 before it starts). */
static guint
parallel_done (PpWindow *window)
{
  guint n = pp_timings_view_get_n_runs (window->timings_view);

  if (n < 2)
    return 0;
  return g_list_model_get_n_items (G_LIST_MODEL (pp_timings_view_get_run (window->timings_view,
                                                                          n - 1)));
}

/* Makes @n 12-megapixel JPEGs from a sample, in @dir. */
static void
make_big_jpegs (const char *dir,
                guint       n)
{
  const char *samples = g_getenv ("PP_SAMPLES_DIR");
  static const char *const names[] = { "leaf.jpg", "clouds.jpg", "waterfall.jpg", "river.jpg" };

  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *src = g_build_filename (samples, names[i % G_N_ELEMENTS (names)], NULL);
      g_autofree char *name = g_strdup_printf ("photo-%02u.jpg", i + 1);
      g_autofree char *dst = g_build_filename (dir, name, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (src, &error);
      g_autoptr (GdkPixbuf) big = NULL;

      g_assert_no_error (error);
      big = gdk_pixbuf_scale_simple (pixbuf, 4000, 3000, GDK_INTERP_BILINEAR);
      gdk_pixbuf_save (big, dst, "jpeg", &error, "quality", "90", NULL);
      g_assert_no_error (error);
    }
}

/* Keeps the worst of each figure of @from in @into. */
static void
merge_probe (PpStallProbe       *into,
             const PpStallProbe *from)
{
  into->max_timeout_gap_us = MAX (into->max_timeout_gap_us, from->max_timeout_gap_us);
  into->max_tick_gap_us = MAX (into->max_tick_gap_us, from->max_tick_gap_us);
  into->max_busy_us = MAX (into->max_busy_us, from->max_busy_us);
  into->max_own_busy_us = MAX (into->max_own_busy_us, from->max_own_busy_us);
  into->max_frame_us = MAX (into->max_frame_us, from->max_frame_us);
  into->max_wait_us = MAX (into->max_wait_us, from->max_wait_us);
  into->max_blocked_us = MAX (into->max_blocked_us, from->max_blocked_us);
  into->n_timeouts += from->n_timeouts;
  into->n_ticks += from->n_ticks;
  into->n_gaps += from->n_gaps;
  into->n_own_over_budget += from->n_own_over_budget;
  for (guint i = 0; i < from->n_frames && into->n_frames < PP_PROBE_MAX_FRAMES; i++)
    into->frame_us[into->n_frames++] = from->frame_us[i];
}

static void
test_stall (Fixture       *fixture,
            gconstpointer  data)
{
  PpWindow *window = fixture->window;
  g_autofree char *big = g_build_filename (fixture->tmp, "big", NULL);
  g_autofree char *report_path = NULL;
  g_autofree char *report = NULL;
  g_autofree char *loadavg = NULL;
  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  PpStallProbe probe, idle, batch_probe = { 0 };
  gboolean shot = FALSE;
  guint n_files = 8;
  gint64 start, full_frame_us, selected_at, rendered_at = 0;
  guint renders_before = 0;

  /* meson sets MALLOC_PERTURB_ for tests: glibc then fills every block it hands out or takes
   * back, 48 MB at a time for these images, on whichever thread frees it. Users do not run
   * with it; the budget is about what they get. */
  mallopt (M_PERTURB, 0);
  make_big_jpegs (big, n_files);
  g_settings_set_string (fixture->settings, "output-format", "jpeg");
  open_folder (fixture, big, n_files);
  activate (GTK_WIDGET (window->chain_editor), "chain.load-preset",
            g_variant_new_string ("Brighten"));
  activate (GTK_WIDGET (window->chain_editor), "chain.add", g_variant_new_string ("sharpen"));
  PP_WAIT_UNTIL (g_str_has_prefix (pp_preview_get_status (window->preview), "Processed in") &&
                 !pp_preview_get_busy (window->preview), 60);
  PP_WAIT_UNTIL (pp_thumbnail_grid_get_n_thumbnails (window->thumbnail_grid) == n_files, 60);
  pp_test_screenshot (GTK_WIDGET (window), "main");

  /* For scale: what one whole frame of this window costs this renderer on this machine, and
   * the probe with nothing running (on a shared machine the main thread also waits for other
   * processes). */
  full_frame_us = pp_test_full_frame_us (GTK_WIDGET (window));
  pp_stall_probe_start (&idle, GTK_WIDGET (window));
  pp_test_run_for (2000);
  pp_stall_probe_stop (&idle);

  /* Measure over the whole Compare, a serial run then a parallel one, untouched (so the
   * comparison stays fair); the probe pauses for the screenshot, which renders on this thread. */
  pp_stall_probe_start (&probe, GTK_WIDGET (window));
  start = g_get_monotonic_time ();
  activate (GTK_WIDGET (window), "win.compare", NULL);
  while (_pp_window_is_running (window))
    {
      pp_test_iterate ();
      if (!shot && parallel_done (window) >= 3)
        {
          pp_stall_probe_stop (&probe);
          merge_probe (&batch_probe, &probe);
          pp_test_screenshot (GTK_WIDGET (window), "batch");
          shot = TRUE;
          pp_stall_probe_start (&probe, GTK_WIDGET (window));
        }
      g_assert_cmpint (g_get_monotonic_time () - start, <, 180 * G_USEC_PER_SEC);
    }
  pp_stall_probe_stop (&probe);
  g_assert_true (shot);
  merge_probe (&batch_probe, &probe);
  /* The probe really ran through the batch. */
  g_assert_cmpuint (batch_probe.n_timeouts, >, 20);
  g_assert_cmpuint (pp_timings_view_get_n_runs (window->timings_view), ==, 2);
  g_assert_cmpfloat (pp_timings_view_get_speedup (window->timings_view,
                                                  pp_timings_view_get_run (window->timings_view,
                                                                           1)), >, 0);
  adw_view_stack_set_visible_child_name (window->view_stack, "timings");
  pp_test_screenshot (GTK_WIDGET (window), "timings");
  adw_view_stack_set_visible_child_name (window->view_stack, "images");

  /* The window stays usable during a run: browse to another image and preview it while a
   * plain Process runs, probing the main loop meanwhile. */
  pp_stall_probe_start (&probe, GTK_WIDGET (window));
  activate (GTK_WIDGET (window), "win.process", NULL);
  PP_WAIT_UNTIL (parallel_done (window) >= 1 || !_pp_window_is_running (window), 120);
  g_assert_true (_pp_window_is_running (window));
  renders_before = pp_preview_get_n_renders (window->preview);
  selected_at = g_get_monotonic_time ();
  pp_thumbnail_grid_select (window->thumbnail_grid, 3);
  while (_pp_window_is_running (window))
    {
      pp_test_iterate ();
      if (rendered_at == 0 && pp_preview_get_n_renders (window->preview) > renders_before)
        rendered_at = g_get_monotonic_time ();
    }
  pp_stall_probe_stop (&probe);
  g_test_message ("preview of another image during the run: %s",
                  rendered_at ? "rendered before the run ended" : "after the run");
  PP_WAIT_UNTIL (pp_preview_get_n_renders (window->preview) > renders_before, 60);

  if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
    *strchr (loadavg, ' ') = '\0';
  else
    loadavg = g_strdup ("unknown");
  report = g_strdup_printf (
    "during a Compare of %u 12-megapixel JPEGs (serial, then parallel on 2 threads): longest "
    "gap %.1f ms between 5 ms timeouts, %.1f ms between frame-clock ticks; main thread busy at "
    "most %.1f ms of a gap, %.1f ms of it its own work outside frames; costliest frame %.1f ms\n"
    "during a Process while browsing to another image: longest gap %.1f ms, %.1f ms between "
    "ticks; busy %.1f ms, own work %.1f ms; costliest frame %.1f ms; the preview rendered %.0f "
    "ms after the click%s\n"
    "for scale: one whole frame of the window %.1f ms; idle: longest gap %.1f ms, busy %.1f ms "
    "(load average %s, renderer %s)\n",
    n_files, batch_probe.max_timeout_gap_us / 1e3, batch_probe.max_tick_gap_us / 1e3,
    batch_probe.max_busy_us / 1e3, batch_probe.max_own_busy_us / 1e3,
    batch_probe.max_frame_us / 1e3, probe.max_timeout_gap_us / 1e3,
    probe.max_tick_gap_us / 1e3, probe.max_busy_us / 1e3, probe.max_own_busy_us / 1e3,
    probe.max_frame_us / 1e3, rendered_at ? (rendered_at - selected_at) / 1e3 : -1.0,
    rendered_at ? "" : " (only after the run ended)", full_frame_us / 1e3,
    idle.max_timeout_gap_us / 1e3, idle.max_busy_us / 1e3, loadavg,
    G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  g_test_message ("%s", report);
  report_path = g_build_filename (builddir ? builddir : ".", "stall.txt", NULL);
  g_file_set_contents (report_path, report, -1, NULL);

  /* The budget, tests/ui/pp-ui-budget.h. */
  pp_budget_assert (&batch_probe, "during a Compare", full_frame_us);
  pp_budget_assert (&probe, "during a Process while browsing", full_frame_us);
  if (rendered_at == 0)
    g_error ("the preview of another image only came after the run ended");
  if (rendered_at - selected_at > PP_BUDGET_PREVIEW_US)
    g_error ("the preview of another image took %.1f s during a run, over %.0f s",
             (rendered_at - selected_at) / 1e6, PP_BUDGET_PREVIEW_US / 1e6);
}

int
main (int    argc,
      char **argv)
{
  /* Before any thread exists: presets and scratch folders in a home of the test's own. */
  g_autofree char *home = pp_ui_test_init (&argc, &argv);
  int status;

  /* As the application does at startup (app/pp-application.c), before the pool has threads:
   * workers yield to the main thread, which is what the stall test measures. */
  pp_scheduler_set_worker_niceness (5);

  g_test_add ("/pp/ui/window/workflow", Fixture, NULL, fixture_set_up, test_workflow,
              fixture_tear_down);
  g_test_add ("/pp/ui/window/unwritable-output", Fixture, NULL, fixture_set_up,
              test_unwritable_output, fixture_tear_down);
  g_test_add ("/pp/ui/window/failures-and-cancel", Fixture, NULL, fixture_set_up,
              test_failures_and_cancel, fixture_tear_down);
  g_test_add ("/pp/ui/window/presets", Fixture, NULL, fixture_set_up, test_presets,
              fixture_tear_down);
  g_test_add ("/pp/ui/window/output-settings", Fixture, NULL, fixture_set_up,
              test_output_settings, fixture_tear_down);
  g_test_add ("/pp/ui/window/drop", Fixture, NULL, fixture_set_up, test_drop,
              fixture_tear_down);
  g_test_add ("/pp/ui/window/stall", Fixture, NULL, fixture_set_up, test_stall,
              fixture_tear_down);
  status = g_test_run ();
  pp_ui_test_remove_tree (home);
  return status;
}
