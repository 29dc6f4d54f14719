/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's actions and their shortcuts, installed on the class: opening folders and images
 * (through pp-file-chooser), the recent folder, and the sidebar. Batch actions live in
 * pp-window-batch.c.
 */
#define G_LOG_DOMAIN "pp-window-actions"

#include "config.h"

#include "pp-file-chooser.h"
#include "pp-window-private.h"

static void
folder_chosen (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (PpWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) folder = pp_file_chooser_select_folder_finish (result, &error);

  g_assert (g_main_context_is_owner (NULL));

  if (folder != NULL)
    _pp_window_open_folder (self, folder);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _pp_window_toast (self, error->message);
}

static void
images_chosen (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (PpWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) files = pp_file_chooser_open_images_finish (result, &error);
  g_autoptr (GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert (g_main_context_is_owner (NULL));

  if (files == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _pp_window_toast (self, error->message);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (array, g_list_model_get_item (files, i));
  pp_window_open_files (self, (GFile **) array->pdata, array->len);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);

  pp_file_chooser_select_folder (GTK_WINDOW (self), "Open Folder", "_Open", self->folder, NULL,
                                 folder_chosen, g_object_ref (self));
}

static void
open_files_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);

  pp_file_chooser_open_images (GTK_WINDOW (self), self->folder, NULL, images_chosen,
                               g_object_ref (self));
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
back_to_grid_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->images_leaflet, "grid");
  gtk_widget_grab_focus (GTK_WIDGET (self->thumbnail_grid));
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
  gtk_widget_class_install_action (widget_class, "win.back-to-grid", NULL, back_to_grid_action);
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
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "win.back-to-grid", NULL);
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
