/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The thumbnail grid on a folder of 10,000 small images: time to the first thumbnails, only
 * bound cells decoded, broken files shown with their reason, and scrolling to the end.
 */
#include "config.h"

#include "pp-thumbnail-grid.h"
#include "pp-ui-budget.h"
#include "pp-ui-test-util.h"

#include <malloc.h>

#define N_FILES 10000

static char *
make_folder (guint n_files)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("parapix-grid-XXXXXX", &error);
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 96, 64);
  g_autofree char *jpeg = NULL;
  gsize size;

  g_assert_no_error (error);
  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &jpeg, &size, "jpeg", &error, NULL));
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *name = g_strdup_printf ("image-%05u.jpg", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_true (g_file_set_contents (path, jpeg, size, &error));
    }
  /* A damaged image sorts first, so it is on screen. */
  {
    g_autofree char *path = g_build_filename (dir, "a-broken.jpg", NULL);

    g_assert_true (g_file_set_contents (path, jpeg, size / 3, &error));
  }
  return dir;
}

static void
remove_folder (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static guint
count_state (GListModel      *model,
             PpThumbnailState state)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (PpImageItem) item = g_list_model_get_item (model, i);

      if (pp_image_item_get_state (item) == state)
        n++;
    }
  return n;
}

static void
test_ten_thousand (void)
{
  g_autofree char *dir = make_folder (N_FILES);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  GtkWidget *window = gtk_window_new ();
  PpThumbnailGrid *grid = g_object_new (PP_TYPE_THUMBNAIL_GRID, NULL);
  GListModel *model = pp_thumbnail_grid_get_model (grid);
  g_autoptr (PpImageItem) broken = NULL;
  char *report = NULL;
  g_autofree char *report_path = NULL;
  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  gint64 start, listed_us, first_us, screen_us, full_frame_us;
  guint ready, none;
  GtkWidget *scrolled;
  GtkAdjustment *adjustment;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (grid));
  gtk_window_present (GTK_WINDOW (window));
  PP_WAIT_UNTIL (gtk_widget_get_mapped (window), 10);

  start = g_get_monotonic_time ();
  pp_thumbnail_grid_load_folder (grid, folder);
  PP_WAIT_UNTIL (!pp_thumbnail_grid_get_loading (grid), 30);
  listed_us = g_get_monotonic_time () - start;
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_FILES + 1);
  PP_WAIT_UNTIL (pp_thumbnail_grid_get_n_thumbnails (grid) > 0, 30);
  first_us = g_get_monotonic_time () - start;
  /* The first screen is done when nothing bound is still waiting. */
  PP_WAIT_UNTIL (count_state (model, PP_THUMBNAIL_QUEUED) == 0 &&
                 count_state (model, PP_THUMBNAIL_LOADING) == 0, 60);
  screen_us = g_get_monotonic_time () - start;

  ready = count_state (model, PP_THUMBNAIL_READY);
  none = count_state (model, PP_THUMBNAIL_NONE);
  report = g_strdup_printf ("%u files: listed in %.0f ms, first thumbnails after %.0f ms, first "
                            "screen (%u thumbnails) after %.0f ms; %u never decoded\n",
                            N_FILES + 1, listed_us / 1e3, first_us / 1e3, ready, screen_us / 1e3,
                            none);
  g_test_message ("%s", report);
  report_path = g_build_filename (builddir ? builddir : ".", "thumbnails.txt", NULL);
  g_file_set_contents (report_path, report, -1, NULL);

  /* Only what was bound was decoded: far fewer than the folder. */
  g_assert_cmpuint (ready, >, 0);
  g_assert_cmpuint (ready, <, 1000);
  g_assert_cmpuint (none, >, N_FILES - 1000);

  broken = g_list_model_get_item (model, 0);
  g_assert_cmpstr (pp_image_item_get_name (broken), ==, "a-broken.jpg");
  g_assert_cmpint (pp_image_item_get_state (broken), ==, PP_THUMBNAIL_FAILED);
  g_assert_nonnull (pp_image_item_get_error (broken));
  g_test_message ("broken file: %s", pp_image_item_get_error (broken));

  scrolled = gtk_widget_get_first_child (GTK_WIDGET (grid));
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

  /* Scroll smoothly through a few thousand files, one step per frame, and probe the main loop:
   * binding cells queues decodes, it must never wait for them. The budget is
   * tests/ui/pp-ui-budget.h's (without MALLOC_PERTURB_, as it explains). */
  mallopt (M_PERTURB, 0);
  full_frame_us = pp_test_full_frame_us (GTK_WIDGET (grid));
  {
    PpStallProbe probe;
    gint64 scroll_start = g_get_monotonic_time ();
    g_autofree char *line = NULL;
    guint frames = 0;

    pp_stall_probe_start (&probe, GTK_WIDGET (grid));
    while (g_get_monotonic_time () - scroll_start < 3 * G_USEC_PER_SEC)
      {
        guint ticks = probe.n_ticks;

        gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + 60);
        /* One frame per step. */
        while (probe.n_ticks == ticks &&
               g_get_monotonic_time () - scroll_start < 4 * G_USEC_PER_SEC)
          pp_test_iterate ();
        frames++;
      }
    pp_stall_probe_stop (&probe);
    line = g_strdup_printf ("scrolling %u frames (%.0f px): longest gap %.1f ms between frame "
                            "ticks, %.1f ms between 5 ms timeouts; main thread busy at most "
                            "%.1f ms of a gap, %.1f ms of it its own work outside frames; "
                            "costliest frame %.1f ms, a whole window %.1f ms; %u thumbnails "
                            "decoded so far\n",
                            frames, gtk_adjustment_get_value (adjustment),
                            probe.max_tick_gap_us / 1e3, probe.max_timeout_gap_us / 1e3,
                            probe.max_busy_us / 1e3, probe.max_own_busy_us / 1e3,
                            probe.max_frame_us / 1e3, full_frame_us / 1e3,
                            count_state (model, PP_THUMBNAIL_READY));
    g_test_message ("%s", line);
    {
      char *joined = g_strconcat (report, line, NULL);

      g_free (report);
      report = joined;
    }
    g_file_set_contents (report_path, report, -1, NULL);
    g_assert_cmpuint (frames, >, 10);
    pp_budget_assert (&probe, "scrolling the grid", full_frame_us);
  }

  /* Scroll to the end: the last cells get their thumbnails too. */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  {
    g_autoptr (PpImageItem) last = g_list_model_get_item (model, N_FILES);

    PP_WAIT_UNTIL (pp_image_item_get_state (last) == PP_THUMBNAIL_READY, 30);
  }
  g_assert_cmpuint (count_state (model, PP_THUMBNAIL_READY), <, 2000);

  gtk_window_destroy (GTK_WINDOW (window));
  pp_test_run_for (100);
  remove_folder (dir);
  g_free (report);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/pp/ui/thumbnail-grid/ten-thousand", test_ten_thousand);
  return g_test_run ();
}
