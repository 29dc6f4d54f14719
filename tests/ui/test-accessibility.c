/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The accessible tree of the window, walked in each state a user meets (empty, a folder open
 * with a chain, the Timings and Scaling pages, the failures window, and 360 px wide): every
 * interactive node a user can reach (a button, switch, slider, entry, list item…) must have
 * a name a screen reader can say — its label, a labelled-by relation, or text inside it — and
 * no name may carry a mnemonic underscore ("_Process", read as "underscore Process"). GTK's
 * test accessibility backend holds the same properties AT-SPI would publish, without a bus.
 * Keyboard: the failures window closes with Escape and with Ctrl+W.
 */
#include "config.h"

#include "batch/pp-file-result.h"
#include "pp-failures-dialog.h"
#include "pp-output-dialog.h"
#include "pp-ui-test-util.h"
#include "pp-window-private.h"

typedef PpUiWindowFixture Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *out = NULL;

  f->tmp = g_dir_make_tmp ("parapix-a11y-XXXXXX", NULL);
  out = g_build_filename (f->tmp, "out", NULL);
  f->settings = g_settings_new (APP_ID);
  pp_ui_test_set_output (f->settings, out);
  g_settings_set_string (f->settings, "pipeline", "");
  g_settings_set_int (f->settings, "window-width", 1280);
  g_settings_set_int (f->settings, "window-height", 760);
  f->window = pp_ui_test_new_window ();
}

static gboolean
is_interactive (GtkAccessibleRole role)
{
  switch (role)
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_LIST_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_RADIO:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
    case GTK_ACCESSIBLE_ROLE_SLIDER:
    case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
    case GTK_ACCESSIBLE_ROLE_TREE_ITEM:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The value of @widget's label property, or NULL when it has none. GTK 4.8 has no getter for
 * accessible properties; the test backend's check returns the value when it differs from the
 * one asked for, which a real label never equals. */
static char *
accessible_label (GtkWidget *widget)
{
  char *value;

  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                         GTK_ACCESSIBLE_PROPERTY_LABEL))
    return NULL;
  value = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                              GTK_ACCESSIBLE_PROPERTY_LABEL, "\x01");
  if (value != NULL && *g_strstrip (value) == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

/* Text a screen reader would read from inside @widget: its visible labels and inscriptions. */
static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  const char *own = NULL;

  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    own = gtk_label_get_text (GTK_LABEL (widget));
  else if (GTK_IS_INSCRIPTION (widget))
    own = gtk_inscription_get_text (GTK_INSCRIPTION (widget));
  if (own != NULL && *own != '\0')
    g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", own);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

static gboolean
has_mnemonic_underscore (const char *text)
{
  for (const char *p = text; p != NULL && (p = strchr (p, '_')) != NULL; p++)
    if (g_ascii_isalnum (p[1]) && (p == text || p[-1] == ' '))
      return TRUE;
  return FALSE;
}

/* A path a person can find the node by: types up to the window, with names where there are. */
static char *
describe (GtkWidget *widget)
{
  GString *path = g_string_new (NULL);

  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (w));
      const char *tooltip = gtk_widget_get_tooltip_text (w);

      g_string_prepend (path, id ? id : G_OBJECT_TYPE_NAME (w));
      if (w == widget && tooltip != NULL)
        g_string_append_printf (path, " (tooltip “%s”)", tooltip);
      if (gtk_widget_get_parent (w) != NULL)
        g_string_prepend (path, " > ");
    }
  return g_string_free (path, FALSE);
}

/* Walks the mapped widgets under @widget; appends a line per interactive node without a name
 * (or whose name shows a mnemonic underscore) to @problems. Returns the interactive nodes seen. */
static guint
walk (GtkWidget *widget,
      GString   *problems)
{
  GtkAccessibleRole role;
  guint n = 0;

  if (!gtk_widget_get_mapped (widget))
    return 0;
  role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));
  if (is_interactive (role) && gtk_widget_get_sensitive (widget))
    {
      g_autofree char *label = accessible_label (widget);
      gboolean labelled_by =
        gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                          GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      g_autoptr (GString) text = g_string_new (NULL);

      collect_text (widget, text);
      n++;
      if (label == NULL && !labelled_by && text->len == 0)
        {
          g_autofree char *where = describe (widget);

          g_string_append_printf (problems, "no name: %s\n", where);
        }
      else if (label != NULL && has_mnemonic_underscore (label))
        {
          g_autofree char *where = describe (widget);

          g_string_append_printf (problems, "name “%s” shows its mnemonic: %s\n", label, where);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += walk (child, problems);
  /* A menu button's popover is its child only while it is open: open ones are walked above. */
  return n;
}

static void
assert_all_named (GtkWidget  *root,
                  const char *state,
                  guint       min_nodes)
{
  g_autoptr (GString) problems = g_string_new (NULL);
  guint n;

  pp_test_run_for (150);
  n = walk (root, problems);
  g_test_message ("%s: %u interactive nodes", state, n);
  if (problems->len > 0)
    g_error ("%s: interactive nodes a screen reader cannot name:\n%s", state, problems->str);
  /* The walk really saw the window (a broken walk would pass on nothing). */
  g_assert_cmpuint (n, >=, min_nodes);
}

/* Whether a mapped node under @widget has a name containing @text. */
static gboolean
has_named_node (GtkWidget  *widget,
                const char *text)
{
  g_autofree char *label = NULL;

  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  label = accessible_label (widget);
  if (label != NULL && strstr (label, text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_named_node (child, text))
      return TRUE;
  return FALSE;
}

static void
open_samples (Fixture *f)
{
  g_autoptr (GFile) folder = g_file_new_for_path (g_getenv ("PP_SAMPLES_DIR"));
  GFile *files[1] = { folder };

  pp_window_open_files (f->window, files, 1);
  PP_WAIT_UNTIL (!pp_thumbnail_grid_get_loading (f->window->thumbnail_grid) &&
                 g_list_model_get_n_items (pp_thumbnail_grid_get_model (
                   f->window->thumbnail_grid)) == 8, 30);
  PP_WAIT_UNTIL (pp_thumbnail_grid_get_n_thumbnails (f->window->thumbnail_grid) > 0, 30);
}

static PpRun *
made_up_run (guint threads)
{
  PpRun *run = pp_run_new (threads == 1 ? PP_BATCH_MODE_SERIAL : PP_BATCH_MODE_PARALLEL,
                           threads);

  for (guint i = 0; i < 4; i++)
    {
      PpFileRecord record = { 0 };

      record.input = g_strdup_printf ("/photos/%u.jpg", i);
      record.status = PP_FILE_STATUS_OK;
      record.worker = i % threads;
      record.start_us = 1000000 + (i / threads) * 100000;
      record.end_us = record.start_us + 100000;
      record.decode_us = record.filter_us = record.encode_us = record.write_us = 25000;
      pp_run_append (run, pp_file_result_new_take (&record));
    }
  pp_run_finish (run, 400000 / threads, 400000, FALSE);
  return run;
}

/* @property's text value on @widget (as accessible_label()), or NULL. */
static char *
accessible_text (GtkWidget              *widget,
                 GtkAccessibleProperty   property)
{
  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), property))
    return NULL;
  return gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property, "\x01");
}

/* Sends @keyval to @widget's key controller, as a key press on the focused widget would. */
static gboolean
press_key (GtkWidget *widget,
           guint      keyval)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }
  return handled;
}

/* The preview says its file, its render and, while comparing, where the divider is; the
 * divider moves with the keyboard. */
static void
check_preview (PpPreview *preview)
{
  g_autofree char *label = accessible_text (GTK_WIDGET (preview), GTK_ACCESSIBLE_PROPERTY_LABEL);
  g_autofree char *plain = accessible_text (GTK_WIDGET (preview),
                                            GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_autofree char *halfway = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *edge = NULL;

  g_assert_cmpstr (label, ==, "Preview of leaf.jpg");
  g_assert_nonnull (plain);
  g_assert_cmpstr (plain, !=, "");
  g_assert_cmpstr (plain, ==, pp_preview_get_status (preview));
  g_assert_false (gtk_widget_get_focusable (GTK_WIDGET (preview)));
  g_assert_false (press_key (GTK_WIDGET (preview), GDK_KEY_Right));

  pp_preview_set_compare (preview, TRUE);
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (preview)));
  halfway = accessible_text (GTK_WIDGET (preview), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_assert_nonnull (strstr (halfway, "divider at 50 %"));
  g_assert_nonnull (strstr (halfway, plain));
  g_assert_true (press_key (GTK_WIDGET (preview), GDK_KEY_Right));
  moved = accessible_text (GTK_WIDGET (preview), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_assert_nonnull (strstr (moved, "divider at 55 %"));
  g_assert_true (press_key (GTK_WIDGET (preview), GDK_KEY_Home));
  edge = accessible_text (GTK_WIDGET (preview), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_assert_nonnull (strstr (edge, "divider at 0 %"));
  pp_preview_set_compare (preview, FALSE);
}

static void
test_window_tree (Fixture       *f,
                  gconstpointer  data)
{
  PpWindow *window = f->window;
  g_autoptr (PpRun) serial = made_up_run (1);
  g_autoptr (PpRun) parallel = made_up_run (2);

  assert_all_named (GTK_WIDGET (window), "empty window", 3);

  open_samples (f);
  pp_thumbnail_grid_select (window->thumbnail_grid, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window->chain_editor),
                                             "chain.load-preset", "s", "Brighten"));
  PP_WAIT_UNTIL (!pp_preview_get_busy (window->preview), 30);
  assert_all_named (GTK_WIDGET (window), "a folder open, a chain", 20);
  /* Each thumbnail says its file (not "GtkListItemWidget"). */
  g_assert_true (has_named_node (GTK_WIDGET (window->thumbnail_grid), "leaf.jpg"));
  check_preview (window->preview);

  pp_timings_view_add_run (window->timings_view, serial, "work", "samples", "exposure=0.5",
                           "same");
  pp_timings_view_add_run (window->timings_view, parallel, "work", "samples", "exposure=0.5",
                           "same");
  adw_view_stack_set_visible_child_name (window->view_stack, "timings");
  assert_all_named (GTK_WIDGET (window), "Timings page", 8);
  /* A row is named after its run, the timeline says what each worker did. */
  g_assert_true (has_named_node (GTK_WIDGET (window->timings_view), "Parallel · 2 threads"));
  adw_view_stack_set_visible_child_name (window->view_stack, "scaling");
  assert_all_named (GTK_WIDGET (window), "Scaling page", 3);
  adw_view_stack_set_visible_child_name (window->view_stack, "images");

  /* Phone width: the header collapses into menus, the sidebar folds away. */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  PP_WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) <= 400, 10);
  assert_all_named (GTK_WIDGET (window), "360 px wide", 3);
}

static GtkShortcutAction *
find_shortcut (GtkWidget      *widget,
               guint           keyval,
               GdkModifierType modifiers)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller),
                                                                     j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            return gtk_shortcut_get_action (shortcut);
        }
    }
  return NULL;
}

static GtkWindow *
show_failures (Fixture *f)
{
  g_autoptr (GListStore) failures = g_list_store_new (PP_TYPE_FILE_RESULT);
  PpFailuresDialog *dialog;

  for (guint i = 0; i < 3; i++)
    {
      PpFileRecord record = { 0 };

      record.input = g_strdup_printf ("/photos/broken-%u.jpg", i);
      record.status = PP_FILE_STATUS_FAILED;
      record.reason = g_strdup ("The file ends early: the bottom 50 % of the image is missing");
      g_list_store_append (failures, pp_file_result_new_take (&record));
    }
  dialog = pp_failures_dialog_new (GTK_WINDOW (f->window), G_LIST_MODEL (failures));
  gtk_window_present (GTK_WINDOW (dialog));
  PP_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)), 10);
  return GTK_WINDOW (dialog);
}

static gboolean
is_listed (GtkWindow *window)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  return g_list_find (toplevels, window) != NULL;
}

static void
close_with (Fixture        *f,
            guint           keyval,
            GdkModifierType modifiers)
{
  GtkWindow *dialog = show_failures (f);
  GtkShortcutAction *action = find_shortcut (GTK_WIDGET (dialog), keyval, modifiers);

  g_assert_nonnull (action);
  g_assert_true (gtk_shortcut_action_activate (action, 0, GTK_WIDGET (dialog), NULL));
  PP_WAIT_UNTIL (!is_listed (dialog), 5);
}

static void
test_failures_window (Fixture       *f,
                      gconstpointer  data)
{
  GtkWindow *dialog = show_failures (f);

  assert_all_named (GTK_WIDGET (dialog), "failures window", 2);
  gtk_window_destroy (dialog);
  {
    /* The output settings: the name template, the folder, format and quality rows. */
    PpOutputDialog *output = pp_output_dialog_new (GTK_WINDOW (f->window), f->settings, NULL);

    gtk_window_present (GTK_WINDOW (output));
    PP_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (output)), 10);
    assert_all_named (GTK_WIDGET (output), "output settings", 5);
    gtk_window_destroy (GTK_WINDOW (output));
  }
  pp_test_run_for (50);
  close_with (f, GDK_KEY_Escape, 0);
  close_with (f, GDK_KEY_w, GDK_CONTROL_MASK);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = NULL;
  int status;

  /* GTK's test backend: the accessible properties, without a bus (tests/ui/meson.build). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  home = pp_ui_test_init (&argc, &argv);

  g_test_add ("/pp/ui/accessibility/window", Fixture, NULL, fixture_set_up, test_window_tree,
              pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/accessibility/failures", Fixture, NULL, fixture_set_up,
              test_failures_window, pp_ui_window_fixture_tear_down);
  status = g_test_run ();
  pp_ui_test_remove_tree (home);
  return status;
}
