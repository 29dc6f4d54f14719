/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The compare engine (pp-compare.h): prepare → warm up → serial run → parallel run → check →
 * clean up, one step after another on the main context; everything that touches many files
 * (listing, reading for the warm-up, comparing bytes, removing the scratch folder) runs on a
 * worker thread.
 */
#define G_LOG_DOMAIN "pp-compare"

#include "config.h"

#include "batch/pp-compare.h"
#include "batch/pp-measure-series-private.h"

struct _PpCompare
{
  GObject parent_instance;

  /* the template batch, scratch folder (default parent: the output folder), listing, warm-up,
   * task, cancellation and errors */
  PpMeasureSeries series;

  PpComparePhase phase;
  PpBatch *current;         /* the batch running now */
  char *output_dir;
  PpMeasure *serial;
  PpMeasure *parallel;
  PpCompareCheck *check;
  char *note;
};

enum
{
  SIGNAL_PHASE_CHANGED,
  SIGNAL_RUN_STARTED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PpCompare, pp_compare, G_TYPE_OBJECT)

static const PpMeasureSeriesHooks compare_hooks;

static void
pp_compare_dispose (GObject *object)
{
  PpCompare *self = PP_COMPARE (object);

  _pp_measure_series_dispose (&self->series);
  g_clear_object (&self->current);
  G_OBJECT_CLASS (pp_compare_parent_class)->dispose (object);
}

static void
pp_compare_finalize (GObject *object)
{
  PpCompare *self = PP_COMPARE (object);

  _pp_measure_series_finalize (&self->series);
  g_free (self->output_dir);
  g_clear_pointer (&self->serial, pp_measure_free);
  g_clear_pointer (&self->parallel, pp_measure_free);
  g_clear_pointer (&self->check, pp_compare_check_free);
  g_free (self->note);
  G_OBJECT_CLASS (pp_compare_parent_class)->finalize (object);
}

static void
pp_compare_class_init (PpCompareClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pp_compare_dispose;
  object_class->finalize = pp_compare_finalize;

  /**
   * PpCompare::phase-changed:
   *
   * The engine moved to another phase (pp_compare_get_phase()); main context only.
   */
  signals[SIGNAL_PHASE_CHANGED] =
    g_signal_new ("phase-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  /**
   * PpCompare::run-started:
   * @batch: the batch now running (a copy of the configured one): connect to its progress;
   *   its run record (pp_batch_get_run()) exists and grows
   *
   * Emitted as each timed run starts (not for the warm-up); main context only.
   */
  signals[SIGNAL_RUN_STARTED] =
    g_signal_new ("run-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, PP_TYPE_BATCH);
}

static void
pp_compare_init (PpCompare *self)
{
}

/**
 * pp_compare_new:
 * @batch: the batch as the user configured it: input, chain, output folder (where the parallel
 *   run's outputs are kept), naming, threads for the parallel run (0: all processors). Its mode
 *   is ignored; in-place batches cannot be compared.
 *
 * Returns: (transfer full): a compare engine; @batch is copied for each run, never run itself
 */
PpCompare *
pp_compare_new (PpBatch *batch)
{
  PpCompare *self;

  g_return_val_if_fail (PP_IS_BATCH (batch), NULL);

  self = g_object_new (PP_TYPE_COMPARE, NULL);
  _pp_measure_series_init (&self->series, G_OBJECT (self), &compare_hooks, batch);
  return self;
}

/**
 * pp_compare_set_scratch_parent:
 * @parent: (nullable): where to make the serial run's scratch folder; %NULL (default): a hidden
 *   folder inside the output folder (same file system, so writing costs the same in both runs)
 */
void
pp_compare_set_scratch_parent (PpCompare  *self,
                               const char *parent)
{
  g_return_if_fail (PP_IS_COMPARE (self) && self->series.task == NULL);

  g_free (self->series.scratch_parent);
  self->series.scratch_parent = g_strdup (parent);
}

/**
 * pp_compare_set_warm_up:
 * @warm_up: %TRUE (default): an untimed warm-up first (pp_warm_up_async()). %FALSE only to show
 *   what the cold start does to the figures.
 */
void
pp_compare_set_warm_up (PpCompare *self,
                        gboolean   warm_up)
{
  g_return_if_fail (PP_IS_COMPARE (self) && self->series.task == NULL);

  self->series.warm_up = warm_up;
}

static void
set_phase (PpCompare      *self,
           PpComparePhase  phase)
{
  self->phase = phase;
  g_signal_emit (self, signals[SIGNAL_PHASE_CHANGED], 0);
}

/* The batch's own default, which pp-batch applies when it freezes its configuration. */
static char *
output_dir_of (PpBatch *batch)
{
  g_autoptr (GFile) output = NULL;
  g_autoptr (GFile) input = NULL;
  g_auto (GStrv) files = NULL;

  g_object_get (batch, "output-folder", &output, "input-folder", &input, "files", &files, NULL);
  if (output != NULL)
    return g_file_get_path (output);
  if (files != NULL && files[0] != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (files[0]);

      return g_build_filename (dir, PP_BATCH_DEFAULT_OUTPUT_NAME, NULL);
    }
  if (input != NULL)
    {
      g_autofree char *dir = g_file_get_path (input);

      return dir != NULL ? g_build_filename (dir, PP_BATCH_DEFAULT_OUTPUT_NAME, NULL) : NULL;
    }
  return NULL;
}

static void
compare_step (GObject             *engine,
              PpMeasureSeriesStep  step)
{
  static const PpComparePhase phases[] = {
    [PP_MEASURE_SERIES_PREPARING] = PP_COMPARE_PHASE_PREPARING,
    [PP_MEASURE_SERIES_WARMING_UP] = PP_COMPARE_PHASE_WARMING_UP,
    [PP_MEASURE_SERIES_CLEANING_UP] = PP_COMPARE_PHASE_CLEANING_UP,
    [PP_MEASURE_SERIES_DONE] = PP_COMPARE_PHASE_DONE,
  };
  PpCompare *self = PP_COMPARE (engine);

  if (step == PP_MEASURE_SERIES_DONE)
    g_clear_object (&self->current);
  set_phase (self, phases[step]);
}

static gboolean
compare_has_runs (GObject *engine)
{
  return PP_COMPARE (engine)->serial != NULL;
}

/**
 * pp_compare_explain_efficiency:
 * @serial: the serial run's measure
 * @parallel: the parallel run's
 *
 * Efficiency above 100 % means the parallel run did more than its threads can: after a warm-up
 * that is not parallelism but a difference between the two runs, and this says which one the
 * measures show — more time per image in the serial run (a lower clock, or other programs on the
 * machine during that run), a slower start, or noise of a short run.
 *
 * Returns: (transfer full) (nullable): a sentence when the efficiency is above 102 %, else %NULL
 */
char *
pp_compare_explain_efficiency (const PpMeasure *serial,
                               const PpMeasure *parallel)
{
  double speedup, efficiency, per_image_s, per_image_p;
  guint n_s = serial->n_ok + serial->n_failed, n_p = parallel->n_ok + parallel->n_failed;

  if (parallel->wall_us <= 0 || parallel->threads == 0 || n_s == 0 || n_p == 0)
    return NULL;
  speedup = (double) serial->wall_us / parallel->wall_us;
  efficiency = speedup / parallel->threads;
  if (efficiency <= 1.02)
    return NULL;
  per_image_s = (double) serial->busy_us / n_s;
  per_image_p = (double) parallel->busy_us / n_p;
  if (per_image_s > per_image_p * 1.03)
    return g_strdup_printf ("Efficiency is above 100 %% because the serial run spent %.0f %% "
                            "more time per image (%.0f ms) than each parallel worker (%.0f ms): "
                            "the processor ran slower or other programs used it during the "
                            "serial run. Parallelism cannot make one image cheaper.",
                            100 * (per_image_s / per_image_p - 1), per_image_s / 1e3,
                            per_image_p / 1e3);
  if (serial->startup_us + serial->finish_us >
      parallel->startup_us + parallel->finish_us + serial->wall_us / 50)
    return g_strdup_printf ("Efficiency is above 100 %% because the serial run took %.2f s to "
                            "start and finish against %.2f s for the parallel run (listing the "
                            "folder, starting workers).",
                            (serial->startup_us + serial->finish_us) / 1e6,
                            (parallel->startup_us + parallel->finish_us) / 1e6);
  return g_strdup_printf ("Efficiency is above 100 %% within measurement noise: the work per "
                          "image was the same in both runs (%.0f ms), and runs of %.1f s vary by a "
                          "few percent. A sweep with --repeat 5 gives medians.",
                          per_image_p / 1e3, parallel->wall_us / 1e6);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PpCompare *self = user_data;
  GError *error = NULL;

  if (!pp_compare_check_run_finish (result, &error))
    {
      _pp_measure_series_fail (&self->series, error);
      g_object_unref (self);
      return;
    }
  self->note = pp_compare_explain_efficiency (self->serial, self->parallel);
  _pp_measure_series_clean_up (&self->series);
  g_object_unref (self);
}

static void
step_check (PpCompare *self)
{
  PpCollision collision;

  g_object_get (self->series.template_batch, "collision", &collision, NULL);
  set_phase (self, PP_COMPARE_PHASE_CHECKING);
  self->check = pp_compare_check_new (self->serial->run, self->parallel->run,
                                      collision == PP_COLLISION_SKIP
                                      ? PP_COMPARE_CHECK_ALLOW_EXISTING_SKIPS
                                      : PP_COMPARE_CHECK_DEFAULT);
  pp_compare_check_run_async (self->check, self->series.cancellable, on_checked,
                              g_object_ref (self));
}

/* The timed runs: serial into the scratch folder (1 of 2), then parallel into the output folder
 * (2 of 2), each the user's batch with another mode. */
static void
start_run (PpCompare      *self,
           PpComparePhase  phase,
           PpBatch        *batch)
{
  g_set_object (&self->current, batch);
  set_phase (self, phase);
  _pp_measure_series_run (&self->series, batch);
  g_signal_emit (self, signals[SIGNAL_RUN_STARTED], 0, batch);
}

static void
compare_measured (GObject   *engine,
                  PpMeasure *measure)
{
  PpCompare *self = PP_COMPARE (engine);
  gboolean serial = self->phase == PP_COMPARE_PHASE_SERIAL;

  if (serial)
    self->serial = measure;
  else
    self->parallel = measure;
  if (pp_run_get_cancelled (measure->run))
    _pp_measure_series_fail (&self->series,
                             g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
  else if (serial)
    {
      g_autoptr (PpBatch) batch = pp_batch_copy_config (self->series.template_batch);
      const char *excluded[] = { self->series.scratch, NULL };

      pp_batch_set_mode (batch, PP_BATCH_MODE_PARALLEL);
      pp_batch_set_excluded_folders (batch, excluded);
      start_run (self, PP_COMPARE_PHASE_PARALLEL, batch);
    }
  else
    step_check (self);
}

static void
step_serial (GObject *engine)
{
  PpCompare *self = PP_COMPARE (engine);
  g_autoptr (PpBatch) batch = pp_batch_copy_config (self->series.template_batch);
  g_autofree char *folder = g_build_filename (self->series.scratch, "serial", NULL);
  g_autoptr (GFile) out = g_file_new_for_path (folder);
  const char *excluded[] = { self->output_dir, self->series.scratch, NULL };

  pp_batch_set_output_folder (batch, out);
  pp_batch_set_mode (batch, PP_BATCH_MODE_SERIAL);
  pp_batch_set_excluded_folders (batch, excluded);
  start_run (self, PP_COMPARE_PHASE_SERIAL, batch);
}

/* Warmed up on every input, on as many threads as the parallel run will have. */
static void
compare_listed (GObject   *engine,
                GPtrArray *inputs)
{
  PpCompare *self = PP_COMPARE (engine);
  g_autoptr (PpBatch) parallel = NULL;

  self->series.inputs = g_new0 (char *, inputs->len + 1);
  for (guint i = 0; i < inputs->len; i++)
    self->series.inputs[i] = g_strdup (((PpBatchInput *) inputs->pdata[i])->path);
  parallel = pp_batch_copy_config (self->series.template_batch);
  pp_batch_set_mode (parallel, PP_BATCH_MODE_PARALLEL);
  _pp_measure_series_warm_up (&self->series, pp_batch_get_effective_threads (parallel));
}

static const PpMeasureSeriesHooks compare_hooks = {
  .step = compare_step,
  .listed = compare_listed,
  .start_runs = step_serial,
  .measured = compare_measured,
  .has_runs = compare_has_runs,
};

/**
 * pp_compare_run_async:
 * @cancellable: (nullable): cancels whatever runs; the scratch folder is still removed
 *
 * Runs the compare (see pp-compare.h). Main thread; @callback runs on the caller's
 * thread-default main context once the scratch folder is gone. Read the results with the
 * getters after pp_compare_run_finish(). A compare runs once.
 */
void
pp_compare_run_async (PpCompare           *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  gboolean in_place = FALSE;

  g_return_if_fail (PP_IS_COMPARE (self));

  task = _pp_measure_series_new_task (&self->series, "compare", cancellable, callback, user_data,
                                      pp_compare_run_async);
  if (task == NULL)
    return;
  g_object_get (self->series.template_batch, "in-place", &in_place, NULL);
  self->output_dir = output_dir_of (self->series.template_batch);
  if (in_place || self->output_dir == NULL)
    {
      g_task_return_new_error (task, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                               in_place ? "An in-place batch cannot be compared: it would write "
                                          "every image twice over its own input"
                                        : "Nothing to process: set an input folder or files");
      return;
    }
  _pp_measure_series_start (&self->series, g_steal_pointer (&task), cancellable,
                            g_strdup (self->output_dir), ".parapix-compare-");
}

/**
 * pp_compare_run_finish:
 * @error: %PP_BATCH_ERROR when a run could not start, a #G_FILE_ERROR when the scratch folder
 *   could not be made, %G_IO_ERROR_CANCELLED when cancelled before the serial run had a record
 *
 * Returns: whether both runs (or, cancelled, at least the serial one) have records
 */
gboolean
pp_compare_run_finish (PpCompare     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pp_compare_get_phase:
 * @self: a compare
 *
 * Main thread; "phase-changed" says when it moves.
 *
 * Returns: where the compare is
 */
PpComparePhase
pp_compare_get_phase (PpCompare *self)
{
  g_return_val_if_fail (PP_IS_COMPARE (self), PP_COMPARE_PHASE_IDLE);
  return self->phase;
}

/**
 * pp_compare_describe_phase:
 *
 * Returns: (transfer full): the phase for people: "Warming up", "Serial run (1 of 2)",
 *   "Parallel run, 4 threads (2 of 2)", "Comparing", "Cleaning up"; "" when idle or done
 */
char *
pp_compare_describe_phase (PpCompare *self)
{
  g_return_val_if_fail (PP_IS_COMPARE (self), NULL);

  switch (self->phase)
    {
    case PP_COMPARE_PHASE_PREPARING:
      return g_strdup ("Preparing");
    case PP_COMPARE_PHASE_WARMING_UP:
      return g_strdup ("Warming up");
    case PP_COMPARE_PHASE_SERIAL:
      return g_strdup ("Serial run (1 of 2)");
    case PP_COMPARE_PHASE_PARALLEL:
      {
        guint threads = self->current != NULL ? pp_batch_get_effective_threads (self->current) : 0;

        return g_strdup_printf ("Parallel run, %u thread%s (2 of 2)", threads,
                                threads == 1 ? "" : "s");
      }
    case PP_COMPARE_PHASE_CHECKING:
      return g_strdup ("Comparing");
    case PP_COMPARE_PHASE_CLEANING_UP:
      return g_strdup ("Cleaning up");
    case PP_COMPARE_PHASE_IDLE:
    case PP_COMPARE_PHASE_DONE:
    default:
      return g_strdup ("");
    }
}

/**
 * pp_compare_get_current_batch:
 *
 * Returns: (transfer none) (nullable): the batch of the timed run in progress
 */
PpBatch *
pp_compare_get_current_batch (PpCompare *self)
{
  g_return_val_if_fail (PP_IS_COMPARE (self), NULL);
  return self->current;
}

/**
 * pp_compare_get_cancelled:
 * @self: a compare
 *
 * Main thread; final after pp_compare_run_finish().
 *
 * Returns: whether the compare was cancelled
 */
gboolean
pp_compare_get_cancelled (PpCompare *self)
{
  g_return_val_if_fail (PP_IS_COMPARE (self), FALSE);
  return self->series.cancelled;
}

/**
 * pp_compare_get_serial_run:
 * @self: a compare
 *
 * Main thread; final after pp_compare_run_finish().
 *
 * Returns: (transfer none) (nullable): the serial run's record
 */
PpRun *
pp_compare_get_serial_run (PpCompare *self)
{
  g_return_val_if_fail (PP_IS_COMPARE (self), NULL);
  return self->serial != NULL ? self->serial->run : NULL;
}

/**
 * pp_compare_get_parallel_run:
 * @self: a compare
 *
 * Main thread; final after pp_compare_run_finish().
 *
 * Returns: (transfer none) (nullable): the parallel run's record
 */
PpRun *
pp_compare_get_parallel_run (PpCompare *self)
{
  g_return_val_if_fail (PP_IS_COMPARE (self), NULL);
  return self->parallel != NULL ? self->parallel->run : NULL;
}

/**
 * pp_compare_get_check:
 *
 * Returns: (transfer none) (nullable): the outcome and byte check, once both runs finished
 */
PpCompareCheck *
pp_compare_get_check (PpCompare *self)
{
  g_return_val_if_fail (PP_IS_COMPARE (self), NULL);
  return self->check;
}

/**
 * pp_compare_get_identical:
 *
 * Returns: whether both runs finished and agree (pp_compare_check_get_identical())
 */
gboolean
pp_compare_get_identical (PpCompare *self)
{
  g_return_val_if_fail (PP_IS_COMPARE (self), FALSE);
  return self->check != NULL && !self->series.cancelled && pp_compare_check_get_identical (self->check);
}

/**
 * pp_compare_get_speedup:
 * @self: a compare
 *
 * Main thread; final after pp_compare_run_finish().
 *
 * Returns: serial wall time over parallel wall time; 0 if unknown
 */
double
pp_compare_get_speedup (PpCompare *self)
{
  g_return_val_if_fail (PP_IS_COMPARE (self), 0);
  if (self->serial == NULL || self->parallel == NULL || self->parallel->wall_us <= 0)
    return 0;
  return (double) self->serial->wall_us / self->parallel->wall_us;
}

/**
 * pp_compare_get_efficiency:
 * @self: a compare
 *
 * Main thread; final after pp_compare_run_finish().
 *
 * Returns: speedup over the parallel run's threads; 0 if unknown
 */
double
pp_compare_get_efficiency (PpCompare *self)
{
  g_return_val_if_fail (PP_IS_COMPARE (self), 0);
  if (self->parallel == NULL || self->parallel->threads == 0)
    return 0;
  return pp_compare_get_speedup (self) / self->parallel->threads;
}

/**
 * pp_compare_get_note:
 *
 * Returns: (transfer none) (nullable): why the efficiency is above 100 %, when it is
 *   (pp_compare_explain_efficiency())
 */
const char *
pp_compare_get_note (PpCompare *self)
{
  g_return_val_if_fail (PP_IS_COMPARE (self), NULL);
  return self->note;
}

/**
 * pp_compare_get_warm_up_text:
 *
 * Returns: (transfer none) (nullable): what the warm-up did (pp_warm_up_describe()), or %NULL
 *   without one
 */
const char *
pp_compare_get_warm_up_text (PpCompare *self)
{
  g_return_val_if_fail (PP_IS_COMPARE (self), NULL);
  return self->series.warm_up_text;
}

/**
 * pp_compare_get_cleanup_error:
 *
 * Returns: (transfer none) (nullable): why the scratch folder could not be removed entirely
 */
const char *
pp_compare_get_cleanup_error (PpCompare *self)
{
  g_return_val_if_fail (PP_IS_COMPARE (self), NULL);
  return self->series.cleanup_error;
}

/**
 * pp_compare_to_json:
 *
 * Returns: (transfer full): the compare record (docs/run-record.md, `"kind": "compare"`):
 *   both runs, identical, the files compared, speedup, efficiency, the warm-up, the differences
 *   and the efficiency note. Main thread, after pp_compare_run_finish() succeeded.
 */
JsonNode *
pp_compare_to_json (PpCompare *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const char *const *differences;

  g_return_val_if_fail (PP_IS_COMPARE (self) && self->serial != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "schema_version");
  json_builder_add_int_value (b, PP_RUN_SCHEMA_VERSION);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "compare");
  json_builder_set_member_name (b, "identical");
  json_builder_add_boolean_value (b, pp_compare_get_identical (self));
  json_builder_set_member_name (b, "files_compared");
  json_builder_add_int_value (b, self->check != NULL ? pp_compare_check_get_n_compared (self->check)
                                                     : 0);
  json_builder_set_member_name (b, "files_not_compared");
  json_builder_add_int_value (b, self->check != NULL
                                 ? pp_compare_check_get_n_not_compared (self->check) : 0);
  json_builder_set_member_name (b, "differences");
  json_builder_begin_array (b);
  differences = self->check != NULL ? pp_compare_check_get_differences (self->check) : NULL;
  for (guint i = 0; differences != NULL && differences[i] != NULL; i++)
    {
      g_autofree char *valid = g_utf8_make_valid (differences[i], -1);

      json_builder_add_string_value (b, valid);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "speedup");
  json_builder_add_double_value (b, pp_compare_get_speedup (self));
  json_builder_set_member_name (b, "efficiency");
  json_builder_add_double_value (b, pp_compare_get_efficiency (self));
  json_builder_set_member_name (b, "warm_up");
  if (self->series.warm_up_text != NULL)
    json_builder_add_string_value (b, self->series.warm_up_text);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "note");
  if (self->note != NULL)
    json_builder_add_string_value (b, self->note);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "serial");
  json_builder_add_value (b, pp_run_to_json (self->serial->run));
  json_builder_set_member_name (b, "parallel");
  if (self->parallel != NULL)
    json_builder_add_value (b, pp_run_to_json (self->parallel->run));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
