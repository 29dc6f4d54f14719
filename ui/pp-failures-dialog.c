/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpFailuresDialog lists the files a run could not process, one row each: the name, and the
 * reason in words. It is a snapshot of the run's failures when it opens. Escape and Ctrl+W
 * close it; the list can be copied as text to paste into a report.
 */
#define G_LOG_DOMAIN "pp-failures-dialog"

#include "config.h"

#include "batch/pp-file-result.h"
#include "pp-failures-dialog.h"
#include "pp-ui-resources.h"

struct _PpFailuresDialog
{
  AdwWindow parent_instance;

  GtkButton *copy_button;
  AdwPreferencesGroup *group;

  GListStore *failures; /* of PpFileResult */
};

G_DEFINE_FINAL_TYPE (PpFailuresDialog, pp_failures_dialog, ADW_TYPE_WINDOW)

/**
 * pp_failures_dialog_to_text:
 *
 * Returns: (transfer full): one line per failed file, "path: reason", in run order.
 */
char *
pp_failures_dialog_to_text (PpFailuresDialog *self)
{
  GString *text = g_string_new (NULL);
  guint n;

  g_return_val_if_fail (PP_IS_FAILURES_DIALOG (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->failures));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (self->failures), i);

      g_string_append_printf (text, "%s: %s\n", pp_file_result_get_input (result),
                              pp_file_result_get_reason (result));
    }
  return g_string_free (text, FALSE);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PpFailuresDialog *self = PP_FAILURES_DIALOG (widget);
  g_autofree char *text = pp_failures_dialog_to_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

static GtkWidget *
create_row (PpFileResult *result)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *name = g_path_get_basename (pp_file_result_get_input (result));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), pp_file_result_get_reason (result));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_widget_set_tooltip_text (row, pp_file_result_get_input (result));
  return row;
}

static void
pp_failures_dialog_dispose (GObject *object)
{
  PpFailuresDialog *self = PP_FAILURES_DIALOG (object);

#if GTK_CHECK_VERSION (4, 8, 0)
  gtk_widget_dispose_template (GTK_WIDGET (self), PP_TYPE_FAILURES_DIALOG);
#endif
  g_clear_object (&self->failures);

  G_OBJECT_CLASS (pp_failures_dialog_parent_class)->dispose (object);
}

static void
pp_failures_dialog_class_init (PpFailuresDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_failures_dialog_dispose;

  /* Keeps the resource object (and its registration) linked in from the static library. */
  (void) pp_ui_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parapix/Parapix/pp-failures-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PpFailuresDialog, copy_button);
  gtk_widget_class_bind_template_child (widget_class, PpFailuresDialog, group);

  gtk_widget_class_install_action (widget_class, "failures.copy", NULL, copy_action);
  /* A list to read and leave: the usual keys close it. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "failures.copy",
                                       NULL);
}

static void
pp_failures_dialog_init (PpFailuresDialog *self)
{
  self->failures = g_list_store_new (PP_TYPE_FILE_RESULT);
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * pp_failures_dialog_new:
 * @parent: (nullable): the window it is modal to
 * @failures: a #GListModel of #PpFileResult, the failed files of one run; copied (a snapshot)
 *
 * Returns: (transfer none): the dialog, not yet shown; like every toplevel it belongs to GTK
 *   until it is closed. Main thread only.
 */
PpFailuresDialog *
pp_failures_dialog_new (GtkWindow  *parent,
                        GListModel *failures)
{
  PpFailuresDialog *self;
  g_autofree char *title = NULL;
  guint n;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (failures), NULL);

  self = g_object_new (PP_TYPE_FAILURES_DIALOG, "transient-for", parent, NULL);
  n = g_list_model_get_n_items (failures);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (failures, i);

      g_list_store_append (self->failures, result);
      adw_preferences_group_add (self->group, create_row (result));
    }
  title = g_strdup_printf (g_dngettext (NULL, "%u File Failed", "%u Files Failed", n), n);
  gtk_window_set_title (GTK_WINDOW (self), title);
  return self;
}
