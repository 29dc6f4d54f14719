/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * parapix-screenshots: takes the pictures in data/screenshots/ — the real window on the sample
 * photos, filling the X screen it runs on, in each state a user meets: empty (no folder yet),
 * main (a folder, a chain and its preview), timings (after a Compare: the serial and the
 * parallel run on one time axis), each light and dark. tools/screenshots runs it under Xvfb at
 * each size; a picture is the whole X screen (ImageMagick's `import -window root`), so it shows
 * what a person sees, popovers and all. Not a test: it asserts only that each state came.
 *
 * Usage: parapix-screenshots OUTDIR SUFFIX   (writes OUTDIR/STATE-SUFFIX[-dark].png)
 */
#include "config.h"

#include "pp-ui-test-util.h"
#include "pp-window-private.h"

static const char *out_dir;
static const char *suffix;
static GtkWidget *shown;

static void
shoot (const char *state,
       gboolean    dark)
{
  g_autofree char *name = g_strdup_printf ("%s-%s%s.png", state, suffix, dark ? "-dark" : "");
  g_autofree char *path = g_build_filename (out_dir, name, NULL);
  const char *argv[] = { "import", "-window", "root", path, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  /* Let the style change, the layout and a few frames settle before the X server is read; a
   * whole redraw, as the view switcher's buttons were seen stale under Xvfb otherwise. */
  gtk_widget_queue_draw (shown);
  pp_test_run_for (800);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("import %s: %s", path, error->message);
  g_print ("%s\n", path);
}

static void
shoot_both (const char *state)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  /* Dark first: the switch back to light restyles every widget, which the light picture needs
   * (under Xvfb the view switcher kept "Images" highlighted after a page change otherwise). */
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  shoot (state, TRUE);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  shoot (state, FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = g_dir_make_tmp ("parapix-screenshots-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (home, "out", NULL);
  g_autoptr (GFile) out_file = g_file_new_for_path (out);
  g_autofree char *out_uri = g_file_get_uri (out_file);
  g_autoptr (GFile) samples = NULL;
  g_autoptr (GSettings) settings = NULL;
  GdkMonitor *monitor;
  GdkRectangle screen;
  PpWindow *window;

  if (argc != 3)
    {
      g_printerr ("usage: %s OUTDIR SUFFIX\n", argv[0]);
      return 2;
    }
  out_dir = argv[1];
  suffix = argv[2];
  /* Before GLib caches them: no presets, history or scratch folders of the person running it. */
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  gtk_init ();
  adw_init ();
  /* GNOME's title bar (a close button only), not bare X's minimize and maximize. */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);

  monitor = g_list_model_get_item (gdk_display_get_monitors (gdk_display_get_default ()), 0);
  gdk_monitor_get_geometry (monitor, &screen);
  g_object_unref (monitor);
  settings = g_settings_new (APP_ID);
  g_settings_set_int (settings, "window-width", screen.width);
  g_settings_set_int (settings, "window-height", screen.height);
  g_settings_set_boolean (settings, "window-maximized", FALSE);
  g_settings_set_string (settings, "output-folder", out_uri);
  g_settings_set_string (settings, "pipeline", "");
  g_settings_set_uint (settings, "threads", 2);

  window = g_object_ref_sink (pp_window_new (NULL));
  shown = GTK_WIDGET (window);
  gtk_window_present (GTK_WINDOW (window));
  PP_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), 10);
  shoot_both ("empty");

  /* A folder, an image, a chain and its preview. */
  samples = g_file_new_for_path (g_getenv ("PP_SAMPLES_DIR"));
  pp_window_open_files (window, (GFile *[]) { samples }, 1);
  PP_WAIT_UNTIL (!pp_thumbnail_grid_get_loading (window->thumbnail_grid) &&
                 pp_thumbnail_grid_get_n_thumbnails (window->thumbnail_grid) == 8, 60);
  pp_thumbnail_grid_select (window->thumbnail_grid, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window->chain_editor),
                                             "chain.load-preset", "s", "Brighten"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window->chain_editor), "chain.add",
                                             "s", "saturation"));
  /* On a phone the grid and the preview are pages: show the preview, as a tap would. */
  if (adw_leaflet_get_folded (window->images_leaflet))
    g_signal_emit_by_name (window->thumbnail_grid, "activate", 2u);
  PP_WAIT_UNTIL (g_str_has_prefix (pp_preview_get_status (window->preview), "Processed in") &&
                 !pp_preview_get_busy (window->preview), 60);
  shoot_both ("main");

  /* Compare: the serial and the parallel run on one time axis. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.compare", NULL));
  PP_WAIT_UNTIL (!_pp_window_is_running (window), 300);
  adw_view_stack_set_visible_child_name (window->view_stack, "timings");
  shoot_both ("timings");

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  pp_test_run_for (100);
  pp_ui_test_remove_tree (home);
  return 0;
}
