/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Measured runs and the warm-up (pp-measure.h). A scaling figure is only honest when every timed
 * run starts equally warm: the first run of a process otherwise pays alone for reading the
 * inputs from disk, starting one decoder helper per worker and faulting in code and allocator
 * arenas, which made a 2-thread compare show 126 % efficiency.
 */
#define G_LOG_DOMAIN "pp-measure"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "batch/pp-machine.h"
#include "batch/pp-measure.h"
#include "batch/pp-measure-series-private.h"
#include "batch/pp-scratch.h"
#include "decoder/pp-decoder.h"
#include "io/pp-io.h"
#include "render/pp-scheduler.h"

#define SAMPLE_INTERVAL_MS 50

/**
 * pp_measure_free:
 * @measure: (transfer full) (nullable)
 */
void
pp_measure_free (PpMeasure *measure)
{
  if (measure == NULL)
    return;
  g_clear_object (&measure->run);
  g_free (measure);
}

/**
 * pp_batch_copy_config:
 * @batch: a configured batch
 *
 * A new batch with every read-write property of @batch (input, output, chain, format, threads,
 * naming…), so the engines can run variations of the user's batch without touching it. Not
 * copied: the excluded folders, which are not a property. Main thread.
 *
 * Returns: (transfer full): the copy
 */
PpBatch *
pp_batch_copy_config (PpBatch *batch)
{
  PpBatch *copy;
  g_autofree GParamSpec **specs = NULL;
  guint n;

  g_return_val_if_fail (PP_IS_BATCH (batch), NULL);

  copy = pp_batch_new ();
  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (batch), &n);
  for (guint i = 0; i < n; i++)
    {
      g_auto (GValue) value = G_VALUE_INIT;

      if ((specs[i]->flags & G_PARAM_READWRITE) != G_PARAM_READWRITE
          || (specs[i]->flags & G_PARAM_CONSTRUCT_ONLY))
        continue;
      g_value_init (&value, specs[i]->value_type);
      g_object_get_property (G_OBJECT (batch), specs[i]->name, &value);
      g_object_set_property (G_OBJECT (copy), specs[i]->name, &value);
    }
  return copy;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/**
 * pp_measure_analyse:
 *
 * Fills @measure's totals and wall-time split from its run record (main thread: it reads the
 * run). pp_measured_run_finish() already did; call it again only after changing @measure->run.
 */
void
pp_measure_analyse (PpMeasure *measure)
{
  PpRun *run = measure->run;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (run));
  g_autoptr (GHashTable) lane_last = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr (GHashTable) lane_first = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr (GArray) durations = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 first_start = G_MAXINT64, last_end = 0, end_us, median = 0, excess = 0;
  gint64 idle;
  GHashTableIter iter;
  gpointer value;
  PpRunTotals totals;

  pp_run_get_totals (run, &totals);
  measure->wall_us = pp_run_get_wall_us (run);
  measure->cpu_us = pp_run_get_cpu_us (run);
  measure->n_ok = totals.n_ok;
  measure->n_failed = totals.n_failed;
  measure->megapixels = totals.megapixels;
  measure->stage_us[0] = totals.decode_us;
  measure->stage_us[1] = totals.filter_us;
  measure->stage_us[2] = totals.encode_us;
  measure->stage_us[3] = totals.write_us;
  measure->busy_us = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (run), i);
      const PpFileRecord *r = pp_file_result_get_record (result);
      gpointer lane = GUINT_TO_POINTER (r->worker + 1);
      gint64 *last, *first;
      gint64 duration = r->end_us - r->start_us;

      if (r->start_us <= 0 || r->end_us < r->start_us)
        continue;
      measure->busy_us += duration;
      g_array_append_val (durations, duration);
      first_start = MIN (first_start, r->start_us);
      last_end = MAX (last_end, r->end_us);
      last = g_hash_table_lookup (lane_last, lane);
      if (last == NULL)
        g_hash_table_insert (lane_last, lane, last = g_new0 (gint64, 1));
      *last = MAX (*last, r->end_us);
      first = g_hash_table_lookup (lane_first, lane);
      if (first == NULL)
        {
          /* first[0]: start of the lane's first file, first[1]: its duration */
          g_hash_table_insert (lane_first, lane, first = g_new0 (gint64, 2));
          first[0] = G_MAXINT64;
        }
      if (r->start_us < first[0])
        {
          first[0] = r->start_us;
          first[1] = duration;
        }
    }
  if (durations->len == 0)
    {
      measure->startup_us = measure->wall_us;
      measure->tail_us = measure->finish_us = measure->first_file_excess_us = 0;
      return;
    }
  g_array_sort (durations, compare_int64);
  median = g_array_index (durations, gint64, durations->len / 2);
  end_us = measure->submitted_us + measure->wall_us;
  measure->startup_us = MAX (0, first_start - measure->submitted_us);
  measure->finish_us = MAX (0, end_us - last_end);
  /* Lanes of workers that never got a file count as idle from the first file's start. */
  idle = (gint64) (measure->threads > g_hash_table_size (lane_last)
                   ? measure->threads - g_hash_table_size (lane_last) : 0) * (last_end - first_start);
  g_hash_table_iter_init (&iter, lane_last);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    idle += last_end - *(gint64 *) value;
  measure->tail_us = idle / MAX (measure->threads, 1);
  g_hash_table_iter_init (&iter, lane_first);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    excess += MAX (0, ((gint64 *) value)[1] - median);
  measure->first_file_excess_us = excess / MAX (g_hash_table_size (lane_first), 1);
}

typedef struct
{
  PpMeasure *measure;
  PpMemorySampler *sampler;
  gint64 helper_cpu_start;
} MeasureData;

static void
measure_data_free (MeasureData *data)
{
  if (data->sampler != NULL)
    pp_memory_sampler_stop (data->sampler);
  pp_measure_free (data->measure);
  g_free (data);
}

static void
on_measured_run_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  MeasureData *data = g_task_get_task_data (task);
  GError *error = NULL;
  PpRun *run = pp_batch_run_finish (PP_BATCH (source), result, &error);

  data->measure->peak_memory_bytes = pp_memory_sampler_stop (g_steal_pointer (&data->sampler));
  data->measure->helper_cpu_us = pp_decoder_get_helper_cpu_us () - data->helper_cpu_start;
  if (run == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->measure->run = run;
  pp_measure_analyse (data->measure);
  g_task_return_pointer (task, g_steal_pointer (&data->measure), (GDestroyNotify) pp_measure_free);
}

/**
 * pp_measured_run_async:
 * @batch: a configured batch, not running
 * @cancellable: (nullable): cancels the run (which still finishes, with its cancelled flag)
 *
 * Runs @batch (pp_batch_run_async()) while sampling the process tree's memory, and measures
 * the decoder helpers' CPU over the run. Connect to pp_batch_get_progress() for progress. Main
 * thread; @callback runs on the caller's thread-default main context.
 */
void
pp_measured_run_async (PpBatch             *batch,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;
  MeasureData *data;

  g_return_if_fail (PP_IS_BATCH (batch));

  task = g_task_new (batch, cancellable, callback, user_data);
  g_task_set_source_tag (task, pp_measured_run_async);
  /* Like the batch: a cancelled run still returns what it did. */
  g_task_set_check_cancellable (task, FALSE);
  data = g_new0 (MeasureData, 1);
  data->measure = g_new0 (PpMeasure, 1);
  data->measure->threads = pp_batch_get_effective_threads (batch);
  g_task_set_task_data (task, data, (GDestroyNotify) measure_data_free);
  data->helper_cpu_start = pp_decoder_get_helper_cpu_us ();
  data->sampler = pp_memory_sampler_start (SAMPLE_INTERVAL_MS);
  data->measure->submitted_us = g_get_monotonic_time ();
  pp_batch_run_async (batch, cancellable, on_measured_run_done, task);
}

/**
 * pp_measured_run_finish:
 * @error: as pp_batch_run_finish() (the run could not start)
 *
 * Returns: (transfer full) (nullable): the measure, also for a cancelled run
 */
PpMeasure *
pp_measured_run_finish (PpBatch       *batch,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, batch), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Warm-up */

typedef struct
{
  PpBatch *batch;          /* the untimed run */
  GStrv inputs;
  guint threads;
  char *folder;            /* scratch/warm-up */
  PpWarmUp result;
  gint64 start_us;
} WarmUpData;

static void
warm_up_data_free (WarmUpData *data)
{
  g_clear_object (&data->batch);
  g_strfreev (data->inputs);
  g_free (data->folder);
  g_free (data);
}

/* Reads every input once, so the timed runs find them in the page cache — unless together they
 * would not fit in half the memory budget: then every run reads from disk alike, and caching
 * the first part would only favour whichever run comes first. */
static void
read_inputs_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  WarmUpData *data = task_data;
  g_autofree char *buffer = g_malloc (1 << 20);
  PpMemoryBudget budget;
  guint64 total = 0;

  pp_memory_budget_query (&budget);
  for (guint i = 0; data->inputs[i] != NULL; i++)
    {
      GStatBuf st;

      if (g_stat (data->inputs[i], &st) == 0)
        total += st.st_size;
    }
  if (total > budget.bytes / 2)
    {
      data->result.cache_skipped = TRUE;
      g_task_return_boolean (task, TRUE);
      return;
    }
  for (guint i = 0; data->inputs[i] != NULL; i++)
    {
      int fd = g_open (data->inputs[i], O_RDONLY | O_CLOEXEC, 0);
      ssize_t n;

      if (g_task_return_error_if_cancelled (task))
        {
          if (fd >= 0)
            close (fd);
          return;
        }
      if (fd < 0)
        continue;
      while ((n = read (fd, buffer, 1 << 20)) > 0)
        data->result.bytes_read += n;
      close (fd);
      data->result.n_files_read++;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_warm_up_removed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  WarmUpData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  /* A leftover is reported by the caller's own removal of the whole scratch folder. */
  if (!pp_scratch_remove_finish (result, &error))
    g_debug ("%s", error->message);
  data->result.wall_us = g_get_monotonic_time () - data->start_us;
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_boolean (task, TRUE);
}

static void
on_warm_up_run_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  WarmUpData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PpRun) run = pp_batch_run_finish (PP_BATCH (source), result, &error);

  if (run == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  pp_scratch_remove_async (data->folder, on_warm_up_removed, task);
}

static void
on_inputs_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  WarmUpData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (data->batch == NULL)
    {
      data->result.wall_us = g_get_monotonic_time () - data->start_us;
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  pp_batch_run_async (data->batch, g_task_get_cancellable (task), on_warm_up_run_done, task);
}

/**
 * pp_warm_up_async:
 * @template_batch: the configured batch the timed runs will copy
 * @inputs: (array zero-terminated=1): the files the timed runs will process
 * @threads: the largest thread count any timed run will use
 * @scratch: an existing scratch folder; the warm-up writes into `@scratch/warm-up` and removes
 *   it before it completes
 * @cancellable: (nullable): %G_IO_ERROR_CANCELLED from pp_warm_up_finish() when cancelled
 *
 * Before timed runs: reads every input once (page cache; skipped when they would take more than
 * half the memory budget), then processes the first 2 × @threads inputs, untimed, on @threads
 * workers, which starts a decoder helper on each pool thread the timed runs will use (pool
 * threads and their helpers persist between runs) and faults in code and allocator arenas.
 * Main thread; @callback on the caller's thread-default main context.
 */
void
pp_warm_up_async (PpBatch             *template_batch,
                  const char * const  *inputs,
                  guint                threads,
                  const char          *scratch,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task;
  GTask *read_task;
  WarmUpData *data;
  guint n, n_run;

  g_return_if_fail (PP_IS_BATCH (template_batch));
  g_return_if_fail (inputs != NULL && scratch != NULL && threads >= 1);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pp_warm_up_async);
  data = g_new0 (WarmUpData, 1);
  data->inputs = g_strdupv ((char **) inputs);
  data->threads = threads;
  data->folder = g_build_filename (scratch, "warm-up", NULL);
  data->start_us = g_get_monotonic_time ();
  g_task_set_task_data (task, data, (GDestroyNotify) warm_up_data_free);

  n = g_strv_length (data->inputs);
  n_run = MIN (n, 2 * threads);
  if (n_run > 0)
    {
      g_auto (GStrv) some = g_new0 (char *, n_run + 1);

      for (guint i = 0; i < n_run; i++)
        some[i] = g_strdup (inputs[i]);
      data->batch = _pp_measure_batch_for_files (template_batch, (const char *const *) some,
                                                 data->folder, threads);
      data->result.n_files_run = n_run;
      data->result.threads = threads;
    }
  read_task = g_task_new (NULL, cancellable, on_inputs_read, task);
  g_task_set_task_data (read_task, data, NULL);
  pp_scheduler_run_task (read_task, read_inputs_thread);
  g_object_unref (read_task);
}

/**
 * pp_warm_up_finish:
 * @warm_up: (out) (optional): what was done
 *
 * Returns: %FALSE with @error set when cancelled or when the untimed run could not start
 */
gboolean
pp_warm_up_finish (GAsyncResult  *result,
                   PpWarmUp      *warm_up,
                   GError       **error)
{
  WarmUpData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (warm_up != NULL)
    *warm_up = data->result;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pp_warm_up_describe:
 *
 * Returns: (transfer full): one line for people, e.g. "read 100 inputs (412 MB) into the page
 *   cache, then 4 untimed on 2 threads (3.1 s)"
 */
char *
pp_warm_up_describe (const PpWarmUp *warm_up)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (warm_up != NULL, NULL);

  if (warm_up->cache_skipped)
    g_string_append (text, "inputs larger than memory allows to cache: every run reads them "
                     "from disk");
  else
    {
      g_autofree char *size = g_format_size (warm_up->bytes_read);

      g_string_append_printf (text, "read %u input%s (%s) into the page cache",
                              warm_up->n_files_read, warm_up->n_files_read == 1 ? "" : "s", size);
    }
  if (warm_up->n_files_run > 0)
    g_string_append_printf (text, ", then %u untimed on %u thread%s", warm_up->n_files_run,
                            warm_up->threads, warm_up->threads == 1 ? "" : "s");
  g_string_append_printf (text, " (%.1f s)", warm_up->wall_us / 1e6);
  return g_string_free (text, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Survey */

/**
 * pp_folder_survey_clear:
 *
 * Frees what @survey holds and zeroes it.
 */
void
pp_folder_survey_clear (PpFolderSurvey *survey)
{
  g_free (survey->largest_path);
  memset (survey, 0, sizeof *survey);
}

/**
 * pp_folder_survey_run:
 * @inputs: (array zero-terminated=1): paths
 * @max_megapixels: the batch's limit ("max-megapixels", millions of pixels; 0: none): a file
 *   whose header declares more is refused before decoding, so it is counted in
 *   @survey's n_over_limit and left out of its megapixels and largest image
 * @cancellable: (nullable): stops early (the survey then covers the files read so far)
 * @survey: (out caller-allocates): the result; clear it with pp_folder_survey_clear()
 *
 * Reads every input's header (pp_io_read_header(): the first kilobytes, no pixels), for the
 * folder summary and for sizing memory by the largest image that will be decoded. Files
 * without a readable header (n_unreadable) and over @max_megapixels (n_over_limit) count in
 * n_files and total_bytes only. Blocking: any thread but the main one. About 0.1 ms a file
 * once cached.
 */
void
pp_folder_survey_run (const char *const *inputs,
                      double             max_megapixels,
                      GCancellable      *cancellable,
                      PpFolderSurvey    *survey)
{
  memset (survey, 0, sizeof *survey);
  for (guint i = 0; inputs[i] != NULL && !g_cancellable_is_cancelled (cancellable); i++)
    {
      g_auto (PpImageInfo) info = { 0 };
      GStatBuf st;
      double pixels, mp;

      survey->n_files++;
      if (g_stat (inputs[i], &st) == 0)
        survey->total_bytes += st.st_size;
      if (!pp_io_read_header (inputs[i], &info, NULL) || info.width <= 0 || info.height <= 0)
        {
          survey->n_unreadable++;
          continue;
        }
      pixels = (double) info.width * info.height;
      /* The decoders' test (_pp_codec_check_size()): such a file fails from its header and
       * never holds pixel memory. */
      if (max_megapixels > 0 && pixels > max_megapixels * 1e6)
        {
          survey->n_over_limit++;
          continue;
        }
      mp = pixels / 1e6;
      survey->total_megapixels += mp;
      if (mp > survey->largest_megapixels)
        {
          survey->largest_megapixels = mp;
          survey->largest_width = info.width;
          survey->largest_height = info.height;
          g_free (survey->largest_path);
          survey->largest_path = g_strdup (inputs[i]);
        }
    }
}

typedef struct
{
  GStrv inputs;
  double max_megapixels;
} SurveyData;

static void
survey_data_free (SurveyData *data)
{
  g_strfreev (data->inputs);
  g_free (data);
}

static void
survey_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SurveyData *data = task_data;
  PpFolderSurvey *survey = g_new0 (PpFolderSurvey, 1);

  pp_folder_survey_run ((const char *const *) data->inputs, data->max_megapixels, cancellable,
                        survey);
  if (g_cancellable_is_cancelled (cancellable))
    {
      pp_folder_survey_clear (survey);
      g_free (survey);
      g_task_return_error_if_cancelled (task);
      return;
    }
  g_task_return_pointer (task, survey, NULL);
}

/**
 * pp_folder_survey_async:
 * @inputs: (array zero-terminated=1): paths (copied)
 * @max_megapixels: as pp_folder_survey_run()
 *
 * pp_folder_survey_run() on a GIO worker thread; @callback on the caller's thread-default main
 * context.
 */
void
pp_folder_survey_async (const char *const   *inputs,
                        double               max_megapixels,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SurveyData *data = g_new0 (SurveyData, 1);

  data->inputs = g_strdupv ((char **) inputs);
  data->max_megapixels = max_megapixels;
  g_task_set_source_tag (task, pp_folder_survey_async);
  g_task_set_task_data (task, data, (GDestroyNotify) survey_data_free);
  pp_scheduler_run_task (task, survey_thread);
}

/**
 * pp_folder_survey_finish:
 * @survey: (out caller-allocates): the result; clear it with pp_folder_survey_clear()
 *
 * Returns: %FALSE with %G_IO_ERROR_CANCELLED when cancelled
 */
gboolean
pp_folder_survey_finish (GAsyncResult    *result,
                         PpFolderSurvey  *survey,
                         GError         **error)
{
  g_autofree PpFolderSurvey *found = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  found = g_task_propagate_pointer (G_TASK (result), error);
  if (found == NULL)
    return FALSE;
  *survey = *found;
  return TRUE;
}

/**
 * pp_folder_survey_describe:
 *
 * Returns: (transfer full): e.g. "100 images, 1.2 GB, 1200 MP in all, largest 4000×3000 (12 MP)"
 */
char *
pp_folder_survey_describe (const PpFolderSurvey *survey)
{
  g_autofree char *size = g_format_size (survey->total_bytes);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%u image%s, %s, %.0f MP in all", survey->n_files,
                          survey->n_files == 1 ? "" : "s", size, survey->total_megapixels);
  if (survey->largest_megapixels > 0)
    g_string_append_printf (text, ", largest %d×%d (%.1f MP)", survey->largest_width,
                            survey->largest_height, survey->largest_megapixels);
  if (survey->n_unreadable > 0)
    g_string_append_printf (text, ", %u without a readable header", survey->n_unreadable);
  if (survey->n_over_limit > 0)
    g_string_append_printf (text, ", %u over the megapixel limit", survey->n_over_limit);
  return g_string_free (text, FALSE);
}
