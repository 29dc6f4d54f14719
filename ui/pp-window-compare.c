/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's Compare: the open folder runs serially into a scratch folder under the cache
 * dir, then in parallel into the output folder, and the two runs' outputs are compared byte for
 * byte on the pool. pp-window-batch.c runs each half like any batch and hands each finished run
 * here (_pp_window_compare_run_done) to decide what comes next.
 */
#define G_LOG_DOMAIN "pp-window-compare"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "render/pp-scheduler.h"
#include "pp-window-private.h"

/* Byte-for-byte check of the two runs' outputs, on a pool worker. */
typedef struct
{
  GPtrArray *pairs; /* of char*, serial then parallel path */
  char *scratch;    /* removed by the worker once compared */
  gboolean identical;
  guint n_compared;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_ptr_array_unref (data->pairs);
  g_free (data->scratch);
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

/* Any thread: the scratch folder is ours alone. */
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

  data->identical = TRUE;
  for (guint i = 0; i + 1 < data->pairs->len; i += 2)
    {
      if (!files_equal (g_ptr_array_index (data->pairs, i), g_ptr_array_index (data->pairs, i + 1)))
        data->identical = FALSE;
      data->n_compared++;
    }
  if (data->scratch != NULL)
    remove_tree (data->scratch);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
check_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PpWindow *self = PP_WINDOW (source);
  PpWindowBatch *state = &self->batch;
  CheckData *data = g_task_get_task_data (G_TASK (result));
  g_autofree char *message = NULL;

  g_assert (g_main_context_is_owner (g_main_context_default ()));
  /* The worker removed the scratch folder. */
  g_clear_pointer (&state->scratch_dir, g_free);
  if (state->disposed)
    return;

  if (state->run != NULL && data->n_compared > 0)
    pp_timings_view_set_identical (self->timings_view, state->run, data->identical);
  message = _pp_window_summary (self, state->run);
  if (data->n_compared > 0 && !data->identical)
    {
      g_autofree char *tmp = g_steal_pointer (&message);

      message = g_strdup_printf ("%s · outputs differ from the serial run", tmp);
    }
  _pp_window_finish (self, message);
}

/* Pairs each file the serial run wrote with what the parallel run wrote for the same input. */
static GPtrArray *
pair_outputs (PpRun *serial_run,
              PpRun *parallel_run)
{
  guint n_serial = g_list_model_get_n_items (G_LIST_MODEL (serial_run));
  guint n_parallel = g_list_model_get_n_items (G_LIST_MODEL (parallel_run));
  g_autoptr (GHashTable) serial_by_index = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_serial; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (serial_run), i);
      const PpFileRecord *record = pp_file_result_get_record (result);

      if (record->status == PP_FILE_STATUS_OK && record->output != NULL)
        g_hash_table_insert (serial_by_index, GUINT_TO_POINTER (record->index + 1),
                             g_strdup (record->output));
    }
  for (guint i = 0; i < n_parallel; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (parallel_run), i);
      const PpFileRecord *record = pp_file_result_get_record (result);
      char *serial = g_hash_table_lookup (serial_by_index, GUINT_TO_POINTER (record->index + 1));

      if (record->status == PP_FILE_STATUS_OK && record->output != NULL && serial != NULL)
        {
          g_ptr_array_add (pairs, g_strdup (serial));
          g_ptr_array_add (pairs, g_strdup (record->output));
        }
    }
  return pairs;
}

static void
start_check (PpWindow *self)
{
  PpWindowBatch *state = &self->batch;
  CheckData *data = g_new0 (CheckData, 1);
  GTask *task;

  state->phase = PP_WINDOW_PHASE_COMPARE_CHECK;
  data->pairs = pair_outputs (state->serial_run, state->run);
  data->scratch = g_strdup (state->scratch_dir);
  gtk_inscription_set_text (self->progress_label, "Comparing the outputs of both runs…");

  task = g_task_new (self, NULL, check_done, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  pp_scheduler_push (check_worker, task);
}

/**
 * _pp_window_compare_start:
 * @output: where the parallel run writes (checked writable by the caller)
 *
 * Makes the scratch folder and starts the serial half. Main thread only.
 *
 * Returns: %FALSE (after telling the user) when no scratch folder could be made
 */
gboolean
_pp_window_compare_start (PpWindow *self,
                          GFile    *output)
{
  PpWindowBatch *state = &self->batch;
  g_autofree char *base = g_build_filename (g_get_user_cache_dir (), "parapix", NULL);
  g_autofree char *template = g_build_filename (base, "compare-XXXXXX", NULL);
  g_autoptr (GFile) scratch = NULL;

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
  state->phase = PP_WINDOW_PHASE_COMPARE_SERIAL;
  scratch = g_file_new_for_path (state->scratch_dir);
  _pp_window_start_run (self, PP_BATCH_MODE_SERIAL, scratch, TRUE);
  return TRUE;
}

/**
 * _pp_window_compare_run_done:
 * @run: the half that just finished
 *
 * Moves a Compare on: after the serial half, the parallel one; after that, the check.
 * Main thread only.
 *
 * Returns: %TRUE when Compare goes on; %FALSE when the run ends here (not a Compare, or a
 *   half was cancelled), and the caller finishes it
 */
gboolean
_pp_window_compare_run_done (PpWindow *self,
                             PpRun    *run)
{
  PpWindowBatch *state = &self->batch;

  if (pp_run_get_cancelled (run))
    return FALSE;
  if (state->phase == PP_WINDOW_PHASE_COMPARE_SERIAL)
    {
      g_set_object (&state->serial_run, run);
      state->phase = PP_WINDOW_PHASE_COMPARE_PARALLEL;
      _pp_window_start_run (self, PP_BATCH_MODE_PARALLEL, state->output_folder, FALSE);
      return TRUE;
    }
  if (state->phase == PP_WINDOW_PHASE_COMPARE_PARALLEL)
    {
      start_check (self);
      return TRUE;
    }
  return FALSE;
}

/**
 * _pp_window_compare_discard:
 *
 * Removes the scratch folder of a Compare that ends early. Main thread only.
 */
void
_pp_window_compare_discard (PpWindow *self)
{
  PpWindowBatch *state = &self->batch;

  if (state->scratch_dir == NULL)
    return;
  remove_tree (state->scratch_dir);
  g_clear_pointer (&state->scratch_dir, g_free);
}

/**
 * _pp_window_compare_phase_label:
 *
 * Returns: what the progress line starts with during @phase ("" outside a Compare)
 */
const char *
_pp_window_compare_phase_label (PpWindowPhase phase)
{
  switch (phase)
    {
    case PP_WINDOW_PHASE_COMPARE_SERIAL:
      return "Compare, serial run · ";
    case PP_WINDOW_PHASE_COMPARE_PARALLEL:
      return "Compare, parallel run · ";
    case PP_WINDOW_PHASE_IDLE:
    case PP_WINDOW_PHASE_SINGLE:
    case PP_WINDOW_PHASE_COMPARE_CHECK:
    default:
      return "";
    }
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  _pp_window_begin (PP_WINDOW (widget), TRUE);
}

void
_pp_window_class_init_compare (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.compare", NULL, compare_action);
}
