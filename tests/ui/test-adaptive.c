/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window fits any size down to a phone's (issue 12, item 4): at 1400x900, 800x600 and
 * 360x720 it is allocated exactly the size asked for (its minimum fits), the preview gets a
 * useful share at 800x600 (it was 80 px), and at 360 px the sidebar folds, the run controls
 * collapse into one button and grid and preview become pages of a leaflet. From 1000 px, the
 * default size included, the filter chain is docked beside the images (at the default size it
 * was folded away, and a new user saw no way to add a filter); at 800 it folds.
 */
#include "config.h"

#include "pp-ui-test-util.h"
#include "pp-window-private.h"

typedef PpUiWindowFixture Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *out = NULL;

  fixture->tmp = g_dir_make_tmp ("parapix-adaptive-XXXXXX", NULL);
  fixture->settings = g_settings_new (APP_ID);
  out = g_build_filename (fixture->tmp, "out", NULL);
  pp_ui_test_set_output (fixture->settings, out);
  g_settings_set_string (fixture->settings, "pipeline", "exposure=0.5,saturation=20");
}

/* Whether @widget lies inside the window's allocation (it is not clipped by the window edge). */
static void
assert_inside (PpWindow  *window,
               GtkWidget *widget,
               const char *what)
{
  graphene_rect_t bounds;
  int width = gtk_widget_get_width (GTK_WIDGET (window));
  int height = gtk_widget_get_height (GTK_WIDGET (window));

  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), &bounds));
  g_test_message ("%s: %.0f,%.0f %.0f x %.0f in %d x %d", what, bounds.origin.x, bounds.origin.y,
                  bounds.size.width, bounds.size.height, width, height);
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, width + 0.5);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, height + 0.5);
}

static void
open_window (Fixture *fixture,
             int      width,
             int      height)
{
  const char *samples = g_getenv ("PP_SAMPLES_DIR");
  g_autoptr (GFile) folder = g_file_new_for_path (samples);
  GFile *files[1] = { folder };
  PpWindow *window;

  g_settings_set_int (fixture->settings, "window-width", width);
  g_settings_set_int (fixture->settings, "window-height", height);
  fixture->window = window = pp_ui_test_new_window ();
  pp_window_open_files (window, files, 1);
  PP_WAIT_UNTIL (!pp_thumbnail_grid_get_loading (window->thumbnail_grid) &&
                 pp_thumbnail_grid_get_n_thumbnails (window->thumbnail_grid) > 0, 60);
  /* Without a window manager's frame, GTK keeps a few pixels of the default size for its
   * client-side decoration's border: the window proper is up to 10 px smaller. */
  PP_WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) >= width - 10 &&
                 gtk_widget_get_width (GTK_WIDGET (window)) <= width &&
                 gtk_widget_get_height (GTK_WIDGET (window)) >= height - 10, 10);
  pp_test_run_for (300);
}

static void
test_size (Fixture       *fixture,
           gconstpointer  data)
{
  const int *size = data;
  int width = size[0], height = size[1];
  PpWindow *window;
  int min_width, nat_width;
  g_autofree char *name = NULL;

  if (width == 0)
    {
      /* The size a new user gets: the schema's (the window keeps its size in GSettings). */
      g_settings_reset (fixture->settings, "window-width");
      g_settings_reset (fixture->settings, "window-height");
      width = g_settings_get_int (fixture->settings, "window-width");
      height = g_settings_get_int (fixture->settings, "window-height");
      g_test_message ("default size %d x %d", width, height);
    }
  open_window (fixture, width, height);
  window = fixture->window;

  /* What the window needs fits the phone width, so nothing is cut at the window's edge. */
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min_width,
                      &nat_width, NULL, NULL);
  g_test_message ("window minimum width %d", min_width);
  g_assert_cmpint (min_width, <=, 360);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, width);

  assert_inside (window, adw_squeezer_get_visible_child (window->process_squeezer), "Process");
  assert_inside (window, GTK_WIDGET (window->batch_bar), "batch bar");
  assert_inside (window, GTK_WIDGET (window->thumbnail_grid), "grid");

  if (width >= 800)
    {
      /* Grid and preview side by side, the preview with a real share of the width (just
       * above the fold point, beside the docked chain's 340 px: the 280 px it asks for). */
      int share = width >= 1000 && width < 1200 ? 280 : width / 3;

      g_assert_false (adw_leaflet_get_folded (window->images_leaflet));
      assert_inside (window, GTK_WIDGET (window->preview), "preview");
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window->preview)), >=, share);
      g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window->preview)), >=, height / 2);
    }
  if (width >= 1000)
    {
      /* Wide enough for all three (the default 1200 included): the chain is docked beside
       * the images, not folded away, so a new user sees where filters are added. */
      graphene_rect_t chain, grid;

      g_assert_false (adw_flap_get_folded (window->flap));
      g_assert_true (adw_flap_get_reveal_flap (window->flap));
      assert_inside (window, GTK_WIDGET (window->chain_editor), "chain editor");
      g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (window->chain_editor),
                                                GTK_WIDGET (window), &chain));
      g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (window->thumbnail_grid),
                                                GTK_WIDGET (window), &grid));
      g_assert_cmpfloat (chain.origin.x + chain.size.width, <=, grid.origin.x);
    }
  else
    {
      /* Narrow: the chain folds away and opens over the content on demand. */
      g_assert_true (adw_flap_get_folded (window->flap));
      g_assert_false (adw_flap_get_reveal_flap (window->flap));
    }
  if (width >= 1400)
    {
      g_assert_true (adw_flap_get_reveal_flap (window->flap));
      g_assert_true (adw_squeezer_get_visible_child (window->run_squeezer) ==
                     GTK_WIDGET (window->mode_box));
    }
  name = size[0] == 0 ? g_strdup ("adaptive-default")
                      : g_strdup_printf ("adaptive-%dx%d", width, height);
  pp_test_screenshot (GTK_WIDGET (window), name);
  if (width <= 400)
    {
      /* Phone: sidebar folded away, run controls in one button, grid and preview as pages. */
      g_assert_true (adw_flap_get_folded (window->flap));
      g_assert_false (adw_flap_get_reveal_flap (window->flap));
      g_assert_true (adw_squeezer_get_visible_child (window->run_squeezer) ==
                     GTK_WIDGET (window->run_menu_button));
      g_assert_true (adw_leaflet_get_folded (window->images_leaflet));
      g_assert_cmpstr (adw_leaflet_get_visible_child_name (window->images_leaflet), ==, "grid");
      g_signal_emit_by_name (window->thumbnail_grid, "activate", 0u);
      PP_WAIT_UNTIL (g_strcmp0 (adw_leaflet_get_visible_child_name (window->images_leaflet),
                                "preview") == 0, 5);
      pp_test_run_for (400); /* the slide */
      assert_inside (window, GTK_WIDGET (window->preview), "preview page");
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window->preview)), >=, width - 40);
      assert_inside (window, GTK_WIDGET (window->back_button), "back");
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back-to-grid", NULL));
      PP_WAIT_UNTIL (g_strcmp0 (adw_leaflet_get_visible_child_name (window->images_leaflet),
                                "grid") == 0, 5);
      /* The sidebar still opens (over the content). */
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-sidebar",
                                                 NULL));
      PP_WAIT_UNTIL (adw_flap_get_reveal_flap (window->flap), 5);
      pp_test_run_for (400);
      assert_inside (window, GTK_WIDGET (window->chain_editor), "chain editor");
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-sidebar",
                                                 NULL));
    }
}

int
main (int    argc,
      char **argv)
{
  static const int large[2] = { 1400, 900 };
  static const int medium[2] = { 800, 600 };
  static const int standard[2] = { 1200, 780 };
  static const int smallest_docked[2] = { 1000, 700 };
  static const int default_size[2] = { 0, 0 };
  static const int phone[2] = { 360, 720 };
  g_autofree char *home = pp_ui_test_init (&argc, &argv);

  /* GNOME's title bar: a close button only. Bare Xvfb's default adds minimize and maximize,
   * which no phone (and no default GNOME) shows. */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);

  g_test_add ("/pp/ui/adaptive/1400x900", Fixture, large, fixture_set_up, test_size,
              pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/adaptive/default", Fixture, default_size, fixture_set_up, test_size,
              pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/adaptive/1000x700", Fixture, smallest_docked, fixture_set_up, test_size,
              pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/adaptive/1200x780", Fixture, standard, fixture_set_up, test_size,
              pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/adaptive/800x600", Fixture, medium, fixture_set_up, test_size,
              pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/adaptive/360x720", Fixture, phone, fixture_set_up, test_size,
              pp_ui_window_fixture_tear_down);
  return g_test_run ();
}
