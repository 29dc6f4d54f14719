/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's batch: Process runs the open folder through the chain with the header bar's
 * mode and thread count; Compare runs it serially (into a scratch folder) and then in parallel
 * (into the output folder) and checks the outputs are byte-identical. Progress arrives through
 * the batch's one coalesced PpProgress source; nothing here blocks the main loop, so the user
 * keeps browsing and previewing while a batch runs.
 */
#define G_LOG_DOMAIN "pp-window-batch"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "batch/pp-batch.h"
#include "pp-output-dialog.h"
#include "render/pp-scheduler.h"
#include "pp-window-private.h"

typedef enum
{
  PHASE_IDLE,
  PHASE_SINGLE,          /* Process */
  PHASE_COMPARE_SERIAL,  /* Compare, first run */
  PHASE_COMPARE_PARALLEL,
  PHASE_COMPARE_CHECK,   /* comparing output bytes on the pool */
} Phase;

typedef struct
{
  PpBatch *batch;
  GCancellable *cancellable;
  PpProgress *progress;
  gulong progress_id;
  PpRun *run;
  Phase phase;
  PpRun *serial_run;     /* Compare: the finished serial run */
  char *scratch_dir;     /* Compare: where the serial run wrote */
  GFile *output_folder;  /* of the current run */
  char *work;
  char *open_uri;        /* the toast's "Open Folder" */
  AdwToast *toast;       /* (weak) the last run's toast, dismissed when a new one comes */
  GListStore *failures;  /* of PpFileResult, this run */
  gboolean retry_compare; /* what to start again once another output folder is chosen */
  gint64 labels_us;       /* when the progress texts last changed */
} BatchState;

static BatchState *
get_state (PpWindow *self)
{
  return self->batch_state;
}

gboolean
_pp_window_is_running (PpWindow *self)
{
  return get_state (self)->phase != PHASE_IDLE;
}

static void
update_batch_actions (PpWindow *self)
{
  BatchState *state = get_state (self);
  gboolean has_input = self->folder != NULL || self->files != NULL;
  gboolean running = state->phase != PHASE_IDLE;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.process", has_input && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare", has_input && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.cancel", running);
  /* Faded rather than hidden, so the bar keeps its size. */
  gtk_widget_set_opacity (GTK_WIDGET (self->cancel_button), running ? 1.0 : 0.0);
  gtk_widget_set_can_target (GTK_WIDGET (self->cancel_button), running);
}

/* Configuration */

static GFile *
default_output_folder (PpWindow *self)
{
  g_autoptr (GFile) parent = NULL;

  if (self->folder != NULL)
    return g_file_get_child (self->folder, PP_BATCH_DEFAULT_OUTPUT_NAME);
  if (self->files != NULL && self->files->len > 0)
    {
      parent = g_file_get_parent (g_ptr_array_index (self->files, 0));
      if (parent != NULL)
        return g_file_get_child (parent, PP_BATCH_DEFAULT_OUTPUT_NAME);
    }
  return NULL;
}

static GFile *
configured_output_folder (PpWindow *self)
{
  g_autofree char *uri = g_settings_get_string (self->settings, "output-folder");

  if (*uri != '\0')
    return g_file_new_for_uri (uri);
  return default_output_folder (self);
}

/* Whether we can write into @folder: create it, then a probe file. A read-only location (a
 * document-portal path inside a Flatpak, a read-only mount) fails here with a clear reason
 * instead of failing every file. Small and local, so it runs on the main thread. */
static gboolean
check_output_folder (GFile   *folder,
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

static char *
describe_work (PpWindow *self)
{
  g_autofree char *spec = pp_pipeline_to_spec (self->pipeline);
  g_autofree char *format = g_settings_get_string (self->settings, "output-format");
  GString *work = g_string_new (NULL);

  if (self->folder != NULL)
    {
      g_autofree char *uri = g_file_get_uri (self->folder);

      g_string_append (work, uri);
    }
  else if (self->files != NULL)
    for (guint i = 0; i < self->files->len; i++)
      {
        g_autofree char *uri = g_file_get_uri (g_ptr_array_index (self->files, i));

        g_string_append_printf (work, "%s;", uri);
      }
  g_string_append_printf (work, "|%s|%s|%d|%d", spec, format,
                          g_settings_get_int (self->settings, "output-quality"),
                          g_settings_get_boolean (self->settings, "apply-orientation"));
  return g_string_free (work, FALSE);
}

static void
configure_batch (PpWindow   *self,
                 PpBatch    *batch,
                 GFile      *output,
                 PpBatchMode mode)
{
  g_autofree char *format_name = g_settings_get_string (self->settings, "output-format");
  g_autofree char *template = g_settings_get_string (self->settings, "output-template");
  g_autofree char *collision = g_settings_get_string (self->settings, "collision");
  PpFormat format = PP_FORMAT_SAME;

  if (self->folder != NULL)
    pp_batch_set_input_folder (batch, self->folder);
  else
    {
      g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < self->files->len; i++)
        g_ptr_array_add (paths, g_file_get_path (g_ptr_array_index (self->files, i)));
      g_ptr_array_add (paths, NULL);
      pp_batch_set_files (batch, (const char *const *) paths->pdata);
    }
  pp_batch_set_output_folder (batch, output);
  if (!pp_format_from_string (format_name, &format))
    format = PP_FORMAT_SAME;
  pp_batch_set_format (batch, format);
  pp_batch_set_quality (batch, g_settings_get_int (self->settings, "output-quality"));
  pp_batch_set_name_template (batch, *template ? template : PP_BATCH_DEFAULT_TEMPLATE);
  pp_batch_set_collision (batch, g_strcmp0 (collision, "skip") == 0 ? PP_COLLISION_SKIP
                                 : g_strcmp0 (collision, "overwrite") == 0 ? PP_COLLISION_OVERWRITE
                                 : PP_COLLISION_RENAME);
  pp_batch_set_keep_orientation (batch,
                                 !g_settings_get_boolean (self->settings, "apply-orientation"));
  pp_batch_set_pipeline (batch, self->pipeline);
  pp_batch_set_mode (batch, mode);
  pp_batch_set_threads (batch, _pp_window_get_threads (self));
}

/* Progress */

static char *
format_duration (double seconds)
{
  if (seconds < 60)
    return g_strdup_printf ("%.0f s", MAX (0, ceil (seconds)));
  if (seconds < 3600)
    return g_strdup_printf ("%d min %02d s", (int) seconds / 60, (int) seconds % 60);
  return g_strdup_printf ("%d h %02d min", (int) seconds / 3600, ((int) seconds % 3600) / 60);
}

static const char *
phase_label (Phase phase)
{
  switch (phase)
    {
    case PHASE_COMPARE_SERIAL:
      return "Compare, serial run · ";
    case PHASE_COMPARE_PARALLEL:
      return "Compare, parallel run · ";
    case PHASE_IDLE:
    case PHASE_SINGLE:
    case PHASE_COMPARE_CHECK:
    default:
      return "";
    }
}

static void
on_progress_changed (PpProgress               *progress,
                     const PpProgressSnapshot *snapshot,
                     GPtrArray                *results,
                     PpWindow                 *self)
{
  BatchState *state = get_state (self);
  double elapsed = snapshot->elapsed_us / 1e6;
  double rate = elapsed > 0 ? snapshot->done / elapsed : 0;
  g_autofree char *left = snapshot->eta_us >= 0 ? format_duration (snapshot->eta_us / 1e6) : NULL;
  g_autofree char *text = NULL;
  guint n_failed;

  gtk_progress_bar_set_fraction (self->progress_bar,
                                 snapshot->total > 0 ? (double) snapshot->done / snapshot->total
                                                     : 0.0);
  /* The bar moves with every update; the texts change a few times a second: faster is not
   * readable, and every text change relayouts the window (on X11 with server round trips). */
  if (snapshot->state == PP_PROGRESS_RUNNING && snapshot->done < snapshot->total &&
      g_get_monotonic_time () - state->labels_us < G_USEC_PER_SEC / 4 &&
      (results == NULL || results->len == 0))
    goto results;
  state->labels_us = g_get_monotonic_time ();
  if (snapshot->done > 0 && left != NULL && snapshot->state == PP_PROGRESS_RUNNING)
    text = g_strdup_printf ("%s%u of %u · %.1f images/s · %s left", phase_label (state->phase),
                            snapshot->done, snapshot->total, rate, left);
  else if (snapshot->done > 0)
    text = g_strdup_printf ("%s%u of %u · %.1f images/s", phase_label (state->phase),
                            snapshot->done, snapshot->total, rate);
  else
    text = g_strdup_printf ("%s%u of %u", phase_label (state->phase), snapshot->done,
                            snapshot->total);
  gtk_inscription_set_text (self->progress_label, text);
  if (snapshot->current_file != NULL)
    {
      g_autofree char *name = g_path_get_basename (snapshot->current_file);

      gtk_inscription_set_text (self->current_file_label, name);
    }

results:
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      PpFileResult *result = g_ptr_array_index (results, i);

      if (pp_file_result_get_status (result) == PP_FILE_STATUS_FAILED)
        g_list_store_append (state->failures, result);
    }
  n_failed = g_list_model_get_n_items (G_LIST_MODEL (state->failures));
  if (n_failed > 0)
    {
      g_autofree char *label = g_strdup_printf (g_dngettext (NULL, "%u failed", "%u failed",
                                                             n_failed), n_failed);

      gtk_button_set_label (self->failures_button, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->failures_button), n_failed > 0);

  if (state->run != NULL)
    pp_timings_view_update (self->timings_view, state->run);
}

static void
disconnect_progress (BatchState *state)
{
  if (state->progress != NULL)
    g_clear_signal_handler (&state->progress_id, state->progress);
  g_clear_object (&state->progress);
}

/* Ending */

static void
on_toast_dismissed (PpWindow *self)
{
  BatchState *state = get_state (self);

  if (state != NULL)
    g_clear_weak_pointer (&state->toast);
}

static void
finish (PpWindow   *self,
        const char *message)
{
  BatchState *state = get_state (self);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  state->phase = PHASE_IDLE;
  disconnect_progress (state);
  g_clear_object (&state->cancellable);
  update_batch_actions (self);
  /* The bar stays: it now tells how the run ended (or, without a message, what is ready). */
  if (message == NULL)
    {
      _pp_window_update_batch_bar (self);
      return;
    }
  gtk_inscription_set_text (self->progress_label, message);
  if (state->output_folder != NULL)
    {
      g_autofree char *path = g_file_get_parse_name (state->output_folder);
      g_autofree char *where = g_strdup_printf ("in %s", path);

      gtk_inscription_set_text (self->current_file_label, where);
    }

  /* Toasts queue, and a stale result must not keep the newest waiting: a toast still on screen
   * takes the new text. (Dismissing it instead crashes libadwaita 1.2 when the dismissal races
   * the toast's own animation.) */
  if (state->toast != NULL)
    adw_toast_set_title (state->toast, message);
  else
    {
      AdwToast *toast = adw_toast_new (message);

      g_set_weak_pointer (&state->toast, toast);
      g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed), self,
                               G_CONNECT_SWAPPED);
      adw_toast_set_timeout (toast, 8);
      if (state->open_uri != NULL)
        {
          adw_toast_set_button_label (toast, "_Open Folder");
          adw_toast_set_action_name (toast, "win.open-output");
        }
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  if (app != NULL && !gtk_window_is_active (GTK_WINDOW (self)))
    {
      g_autoptr (GNotification) notification = g_notification_new ("Batch finished");

      g_notification_set_body (notification, message);
      g_application_send_notification (G_APPLICATION (app), "batch-finished", notification);
    }
}

static char *
summary (PpWindow *self,
         PpRun    *run)
{
  PpRunTotals totals;
  double wall = pp_run_get_wall_us (run) / 1e6;
  double speedup = pp_timings_view_get_speedup (self->timings_view, run);
  GString *text = g_string_new (NULL);

  pp_run_get_totals (run, &totals);
  g_string_append_printf (text, g_dngettext (NULL, "%u image in %.1f s", "%u images in %.1f s",
                                             totals.n_ok), totals.n_ok, wall);
  if (pp_run_get_cancelled (run))
    g_string_append (text, " · cancelled");
  else if (g_strcmp0 (pp_run_get_mode (run), "serial") != 0 && speedup >= 1.05)
    g_string_append_printf (text, " · %.1fx faster than serial", speedup);
  else if (g_strcmp0 (pp_run_get_mode (run), "serial") != 0 && speedup > 0 && speedup <= 0.95)
    g_string_append_printf (text, " · %.1fx slower than serial", 1.0 / speedup);
  else if (g_strcmp0 (pp_run_get_mode (run), "serial") != 0 && speedup > 0)
    g_string_append (text, " · as fast as serial");
  else
    g_string_append_printf (text, " on %u thread%s", pp_run_get_threads (run),
                            pp_run_get_threads (run) == 1 ? "" : "s");
  if (totals.n_failed > 0)
    g_string_append_printf (text, " · %u failed", totals.n_failed);
  return g_string_free (text, FALSE);
}

/* Compare: byte-for-byte check of the two runs' outputs, on a pool worker. */

typedef struct
{
  GPtrArray *pairs; /* of char*, serial then parallel path */
  gboolean identical;
  guint n_compared;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_ptr_array_unref (data->pairs);
  g_free (data);
}

static gboolean
files_equal (const char *a,
             const char *b)
{
  g_autoptr (GMappedFile) ma = g_mapped_file_new (a, FALSE, NULL);
  g_autoptr (GMappedFile) mb = g_mapped_file_new (b, FALSE, NULL);

  if (ma == NULL || mb == NULL)
    return FALSE;
  return g_mapped_file_get_length (ma) == g_mapped_file_get_length (mb) &&
         memcmp (g_mapped_file_get_contents (ma), g_mapped_file_get_contents (mb),
                 g_mapped_file_get_length (ma)) == 0;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

static void
check_worker (gpointer user_data)
{
  GTask *task = user_data;
  CheckData *data = g_task_get_task_data (task);
  char *scratch = g_object_get_data (G_OBJECT (task), "pp-scratch");

  data->identical = TRUE;
  for (guint i = 0; i + 1 < data->pairs->len; i += 2)
    {
      if (!files_equal (g_ptr_array_index (data->pairs, i), g_ptr_array_index (data->pairs, i + 1)))
        data->identical = FALSE;
      data->n_compared++;
    }
  if (scratch != NULL)
    remove_tree (scratch);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
check_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PpWindow *self = PP_WINDOW (source);
  BatchState *state = get_state (self);
  CheckData *data = g_task_get_task_data (G_TASK (result));
  g_autofree char *message = NULL;

  if (state == NULL)
    return;

  if (state->run != NULL && data->n_compared > 0)
    pp_timings_view_set_identical (self->timings_view, state->run, data->identical);
  message = summary (self, state->run);
  if (data->n_compared > 0 && !data->identical)
    {
      g_autofree char *tmp = g_steal_pointer (&message);

      message = g_strdup_printf ("%s · outputs differ from the serial run", tmp);
    }
  g_clear_pointer (&state->scratch_dir, g_free);
  finish (self, message);
}

static void
start_check (PpWindow *self)
{
  BatchState *state = get_state (self);
  CheckData *data = g_new0 (CheckData, 1);
  GTask *task;
  guint n_serial = g_list_model_get_n_items (G_LIST_MODEL (state->serial_run));
  guint n_parallel = g_list_model_get_n_items (G_LIST_MODEL (state->run));
  g_autoptr (GHashTable) serial_by_index = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  state->phase = PHASE_COMPARE_CHECK;
  data->pairs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_serial; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (state->serial_run), i);
      const PpFileRecord *record = pp_file_result_get_record (result);

      if (record->status == PP_FILE_STATUS_OK && record->output != NULL)
        g_hash_table_insert (serial_by_index, GUINT_TO_POINTER (record->index + 1),
                             g_strdup (record->output));
    }
  for (guint i = 0; i < n_parallel; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (state->run), i);
      const PpFileRecord *record = pp_file_result_get_record (result);
      char *serial = g_hash_table_lookup (serial_by_index, GUINT_TO_POINTER (record->index + 1));

      if (record->status == PP_FILE_STATUS_OK && record->output != NULL && serial != NULL)
        {
          g_ptr_array_add (data->pairs, g_strdup (serial));
          g_ptr_array_add (data->pairs, g_strdup (record->output));
        }
    }
  gtk_inscription_set_text (self->progress_label, "Comparing the outputs of both runs…");

  task = g_task_new (self, NULL, check_done, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  g_object_set_data_full (G_OBJECT (task), "pp-scratch", g_strdup (state->scratch_dir), g_free);
  pp_scheduler_push (check_worker, task);
}

/* Starting */

static void start_run (PpWindow *self, PpBatchMode mode, GFile *output);
static void ask_for_output_folder (PpWindow *self, const char *reason);

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  PpWindow *self = user_data;
  BatchState *state = get_state (self);
  g_autoptr (GError) error = NULL;
  g_autoptr (PpRun) run = pp_batch_run_finish (PP_BATCH (source), result, &error);

  if (state == NULL) /* the window was destroyed while the batch ran */
    {
      g_object_unref (self);
      return;
    }
  if (run == NULL)
    {
      /* It never started: the record shown since Process is not a run. */
      if (state->run != NULL)
        pp_timings_view_remove_run (self->timings_view, state->run);
      g_clear_object (&state->run);
      if (state->scratch_dir != NULL)
        {
          remove_tree (state->scratch_dir);
          g_clear_pointer (&state->scratch_dir, g_free);
        }
      finish (self, NULL);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _pp_window_toast (self, "Cancelled before any image was processed");
      else if (g_error_matches (error, PP_BATCH_ERROR, PP_BATCH_ERROR_OUTPUT))
        ask_for_output_folder (self, error->message);
      else
        _pp_window_toast (self, error->message);
      g_object_unref (self);
      return;
    }

  if (state->run != run)
    {
      g_set_object (&state->run, run);
      pp_timings_view_add_run (self->timings_view, run, state->work);
    }
  pp_timings_view_update (self->timings_view, run);

  if (state->phase == PHASE_COMPARE_SERIAL && !pp_run_get_cancelled (run))
    {
      g_set_object (&state->serial_run, run);
      start_run (self, PP_BATCH_MODE_PARALLEL, state->output_folder);
    }
  else if (state->phase == PHASE_COMPARE_PARALLEL && !pp_run_get_cancelled (run))
    start_check (self);
  else
    {
      g_autofree char *message = summary (self, run);

      if (state->scratch_dir != NULL)
        {
          remove_tree (state->scratch_dir);
          g_clear_pointer (&state->scratch_dir, g_free);
        }
      finish (self, message);
    }
  g_object_unref (self);
}

static void
start_run (PpWindow    *self,
           PpBatchMode  mode,
           GFile       *output)
{
  BatchState *state = get_state (self);
  g_autoptr (GFile) scratch = NULL;
  PpRun *run;

  if (state->phase == PHASE_COMPARE_SERIAL && mode == PP_BATCH_MODE_PARALLEL)
    state->phase = PHASE_COMPARE_PARALLEL;

  g_clear_object (&state->batch);
  state->batch = pp_batch_new ();
  if (state->phase == PHASE_COMPARE_SERIAL)
    {
      scratch = g_file_new_for_path (state->scratch_dir);
      configure_batch (self, state->batch, scratch, mode);
      /* The scratch folder is ours and empty: nothing to collide with. */
      pp_batch_set_collision (state->batch, PP_COLLISION_OVERWRITE);
    }
  else
    configure_batch (self, state->batch, output, mode);

  if (state->cancellable == NULL)
    state->cancellable = g_cancellable_new ();
  g_list_store_remove_all (state->failures);
  gtk_widget_set_visible (GTK_WIDGET (self->failures_button), FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_inscription_set_text (self->progress_label, "Starting…");
  gtk_inscription_set_text (self->current_file_label, "");
  gtk_widget_set_opacity (GTK_WIDGET (self->progress_bar), 1.0);

  pp_batch_run_async (state->batch, state->cancellable, run_done, g_object_ref (self));

  disconnect_progress (state);
  state->progress = pp_batch_get_progress (state->batch);
  if (state->progress != NULL)
    {
      g_object_ref (state->progress);
      state->progress_id = g_signal_connect (state->progress, "changed",
                                             G_CALLBACK (on_progress_changed), self);
    }
  run = pp_batch_get_run (state->batch);
  if (run != NULL)
    {
      g_set_object (&state->run, run);
      /* Selects it, and the timeline follows the selection. */
      pp_timings_view_add_run (self->timings_view, run, state->work);
    }
  update_batch_actions (self);
}

static gboolean
begin (PpWindow *self,
       gboolean  compare)
{
  BatchState *state = get_state (self);
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) output = configured_output_folder (self);

  if (state->phase != PHASE_IDLE || output == NULL)
    return FALSE;
  state->retry_compare = compare;
  if (!check_output_folder (output, &error))
    {
      ask_for_output_folder (self, error->message);
      return FALSE;
    }
  g_set_object (&state->output_folder, output);
  g_free (state->work);
  state->work = describe_work (self);
  g_clear_pointer (&state->open_uri, g_free);
  state->open_uri = g_file_get_uri (output);
  g_clear_object (&state->serial_run);

  if (compare)
    {
      g_autofree char *base = g_build_filename (g_get_user_cache_dir (), "parapix", NULL);
      g_autofree char *template = g_build_filename (base, "compare-XXXXXX", NULL);

      g_mkdir_with_parents (base, 0700);
      g_free (state->scratch_dir);
      state->scratch_dir = g_mkdtemp (g_steal_pointer (&template));
      if (state->scratch_dir == NULL)
        {
          g_autofree char *message = g_strdup_printf ("Could not make a scratch folder for the "
                                                      "serial run in %s: %s", base,
                                                      g_strerror (errno));

          _pp_window_toast (self, message);
          return FALSE;
        }
      state->phase = PHASE_COMPARE_SERIAL;
      start_run (self, PP_BATCH_MODE_SERIAL, output);
    }
  else
    {
      state->phase = PHASE_SINGLE;
      start_run (self, _pp_window_get_parallel (self) ? PP_BATCH_MODE_PARALLEL
                                                      : PP_BATCH_MODE_SERIAL, output);
    }
  return TRUE;
}

/* Output folder trouble */

static void
on_output_folder_chosen (GtkNativeDialog *native,
                         int              response,
                         PpWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *uri = g_file_get_uri (folder);

      g_settings_set_string (self->settings, "output-folder", uri);
      begin (self, get_state (self)->retry_compare);
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
  g_object_unref (self);
}

static void
on_output_problem_response (AdwMessageDialog *dialog,
                            const char       *response,
                            PpWindow         *self)
{
  GtkFileChooserNative *native;

  if (g_strcmp0 (response, "choose") != 0)
    return;
  native = gtk_file_chooser_native_new ("Choose the Output Folder", GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "_Select",
                                        "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (on_output_folder_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
ask_for_output_folder (PpWindow   *self,
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

/* What the bar says when no run is going on and none has ended yet in this folder. The bar
 * keeps its place for as long as a folder is open: showing and hiding it would relayout the
 * whole window at the start and the end of every run. */
void
_pp_window_update_batch_bar (PpWindow *self)
{
  BatchState *state = get_state (self);
  g_autoptr (GFile) output = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  if (state == NULL || state->phase != PHASE_IDLE)
    return;
  output = configured_output_folder (self);
  path = output ? g_file_get_parse_name (output) : NULL;
  text = path ? g_strdup_printf ("Writes to %s", path) : NULL;
  gtk_inscription_set_text (self->progress_label, "Ready to process");
  gtk_inscription_set_text (self->current_file_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_widget_set_opacity (GTK_WIDGET (self->progress_bar), 0.0);
  gtk_widget_set_visible (GTK_WIDGET (self->failures_button), FALSE);
}

/* Actions */

static void
process_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  begin (PP_WINDOW (widget), FALSE);
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  begin (PP_WINDOW (widget), TRUE);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  BatchState *state = get_state (PP_WINDOW (widget));

  if (state->phase == PHASE_IDLE || state->cancellable == NULL)
    return;
  g_cancellable_cancel (state->cancellable);
  gtk_inscription_set_text (PP_WINDOW (widget)->progress_label, "Cancelling…");
}

static void
output_settings_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);
  g_autoptr (GFile) fallback = default_output_folder (self);
  PpOutputDialog *dialog = pp_output_dialog_new (GTK_WINDOW (self), self->settings, fallback);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_output_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  BatchState *state = get_state (PP_WINDOW (widget));

  if (state->open_uri != NULL)
    gtk_show_uri (GTK_WINDOW (widget), state->open_uri, GDK_CURRENT_TIME);
}

static void
show_failures_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);
  BatchState *state = get_state (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (state->failures));
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  g_autofree char *title = g_strdup_printf (g_dngettext (NULL, "%u File Failed",
                                                         "%u Files Failed", n), n);

  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 420);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         "Nothing was written for these files.");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (state->failures), i);
      g_autofree char *name = g_path_get_basename (pp_file_result_get_input (result));
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), pp_file_result_get_reason (result));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      gtk_widget_set_tooltip_text (row, pp_file_result_get_input (result));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), page);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

void
_pp_window_class_init_batch (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "batch.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "win.open-output", NULL, open_output_action);
  gtk_widget_class_install_action (widget_class, "win.output-settings", NULL,
                                   output_settings_action);
  gtk_widget_class_install_action (widget_class, "win.process", NULL, process_action);
  gtk_widget_class_install_action (widget_class, "win.show-failures", NULL,
                                   show_failures_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "win.process", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "win.process", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "batch.cancel", NULL);
}

static void
on_input_changed (PpWindow *self)
{
  update_batch_actions (self);
}

void
_pp_window_init_batch (PpWindow *self)
{
  BatchState *state = g_new0 (BatchState, 1);

  state->failures = g_list_store_new (PP_TYPE_FILE_RESULT);
  self->batch_state = state;
  g_signal_connect_swapped (self->thumbnail_grid, "notify::n-items",
                            G_CALLBACK (on_input_changed), self);
  g_signal_connect_object (self->settings, "changed::output-folder",
                           G_CALLBACK (_pp_window_update_batch_bar), self, G_CONNECT_SWAPPED);
  update_batch_actions (self);
}

void
_pp_window_dispose_batch (PpWindow *self)
{
  BatchState *state = get_state (self);

  if (state == NULL)
    return;
  /* A run in flight holds a ref on the window; cancelling lets it end and drop it. */
  if (state->cancellable != NULL)
    g_cancellable_cancel (state->cancellable);
  disconnect_progress (state);
  g_clear_object (&state->cancellable);
  g_clear_object (&state->batch);
  g_clear_object (&state->run);
  g_clear_object (&state->serial_run);
  g_clear_object (&state->output_folder);
  g_clear_object (&state->failures);
  g_clear_pointer (&state->scratch_dir, g_free);
  g_clear_pointer (&state->work, g_free);
  g_clear_pointer (&state->open_uri, g_free);
  g_clear_weak_pointer (&state->toast);
  g_clear_pointer (&self->batch_state, g_free);
}
