/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scaffolding the compare and sweep engines share (pp-measure-series-private.h): the scratch
 * folder, the listing, the warm-up, the measured runs and the clean-up, one step after another on
 * the main context, with the engine's hooks in between. Every callback holds a reference on the
 * engine, which embeds the series, so the series lives as long as any step is pending.
 */
#define G_LOG_DOMAIN "pp-measure"

#include "config.h"

#include "batch/pp-measure-series-private.h"
#include "batch/pp-scratch.h"

/* user_data for a pending step: the series, with a reference on its engine for the step. */
static gpointer
hold (PpMeasureSeries *series)
{
  g_object_ref (series->engine);
  return series;
}

/* _pp_measure_series_init:
 * @engine: the object that embeds @series (not referenced: it owns @series)
 * @hooks: (not owned): static, lives as long as the program
 * @template_batch: the batch as the user configured it (referenced)
 */
void
_pp_measure_series_init (PpMeasureSeries            *series,
                         GObject                    *engine,
                         const PpMeasureSeriesHooks *hooks,
                         PpBatch                    *template_batch)
{
  g_assert (hooks->step != NULL && hooks->listed != NULL && hooks->start_runs != NULL
            && hooks->measured != NULL && hooks->has_runs != NULL);

  series->engine = engine;
  series->hooks = hooks;
  series->template_batch = g_object_ref (template_batch);
  series->warm_up = TRUE;
}

/* From the engine's dispose: the objects. */
void
_pp_measure_series_dispose (PpMeasureSeries *series)
{
  g_clear_object (&series->template_batch);
  g_clear_object (&series->cancellable);
}

/* From the engine's finalize: everything else. */
void
_pp_measure_series_finalize (PpMeasureSeries *series)
{
  g_free (series->scratch_parent);
  g_free (series->scratch);
  g_strfreev (series->inputs);
  g_free (series->warm_up_text);
  g_clear_error (&series->error);
  g_free (series->cleanup_error);
}

/* _pp_measure_series_new_task:
 * @what: the engine for people ("compare"), for the error
 *
 * The engine's task (source: the engine), which like a batch run returns what was done also
 * when cancelled; the engine checks its configuration, then hands it to
 * _pp_measure_series_start().
 *
 * Returns: (transfer full) (nullable): the task, or %NULL when the series has already started
 *   (%PP_BATCH_ERROR_BUSY went to @callback)
 */
GTask *
_pp_measure_series_new_task (PpMeasureSeries     *series,
                             const char          *what,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data,
                             gpointer             source_tag)
{
  GTask *task = g_task_new (series->engine, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  if (series->started)
    {
      g_task_return_new_error (task, PP_BATCH_ERROR, PP_BATCH_ERROR_BUSY,
                               "This %s has already run", what);
      g_object_unref (task);
      return NULL;
    }
  return task;
}

static void
finish_task (PpMeasureSeries *series)
{
  g_autoptr (GTask) task = g_steal_pointer (&series->task);

  series->hooks->step (series->engine, PP_MEASURE_SERIES_DONE);
  /* Cancelled once there are runs: the caller gets them, flagged cancelled. */
  if (series->error != NULL
      && !(series->cancelled && series->hooks->has_runs (series->engine)))
    g_task_return_error (task, g_steal_pointer (&series->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_scratch_removed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  PpMeasureSeries *series = user_data;
  GObject *engine = series->engine;
  g_autoptr (GError) error = NULL;

  if (!pp_scratch_remove_finish (result, &error))
    series->cleanup_error = g_strdup (error->message);
  finish_task (series);
  g_object_unref (engine);
}

/* The end of every series, early or not: the engine's last word, then the scratch folder goes
 * (when there is one), then the task returns. */
void
_pp_measure_series_clean_up (PpMeasureSeries *series)
{
  if (series->hooks->finishing != NULL)
    series->hooks->finishing (series->engine);
  if (series->scratch == NULL)
    {
      finish_task (series);
      return;
    }
  series->hooks->step (series->engine, PP_MEASURE_SERIES_CLEANING_UP);
  pp_scratch_remove_async (series->scratch, on_scratch_removed, hold (series));
}

/* Anything that ends the series early goes through here (@error: transfer full); the first
 * error is the one reported. */
void
_pp_measure_series_fail (PpMeasureSeries *series,
                         GError          *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    series->cancelled = TRUE;
  if (series->error == NULL)
    series->error = error;
  else
    g_error_free (error);
  _pp_measure_series_clean_up (series);
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  PpMeasureSeries *series = user_data;
  GObject *engine = series->engine;
  GError *error = NULL;
  PpMeasure *measure = pp_measured_run_finish (PP_BATCH (source), result, &error);

  if (measure == NULL)
    _pp_measure_series_fail (series, error);
  else
    series->hooks->measured (engine, measure);
  g_object_unref (engine);
}

/* One timed run of @batch (pp_measured_run_async()); its measure goes to the measured hook. */
void
_pp_measure_series_run (PpMeasureSeries *series,
                        PpBatch         *batch)
{
  pp_measured_run_async (batch, series->cancellable, on_run_done, hold (series));
}

static void
on_warmed_up (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PpMeasureSeries *series = user_data;
  GObject *engine = series->engine;
  GError *error = NULL;
  PpWarmUp warm_up;

  if (!pp_warm_up_finish (result, &warm_up, &error))
    _pp_measure_series_fail (series, error);
  else
    {
      series->warm_up_text = pp_warm_up_describe (&warm_up);
      series->hooks->start_runs (engine);
    }
  g_object_unref (engine);
}

/* The warm-up (pp_warm_up_async()) of series->inputs on @threads, into the scratch folder; the
 * timed runs start after it. */
void
_pp_measure_series_warm_up (PpMeasureSeries *series,
                            guint            threads)
{
  series->hooks->step (series->engine, PP_MEASURE_SERIES_WARMING_UP);
  pp_warm_up_async (series->template_batch, (const char *const *) series->inputs, threads,
                    series->scratch, series->cancellable, on_warmed_up, hold (series));
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  PpMeasureSeries *series = user_data;
  GObject *engine = series->engine;
  GError *error = NULL;
  g_autoptr (GPtrArray) inputs = pp_batch_list_files_finish (PP_BATCH (source), result, &error);

  if (inputs == NULL)
    _pp_measure_series_fail (series, error);
  else
    series->hooks->listed (engine, inputs);
  g_object_unref (engine);
}

static void
on_scratch_made (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PpMeasureSeries *series = user_data;
  GObject *engine = series->engine;
  GError *error = NULL;

  series->scratch = pp_scratch_make_finish (result, &error);
  if (series->scratch == NULL)
    _pp_measure_series_fail (series, error);
  else if (!series->warm_up)
    series->hooks->start_runs (engine);
  else
    {
      /* Listed once, for the warm-up and the runs; never the scratch folder's own outputs. */
      g_autoptr (PpBatch) lister = pp_batch_copy_config (series->template_batch);
      const char *excluded[] = { series->scratch, NULL };

      pp_batch_set_excluded_folders (lister, excluded);
      pp_batch_list_files_async (lister, series->cancellable, on_listed, hold (series));
    }
  g_object_unref (engine);
}

/* _pp_measure_series_start:
 * @task: (transfer full): from _pp_measure_series_new_task()
 * @cancellable: (nullable): the caller's; cancels every step but the clean-up
 * @default_parent: (transfer full): where the scratch folder goes unless series->scratch_parent
 * @prefix: the scratch folder's name starts with it (pp_scratch_make())
 *
 * Starts the series: makes the scratch folder, then lists and warms up (series->warm_up) or
 * starts the runs at once.
 */
void
_pp_measure_series_start (PpMeasureSeries *series,
                          GTask           *task,
                          GCancellable    *cancellable,
                          char            *default_parent,
                          const char      *prefix)
{
  g_autofree char *parent = NULL;

  series->started = TRUE;
  series->task = task;
  series->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  series->hooks->step (series->engine, PP_MEASURE_SERIES_PREPARING);
  if (series->scratch_parent != NULL)
    {
      parent = g_strdup (series->scratch_parent);
      g_free (default_parent);
    }
  else
    parent = default_parent;
  pp_scratch_make_async (parent, prefix, series->cancellable, on_scratch_made, hold (series));
}

/* _pp_measure_batch_for_files:
 * @files: the inputs, in the order to run them
 * @output_folder: where the outputs go (overwritten there; never in place)
 * @threads: workers; 1 runs serially
 *
 * Returns: (transfer full): a copy of @template_batch that runs @files, all of them (no shard),
 *   into @output_folder on @threads workers: a warm-up's or a sweep's run.
 */
PpBatch *
_pp_measure_batch_for_files (PpBatch            *template_batch,
                             const char * const *files,
                             const char         *output_folder,
                             guint               threads)
{
  PpBatch *batch = pp_batch_copy_config (template_batch);
  g_autoptr (GFile) out = g_file_new_for_path (output_folder);

  pp_batch_set_files (batch, files);
  pp_batch_set_shard (batch, 0, 1);
  pp_batch_set_output_folder (batch, out);
  pp_batch_set_in_place (batch, FALSE);
  pp_batch_set_collision (batch, PP_COLLISION_OVERWRITE);
  pp_batch_set_mode (batch, threads == 1 ? PP_BATCH_MODE_SERIAL : PP_BATCH_MODE_PARALLEL);
  pp_batch_set_threads (batch, threads);
  return batch;
}
