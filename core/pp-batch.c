/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpBatch: the batch engine. A run freezes the configuration, lists and plans the inputs on a
 * GIO worker thread (enumeration, sorting, sharding, output names and collisions: all decided
 * up front and in input order, so serial and parallel runs write the same files under the same
 * names), then pushes min(threads, files) workers onto the shared pool. Each worker takes the
 * next file from an atomic counter and runs load -> plan -> save on its own thread with
 * pp_plan_run_here(), so at most `threads` images are in memory and pools never nest. Results
 * and counters reach the main context through PpProgress; the last worker out completes the run.
 */
#define G_LOG_DOMAIN "pp-batch"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pp-batch-private.h"
#include "pp-io-private.h"
#include "pp-plan.h"
#include "pp-scheduler.h"

G_DEFINE_QUARK (pp-batch-error-quark, pp_batch_error)

G_DEFINE_ENUM_TYPE (PpBatchMode, pp_batch_mode,
  G_DEFINE_ENUM_VALUE (PP_BATCH_MODE_SERIAL, "serial"),
  G_DEFINE_ENUM_VALUE (PP_BATCH_MODE_PARALLEL, "parallel"))

G_DEFINE_ENUM_TYPE (PpCollision, pp_collision,
  G_DEFINE_ENUM_VALUE (PP_COLLISION_RENAME, "rename"),
  G_DEFINE_ENUM_VALUE (PP_COLLISION_SKIP, "skip"),
  G_DEFINE_ENUM_VALUE (PP_COLLISION_OVERWRITE, "overwrite"))

struct _PpBatch
{
  GObject parent_instance;

  GFile *input_folder;
  GStrv files;
  GFile *output_folder;
  char *name_template;
  PpCollision collision;
  PpFormat format;
  int quality;
  PpPipeline *pipeline;
  PpBatchMode mode;
  guint threads;
  gboolean recursive;
  guint shard_index;
  guint shard_count;
  double max_megapixels;
  gboolean keep_orientation;
  gboolean in_place;
  GStrv excluded;

  gboolean running;
  PpProgress *progress;
  PpRun *run;
};

enum
{
  PROP_0,
  PROP_INPUT_FOLDER,
  PROP_FILES,
  PROP_OUTPUT_FOLDER,
  PROP_NAME_TEMPLATE,
  PROP_COLLISION,
  PROP_FORMAT,
  PROP_QUALITY,
  PROP_PIPELINE,
  PROP_MODE,
  PROP_THREADS,
  PROP_RECURSIVE,
  PROP_SHARD_INDEX,
  PROP_SHARD_COUNT,
  PROP_MAX_MEGAPIXELS,
  PROP_KEEP_ORIENTATION,
  PROP_IN_PLACE,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PpBatch, pp_batch, G_TYPE_OBJECT)

/* ------------------------------------------------------------------------------------------ */
/* Configuration */

guint
pp_batch_get_effective_threads (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), 1);

  if (self->mode == PP_BATCH_MODE_SERIAL)
    return 1;
  if (self->threads == 0)
    return pp_scheduler_get_default_threads ();
  return MIN (self->threads, PP_SCHEDULER_MAX_THREADS);
}

static Config *
config_freeze (PpBatch *self,
               GError **error)
{
  g_autoptr (Config) config = g_new0 (Config, 1);

  if (self->input_folder == NULL && (self->files == NULL || self->files[0] == NULL))
    {
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                   "Nothing to process: set an input folder or a list of files");
      return NULL;
    }
  if (self->shard_count == 0 || self->shard_index >= self->shard_count)
    {
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                   "shard %u/%u does not exist: K must be between 1 and N", self->shard_index + 1,
                   self->shard_count);
      return NULL;
    }
  if (!_pp_batch_validate_template (self->name_template, error))
    return NULL;
  if (self->format != PP_FORMAT_SAME && !pp_format_can_save (self->format))
    {
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                   "This system cannot write %s files (format)", pp_format_to_string (self->format));
      return NULL;
    }

  if (self->input_folder != NULL)
    config->input_dir = g_file_get_path (self->input_folder);
  if (self->files != NULL && self->files[0] != NULL)
    {
      guint n = g_strv_length (self->files);

      config->files = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        config->files[i] = g_canonicalize_filename (self->files[i], NULL);
    }
  if (self->output_folder != NULL)
    config->output_dir = g_file_get_path (self->output_folder);
  else if (self->in_place && config->input_dir != NULL)
    config->output_dir = g_strdup (config->input_dir);
  else
    {
      g_autofree char *parent = config->input_dir != NULL ? g_strdup (config->input_dir)
                                                          : g_path_get_dirname (config->files[0]);

      config->output_dir = g_build_filename (parent, PP_BATCH_DEFAULT_OUTPUT_NAME, NULL);
    }
  if ((self->input_folder != NULL && config->input_dir == NULL) || config->output_dir == NULL)
    {
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                   "Input and output folders must be local folders");
      return NULL;
    }
  config->name_template = g_strdup (self->name_template);
  config->collision = self->collision;
  config->format = self->format;
  config->quality = self->quality;
  config->pipeline = self->pipeline != NULL ? pp_pipeline_copy (self->pipeline) : pp_pipeline_new ();
  config->threads = pp_batch_get_effective_threads (self);
  config->recursive = self->recursive;
  config->shard_index = self->shard_index;
  config->shard_count = self->shard_count;
  config->max_megapixels = self->max_megapixels;
  config->keep_orientation = self->keep_orientation;
  config->in_place = self->in_place;
  config->excluded = g_strdupv (self->excluded);
  g_atomic_int_set (&config->published, 1);
  return g_steal_pointer (&config);
}

/* ------------------------------------------------------------------------------------------ */
/* A run */

typedef struct
{
  gatomicrefcount ref_count;
  PpBatch *batch;          /* main thread only */
  Config *config;
  Plan *plan;
  PpProgress *progress;
  PpRun *run;
  GCancellable *cancellable;
  GMainContext *context;
  GTask *task;             /* main thread only */
  gint64 start_us;
  gint64 start_cpu_us;
  int next_job;
  int active_workers;
} RunState;

static RunState *
run_state_ref (RunState *state)
{
  g_atomic_ref_count_inc (&state->ref_count);
  return state;
}

static void
run_state_unref (gpointer data)
{
  RunState *state = data;

  if (!g_atomic_ref_count_dec (&state->ref_count))
    return;
  g_clear_object (&state->batch);
  g_clear_pointer (&state->config, _pp_batch_config_free);
  g_clear_pointer (&state->plan, _pp_batch_plan_free);
  g_clear_object (&state->progress);
  g_clear_object (&state->run);
  g_clear_object (&state->cancellable);
  g_clear_pointer (&state->context, g_main_context_unref);
  g_clear_object (&state->task);
  g_free (state);
}

static gint64
process_cpu_us (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  return (gint64) usage.ru_utime.tv_sec * G_USEC_PER_SEC + usage.ru_utime.tv_usec
         + (gint64) usage.ru_stime.tv_sec * G_USEC_PER_SEC + usage.ru_stime.tv_usec;
}

static void
fail_record (PpFileRecord *record,
             GError       *error)
{
  record->status = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                   ? PP_FILE_STATUS_CANCELLED : PP_FILE_STATUS_FAILED;
  record->reason = g_strdup (record->status == PP_FILE_STATUS_CANCELLED ? "cancelled"
                                                                        : error->message);
}

static void
process_job (RunState *state,
             Job      *job,
             guint     worker)
{
  const Config *config = state->config;
  g_auto (PpFileRecord) record = { 0 };
  g_auto (PpImageInfo) info = { 0 };
  g_autoptr (PpImage) image = NULL;
  g_autoptr (PpImage) result = NULL;
  g_autoptr (PpPlan) plan = NULL;
  g_autoptr (GError) error = NULL;
  PpLoadOptions load_options;
  PpSaveOptions save_options;
  PpSaveTimes times = { 0 };
  double megapixels = 0;
  gint64 t0, t1;

  record.index = job->index;
  record.input = g_strdup (job->input);
  record.output = g_strdup (job->output);
  record.note = g_strdup (job->note);
  record.worker = worker;
  record.start_us = t0 = g_get_monotonic_time ();

  pp_progress_begin_file (state->progress, job->display);
  if (job->decided)
    {
      record.status = job->pre_status;
      record.reason = g_strdup (job->reason);
      record.end_us = g_get_monotonic_time ();
      pp_progress_end_file (state->progress, record.status, 0, &record);
      return;
    }

  pp_load_options_init (&load_options);
  load_options.max_megapixels = config->max_megapixels;
  load_options.keep_orientation = config->keep_orientation;
  load_options.pipeline = config->pipeline;
  image = pp_io_load (job->input, &load_options, &info, state->cancellable, &error);
  t1 = g_get_monotonic_time ();
  record.decode_us = t1 - t0;
  if (image == NULL)
    goto failed;
  record.format = g_strdup (info.format);
  record.helper_cpu_us = info.helper_cpu_us;
  record.source_width = info.width;
  record.source_height = info.height;
  record.width = image->width;
  record.height = image->height;

  t0 = t1;
  plan = pp_plan_new (config->pipeline, image->width, image->height, image->channels, &error);
  if (plan != NULL)
    result = pp_plan_run_here (plan, image, worker, state->cancellable, NULL, &error);
  t1 = g_get_monotonic_time ();
  record.filter_us = t1 - t0;
  if (result == NULL)
    goto failed;
  /* Only one image per worker in memory from here on. */
  g_clear_pointer (&image, pp_image_unref);
  record.out_width = result->width;
  record.out_height = result->height;

  {
    g_autofree char *dir = g_path_get_dirname (job->output);

    if (g_mkdir_with_parents (dir, 0777) != 0)
      {
        int saved = errno;

        g_set_error (&error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "Cannot create the folder “%s”: %s",
                     dir, g_strerror (saved));
        goto failed;
      }
  }
  pp_save_options_init (&save_options);
  save_options.format = job->format;
  save_options.quality = config->quality;
  save_options.icc_profile = info.icc_profile;
  save_options.overwrite = job->overwrite;
  if (!pp_io_save (result, job->output, &save_options, &times, state->cancellable, &error))
    goto failed;
  if (result->channels == 4 && (job->format == PP_FORMAT_JPEG || job->format == PP_FORMAT_BMP)
      && record.note == NULL)
    record.note = g_strdup_printf ("transparency dropped: %s has no alpha channel",
                                   pp_format_to_string (job->format));
  record.encode_us = times.encode_us;
  record.write_us = times.write_us;
  record.status = PP_FILE_STATUS_OK;
  /* Megapixels of the input as the user knows it, not of a shrunk decode. */
  megapixels = (double) record.source_width * record.source_height / 1e6;
  record.end_us = g_get_monotonic_time ();
  pp_progress_end_file (state->progress, record.status, megapixels, &record);
  return;

failed:
  fail_record (&record, error);
  record.end_us = g_get_monotonic_time ();
  pp_progress_end_file (state->progress, record.status, 0, &record);
}

static gint64
run_helper_cpu_us (PpRun *run)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (run));
  gint64 total = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (run), i);

      total += pp_file_result_get_record (result)->helper_cpu_us;
    }
  return total;
}

static gboolean
complete_on_main (gpointer user_data)
{
  RunState *state = user_data;
  gboolean cancelled = g_cancellable_is_cancelled (state->cancellable);
  PpBatch *self = state->batch;

  pp_progress_finish (state->progress, cancelled);
  /* Deliver the last results and counters before anyone hears the run is over. */
  pp_progress_flush (state->progress);
  /* With isolated decoding, part of the work is done by helper processes: count it too. */
  pp_run_finish (state->run, g_get_monotonic_time () - state->start_us,
                 process_cpu_us () - state->start_cpu_us + run_helper_cpu_us (state->run),
                 cancelled);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_task_return_pointer (state->task, g_object_ref (state->run), g_object_unref);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  RunState *state;
  guint worker;
} WorkerArgs;

static void
worker_func (gpointer data)
{
  WorkerArgs *args = data;
  RunState *state = args->state;
  int n_jobs = (int) state->plan->jobs->len;

  while (!g_cancellable_is_cancelled (state->cancellable))
    {
      int i = g_atomic_int_add (&state->next_job, 1);

      if (i >= n_jobs)
        break;
      process_job (state, g_ptr_array_index (state->plan->jobs, i), args->worker);
    }
  g_free (args);
  /* The workers share one reference, which the last one out hands to the main context: so the
   * run state (and the batch, progress and run it holds) is never finalised on a worker, and no
   * worker touches the state after its own decrement. */
  if (g_atomic_int_dec_and_test (&state->active_workers))
    g_main_context_invoke_full (state->context, G_PRIORITY_DEFAULT, complete_on_main, state,
                                run_state_unref);
}

static void
on_progress_changed (PpProgress               *progress,
                     const PpProgressSnapshot *snapshot,
                     GPtrArray                *results,
                     gpointer                  user_data)
{
  PpBatch *self = user_data;

  if (self->run == NULL)
    return;
  for (guint i = 0; i < results->len; i++)
    pp_run_append (self->run, g_ptr_array_index (results, i));
}

static void
plan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const Config *config = task_data;
  gboolean for_run = g_task_get_source_tag (task) == pp_batch_run_async;
  GError *error = NULL;
  Plan *plan;

  g_assert (g_atomic_int_get (&config->published));
  plan = _pp_batch_make_plan (config, for_run, cancellable, &error);

  if (plan == NULL)
    g_task_return_error (task, error);
  else
    {
      g_atomic_int_set (&plan->published, 1);
      g_task_return_pointer (task, plan, (GDestroyNotify) _pp_batch_plan_free);
    }
}

static void
on_planned (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  RunState *state = user_data;
  PpBatch *self = state->batch;
  g_autoptr (GError) error = NULL;
  Plan *plan = g_task_propagate_pointer (G_TASK (result), &error);
  guint n_workers;

  if (plan == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Cancelled while listing: still a run, with nothing done, so callers (and --json) get
       * a record like any other cancelled run. */
      g_clear_error (&error);
      plan = g_new0 (Plan, 1);
      plan->jobs = g_ptr_array_new ();
      plan->inputs = g_ptr_array_new ();
      g_atomic_int_set (&plan->published, 1);
    }
  if (plan == NULL)
    {
      self->running = FALSE;
      g_clear_object (&self->run);
      pp_progress_finish (state->progress, TRUE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
      g_task_return_error (state->task, g_steal_pointer (&error));
      run_state_unref (state);
      return;
    }
  g_assert (g_atomic_int_get (&plan->published));
  state->plan = plan;
  pp_run_set_n_planned (state->run, plan->jobs->len);
  pp_run_set_n_ignored (state->run, plan->n_ignored);
  pp_progress_set_total (state->progress, plan->jobs->len);

  n_workers = MIN (state->config->threads, plan->jobs->len);
  if (n_workers == 0)
    {
      complete_on_main (state);
      run_state_unref (state);
      return;
    }
  g_atomic_int_set (&state->active_workers, (int) n_workers);
  run_state_ref (state); /* the workers' shared reference: see worker_func() */
  for (guint w = 0; w < n_workers; w++)
    {
      WorkerArgs *args = g_new (WorkerArgs, 1);

      args->state = state;
      args->worker = w;
      pp_scheduler_push (worker_func, args);
    }
  run_state_unref (state);
}

/**
 * pp_batch_run_async:
 *
 * Starts a run with the current configuration (see pp-batch.h). Main thread only.
 */
void
pp_batch_run_async (PpBatch             *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTask) plan_task = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *spec = NULL;
  Config *config;
  RunState *state;

  g_return_if_fail (PP_IS_BATCH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pp_batch_run_async);
  /* A cancelled run still returns its record: what was done before the cancel. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->running)
    {
      g_task_return_new_error (task, PP_BATCH_ERROR, PP_BATCH_ERROR_BUSY,
                               "A batch is already running");
      return;
    }
  config = config_freeze (self, &error);
  if (config == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  _pp_io_init ();

  state = g_new0 (RunState, 1);
  g_atomic_ref_count_init (&state->ref_count);
  state->batch = g_object_ref (self);
  state->config = config;
  state->progress = g_object_ref (self->progress);
  state->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  state->context = g_main_context_ref_thread_default ();
  state->task = g_steal_pointer (&task);
  state->run = pp_run_new (config->threads > 1 || self->mode == PP_BATCH_MODE_PARALLEL
                           ? "parallel" : "serial", config->threads);
  spec = pp_pipeline_to_spec (config->pipeline);
  pp_run_set_source (state->run, config->input_dir != NULL ? config->input_dir : NULL,
                     config->output_dir, spec, pp_format_to_string (config->format));
  pp_run_set_shard (state->run, config->shard_index, config->shard_count);
  state->start_us = g_get_monotonic_time ();
  state->start_cpu_us = process_cpu_us ();

  g_set_object (&self->run, state->run);
  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  pp_progress_start (self->progress, 0);

  plan_task = g_task_new (NULL, state->cancellable, on_planned, state);
  g_task_set_source_tag (plan_task, pp_batch_run_async);
  g_task_set_task_data (plan_task, config, NULL);
  g_task_run_in_thread (plan_task, plan_thread);
}

PpRun *
pp_batch_run_finish (PpBatch       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pp_batch_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  Plan *plan = g_task_propagate_pointer (G_TASK (result), &error);

  if (plan == NULL)
    g_task_return_error (task, error);
  else
    {
      g_assert (g_atomic_int_get (&plan->published));
      g_task_return_pointer (task, g_steal_pointer (&plan->inputs),
                             (GDestroyNotify) g_ptr_array_unref);
      _pp_batch_plan_free (plan);
    }
}

void
pp_batch_list_files_async (PpBatch             *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTask) plan_task = NULL;
  g_autoptr (GError) error = NULL;
  Config *config;

  g_return_if_fail (PP_IS_BATCH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pp_batch_list_files_async);
  config = config_freeze (self, &error);
  if (config == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  _pp_io_init ();
  plan_task = g_task_new (NULL, cancellable, on_listed, g_steal_pointer (&task));
  g_task_set_source_tag (plan_task, pp_batch_list_files_async);
  g_task_set_task_data (plan_task, config, (GDestroyNotify) _pp_batch_config_free);
  g_task_run_in_thread (plan_task, plan_thread);
}

GPtrArray *
pp_batch_list_files_finish (PpBatch       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject */

static void
pp_batch_dispose (GObject *object)
{
  PpBatch *self = PP_BATCH (object);

  if (self->progress != NULL)
    g_signal_handlers_disconnect_by_data (self->progress, self);
  g_clear_object (&self->progress);
  g_clear_object (&self->run);
  g_clear_object (&self->pipeline);
  g_clear_object (&self->input_folder);
  g_clear_object (&self->output_folder);

  G_OBJECT_CLASS (pp_batch_parent_class)->dispose (object);
}

static void
pp_batch_finalize (GObject *object)
{
  PpBatch *self = PP_BATCH (object);

  g_strfreev (self->files);
  g_strfreev (self->excluded);
  g_free (self->name_template);

  G_OBJECT_CLASS (pp_batch_parent_class)->finalize (object);
}

static void
pp_batch_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  PpBatch *self = PP_BATCH (object);

  switch (prop_id)
    {
    case PROP_INPUT_FOLDER:
      g_value_set_object (value, self->input_folder);
      break;
    case PROP_FILES:
      g_value_set_boxed (value, self->files);
      break;
    case PROP_OUTPUT_FOLDER:
      g_value_set_object (value, self->output_folder);
      break;
    case PROP_NAME_TEMPLATE:
      g_value_set_string (value, self->name_template);
      break;
    case PROP_COLLISION:
      g_value_set_enum (value, self->collision);
      break;
    case PROP_FORMAT:
      g_value_set_enum (value, self->format);
      break;
    case PROP_QUALITY:
      g_value_set_int (value, self->quality);
      break;
    case PROP_PIPELINE:
      g_value_set_object (value, self->pipeline);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_THREADS:
      g_value_set_uint (value, self->threads);
      break;
    case PROP_RECURSIVE:
      g_value_set_boolean (value, self->recursive);
      break;
    case PROP_SHARD_INDEX:
      g_value_set_uint (value, self->shard_index);
      break;
    case PROP_SHARD_COUNT:
      g_value_set_uint (value, self->shard_count);
      break;
    case PROP_MAX_MEGAPIXELS:
      g_value_set_double (value, self->max_megapixels);
      break;
    case PROP_KEEP_ORIENTATION:
      g_value_set_boolean (value, self->keep_orientation);
      break;
    case PROP_IN_PLACE:
      g_value_set_boolean (value, self->in_place);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Assigns and notifies only on a change (the properties are G_PARAM_EXPLICIT_NOTIFY), so a
 * window can bind them both ways without loops. */
#define SET_SCALAR(field, getter)                                                              \
  G_STMT_START                                                                                 \
  {                                                                                            \
    __typeof__ (self->field) v = getter (value);                                               \
    if (self->field == v)                                                                      \
      return;                                                                                  \
    self->field = v;                                                                           \
  }                                                                                            \
  G_STMT_END

static void
pp_batch_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  PpBatch *self = PP_BATCH (object);

  switch (prop_id)
    {
    case PROP_INPUT_FOLDER:
      if (!g_set_object (&self->input_folder, g_value_get_object (value)))
        return;
      break;
    case PROP_FILES:
      if (self->files != NULL && g_value_get_boxed (value) != NULL
          && g_strv_equal ((const char *const *) self->files, g_value_get_boxed (value)))
        return;
      g_strfreev (self->files);
      self->files = g_value_dup_boxed (value);
      break;
    case PROP_OUTPUT_FOLDER:
      if (!g_set_object (&self->output_folder, g_value_get_object (value)))
        return;
      break;
    case PROP_NAME_TEMPLATE:
      {
        const char *text = g_value_get_string (value);

        if (text == NULL)
          text = PP_BATCH_DEFAULT_TEMPLATE;
        if (g_strcmp0 (self->name_template, text) == 0)
          return;
        g_free (self->name_template);
        self->name_template = g_strdup (text);
      }
      break;
    case PROP_COLLISION:
      SET_SCALAR (collision, g_value_get_enum);
      break;
    case PROP_FORMAT:
      SET_SCALAR (format, g_value_get_enum);
      break;
    case PROP_QUALITY:
      SET_SCALAR (quality, g_value_get_int);
      break;
    case PROP_PIPELINE:
      if (!g_set_object (&self->pipeline, g_value_get_object (value)))
        return;
      break;
    case PROP_MODE:
      SET_SCALAR (mode, g_value_get_enum);
      break;
    case PROP_THREADS:
      SET_SCALAR (threads, g_value_get_uint);
      break;
    case PROP_RECURSIVE:
      SET_SCALAR (recursive, g_value_get_boolean);
      break;
    case PROP_SHARD_INDEX:
      SET_SCALAR (shard_index, g_value_get_uint);
      break;
    case PROP_SHARD_COUNT:
      SET_SCALAR (shard_count, g_value_get_uint);
      break;
    case PROP_MAX_MEGAPIXELS:
      SET_SCALAR (max_megapixels, g_value_get_double);
      break;
    case PROP_KEEP_ORIENTATION:
      SET_SCALAR (keep_orientation, g_value_get_boolean);
      break;
    case PROP_IN_PLACE:
      SET_SCALAR (in_place, g_value_get_boolean);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  g_object_notify_by_pspec (object, pspec);
}

#undef SET_SCALAR

static void
pp_batch_class_init (PpBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = pp_batch_dispose;
  object_class->finalize = pp_batch_finalize;
  object_class->get_property = pp_batch_get_property;
  object_class->set_property = pp_batch_set_property;

  properties[PROP_INPUT_FOLDER] =
    g_param_spec_object ("input-folder", NULL, NULL, G_TYPE_FILE, rw);
  properties[PROP_FILES] = g_param_spec_boxed ("files", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_OUTPUT_FOLDER] =
    g_param_spec_object ("output-folder", NULL, NULL, G_TYPE_FILE, rw);
  properties[PROP_NAME_TEMPLATE] =
    g_param_spec_string ("name-template", NULL, NULL, PP_BATCH_DEFAULT_TEMPLATE, rw);
  properties[PROP_COLLISION] =
    g_param_spec_enum ("collision", NULL, NULL, PP_TYPE_COLLISION, PP_COLLISION_RENAME, rw);
  properties[PROP_FORMAT] =
    g_param_spec_enum ("format", NULL, NULL, PP_TYPE_FORMAT, PP_FORMAT_SAME, rw);
  properties[PROP_QUALITY] =
    g_param_spec_int ("quality", NULL, NULL, 1, 100, PP_IO_DEFAULT_JPEG_QUALITY, rw);
  properties[PROP_PIPELINE] =
    g_param_spec_object ("pipeline", NULL, NULL, PP_TYPE_PIPELINE, rw);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, PP_TYPE_BATCH_MODE, PP_BATCH_MODE_PARALLEL, rw);
  properties[PROP_THREADS] =
    g_param_spec_uint ("threads", NULL, NULL, 0, PP_SCHEDULER_MAX_THREADS, 0, rw);
  properties[PROP_RECURSIVE] = g_param_spec_boolean ("recursive", NULL, NULL, FALSE, rw);
  properties[PROP_SHARD_INDEX] =
    g_param_spec_uint ("shard-index", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_SHARD_COUNT] =
    g_param_spec_uint ("shard-count", NULL, NULL, 1, G_MAXUINT, 1, rw);
  properties[PROP_MAX_MEGAPIXELS] =
    g_param_spec_double ("max-megapixels", NULL, NULL, 0, G_MAXDOUBLE,
                         PP_IO_DEFAULT_MAX_MEGAPIXELS, rw);
  properties[PROP_KEEP_ORIENTATION] =
    g_param_spec_boolean ("keep-orientation", NULL, NULL, FALSE, rw);
  properties[PROP_IN_PLACE] = g_param_spec_boolean ("in-place", NULL, NULL, FALSE, rw);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pp_batch_init (PpBatch *self)
{
  self->name_template = g_strdup (PP_BATCH_DEFAULT_TEMPLATE);
  self->collision = PP_COLLISION_RENAME;
  self->format = PP_FORMAT_SAME;
  self->quality = PP_IO_DEFAULT_JPEG_QUALITY;
  self->mode = PP_BATCH_MODE_PARALLEL;
  self->shard_count = 1;
  self->max_megapixels = PP_IO_DEFAULT_MAX_MEGAPIXELS;
  self->progress = pp_progress_new ();
  g_signal_connect (self->progress, "changed", G_CALLBACK (on_progress_changed), self);
}

PpBatch *
pp_batch_new (void)
{
  return g_object_new (PP_TYPE_BATCH, NULL);
}

PpProgress *
pp_batch_get_progress (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  return self->progress;
}

PpRun *
pp_batch_get_run (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  return self->run;
}

gboolean
pp_batch_get_running (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), FALSE);
  return self->running;
}

GFile *
pp_batch_get_input_folder (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  return self->input_folder;
}

GFile *
pp_batch_get_output_folder (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  return self->output_folder;
}

#define DEFINE_SETTER(func, type, prop)                                                        \
  void pp_batch_set_##func (PpBatch *self, type value)                                         \
  {                                                                                            \
    g_return_if_fail (PP_IS_BATCH (self));                                                     \
    g_object_set (self, properties[prop]->name, value, NULL);                                  \
  }

DEFINE_SETTER (input_folder, GFile *, PROP_INPUT_FOLDER)
DEFINE_SETTER (output_folder, GFile *, PROP_OUTPUT_FOLDER)
DEFINE_SETTER (name_template, const char *, PROP_NAME_TEMPLATE)
DEFINE_SETTER (collision, PpCollision, PROP_COLLISION)
DEFINE_SETTER (format, PpFormat, PROP_FORMAT)
DEFINE_SETTER (quality, int, PROP_QUALITY)
DEFINE_SETTER (pipeline, PpPipeline *, PROP_PIPELINE)
DEFINE_SETTER (mode, PpBatchMode, PROP_MODE)
DEFINE_SETTER (threads, guint, PROP_THREADS)
DEFINE_SETTER (recursive, gboolean, PROP_RECURSIVE)
DEFINE_SETTER (max_megapixels, double, PROP_MAX_MEGAPIXELS)
DEFINE_SETTER (keep_orientation, gboolean, PROP_KEEP_ORIENTATION)
DEFINE_SETTER (in_place, gboolean, PROP_IN_PLACE)

void
pp_batch_set_files (PpBatch            *self,
                    const char * const *paths)
{
  g_return_if_fail (PP_IS_BATCH (self));

  g_object_set (self, "files", paths, NULL);
}

void
pp_batch_set_shard (PpBatch *self,
                    guint    index,
                    guint    count)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (count >= 1);

  g_object_set (self, "shard-index", index, "shard-count", count, NULL);
}

void
pp_batch_set_excluded_folders (PpBatch            *self,
                               const char * const *paths)
{
  g_return_if_fail (PP_IS_BATCH (self));

  g_strfreev (self->excluded);
  self->excluded = g_strdupv ((char **) paths);
}
