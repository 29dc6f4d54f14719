/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where the window's runs write: the output folder (the settings' or each source folder's
 * "processed"), checked before a run and another one offered when it cannot be written, and
 * what the batch bar says before a run, a re-run's effect on files already there included.
 */
#define G_LOG_DOMAIN "pp-window-output"

#include "config.h"

#include <unistd.h>

#include "pp-file-chooser.h"
#include "pp-window-private.h"

/**
 * _pp_window_group_by_folder:
 * @files: (element-type GFile) (nullable): images opened one by one
 *
 * Returns: (transfer full) (nullable) (element-type GPtrArray): @files grouped by the folder
 *   they are in, in the order they came; %NULL when they are all in one folder
 */
GPtrArray *
_pp_window_group_by_folder (GPtrArray *files)
{
  g_autoptr (GPtrArray) groups = NULL;

  groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; files != NULL && i < files->len; i++)
    {
      GFile *file = g_ptr_array_index (files, i);
      g_autoptr (GFile) parent = g_file_get_parent (file);
      GPtrArray *group = NULL;

      for (guint g = 0; g < groups->len && group == NULL; g++)
        {
          GPtrArray *candidate = g_ptr_array_index (groups, g);
          g_autoptr (GFile) other = g_file_get_parent (g_ptr_array_index (candidate, 0));

          if (parent != NULL && other != NULL && g_file_equal (parent, other))
            group = candidate;
        }
      if (group == NULL)
        {
          group = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (groups, group);
        }
      g_ptr_array_add (group, g_object_ref (file));
    }
  return groups->len > 1 ? g_steal_pointer (&groups) : NULL;
}

/**
 * _pp_window_default_output_folder:
 *
 * Returns: (transfer full) (nullable): where a run writes when no output folder is set: the
 *   folder's (or the current group's, or the first image's folder's) "processed"
 */
GFile *
_pp_window_default_output_folder (PpWindow *self)
{
  PpWindowBatch *state = &self->batch;
  g_autoptr (GFile) parent = NULL;

  if (self->folder != NULL)
    return g_file_get_child (self->folder, PP_BATCH_DEFAULT_OUTPUT_NAME);
  if (state->groups != NULL)
    {
      /* Each source folder gets its own "processed". */
      GPtrArray *group = g_ptr_array_index (state->groups, state->group);

      parent = g_file_get_parent (g_ptr_array_index (group, 0));
      return parent ? g_file_get_child (parent, PP_BATCH_DEFAULT_OUTPUT_NAME) : NULL;
    }
  if (self->files != NULL && self->files->len > 0)
    {
      parent = g_file_get_parent (g_ptr_array_index (self->files, 0));
      if (parent != NULL)
        return g_file_get_child (parent, PP_BATCH_DEFAULT_OUTPUT_NAME);
    }
  return NULL;
}

/**
 * _pp_window_output_folder:
 *
 * Returns: (transfer full) (nullable): the output folder of the settings, or the default one
 */
GFile *
_pp_window_output_folder (PpWindow *self)
{
  g_autofree char *uri = g_settings_get_string (self->settings, "output-folder");

  if (*uri != '\0')
    return g_file_new_for_uri (uri);
  return _pp_window_default_output_folder (self);
}

/**
 * _pp_window_check_output_folder:
 * @error: G_IO_ERROR (the code of the failed create or write) with a sentence naming @folder
 *
 * Whether we can write into @folder: creates it, then a probe file. A read-only location (a
 * document-portal path inside a Flatpak, a read-only mount) fails here with a clear reason
 * instead of failing every file. Small and local, so it runs on the main thread.
 */
gboolean
_pp_window_check_output_folder (GFile   *folder,
                                GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GFile) probe = NULL;
  g_autoptr (GFileOutputStream) stream = NULL;
  g_autofree char *name = NULL;

  if (!g_file_make_directory_with_parents (folder, NULL, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_autofree char *path = g_file_get_parse_name (folder);

      g_set_error (error, local_error->domain, local_error->code,
                   "Parapix cannot create the output folder “%s”: %s", path,
                   local_error->message);
      return FALSE;
    }
  g_clear_error (&local_error);
  name = g_strdup_printf (".parapix-write-check-%d", (int) getpid ());
  probe = g_file_get_child (folder, name);
  stream = g_file_replace (probe, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &local_error);
  if (stream == NULL)
    {
      g_autofree char *path = g_file_get_parse_name (folder);

      g_set_error (error, local_error->domain, local_error->code,
                   "Parapix cannot write into the output folder “%s”: %s", path,
                   local_error->message);
      return FALSE;
    }
  g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, NULL);
  g_file_delete (probe, NULL, NULL);
  return TRUE;
}

/* Output folder trouble */

static void
on_output_folder_chosen (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr (PpWindow) self = user_data;
  g_autoptr (GFile) folder = pp_file_chooser_select_folder_finish (result, NULL);
  g_autofree char *uri = NULL;

  g_assert (g_main_context_is_owner (NULL));

  if (folder == NULL || (&self->batch)->disposed)
    return;
  uri = g_file_get_uri (folder);
  g_settings_set_string (self->settings, "output-folder", uri);
  _pp_window_begin (self, (&self->batch)->retry_compare);
}

static void
on_output_problem_response (AdwMessageDialog *dialog,
                            const char       *response,
                            PpWindow         *self)
{
  if (g_strcmp0 (response, "choose") != 0)
    return;
  pp_file_chooser_select_folder (GTK_WINDOW (self), "Choose the Output Folder", "_Select", NULL,
                                 NULL, on_output_folder_chosen, g_object_ref (self));
}

/**
 * _pp_window_ask_for_output_folder:
 * @reason: why the output folder cannot be used, in words
 *
 * Offers to choose another output folder; a choice is stored and the run begins again.
 * Main thread only.
 */
void
_pp_window_ask_for_output_folder (PpWindow   *self,
                                  const char *reason)
{
  GtkWidget *dialog;
  g_autofree char *body = g_strdup_printf ("%s\n\nProcessed images need a folder you can write "
                                           "to. Choose another output folder.", reason);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), "Cannot Write the Output Folder", body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", "_Cancel",
                                    "choose", "C_hoose Another Folder…", NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "choose",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "choose");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_output_problem_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* What a run into @output will do with what an earlier one left there, in words: no re-run
 * surprises ("(1)", "(2)" copies piling up unnoticed). NULL when the folder has no files. */
static char *
describe_rerun (PpWindow *self,
                GFile    *output)
{
  g_autofree char *path = g_file_get_path (output);
  g_autoptr (GDir) dir = path ? g_dir_open (path, 0, NULL) : NULL;
  const char *name;
  guint n = 0;

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      n++;
  if (n == 0)
    return NULL;
  switch ((PpCollision) g_settings_get_enum (self->settings, "collision"))
    {
    case PP_COLLISION_SKIP:
      return g_strdup_printf (g_dngettext (NULL, "%u file already there: an output with the "
                                           "same name is skipped",
                                           "%u files already there: outputs with the same "
                                           "names are skipped", n), n);
    case PP_COLLISION_OVERWRITE:
      return g_strdup_printf (g_dngettext (NULL, "%u file already there: an output with the "
                                           "same name replaces it",
                                           "%u files already there: outputs with the same "
                                           "names replace them", n), n);
    case PP_COLLISION_RENAME:
    default:
      return g_strdup_printf (g_dngettext (NULL, "%u file already there: an output with the "
                                           "same name gets a number, “name (1).jpg”",
                                           "%u files already there: outputs with the same "
                                           "names get a number, “name (1).jpg”", n), n);
    }
}

/* What is open and ready, in words: "8 images in “samples”, ready to process" (the header's
 * subtitle says the same only while the window is narrow). */
static char *
describe_ready (PpWindow *self,
                guint     n_images)
{
  g_autofree char *name = self->folder ? g_file_get_basename (self->folder) : NULL;

  if (name != NULL)
    return g_strdup_printf (g_dngettext (NULL, "%u image in “%s”, ready to process",
                                         "%u images in “%s”, ready to process", n_images),
                            n_images, name);
  return g_strdup_printf (g_dngettext (NULL, "%u opened image, ready to process",
                                       "%u opened images, ready to process", n_images),
                          n_images);
}

/**
 * _pp_window_update_batch_bar:
 *
 * What the bar says when no run is going on and none has ended yet in this folder: what is
 * open, whether it can run, and where it writes. The bar keeps its place for as long as a
 * folder is open: showing and hiding it would relayout the whole window at the start and the
 * end of every run. Main thread only.
 */
void
_pp_window_update_batch_bar (PpWindow *self)
{
  PpWindowBatch *state = &self->batch;
  guint n_images = g_list_model_get_n_items (pp_thumbnail_grid_get_model (self->thumbnail_grid));
  g_autoptr (GFile) output = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  if (state->disposed || state->phase != PP_WINDOW_PHASE_IDLE)
    return;
  output = _pp_window_output_folder (self);
  path = output ? g_file_get_parse_name (output) : NULL;
  text = path ? g_strdup_printf ("Writes to %s", path) : NULL;
  if (pp_thumbnail_grid_get_loading (self->thumbnail_grid))
    {
      gtk_inscription_set_text (self->progress_label, "Listing the folder…");
      g_clear_pointer (&text, g_free);
    }
  else if (n_images == 0)
    {
      gtk_inscription_set_text (self->progress_label, "Nothing to process");
      g_clear_pointer (&text, g_free);
    }
  else if (self->chain_problem != NULL)
    {
      gtk_inscription_set_text (self->progress_label, "The chain cannot run on these images");
      g_free (text);
      text = g_strdup (self->chain_problem);
    }
  else
    {
      g_autofree char *again = output ? describe_rerun (self, output) : NULL;
      g_autofree char *ready = describe_ready (self, n_images);

      gtk_inscription_set_text (self->progress_label, ready);
      if (again != NULL)
        {
          g_autofree char *where = g_steal_pointer (&text);

          text = g_strdup_printf ("%s · %s", where, again);
        }
    }
  gtk_inscription_set_text (self->current_file_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->current_file_label), text);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_widget_set_opacity (GTK_WIDGET (self->progress_bar), 0.0);
  gtk_widget_set_visible (GTK_WIDGET (self->failures_button), FALSE);
}
