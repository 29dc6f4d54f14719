/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The automatic thread count (pp-auto-threads.h): list the folder, read every header (the
 * largest image that will be decoded sizes memory: files over the batch's max-megapixels or
 * without a readable header are refused before decoding; the total sizes the prediction), cap
 * by CPUs and memory, then, when the batch is long enough for it to be worth it, a short
 * calibration: a PpSweep on one file per candidate worker at 1, half and all candidate threads.
 */
#define G_LOG_DOMAIN "pp-auto"

#include "config.h"

#include <math.h>

#include "batch/pp-auto-threads.h"
#include "batch/pp-json-private.h"
#include "batch/pp-machine.h"
#include "batch/pp-measure.h"
#include "batch/pp-sweep.h"
#include "render/pp-plan.h"
#include "render/pp-scheduler.h"

/**
 * pp_threads_choice_free:
 * @choice: (transfer full) (nullable)
 */
void
pp_threads_choice_free (PpThreadsChoice *choice)
{
  if (choice == NULL)
    return;
  g_free (choice->cpu_how);
  g_free (choice->memory_how);
  g_free (choice->explanation);
  g_free (choice);
}

/**
 * pp_threads_choose:
 * @cpu_budget: CPUs this process may use (pp_machine_get_cpu_budget())
 * @memory_cap: workers the memory budget holds for the largest image (pp_threads_memory_cap())
 * @n_files: files in the batch (more workers than files would idle)
 * @calibrated_best: the fewest threads a calibration or sweep found within 5 % of the best;
 *   0 when there was none
 *
 * The rule, in one place: the smallest of the four, and at least 1.
 *
 * Returns: the thread count
 */
guint
pp_threads_choose (guint cpu_budget,
                   guint memory_cap,
                   guint n_files,
                   guint calibrated_best)
{
  guint threads = MAX (cpu_budget, 1);

  threads = MIN (threads, MAX (memory_cap, 1));
  threads = MIN (threads, MAX (n_files, 1));
  if (calibrated_best > 0)
    threads = MIN (threads, calibrated_best);
  return MIN (threads, PP_SCHEDULER_MAX_THREADS);
}

/**
 * pp_threads_bytes_per_worker:
 * @width: the largest image's width, as its header declares it
 * @height: its height
 * @pipeline: (nullable): the chain
 *
 * Memory one worker needs in flight for an image of that size, counted as 4 bytes a pixel
 * (RGBA, the worst case) and without shrink-on-load (an upper bound): the decoded pixels twice
 * (the decoder helper's shared buffer and the worker's copy), one intermediate buffer when the
 * chain has several stages, the output, and the encoder's buffer (at most the output's size).
 *
 * Returns: bytes
 */
guint64
pp_threads_bytes_per_worker (int         width,
                             int         height,
                             PpPipeline *pipeline)
{
  guint64 decoded = (guint64) MAX (width, 1) * MAX (height, 1) * 4;
  guint64 output = decoded, intermediate = 0;
  g_autoptr (PpPlan) plan = NULL;

  if (pipeline != NULL)
    plan = pp_plan_new (pipeline, MAX (width, 1), MAX (height, 1), 4, NULL);
  if (plan != NULL)
    {
      int ow, oh;

      pp_plan_get_output_size (plan, &ow, &oh);
      output = (guint64) ow * oh * 4;
      if (pp_plan_get_n_stages (plan) > 1)
        intermediate = MAX (decoded, output);
    }
  return 2 * decoded + intermediate + 2 * output;
}

/**
 * pp_threads_memory_cap:
 *
 * Returns: how many workers @memory_budget holds at @bytes_per_worker each, at least 1 (one
 *   worker must run, and then an image too large for memory fails with a reason)
 */
guint
pp_threads_memory_cap (guint64 memory_budget,
                       guint64 bytes_per_worker)
{
  guint64 cap = bytes_per_worker > 0 ? memory_budget / bytes_per_worker : G_MAXUINT;

  return (guint) CLAMP (cap, 1, PP_SCHEDULER_MAX_THREADS);
}

/**
 * pp_threads_predict:
 * @total_megapixels: the whole batch's input
 * @sample_megapixels: the calibration sample's input
 * @sample_files: files in the sample
 * @busy_per_image_s: a file's time on its worker at @threads, in the calibration
 * @overhead_s: start-up and completion at @threads, in the calibration
 * @threads: the thread count to predict for
 *
 * Work scales with megapixels: the batch's files take total/sample times the sample's busy
 * time, spread over @threads workers, plus the fixed start and finish, plus the expected tail
 * (with N workers the last files leave on average (N − 1)/(2N) of a file's time idle).
 *
 * Returns: the predicted wall time, seconds
 */
double
pp_threads_predict (double total_megapixels,
                    double sample_megapixels,
                    guint  sample_files,
                    double busy_per_image_s,
                    double overhead_s,
                    guint  threads)
{
  double per_mp, work, file_s;

  if (sample_megapixels <= 0 || sample_files == 0 || threads == 0)
    return 0;
  per_mp = busy_per_image_s * sample_files / sample_megapixels;
  work = total_megapixels * per_mp;
  file_s = busy_per_image_s;
  return work / threads + overhead_s + file_s * (threads - 1) / (2.0 * threads);
}

/**
 * pp_format_duration:
 *
 * Returns: (transfer full): "0.8 s", "42 s", "3 min 10 s", "1 h 05 min"
 */
char *
pp_format_duration (double seconds)
{
  if (seconds < 10)
    return g_strdup_printf ("%.1f s", MAX (seconds, 0));
  if (seconds < 60)
    return g_strdup_printf ("%.0f s", seconds);
  if (seconds < 3600)
    return g_strdup_printf ("%d min %02d s", (int) seconds / 60, (int) seconds % 60);
  return g_strdup_printf ("%d h %02d min", (int) seconds / 3600, ((int) seconds % 3600) / 60);
}

/**
 * pp_threads_choice_describe_prediction:
 *
 * Returns: (transfer full) (nullable): "serial ≈ 3 min 10 s · 2 threads ≈ 1 min 40 s", or %NULL
 *   without a calibration
 */
char *
pp_threads_choice_describe_prediction (const PpThreadsChoice *choice)
{
  g_autofree char *serial = NULL;
  g_autofree char *parallel = NULL;

  g_return_val_if_fail (choice != NULL, NULL);

  if (choice->predicted_serial_s <= 0)
    return NULL;
  serial = pp_format_duration (choice->predicted_serial_s);
  if (choice->threads == 1)
    return g_strdup_printf ("serial ≈ %s", serial);
  parallel = pp_format_duration (choice->predicted_s);
  return g_strdup_printf ("serial ≈ %s · %u threads ≈ %s", serial, choice->threads, parallel);
}

/**
 * pp_threads_choice_to_json:
 *
 * Returns: (transfer full): `{threads, cpu_budget, cpu_source, memory_budget_bytes,
 *   memory_source, bytes_per_worker, memory_cap, calibrated_best, calibration_s, explanation,
 *   predicted_serial_s, predicted_s}` (docs/run-record.md, "threads_choice")
 */
JsonNode *
pp_threads_choice_to_json (const PpThreadsChoice *choice)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (choice != NULL, NULL);

  json_builder_begin_object (b);
  _pp_json_add_int (b, "threads", choice->threads);
  _pp_json_add_int (b, "cpu_budget", choice->cpu_budget);
  _pp_json_add_string (b, "cpu_source", choice->cpu_how != NULL ? choice->cpu_how : "");
  _pp_json_add_int (b, "memory_budget_bytes", choice->memory_budget);
  _pp_json_add_string (b, "memory_source", choice->memory_how != NULL ? choice->memory_how : "");
  _pp_json_add_int (b, "bytes_per_worker", choice->bytes_per_worker);
  _pp_json_add_int (b, "memory_cap", choice->memory_cap);
  _pp_json_add_int (b, "calibrated_best", choice->calibrated_best);
  _pp_json_add_double (b, "calibration_s", choice->calibration_s);
  _pp_json_add_string (b, "explanation", choice->explanation != NULL ? choice->explanation : "");
  _pp_json_add_double (b, "predicted_serial_s", choice->predicted_serial_s);
  _pp_json_add_double (b, "predicted_s", choice->predicted_s);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ------------------------------------------------------------------------------------------ */
/* Running it */

typedef struct
{
  PpBatch *batch;
  PpThreadsChoice *choice;
  GStrv inputs;
  PpSweep *sweep;
  gint64 calibration_start;
} AutoData;

static void
auto_data_free (AutoData *data)
{
  g_clear_object (&data->batch);
  pp_threads_choice_free (data->choice);
  g_strfreev (data->inputs);
  g_clear_object (&data->sweep);
  g_free (data);
}

/* What memory was sized by, and which files were left out of it (refused before decoding). */
static void
explain_memory (GString               *text,
                const PpThreadsChoice *c)
{
  g_autofree char *per_worker = g_format_size_full (c->bytes_per_worker, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *budget = g_format_size_full (c->memory_budget, G_FORMAT_SIZE_IEC_UNITS);
  const char *sep = "; not counted: ";

  g_string_append_printf (text, "memory for %u worker%s (", c->memory_cap,
                          c->memory_cap == 1 ? "" : "s");
  if (c->largest_megapixels > 0)
    g_string_append_printf (text, "%s each for the largest image, %.1f MP, of %s %s",
                            per_worker, c->largest_megapixels, budget, c->memory_how);
  else
    g_string_append_printf (text, "no image to decode to size it by; %s %s", budget,
                            c->memory_how);
  if (c->n_over_limit > 0)
    {
      g_string_append_printf (text, "%s%u file%s over the %g MP limit", sep, c->n_over_limit,
                              c->n_over_limit == 1 ? "" : "s", c->max_megapixels);
      sep = ", ";
    }
  if (c->n_unreadable > 0)
    g_string_append_printf (text, "%s%u file%s without a readable header", sep,
                            c->n_unreadable, c->n_unreadable == 1 ? "" : "s");
  g_string_append (text, ")");
}

static void
explain (PpThreadsChoice *c,
         const char      *calibration)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%u thread%s: CPU budget %u (%s); ", c->threads,
                          c->threads == 1 ? "" : "s", c->cpu_budget, c->cpu_how);
  explain_memory (text, c);
  g_string_append_printf (text, "; %u file%s", c->n_files, c->n_files == 1 ? "" : "s");
  if (calibration != NULL)
    g_string_append_printf (text, "; %s", calibration);
  c->explanation = g_string_free (text, FALSE);
}

static void
finish_choice (GTask    *task,
               AutoData *data,
               const char *calibration)
{
  data->choice->threads = pp_threads_choose (data->choice->cpu_budget, data->choice->memory_cap,
                                             data->choice->n_files,
                                             data->choice->calibrated_best);
  explain (data->choice, calibration);
  g_task_return_pointer (task, g_steal_pointer (&data->choice),
                         (GDestroyNotify) pp_threads_choice_free);
  g_object_unref (task);
}

static void
on_calibrated (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  AutoData *data = g_task_get_task_data (task);
  PpThreadsChoice *c = data->choice;
  PpSweep *sweep = PP_SWEEP (source);
  g_autoptr (GError) error = NULL;
  g_autofree char *calibration = NULL;
  const PpSweepPoint *one, *chosen;
  const PpFolderSurvey *sample;
  guint threads;

  c->calibration_s = (g_get_monotonic_time () - data->calibration_start) / 1e6;
  if (!pp_sweep_run_finish (sweep, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (pp_sweep_get_cancelled (sweep))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      g_object_unref (task);
      return;
    }
  c->calibrated_best = pp_sweep_get_recommended_threads (sweep);
  threads = pp_threads_choose (c->cpu_budget, c->memory_cap, c->n_files, c->calibrated_best);
  one = pp_sweep_find_point (sweep, 1);
  chosen = pp_sweep_find_point (sweep, threads);
  sample = pp_sweep_get_survey (sweep);
  if (one != NULL && one->n_ok > 0)
    c->predicted_serial_s = pp_threads_predict (c->total_megapixels, sample->total_megapixels,
                                                sample->n_files, one->busy_per_image_s,
                                                one->startup_s + one->finish_s, 1);
  if (chosen != NULL && chosen->n_ok > 0)
    c->predicted_s = pp_threads_predict (c->total_megapixels, sample->total_megapixels,
                                         sample->n_files, chosen->busy_per_image_s,
                                         chosen->startup_s + chosen->finish_s, threads);
  calibration = g_strdup_printf ("calibration on %u file%s (%.1f s): %s", sample->n_files,
                                 sample->n_files == 1 ? "" : "s", c->calibration_s,
                                 pp_sweep_get_recommendation (sweep) != NULL
                                 ? pp_sweep_get_recommendation (sweep) : "no speedup measured");
  if (!pp_sweep_get_identical (sweep))
    {
      /* Not a reason to choose differently, but never to hide either. */
      g_warning ("Calibration: outputs differ between thread counts — please report this bug");
    }
  finish_choice (task, data, calibration);
}

static void
on_surveyed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  AutoData *data = g_task_get_task_data (task);
  PpThreadsChoice *c = data->choice;
  g_auto (PpFolderSurvey) survey = { 0 };
  g_autoptr (PpPipeline) pipeline = NULL;
  GError *error = NULL;
  guint candidate;

  if (!pp_folder_survey_finish (result, &survey, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_object_get (data->batch, "pipeline", &pipeline, NULL);
  c->n_files = survey.n_files;
  c->n_over_limit = survey.n_over_limit;
  c->n_unreadable = survey.n_unreadable;
  c->total_megapixels = survey.total_megapixels;
  c->largest_megapixels = survey.largest_megapixels;
  c->bytes_per_worker = pp_threads_bytes_per_worker (survey.largest_width, survey.largest_height,
                                                     pipeline);
  c->memory_cap = pp_threads_memory_cap (c->memory_budget, c->bytes_per_worker);
  candidate = pp_threads_choose (c->cpu_budget, c->memory_cap, c->n_files, 0);
  if (candidate <= 1 || c->n_files < PP_AUTO_THREADS_MIN_FILES_PER_WORKER * candidate)
    {
      finish_choice (task, data, candidate <= 1 ? NULL
                                 : "no calibration: too few files for it to pay off");
      return;
    }

  /* One file per candidate worker, at 1, half and all candidate threads. */
  {
    g_autoptr (PpBatch) calibration = pp_batch_copy_config (data->batch);
    guint list[2] = { candidate / 2, candidate };
    gboolean half = candidate >= 4;

    pp_batch_set_files (calibration, (const char *const *) data->inputs);
    data->sweep = pp_sweep_new (calibration);
    pp_sweep_set_threads_list (data->sweep, half ? list : &list[1], half ? 2 : 1);
    pp_sweep_set_sample (data->sweep, candidate);
    pp_sweep_set_repeat (data->sweep, 1);
    pp_sweep_set_cpu_budget (data->sweep, c->cpu_budget);
    data->calibration_start = g_get_monotonic_time ();
    pp_sweep_run_async (data->sweep, g_task_get_cancellable (task), on_calibrated, task);
  }
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  AutoData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GPtrArray) inputs = pp_batch_list_files_finish (PP_BATCH (source), result, &error);

  if (inputs == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  data->inputs = g_new0 (char *, inputs->len + 1);
  for (guint i = 0; i < inputs->len; i++)
    data->inputs[i] = g_strdup (((PpBatchInput *) inputs->pdata[i])->path);
  /* Files over this limit fail from their header: they must not size the workers. */
  g_object_get (data->batch, "max-megapixels", &data->choice->max_megapixels, NULL);
  pp_folder_survey_async ((const char *const *) data->inputs, data->choice->max_megapixels,
                          g_task_get_cancellable (task), on_surveyed, task);
}

/**
 * pp_threads_auto_async:
 * @batch: the configured batch (its threads and mode are not used)
 * @cancellable: (nullable)
 * @callback: called on the caller's thread-default main context
 * @user_data: for @callback
 *
 * Chooses the thread count for @batch within this machine's budget: the CPUs its affinity
 * mask, cgroup quota and Slurm allow (pp_machine_get_cpu_budget()) and the memory budget
 * (pp_memory_budget_query(): MemAvailable, the cgroup limit, PP_MEMORY_BUDGET). See
 * pp_threads_auto_with_budget_async(). Main thread.
 */
void
pp_threads_auto_async (PpBatch             *batch,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autofree char *cpu_how = NULL;
  PpMemoryBudget memory;
  PpThreadsBudget budget;

  g_return_if_fail (PP_IS_BATCH (batch));

  budget.cpus = pp_machine_get_cpu_budget (&cpu_how);
  budget.cpu_how = cpu_how;
  pp_memory_budget_query (&memory);
  budget.memory_bytes = memory.bytes;
  budget.memory_how = pp_memory_budget_source_to_string (memory.source);
  pp_threads_auto_with_budget_async (batch, &budget, cancellable, callback, user_data);
}

/**
 * pp_threads_auto_with_budget_async:
 * @batch: the configured batch (its threads and mode are not used)
 * @budget: the CPUs and memory the choice may use (copied)
 * @cancellable: (nullable)
 * @callback: called on the caller's thread-default main context
 * @user_data: for @callback
 *
 * Chooses the thread count for @batch: lists it, reads every header, caps by @budget's CPUs
 * and by the workers its memory holds for the largest image that will be decoded
 * (pp_threads_memory_cap(); files over @batch's "max-megapixels" or without a readable header
 * are refused before decoding, so they are left out, and the explanation says how many), and
 * calibrates when the batch has at least PP_AUTO_THREADS_MIN_FILES_PER_WORKER files per
 * candidate worker (the calibration's outputs go to a scratch folder and are removed). The
 * choice never exceeds the calibration's recommendation. Main thread.
 */
void
pp_threads_auto_with_budget_async (PpBatch               *batch,
                                   const PpThreadsBudget *budget,
                                   GCancellable          *cancellable,
                                   GAsyncReadyCallback    callback,
                                   gpointer               user_data)
{
  GTask *task;
  AutoData *data;

  g_return_if_fail (PP_IS_BATCH (batch));
  g_return_if_fail (budget != NULL);

  task = g_task_new (batch, cancellable, callback, user_data);
  g_task_set_source_tag (task, pp_threads_auto_async);
  data = g_new0 (AutoData, 1);
  data->batch = g_object_ref (batch);
  data->choice = g_new0 (PpThreadsChoice, 1);
  data->choice->cpu_budget = CLAMP (budget->cpus, 1, PP_SCHEDULER_MAX_THREADS);
  data->choice->cpu_how = g_strdup (budget->cpu_how != NULL ? budget->cpu_how : "given");
  data->choice->memory_budget = budget->memory_bytes;
  data->choice->memory_how = g_strdup (budget->memory_how != NULL ? budget->memory_how : "given");
  g_task_set_task_data (task, data, (GDestroyNotify) auto_data_free);
  pp_batch_list_files_async (batch, cancellable, on_listed, task);
}

/**
 * pp_threads_auto_finish:
 * @error: as pp_batch_list_files_finish() and pp_sweep_run_finish(); %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the choice
 */
PpThreadsChoice *
pp_threads_auto_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
