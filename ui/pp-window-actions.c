/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's actions and their shortcuts, installed on the class: opening folders and images
 * (GtkFileChooserNative on GTK 4.8, GtkFileDialog from 4.10; both use the portal inside a
 * Flatpak), the recent folder, and the sidebar. Batch actions live in pp-window-batch.c.
 */
#define G_LOG_DOMAIN "pp-window-actions"

#include "config.h"

#include "pp-window-private.h"

#if GTK_CHECK_VERSION (4, 10, 0)
static void
folder_dialog_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (PpWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) folder = gtk_file_dialog_select_folder_finish (GTK_FILE_DIALOG (source),
                                                                   result, &error);

  if (folder != NULL)
    _pp_window_open_folder (self, folder);
  else if (!g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED))
    _pp_window_toast (self, error->message);
}

static void
files_dialog_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (PpWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) files = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (source),
                                                                      result, &error);
  g_autoptr (GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

  if (files == NULL)
    {
      if (!g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED))
        _pp_window_toast (self, error->message);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (array, g_list_model_get_item (files, i));
  pp_window_open_files (self, (GFile **) array->pdata, array->len);
}
#else
static void
native_response_cb (GtkNativeDialog *native,
                    int              response,
                    PpWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));
      g_autoptr (GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      if (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (native)) ==
          GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER && array->len > 0)
        _pp_window_open_folder (self, g_ptr_array_index (array, 0));
      else
        pp_window_open_files (self, (GFile **) array->pdata, array->len);
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}
#endif

static GtkFileFilter *
image_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "Images");
  gtk_file_filter_add_pixbuf_formats (filter);
  return filter;
}

static void
open_dialog (PpWindow *self,
             gboolean  folder)
{
  g_autoptr (GtkFileFilter) filter = image_filter ();
#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr (GtkFileDialog) dialog = gtk_file_dialog_new ();

  gtk_file_dialog_set_modal (dialog, TRUE);
  if (self->folder != NULL)
    gtk_file_dialog_set_initial_folder (dialog, self->folder);
  if (folder)
    {
      gtk_file_dialog_set_title (dialog, "Open Folder");
      gtk_file_dialog_select_folder (dialog, GTK_WINDOW (self), NULL, folder_dialog_cb,
                                     g_object_ref (self));
    }
  else
    {
      gtk_file_dialog_set_title (dialog, "Open Images");
      gtk_file_dialog_set_default_filter (dialog, filter);
      gtk_file_dialog_open_multiple (dialog, GTK_WINDOW (self), NULL, files_dialog_cb,
                                     g_object_ref (self));
    }
#else
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (folder ? "Open Folder" : "Open Images", GTK_WINDOW (self),
                                        folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                               : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        "_Open", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (!folder)
    {
      gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
    }
  if (self->folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), self->folder, NULL);
  g_signal_connect (native, "response", G_CALLBACK (native_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
#endif
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  open_dialog (PP_WINDOW (widget), TRUE);
}

static void
open_files_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  open_dialog (PP_WINDOW (widget), FALSE);
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);
  g_autofree char *uri = g_settings_get_string (self->settings, "recent-folder");
  g_autoptr (GFile) folder = NULL;

  if (*uri == '\0')
    return;
  folder = g_file_new_for_uri (uri);
  _pp_window_open_folder (self, folder);
}

static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "content") == 0)
    adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

static void
toggle_compare_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);

  gtk_toggle_button_set_active (self->compare_toggle,
                                !gtk_toggle_button_get_active (self->compare_toggle));
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  _pp_window_toast (PP_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

void
_pp_window_update_actions (PpWindow *self)
{
  gboolean open = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "content") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.toggle-sidebar", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.toggle-compare", open);
}

void
_pp_window_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open-files", NULL, open_files_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", NULL, open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-compare", NULL,
                                   toggle_compare_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL,
                                   toggle_sidebar_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.open-folder", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.open-files", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_backslash, GDK_CONTROL_MASK,
                                       "win.toggle-compare", NULL);
}

void
_pp_window_init_actions (PpWindow *self)
{
  g_object_bind_property (self->compare_toggle, "active", self->preview, "compare",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  _pp_window_update_actions (self);
}
