/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a sweep (pp-sweep.c) tells while it runs and after: its phase, points, fit, limit and
 * recommendation, and the facts the record repeats. Main thread, as the engine.
 */
#define G_LOG_DOMAIN "pp-sweep"

#include "config.h"

#include "batch/pp-sweep-private.h"

/**
 * pp_sweep_get_phase:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: where the sweep is
 */
PpSweepPhase
pp_sweep_get_phase (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), PP_SWEEP_PHASE_IDLE);
  return self->phase;
}

/**
 * pp_sweep_get_step:
 * @run: (out) (optional): timed runs finished
 * @n_runs: (out) (optional): timed runs in all (thread counts × repeats)
 */
void
pp_sweep_get_step (PpSweep *self,
                   guint   *run,
                   guint   *n_runs)
{
  g_return_if_fail (PP_IS_SWEEP (self));
  if (run != NULL)
    *run = self->step;
  if (n_runs != NULL)
    *n_runs = self->schedule != NULL ? self->schedule->len : self->n_threads * self->repeat;
}

/**
 * pp_sweep_describe_phase:
 *
 * Returns: (transfer full): for people: "Warming up", "Run 4 of 9 · 2 threads (repeat 2 of 3)",
 *   "Checking 2 threads against 1"…; "" when idle or done
 */
char *
pp_sweep_describe_phase (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), NULL);

  switch (self->phase)
    {
    case PP_SWEEP_PHASE_PREPARING:
      return g_strdup ("Preparing");
    case PP_SWEEP_PHASE_WARMING_UP:
      return g_strdup ("Warming up");
    case PP_SWEEP_PHASE_RUNNING:
      {
        guint index = g_array_index (self->schedule, guint, self->step);
        guint threads = self->threads[index];

        return g_strdup_printf ("Run %u of %u · %u thread%s (repeat %u of %u)", self->step + 1,
                                self->schedule->len, threads, threads == 1 ? "" : "s",
                                self->step / self->n_threads + 1, self->repeat);
      }
    case PP_SWEEP_PHASE_CHECKING:
      return g_strdup_printf ("Checking %u threads against 1",
                              self->threads[self->checking_point]);
    case PP_SWEEP_PHASE_CLEANING_UP:
      return g_strdup ("Cleaning up");
    case PP_SWEEP_PHASE_IDLE:
    case PP_SWEEP_PHASE_DONE:
    default:
      return g_strdup ("");
    }
}

/**
 * pp_sweep_get_cancelled:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: whether the sweep was cancelled
 */
gboolean
pp_sweep_get_cancelled (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), FALSE);
  return self->series.cancelled;
}

/**
 * pp_sweep_get_n_points:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: thread counts in the sweep (0 before it starts)
 */
guint
pp_sweep_get_n_points (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), 0);
  return self->points != NULL ? self->n_threads : 0;
}

/**
 * pp_sweep_get_point:
 * @index: 0 .. pp_sweep_get_n_points() - 1, ascending thread counts
 *
 * Returns: (transfer none): the point; valid until the sweep is finalised, updated in place
 *   after each run
 */
const PpSweepPoint *
pp_sweep_get_point (PpSweep *self,
                    guint    index)
{
  g_return_val_if_fail (PP_IS_SWEEP (self) && index < pp_sweep_get_n_points (self), NULL);
  return &self->points[index];
}

/**
 * pp_sweep_get_points:
 * @n_points: (out): pp_sweep_get_n_points()
 *
 * Returns: (transfer none) (array length=n_points) (nullable): every point, ascending thread
 *   counts, as pp_sweep_analyse() takes them; updated in place after each run
 */
const PpSweepPoint *
pp_sweep_get_points (PpSweep *self,
                     guint   *n_points)
{
  g_return_val_if_fail (PP_IS_SWEEP (self) && n_points != NULL, NULL);
  *n_points = pp_sweep_get_n_points (self);
  return self->points;
}

/**
 * pp_sweep_find_point:
 * @self: a sweep
 * @threads: a thread count of the sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: (transfer none) (nullable): the point for @threads
 */
const PpSweepPoint *
pp_sweep_find_point (PpSweep *self,
                     guint    threads)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), NULL);
  for (guint i = 0; i < pp_sweep_get_n_points (self); i++)
    if (self->points[i].threads == threads)
      return &self->points[i];
  return NULL;
}

/**
 * pp_sweep_get_identical:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: whether every run agreed with the 1-thread run
 */
gboolean
pp_sweep_get_identical (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), FALSE);
  for (guint i = 0; i < pp_sweep_get_n_points (self); i++)
    if (!self->points[i].identical)
      return FALSE;
  return self->reference != NULL;
}

/**
 * pp_sweep_get_cpu_budget:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: the CPUs the analysis assumed
 */
guint
pp_sweep_get_cpu_budget (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), 1);
  return self->cpu_budget;
}

/**
 * pp_sweep_get_fit:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: (transfer none) (nullable): the Amdahl fit, once there is one
 */
const PpAmdahlFit *
pp_sweep_get_fit (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), NULL);
  return self->fitted ? &self->fit : NULL;
}

/**
 * pp_sweep_get_limit:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: (transfer none) (nullable): what limits the speedup
 */
const char *
pp_sweep_get_limit (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), NULL);
  return self->limit;
}

/**
 * pp_sweep_get_recommended_threads:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: the recommended thread count; 0: none yet
 */
guint
pp_sweep_get_recommended_threads (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), 0);
  return self->recommended;
}

/**
 * pp_sweep_get_recommendation:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: (transfer none) (nullable): why that count
 */
const char *
pp_sweep_get_recommendation (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), NULL);
  return self->recommendation;
}

/**
 * pp_sweep_get_survey:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: (transfer none): the sampled files' headers, once read
 */
const PpFolderSurvey *
pp_sweep_get_survey (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), NULL);
  return &self->survey;
}

/**
 * pp_sweep_get_n_files_listed:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: images in the folder, before sampling
 */
guint
pp_sweep_get_n_files_listed (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), 0);
  return self->n_listed;
}

/**
 * pp_sweep_get_warm_up_text:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: (transfer none) (nullable): what the warm-up did
 */
const char *
pp_sweep_get_warm_up_text (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), NULL);
  return self->series.warm_up_text;
}

/**
 * pp_sweep_get_pipeline_spec:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: (transfer none) (nullable): the chain, once started
 */
const char *
pp_sweep_get_pipeline_spec (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), NULL);
  return self->pipeline_spec;
}

/**
 * pp_sweep_get_input:
 * @self: a sweep
 *
 * Main thread. Live while the sweep runs (after each timed run and check); final after
 * pp_sweep_run_finish().
 *
 * Returns: (transfer none) (nullable): the input folder, once started
 */
const char *
pp_sweep_get_input (PpSweep *self)
{
  g_return_val_if_fail (PP_IS_SWEEP (self), NULL);
  return self->input;
}

const char *
_pp_sweep_get_format (PpSweep *self)
{
  return self->format;
}

GDateTime *
_pp_sweep_get_started (PpSweep *self)
{
  return self->started;
}

guint
_pp_sweep_get_repeat (PpSweep *self)
{
  return self->repeat;
}
