/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one way the window asks the user for a folder, images or a file to save: GtkFileDialog
 * from GTK 4.10, GtkFileChooserNative before (both go through the portal inside a Flatpak), as
 * GIO-style async calls. Dismissing the dialog finishes with G_IO_ERROR_CANCELLED.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void        pp_file_chooser_select_folder        (GtkWindow           *parent,
                                                  const char          *title,
                                                  const char          *accept_label,
                                                  GFile               *initial_folder,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GFile      *pp_file_chooser_select_folder_finish (GAsyncResult        *result,
                                                  GError             **error);
void        pp_file_chooser_open_images          (GtkWindow           *parent,
                                                  GFile               *initial_folder,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GListModel *pp_file_chooser_open_images_finish   (GAsyncResult        *result,
                                                  GError             **error);
void        pp_file_chooser_save                 (GtkWindow           *parent,
                                                  const char          *title,
                                                  const char          *accept_label,
                                                  const char          *initial_name,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GFile      *pp_file_chooser_save_finish          (GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
