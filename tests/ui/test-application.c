/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application: `parapix FOLDER` opens the window on the folder, the shortcuts window and
 * the About window open from their actions, and app.quit closes everything.
 */
#include "config.h"

#include "pp-application.h"
#include "pp-ui-test-util.h"
#include "pp-window-private.h"

typedef struct
{
  gboolean checked;
} State;

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

static gboolean
check_window (gpointer data)
{
  GApplication *app = g_application_get_default ();
  State *state = data;
  PpWindow *window = PP_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));

  g_assert_nonnull (window);
  PP_WAIT_UNTIL (g_list_model_get_n_items (
                   pp_thumbnail_grid_get_model (window->thumbnail_grid)) == 8, 20);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "content");

  /* Ctrl+? — GtkApplication wires win.show-help-overlay from gtk/help-overlay.ui. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  PP_WAIT_UNTIL (find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW) != NULL, 10);
  gtk_window_destroy (find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW));
  g_assert_cmpstr (gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                          "win.show-help-overlay")[0], !=, NULL);

  /* Not installed: find the app icon in the source tree, as the installed theme would. */
  {
    g_autofree char *icons = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "data", "icons", NULL);

    gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    icons);
  }
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  PP_WAIT_UNTIL (find_toplevel (ADW_TYPE_ABOUT_WINDOW) != NULL, 10);
  pp_test_screenshot (GTK_WIDGET (find_toplevel (ADW_TYPE_ABOUT_WINDOW)), "about");
  gtk_window_destroy (find_toplevel (ADW_TYPE_ABOUT_WINDOW));

  state->checked = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
test_open_folder (void)
{
  g_autoptr (PpApplication) app = pp_application_new ();
  const char *samples = g_getenv ("PP_SAMPLES_DIR");
  char *argv[] = { (char *) "parapix", (char *) samples, NULL };
  State state = { FALSE };
  int status;

  /* No session bus under Xvfb in CI: run as a local instance. */
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) |
                           G_APPLICATION_NON_UNIQUE);
  g_idle_add (check_window, &state);
  status = g_application_run (G_APPLICATION (app), 2, argv);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (state.checked);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/ui/application/open-folder", test_open_folder);
  return g_test_run ();
}
