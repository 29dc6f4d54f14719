/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drag and drop onto the window: a folder opens as a folder, files open as a set of images.
 */
#define G_LOG_DOMAIN "pp-window-dnd"

#include "config.h"

#include "pp-window-private.h"

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         PpWindow      *self)
{
  GSList *list;
  g_autoptr (GPtrArray) files = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  list = g_value_get_boxed (value);
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  if (files->len == 0)
    return FALSE;
  pp_window_open_files (self, (GFile **) files->pdata, files->len);
  return TRUE;
}

static GdkDragAction
on_enter (GtkDropTarget *target,
          double         x,
          double         y,
          PpWindow      *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self->main_stack), "drop-highlight");
  return GDK_ACTION_COPY;
}

static void
on_leave (GtkDropTarget *target,
          PpWindow      *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->main_stack), "drop-highlight");
}

void
_pp_window_init_dnd (PpWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect (target, "drop", G_CALLBACK (on_drop), self);
  g_signal_connect (target, "enter", G_CALLBACK (on_enter), self);
  g_signal_connect (target, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self->main_stack), GTK_EVENT_CONTROLLER (target));
}
