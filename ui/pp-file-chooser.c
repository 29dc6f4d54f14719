/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * File choosers as async calls. Three places used to carry their own copy of the GTK 4.8 /
 * 4.10 switch (opening a folder, the output folder, the output settings); now this file is the
 * only one that knows which dialog the running GTK has.
 */
#define G_LOG_DOMAIN "pp-file-chooser"

#include "config.h"

#include "pp-file-chooser.h"

typedef enum
{
  CHOOSE_FOLDER,
  CHOOSE_IMAGES,
  CHOOSE_SAVE,
} ChooseKind;

static GtkFileFilter *
image_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "Images");
  gtk_file_filter_add_pixbuf_formats (filter);
  return filter;
}

#if GTK_CHECK_VERSION (4, 10, 0)

static void
dialog_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GtkFileDialog *dialog = GTK_FILE_DIALOG (source);
  g_autoptr (GError) error = NULL;
  gpointer value = NULL;

  g_assert (g_main_context_is_owner (NULL));

  switch (GPOINTER_TO_INT (g_task_get_task_data (task)))
    {
    case CHOOSE_FOLDER:
      value = gtk_file_dialog_select_folder_finish (dialog, result, &error);
      break;
    case CHOOSE_IMAGES:
      value = gtk_file_dialog_open_multiple_finish (dialog, result, &error);
      break;
    case CHOOSE_SAVE:
      value = gtk_file_dialog_save_finish (dialog, result, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (value != NULL)
    g_task_return_pointer (task, value, g_object_unref);
  else if (g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) ||
           g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Nothing was chosen");
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
choose (ChooseKind           kind,
        GtkWindow           *parent,
        const char          *title,
        const char          *accept_label,
        GFile               *initial_folder,
        const char          *initial_name,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  g_autoptr (GtkFileDialog) dialog = gtk_file_dialog_new ();
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_task_data (task, GINT_TO_POINTER (kind), NULL);
  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_modal (dialog, TRUE);
  if (accept_label != NULL)
    gtk_file_dialog_set_accept_label (dialog, accept_label);
  if (initial_folder != NULL)
    gtk_file_dialog_set_initial_folder (dialog, initial_folder);
  if (initial_name != NULL)
    gtk_file_dialog_set_initial_name (dialog, initial_name);
  switch (kind)
    {
    case CHOOSE_FOLDER:
      gtk_file_dialog_select_folder (dialog, parent, cancellable, dialog_done, task);
      break;
    case CHOOSE_IMAGES:
      {
        g_autoptr (GtkFileFilter) filter = image_filter ();

        gtk_file_dialog_set_default_filter (dialog, filter);
        gtk_file_dialog_open_multiple (dialog, parent, cancellable, dialog_done, task);
        break;
      }
    case CHOOSE_SAVE:
      gtk_file_dialog_save (dialog, parent, cancellable, dialog_done, task);
      break;
    default:
      g_assert_not_reached ();
    }
}

#else /* GTK 4.8 */

static void
native_response (GtkNativeDialog *native,
                 int              response,
                 GTask           *task)
{
  if (response == GTK_RESPONSE_ACCEPT &&
      GPOINTER_TO_INT (g_task_get_task_data (task)) == CHOOSE_IMAGES)
    g_task_return_pointer (task, gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native)),
                           g_object_unref);
  else if (response == GTK_RESPONSE_ACCEPT)
    g_task_return_pointer (task, gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native)),
                           g_object_unref);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Nothing was chosen");
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
  g_object_unref (task);
}

static void
choose (ChooseKind           kind,
        GtkWindow           *parent,
        const char          *title,
        const char          *accept_label,
        GFile               *initial_folder,
        const char          *initial_name,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  GtkFileChooserAction action = kind == CHOOSE_FOLDER ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                : kind == CHOOSE_SAVE ? GTK_FILE_CHOOSER_ACTION_SAVE
                                                      : GTK_FILE_CHOOSER_ACTION_OPEN;
  GtkFileChooserNative *native;
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_task_data (task, GINT_TO_POINTER (kind), NULL);
  native = gtk_file_chooser_native_new (title, parent, action, accept_label, "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (kind == CHOOSE_IMAGES)
    {
      g_autoptr (GtkFileFilter) filter = image_filter ();

      gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
    }
  if (initial_folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), initial_folder, NULL);
  if (initial_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), initial_name);
  g_signal_connect (native, "response", G_CALLBACK (native_response), task);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

#endif

/**
 * pp_file_chooser_select_folder:
 * @parent: (nullable): the window the dialog is modal to
 * @title: the dialog's title, e.g. "Open Folder"
 * @accept_label: the accept button's mnemonic label, e.g. "_Open"
 * @initial_folder: (nullable): where the dialog starts
 * @cancellable: (nullable): closes nothing, but the result then reports cancellation
 * @callback: called on the caller's main context once the user chose or dismissed
 *
 * Asks for one folder. Main thread only.
 */
void
pp_file_chooser_select_folder (GtkWindow           *parent,
                               const char          *title,
                               const char          *accept_label,
                               GFile               *initial_folder,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (title != NULL);

  choose (CHOOSE_FOLDER, parent, title, accept_label, initial_folder, NULL, cancellable,
          callback, user_data);
}

/**
 * pp_file_chooser_select_folder_finish:
 *
 * Returns: (transfer full) (nullable): the folder, or %NULL with @error set:
 *   %G_IO_ERROR_CANCELLED when the user dismissed the dialog, or the portal's error.
 */
GFile *
pp_file_chooser_select_folder_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * pp_file_chooser_open_images:
 * @parent: (nullable): the window the dialog is modal to
 * @initial_folder: (nullable): where the dialog starts
 *
 * Asks for one or more image files (filtered to the formats GdkPixbuf knows). Main thread only.
 */
void
pp_file_chooser_open_images (GtkWindow           *parent,
                             GFile               *initial_folder,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  choose (CHOOSE_IMAGES, parent, "Open Images", "_Open", initial_folder, NULL, cancellable,
          callback, user_data);
}

/**
 * pp_file_chooser_open_images_finish:
 *
 * Returns: (transfer full) (nullable): a #GListModel of #GFile, or %NULL with @error set
 *   (%G_IO_ERROR_CANCELLED when dismissed).
 */
GListModel *
pp_file_chooser_open_images_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * pp_file_chooser_save:
 * @parent: (nullable): the window the dialog is modal to
 * @title: the dialog's title
 * @accept_label: the accept button's mnemonic label, e.g. "_Export"
 * @initial_name: (nullable): the proposed file name
 *
 * Asks where to save a file. Main thread only.
 */
void
pp_file_chooser_save (GtkWindow           *parent,
                      const char          *title,
                      const char          *accept_label,
                      const char          *initial_name,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (title != NULL);

  choose (CHOOSE_SAVE, parent, title, accept_label, NULL, initial_name, cancellable, callback,
          user_data);
}

/**
 * pp_file_chooser_save_finish:
 *
 * Returns: (transfer full) (nullable): the file to write, or %NULL with @error set
 *   (%G_IO_ERROR_CANCELLED when dismissed).
 */
GFile *
pp_file_chooser_save_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
