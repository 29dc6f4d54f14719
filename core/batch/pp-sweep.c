/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sweep engine (pp-sweep.h): prepare (scratch folder, listing, sample, headers) → warm up →
 * timed runs in rotating order, each checked against the 1-thread run and its outputs removed →
 * analysis → clean up. One step after another on the main context; files are listed, read,
 * compared and removed on worker threads.
 */
#define G_LOG_DOMAIN "pp-sweep"

#include "config.h"

#include <math.h>
#include <string.h>

#include "batch/pp-compare-check.h"
#include "batch/pp-machine.h"
#include "batch/pp-scratch.h"
#include "batch/pp-sweep-private.h"

enum
{
  SIGNAL_PHASE_CHANGED,
  SIGNAL_RUN_STARTED,
  SIGNAL_POINT_UPDATED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PpSweep, pp_sweep, G_TYPE_OBJECT)

static const PpMeasureSeriesHooks sweep_hooks;

static void
clear_points (PpSweep *self)
{
  for (guint i = 0; self->points != NULL && i < self->n_threads; i++)
    {
      g_free (self->points[i].difference);
      g_ptr_array_unref (self->measures[i]);
    }
  g_clear_pointer (&self->points, g_free);
  g_clear_pointer (&self->measures, g_free);
}

static void
pp_sweep_dispose (GObject *object)
{
  PpSweep *self = PP_SWEEP (object);

  _pp_measure_series_dispose (&self->series);
  g_clear_object (&self->reference);
  G_OBJECT_CLASS (pp_sweep_parent_class)->dispose (object);
}

static void
pp_sweep_finalize (GObject *object)
{
  PpSweep *self = PP_SWEEP (object);

  _pp_measure_series_finalize (&self->series);
  clear_points (self);
  g_free (self->threads);
  g_free (self->reference_dir);
  g_free (self->run_dir);
  pp_folder_survey_clear (&self->survey);
  g_free (self->input);
  g_free (self->pipeline_spec);
  g_free (self->format);
  g_clear_pointer (&self->started, g_date_time_unref);
  g_clear_pointer (&self->schedule, g_array_unref);
  g_clear_pointer (&self->check, pp_compare_check_free);
  g_free (self->limit);
  g_free (self->recommendation);
  G_OBJECT_CLASS (pp_sweep_parent_class)->finalize (object);
}

static void
pp_sweep_class_init (PpSweepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pp_sweep_dispose;
  object_class->finalize = pp_sweep_finalize;

  /**
   * PpSweep::phase-changed:
   *
   * The sweep moved to another phase or timed run; main context only.
   */
  signals[SIGNAL_PHASE_CHANGED] =
    g_signal_new ("phase-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  /**
   * PpSweep::run-started:
   * @batch: the batch of this timed run: connect to its progress
   */
  signals[SIGNAL_RUN_STARTED] =
    g_signal_new ("run-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, PP_TYPE_BATCH);
  /**
   * PpSweep::point-updated:
   * @index: the point (pp_sweep_get_point()) that has a new run, or a new check result
   *
   * For live charts: every point's speedup may change with it (the 1-thread median moves).
   */
  signals[SIGNAL_POINT_UPDATED] =
    g_signal_new ("point-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
pp_sweep_init (PpSweep *self)
{
  self->repeat = PP_SWEEP_DEFAULT_REPEAT;
}

/**
 * pp_sweep_new:
 * @batch: the batch as the user configured it (input, chain, format, quality…); its output
 *   folder, mode and threads are not used: the sweep's runs write into a scratch folder
 *
 * Returns: (transfer full): a sweep with the default thread counts (pp_sweep_default_threads_list()
 *   for the CPU budget), all files and PP_SWEEP_DEFAULT_REPEAT repeats
 */
PpSweep *
pp_sweep_new (PpBatch *batch)
{
  PpSweep *self;

  g_return_val_if_fail (PP_IS_BATCH (batch), NULL);

  self = g_object_new (PP_TYPE_SWEEP, NULL);
  _pp_measure_series_init (&self->series, G_OBJECT (self), &sweep_hooks, batch);
  self->cpu_budget = pp_machine_get_cpu_budget (NULL);
  return self;
}

/**
 * pp_sweep_set_threads_list:
 * @threads: (array length=n_threads) (nullable): thread counts; sorted and made unique here, 1
 *   added when missing; %NULL: the default list
 */
void
pp_sweep_set_threads_list (PpSweep     *self,
                           const guint *threads,
                           guint        n_threads)
{
  GArray *list;
  guint one = 1;

  g_return_if_fail (PP_IS_SWEEP (self) && self->series.task == NULL);

  g_clear_pointer (&self->threads, g_free);
  self->n_threads = 0;
  if (threads == NULL || n_threads == 0)
    return;
  list = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_vals (list, threads, n_threads);
  g_array_append_val (list, one);
  for (guint i = 0; i < list->len; i++)
    for (guint j = i + 1; j < list->len;)
      if (g_array_index (list, guint, j) == g_array_index (list, guint, i))
        g_array_remove_index (list, j);
      else
        j++;
  /* Insertion sort: a handful of counts. */
  for (guint i = 1; i < list->len; i++)
    for (guint j = i; j > 0 && g_array_index (list, guint, j - 1) > g_array_index (list, guint, j);
         j--)
      {
        guint t = g_array_index (list, guint, j);

        g_array_index (list, guint, j) = g_array_index (list, guint, j - 1);
        g_array_index (list, guint, j - 1) = t;
      }
  self->n_threads = list->len;
  self->threads = (guint *) g_array_free (list, FALSE);
}

/**
 * pp_sweep_set_sample:
 * @self: a sweep
 * @n_files: files to sweep on (pp_sweep_sample_inputs()); 0: all
 *
 * Main thread, before pp_sweep_run_async().
 */
void
pp_sweep_set_sample (PpSweep *self,
                     guint    n_files)
{
  g_return_if_fail (PP_IS_SWEEP (self) && self->series.task == NULL);
  self->sample = n_files;
}

/**
 * pp_sweep_set_repeat:
 * @self: a sweep
 * @repeat: timed runs per thread count, clamped to 1..100 (the point's time is their median)
 *
 * Main thread, before pp_sweep_run_async().
 */
void
pp_sweep_set_repeat (PpSweep *self,
                     guint    repeat)
{
  g_return_if_fail (PP_IS_SWEEP (self) && self->series.task == NULL);
  self->repeat = CLAMP (repeat, 1, 100);
}

/**
 * pp_sweep_set_scratch_parent:
 * @parent: (nullable): where the runs write (inside a new hidden folder, removed at the end);
 *   %NULL: pp_scratch_default_parent(). Give a folder on the disk the real outputs go to, or
 *   writing is measured on another disk.
 */
void
pp_sweep_set_scratch_parent (PpSweep    *self,
                             const char *parent)
{
  g_return_if_fail (PP_IS_SWEEP (self) && self->series.task == NULL);
  g_free (self->series.scratch_parent);
  self->series.scratch_parent = g_strdup (parent);
}

/**
 * pp_sweep_set_cpu_budget:
 * @cpus: CPUs the analysis may assume (default: pp_machine_get_cpu_budget()); the default
 *   thread list and the fit follow it
 */
void
pp_sweep_set_cpu_budget (PpSweep *self,
                         guint    cpus)
{
  g_return_if_fail (PP_IS_SWEEP (self) && self->series.task == NULL && cpus >= 1);
  self->cpu_budget = cpus;
}

static void
set_phase (PpSweep      *self,
           PpSweepPhase  phase)
{
  self->phase = phase;
  g_signal_emit (self, signals[SIGNAL_PHASE_CHANGED], 0);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median_of (GPtrArray *measures,
           double   (*get) (const PpMeasure *m))
{
  g_autofree double *v = g_new (double, MAX (measures->len, 1));
  guint n = measures->len;

  if (n == 0)
    return 0;
  for (guint i = 0; i < n; i++)
    v[i] = get (measures->pdata[i]);
  qsort (v, n, sizeof *v, compare_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define GETTER(name, expr) \
  static double get_##name (const PpMeasure *m) { return (expr); }
GETTER (wall, m->wall_us / 1e6)
GETTER (cpu, m->cpu_us / 1e6)
GETTER (helper_cpu, m->helper_cpu_us / 1e6)
GETTER (decode, m->stage_us[0] / 1e6)
GETTER (filter, m->stage_us[1] / 1e6)
GETTER (encode, m->stage_us[2] / 1e6)
GETTER (write, m->stage_us[3] / 1e6)
GETTER (busy, (m->n_ok + m->n_failed) > 0 ? m->busy_us / 1e6 / (m->n_ok + m->n_failed) : 0)
GETTER (startup, m->startup_us / 1e6)
GETTER (tail, m->tail_us / 1e6)
GETTER (finish, m->finish_us / 1e6)
GETTER (first_excess, m->first_file_excess_us / 1e6)
#undef GETTER

/* Recomputes every point's medians (the 1-thread median, and so every speedup, may move). */
static void
update_points (PpSweep *self)
{
  const PpSweepPoint *one = NULL;

  for (guint i = 0; i < self->n_threads; i++)
    {
      PpSweepPoint *p = &self->points[i];
      GPtrArray *ms = self->measures[i];
      double (*stage_getters[]) (const PpMeasure *) = { get_decode, get_filter, get_encode,
                                                         get_write };

      p->n_runs = ms->len;
      p->threads_per_image = self->survey.n_files > 0
                             ? p->threads / MIN (p->threads, self->survey.n_files) : 1;
      if (ms->len == 0)
        continue;
      p->wall_s = median_of (ms, get_wall);
      p->wall_min_s = G_MAXDOUBLE;
      p->wall_max_s = 0;
      p->peak_memory_bytes = 0;
      for (guint k = 0; k < ms->len; k++)
        {
          const PpMeasure *m = ms->pdata[k];

          p->wall_min_s = MIN (p->wall_min_s, m->wall_us / 1e6);
          p->wall_max_s = MAX (p->wall_max_s, m->wall_us / 1e6);
          p->peak_memory_bytes = MAX (p->peak_memory_bytes, m->peak_memory_bytes);
        }
      p->spread_percent = p->wall_s > 0 ? 100 * (p->wall_max_s - p->wall_min_s) / 2 / p->wall_s
                                        : 0;
      p->n_ok = ((const PpMeasure *) ms->pdata[0])->n_ok;
      p->n_failed = ((const PpMeasure *) ms->pdata[0])->n_failed;
      p->images_per_s = p->wall_s > 0 ? p->n_ok / p->wall_s : 0;
      p->megapixels_per_s = p->wall_s > 0
                            ? ((const PpMeasure *) ms->pdata[0])->megapixels / p->wall_s : 0;
      p->cpu_s = median_of (ms, get_cpu);
      p->helper_cpu_s = median_of (ms, get_helper_cpu);
      for (guint k = 0; k < PP_SWEEP_N_STAGES; k++)
        p->stage_s[k] = median_of (ms, stage_getters[k]);
      p->busy_per_image_s = median_of (ms, get_busy);
      p->startup_s = median_of (ms, get_startup);
      p->tail_s = median_of (ms, get_tail);
      p->finish_s = median_of (ms, get_finish);
      p->first_file_excess_s = median_of (ms, get_first_excess);
      if (p->threads == 1)
        one = p;
    }
  for (guint i = 0; i < self->n_threads; i++)
    {
      PpSweepPoint *p = &self->points[i];

      p->speedup = one != NULL && p->wall_s > 0 ? one->wall_s / p->wall_s : 0;
      p->efficiency = p->speedup / p->threads;
    }
}

/* What each worker's first file took beyond the same file in the 1-thread reference run (scaled
 * by how much slower this run's files were on average, so contention is not counted twice),
 * averaged over the workers: the cost of a worker's start — a decoder helper to spawn, caches to
 * fill. Matching files by index keeps a large first file from reading as a slow start. */
static gint64
first_file_excess (PpRun *run,
                   PpRun *reference)
{
  g_autoptr (GHashTable) ref_us = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr (GHashTable) lane_first = g_hash_table_new (NULL, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (run));
  guint nr = g_list_model_get_n_items (G_LIST_MODEL (reference));
  gint64 busy = 0, ref_busy = 0, excess = 0;
  GHashTableIter iter;
  gpointer value;
  double scale;

  for (guint i = 0; i < nr; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (reference), i);
      const PpFileRecord *r = pp_file_result_get_record (result);
      gint64 *us = g_new (gint64, 1);

      *us = r->end_us - r->start_us;
      g_hash_table_insert (ref_us, GUINT_TO_POINTER (r->index + 1), us);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (run), i);
      const PpFileRecord *r = pp_file_result_get_record (result);
      const PpFileRecord *first = g_hash_table_lookup (lane_first, GUINT_TO_POINTER (r->worker + 1));
      gint64 *us = g_hash_table_lookup (ref_us, GUINT_TO_POINTER (r->index + 1));

      if (us == NULL)
        continue;
      busy += r->end_us - r->start_us;
      ref_busy += *us;
      if (first == NULL || r->start_us < first->start_us)
        g_hash_table_insert (lane_first, GUINT_TO_POINTER (r->worker + 1), (gpointer) r);
    }
  if (ref_busy <= 0 || g_hash_table_size (lane_first) == 0)
    return 0;
  scale = (double) busy / ref_busy;
  g_hash_table_iter_init (&iter, lane_first);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const PpFileRecord *r = value;
      gint64 *us = g_hash_table_lookup (ref_us, GUINT_TO_POINTER (r->index + 1));

      excess += MAX (0, (r->end_us - r->start_us) - (gint64) (*us * scale));
    }
  return excess / g_hash_table_size (lane_first);
}

static void step_next_run (GObject *engine);

static void
sweep_step (GObject             *engine,
            PpMeasureSeriesStep  step)
{
  static const PpSweepPhase phases[] = {
    [PP_MEASURE_SERIES_PREPARING] = PP_SWEEP_PHASE_PREPARING,
    [PP_MEASURE_SERIES_WARMING_UP] = PP_SWEEP_PHASE_WARMING_UP,
    [PP_MEASURE_SERIES_CLEANING_UP] = PP_SWEEP_PHASE_CLEANING_UP,
    [PP_MEASURE_SERIES_DONE] = PP_SWEEP_PHASE_DONE,
  };
  PpSweep *self = PP_SWEEP (engine);

  if (step == PP_MEASURE_SERIES_DONE && self->series.cleanup_error != NULL)
    g_warning ("%s", self->series.cleanup_error);
  set_phase (self, phases[step]);
}

static gboolean
sweep_has_runs (GObject *engine)
{
  return PP_SWEEP (engine)->reference != NULL;
}

/* Whatever ends the sweep: the points measured so far are analysed. */
static void
sweep_finishing (GObject *engine)
{
  PpSweep *self = PP_SWEEP (engine);

  if (self->points != NULL && sweep_has_runs (engine))
    {
      update_points (self);
      g_clear_pointer (&self->limit, g_free);
      g_clear_pointer (&self->recommendation, g_free);
      self->fitted = pp_sweep_analyse (self->points, self->n_threads, self->cpu_budget, &self->fit,
                                       &self->limit, &self->recommended, &self->recommendation);
    }
}

static void
on_run_dir_removed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  PpSweep *self = user_data;
  GError *error = NULL;

  if (!pp_scratch_remove_finish (result, &error))
    _pp_measure_series_fail (&self->series, error);
  else
    step_next_run (G_OBJECT (self));
  g_object_unref (self);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PpSweep *self = user_data;
  GError *error = NULL;
  g_autoptr (PpCompareCheck) check = g_steal_pointer (&self->check);
  PpSweepPoint *p = &self->points[self->checking_point];

  if (!pp_compare_check_run_finish (result, &error))
    {
      _pp_measure_series_fail (&self->series, error);
      g_object_unref (self);
      return;
    }
  p->n_compared += pp_compare_check_get_n_compared (check);
  if (!pp_compare_check_get_identical (check))
    {
      p->identical = FALSE;
      if (p->difference == NULL)
        p->difference = g_strdup (pp_compare_check_get_differences (check)[0]);
    }
  g_signal_emit (self, signals[SIGNAL_POINT_UPDATED], 0, self->checking_point);
  pp_scratch_remove_async (self->run_dir, on_run_dir_removed, g_object_ref (self));
  g_object_unref (self);
}

static void
sweep_measured (GObject   *engine,
                PpMeasure *measure)
{
  PpSweep *self = PP_SWEEP (engine);
  guint index = g_array_index (self->schedule, guint, self->step);

  if (pp_run_get_cancelled (measure->run))
    {
      pp_measure_free (measure);
      _pp_measure_series_fail (&self->series,
                               g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
      return;
    }
  self->step++;
  measure->first_file_excess_us = self->reference != NULL
                                  ? first_file_excess (measure->run, self->reference) : 0;
  g_ptr_array_add (self->measures[index], measure);
  update_points (self);
  if (self->reference == NULL)
    {
      /* The first 1-thread run: what every other run is held to. */
      self->reference = g_object_ref (measure->run);
      g_signal_emit (self, signals[SIGNAL_POINT_UPDATED], 0, index);
      step_next_run (engine);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_POINT_UPDATED], 0, index);
  set_phase (self, PP_SWEEP_PHASE_CHECKING);
  self->checking_point = index;
  self->check = pp_compare_check_new (self->reference, measure->run, PP_COMPARE_CHECK_DEFAULT);
  pp_compare_check_run_async (self->check, self->series.cancellable, on_checked,
                              g_object_ref (self));
}

static void
step_next_run (GObject *engine)
{
  PpSweep *self = PP_SWEEP (engine);
  g_autoptr (PpBatch) batch = NULL;
  const char *excluded[] = { self->series.scratch, NULL };
  guint index, threads;

  if (self->step >= self->schedule->len)
    {
      _pp_measure_series_clean_up (&self->series);
      return;
    }
  index = g_array_index (self->schedule, guint, self->step);
  threads = self->threads[index];
  batch = _pp_measure_batch_for_files (self->series.template_batch,
                                       (const char *const *) self->series.inputs,
                                       self->reference == NULL && threads == 1
                                       ? self->reference_dir : self->run_dir,
                                       threads);
  pp_batch_set_excluded_folders (batch, excluded);
  set_phase (self, PP_SWEEP_PHASE_RUNNING);
  _pp_measure_series_run (&self->series, batch);
  g_signal_emit (self, signals[SIGNAL_RUN_STARTED], 0, batch);
}

/* Rounds of every thread count, each round starting one count later, so that a machine that
 * drifts (gets busier, warmer, throttles) drifts for every count alike. The first round starts
 * with 1 thread, the reference. */
static void
make_schedule (PpSweep *self)
{
  self->schedule = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint r = 0; r < self->repeat; r++)
    for (guint k = 0; k < self->n_threads; k++)
      {
        guint index = (k + r) % self->n_threads;

        g_array_append_val (self->schedule, index);
      }
}

static void
on_surveyed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  PpSweep *self = user_data;
  GError *error = NULL;

  if (!pp_folder_survey_finish (result, &self->survey, &error))
    _pp_measure_series_fail (&self->series, error);
  else
    _pp_measure_series_warm_up (&self->series, self->threads[self->n_threads - 1]);
  g_object_unref (self);
}

/* The sample, its headers surveyed, then a warm-up on the most threads the sweep runs. */
static void
sweep_listed (GObject   *engine,
              GPtrArray *inputs)
{
  PpSweep *self = PP_SWEEP (engine);
  g_autoptr (GPtrArray) sample = NULL;
  double max_megapixels;

  self->reference_dir = g_build_filename (self->series.scratch, "reference", NULL);
  self->run_dir = g_build_filename (self->series.scratch, "run", NULL);
  self->n_listed = inputs->len;
  if (inputs->len == 0)
    {
      _pp_measure_series_fail (&self->series,
                               g_error_new (PP_BATCH_ERROR, PP_BATCH_ERROR_NO_INPUT,
                                            "No images to sweep on in “%s”", self->input));
      return;
    }
  sample = pp_sweep_sample_inputs (inputs, self->sample);
  g_ptr_array_add (sample, NULL);
  self->series.inputs = (GStrv) g_ptr_array_free (g_steal_pointer (&sample), FALSE);
  g_object_get (self->series.template_batch, "max-megapixels", &max_megapixels, NULL);
  pp_folder_survey_async ((const char *const *) self->series.inputs, max_megapixels,
                          self->series.cancellable, on_surveyed, g_object_ref (self));
}

static const PpMeasureSeriesHooks sweep_hooks = {
  .step = sweep_step,
  .listed = sweep_listed,
  .start_runs = step_next_run,
  .measured = sweep_measured,
  .finishing = sweep_finishing,
  .has_runs = sweep_has_runs,
};

/**
 * pp_sweep_run_async:
 * @cancellable: (nullable): stops the sweep; the scratch folder is still removed, and the
 *   points measured so far stay readable
 *
 * Runs the sweep (see pp-sweep.h). Main thread; @callback runs on the caller's thread-default
 * main context once the scratch folder is gone. A sweep runs once.
 */
void
pp_sweep_run_async (PpSweep             *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GFile) input = NULL;
  g_autoptr (PpPipeline) pipeline = NULL;
  PpFormat format;

  g_return_if_fail (PP_IS_SWEEP (self));

  task = _pp_measure_series_new_task (&self->series, "sweep", cancellable, callback, user_data,
                                      pp_sweep_run_async);
  if (task == NULL)
    return;
  if (self->threads == NULL)
    self->threads = pp_sweep_default_threads_list (self->cpu_budget, &self->n_threads);
  self->points = g_new0 (PpSweepPoint, self->n_threads);
  self->measures = g_new0 (GPtrArray *, self->n_threads);
  for (guint i = 0; i < self->n_threads; i++)
    {
      self->points[i].threads = self->threads[i];
      self->points[i].identical = TRUE;
      self->measures[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_measure_free);
    }
  make_schedule (self);

  g_object_get (self->series.template_batch, "input-folder", &input, "pipeline", &pipeline, "format",
                &format, NULL);
  self->input = input != NULL ? g_file_get_path (input) : NULL;
  self->pipeline_spec = pipeline != NULL ? pp_pipeline_to_spec (pipeline) : g_strdup ("");
  self->format = g_strdup (pp_format_to_string (format));
  self->started = g_date_time_new_now_utc ();

  _pp_measure_series_start (&self->series, g_steal_pointer (&task), cancellable,
                            pp_scratch_default_parent (), ".parapix-sweep-");
}

/**
 * pp_sweep_run_finish:
 * @error: %PP_BATCH_ERROR when the batch cannot run (bad configuration, no input, no images),
 *   a #G_FILE_ERROR when no scratch folder could be made, %G_IO_ERROR_CANCELLED when cancelled
 *   before the first timed run ended
 *
 * Returns: whether the sweep has points to read (also when cancelled later:
 *   pp_sweep_get_cancelled())
 */
gboolean
pp_sweep_run_finish (PpSweep       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
