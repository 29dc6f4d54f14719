/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window does with folders that are not a tidy set of photos (issue 12, items 3, 9
 * and 10): an empty folder and a folder of non-images get a status page and no Process (and
 * nothing is written); a folder with a 0-byte file, a picture without an extension, a hidden
 * image and a text file lists exactly the files a batch counts, the broken ones as broken tiles
 * whose names say so, and the preview shows the reason in words; the grid is one Tab stop. A
 * folder that does not exist, or cannot be read, is named in a toast that says so.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "pp-thumbnail-cell.h"
#include "pp-ui-test-util.h"
#include "pp-window-private.h"

typedef PpUiWindowFixture Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->tmp = g_dir_make_tmp ("parapix-states-XXXXXX", NULL);
  fixture->in = g_build_filename (fixture->tmp, "in", NULL);
  fixture->out = g_build_filename (fixture->tmp, "in", "processed", NULL);
  g_mkdir (fixture->in, 0755);
  fixture->settings = g_settings_new (APP_ID);
  /* The default output folder: "processed" inside the input. */
  g_settings_set_string (fixture->settings, "output-folder", "");
  g_settings_set_string (fixture->settings, "pipeline", "exposure=0.3");
  g_settings_set_int (fixture->settings, "window-width", 1200);
  g_settings_set_int (fixture->settings, "window-height", 760);
  fixture->window = pp_ui_test_new_window ();
}

static void
write_file (const char *folder,
            const char *name,
            const char *contents,
            gssize      length)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, length, NULL));
}

static void
copy_sample (const char *name,
             const char *folder,
             const char *as)
{
  g_autofree char *from = g_build_filename (g_getenv ("PP_SAMPLES_DIR"), name, NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  write_file (folder, as, contents, length);
}

static void
open_folder (Fixture *fixture)
{
  g_autoptr (GFile) folder = g_file_new_for_path (fixture->in);
  GFile *files[1] = { folder };

  pp_window_open_files (fixture->window, files, 1);
  PP_WAIT_UNTIL (!pp_thumbnail_grid_get_loading (fixture->window->thumbnail_grid), 20);
  pp_test_run_for (100);
}

/* Process is off, and forcing it writes nothing and records no run. */
static void
assert_nothing_to_process (Fixture *fixture)
{
  PpWindow *window = fixture->window;

  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (window->process_button)));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (window->compare_button)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.process", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.compare", NULL);
  pp_test_run_for (200);
  g_assert_false (_pp_window_is_running (window));
  g_assert_cmpuint (pp_timings_view_get_n_runs (window->timings_view), ==, 0);
  g_assert_false (g_file_test (fixture->out, G_FILE_TEST_EXISTS));
}

static void
test_empty (Fixture       *fixture,
            gconstpointer  data)
{
  PpWindow *window = fixture->window;

  open_folder (fixture);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->images_stack), ==, "no-images");
  g_assert_nonnull (strstr (adw_status_page_get_description (window->no_images_page),
                            "is empty"));
  g_assert_nonnull (strstr (adw_view_switcher_title_get_subtitle (window->switcher_title),
                            "0 images"));
  assert_nothing_to_process (fixture);
  pp_test_screenshot (GTK_WIDGET (window), "folder-empty");
}

static void
test_only_non_images (Fixture       *fixture,
                      gconstpointer  data)
{
  PpWindow *window = fixture->window;

  write_file (fixture->in, "notes.txt", "shopping list\n", -1);
  write_file (fixture->in, "clip.mp4", "\0\0\0\x18" "ftypmp42", 12);
  write_file (fixture->in, "README", "# read me\n", -1);
  g_mkdir (g_build_filename (fixture->in, "sub", NULL), 0755);
  open_folder (fixture);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->images_stack), ==, "no-images");
  g_test_message ("%s", adw_status_page_get_description (window->no_images_page));
  g_assert_nonnull (strstr (adw_status_page_get_description (window->no_images_page),
                            "has 3 files, but none is an image"));
  assert_nothing_to_process (fixture);
  pp_test_screenshot (GTK_WIDGET (window), "folder-no-images");
}

static gboolean
is_label_on_screen (GtkWidget     *widget,
                    gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* The label on screen under @widget (a toast's) whose text is @text, or NULL. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  return pp_ui_test_find_widget (widget, is_label_on_screen, text);
}

/* Opening @path shows a toast that says @expected, in those words, and opens nothing. */
static void
assert_not_opened (Fixture    *fixture,
                   const char *path,
                   const char *expected)
{
  PpWindow *window = fixture->window;
  g_autoptr (GFile) file = g_file_new_for_path (path);
  GFile *files[1] = { file };

  pp_window_open_files (window, files, 1);
  PP_WAIT_UNTIL (find_label (GTK_WIDGET (window->toast_overlay), expected) != NULL, 5);
  g_assert_null (find_label (GTK_WIDGET (window->toast_overlay),
                             "Nothing to open: those are not image files"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "empty");
  g_assert_null (window->folder);
  g_assert_null (window->files);
}

/* A folder that is not there is named, and said not to exist (it was "not image files"); a
 * name with "&" stays text in the toast (its title is markup). */
static void
test_missing (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (fixture->tmp, "Tom & Jerry", "no such", NULL);
  g_autofree char *expected = g_strdup_printf ("“%s” does not exist", missing);
  g_autofree char *through_file = g_build_filename (fixture->in, "notes.txt", "x", NULL);
  g_autofree char *expected_file = g_strdup_printf ("“%s” does not exist", through_file);

  assert_not_opened (fixture, missing, expected);
  write_file (fixture->in, "notes.txt", "shopping list\n", -1);
  assert_not_opened (fixture, through_file, expected_file);
  pp_test_screenshot (GTK_WIDGET (fixture->window), "folder-missing");
}

/* A folder Parapix may not read says so, instead of looking empty or "not image files". */
static void
test_unreadable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *expected = g_strdup_printf ("“%s” cannot be read: permission denied",
                                               fixture->in);

  if (geteuid () == 0)
    {
      g_test_skip ("root reads any folder");
      return;
    }
  copy_sample ("cat.jpg", fixture->in, "cat.jpg");
  g_assert_cmpint (g_chmod (fixture->in, 0), ==, 0);
  assert_not_opened (fixture, fixture->in, expected);
  g_assert_cmpint (g_chmod (fixture->in, 0755), ==, 0);
}

static PpImageItem *
find_item (PpWindow   *window,
           const char *name,
           guint      *position)
{
  GListModel *model = pp_thumbnail_grid_get_model (window->thumbnail_grid);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (PpImageItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (pp_image_item_get_name (item), name) == 0)
        {
          if (position != NULL)
            *position = i;
          return item; /* the model keeps it */
        }
    }
  return NULL;
}

static void
collect_cells (GtkWidget *widget,
               GPtrArray *cells)
{
  if (PP_IS_THUMBNAIL_CELL (widget))
    g_ptr_array_add (cells, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_cells (child, cells);
}

static void
test_broken_files (Fixture       *fixture,
                   gconstpointer  data)
{
  PpWindow *window = fixture->window;
  GListModel *model = pp_thumbnail_grid_get_model (window->thumbnail_grid);
  PpImageItem *empty;
  guint position;
  PpRun *run;
  g_autoptr (GPtrArray) cells = g_ptr_array_new ();
  gboolean named = FALSE;

  copy_sample ("cat.jpg", fixture->in, "cat.jpg");
  copy_sample ("leaf.jpg", fixture->in, "photo-without-extension");
  copy_sample ("park.jpg", fixture->in, ".hidden.jpg");
  write_file (fixture->in, "empty.jpg", "", 0);
  write_file (fixture->in, "notes.txt", "not a picture\n", -1);
  open_folder (fixture);

  /* Exactly the files a batch counts: the hidden image and the text file are not among them,
   * the empty file and the picture without an extension are. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_nonnull (find_item (window, "cat.jpg", NULL));
  g_assert_nonnull (find_item (window, "photo-without-extension", NULL));
  empty = find_item (window, "empty.jpg", &position);
  g_assert_nonnull (empty);
  g_assert_nonnull (strstr (adw_view_switcher_title_get_subtitle (window->switcher_title),
                            "3 images"));
  /* Wide or narrow, the bar under the header says what is open (issue 12, item 12). */
  PP_WAIT_UNTIL (g_str_has_prefix (gtk_inscription_get_text (window->progress_label),
                                   "3 images in “in”, ready to process"), 10);

  /* The empty file is a broken tile, its name and state announced in words. */
  PP_WAIT_UNTIL (pp_image_item_get_error (empty) != NULL, 30);
  {
    g_autofree char *description = pp_thumbnail_cell_describe (empty);

    g_test_message ("%s", description);
    g_assert_true (g_str_has_prefix (description, "empty.jpg, cannot be opened: "));
    g_assert_null (strstr (description, "--"));
  }
  collect_cells (GTK_WIDGET (window->thumbnail_grid), cells);
  for (guint i = 0; i < cells->len; i++)
    if (pp_thumbnail_cell_get_item (g_ptr_array_index (cells, i)) == empty)
      {
        GtkWidget *cell = g_ptr_array_index (cells, i);

        g_assert_true (gtk_widget_get_tooltip_text (cell) != NULL);
        g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (cell), "empty"));
        named = TRUE;
      }
  g_assert_true (named);

  /* Selected, the preview says why, in full, instead of a clipped status line. */
  pp_thumbnail_grid_select (window->thumbnail_grid, position);
  PP_WAIT_UNTIL (pp_preview_get_error (window->preview) != NULL, 30);
  pp_test_run_for (100);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->preview_stack), ==, "broken");
  g_assert_nonnull (strstr (adw_status_page_get_title (window->broken_page), "empty.jpg"));
  g_assert_nonnull (strstr (adw_status_page_get_description (window->broken_page), "empty"));
  pp_test_screenshot (GTK_WIDGET (window), "broken-file");

  /* The batch counts the same three files; the empty one is its one failure. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.process", NULL));
  PP_WAIT_UNTIL (!_pp_window_is_running (window), 120);
  run = pp_timings_view_get_run (window->timings_view, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (run)), ==, 3);
  {
    PpRunTotals totals;

    pp_run_get_totals (run, &totals);
    g_assert_cmpuint (totals.n_ok, ==, 2);
    g_assert_cmpuint (totals.n_failed, ==, 1);
  }
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->failures_button)));
  pp_test_screenshot (GTK_WIDGET (window), "failures-button");
}

static gboolean
focus_in_grid (PpWindow *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (window->thumbnail_grid));
}

/* Tab from the grid leaves it in one press; Shift+Tab comes back in one. */
static void
test_one_tab_stop (Fixture       *fixture,
                   gconstpointer  data)
{
  PpWindow *window = fixture->window;
  guint stops_in_grid = 0;

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *name = g_strdup_printf ("image-%u.jpg", i);

      copy_sample ("cat.jpg", fixture->in, name);
    }
  open_folder (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (pp_thumbnail_grid_get_model (
                      window->thumbnail_grid)), ==, 8);
  PP_WAIT_UNTIL (pp_thumbnail_grid_get_n_thumbnails (window->thumbnail_grid) > 0, 30);

  gtk_widget_grab_focus (GTK_WIDGET (window->thumbnail_grid));
  pp_test_run_for (50);
  g_assert_true (focus_in_grid (window));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
  g_assert_false (focus_in_grid (window));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_BACKWARD));
  g_assert_true (focus_in_grid (window));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_BACKWARD));
  g_assert_false (focus_in_grid (window));

  /* A whole round of Tab through the window stops in the grid once. */
  for (guint i = 0; i < 60; i++)
    {
      gboolean before = focus_in_grid (window);

      gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
      if (!before && focus_in_grid (window))
        stops_in_grid++;
      g_assert_false (before && focus_in_grid (window));
    }
  g_test_message ("Tab stopped in the grid %u times in 60 presses", stops_in_grid);
  g_assert_cmpuint (stops_in_grid, >=, 1);

  /* Arrows move inside: Right from the first thumbnail selects... stays in the grid. */
  gtk_widget_grab_focus (GTK_WIDGET (window->thumbnail_grid));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_RIGHT));
  g_assert_true (focus_in_grid (window));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = pp_ui_test_init (&argc, &argv);

  g_test_add ("/pp/ui/folder-states/empty", Fixture, NULL, fixture_set_up, test_empty,
              pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/folder-states/only-non-images", Fixture, NULL, fixture_set_up,
              test_only_non_images, pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/folder-states/missing", Fixture, NULL, fixture_set_up, test_missing,
              pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/folder-states/unreadable", Fixture, NULL, fixture_set_up,
              test_unreadable, pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/folder-states/broken-files", Fixture, NULL, fixture_set_up,
              test_broken_files, pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/folder-states/one-tab-stop", Fixture, NULL, fixture_set_up,
              test_one_tab_stop, pp_ui_window_fixture_tear_down);
  return g_test_run ();
}
