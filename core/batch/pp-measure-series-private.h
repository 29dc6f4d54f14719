/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the compare and sweep engines (pp-compare.c, pp-sweep.c) share: a series of measured runs
 * of one batch between a scratch folder made first and removed last. Each engine embeds a
 * PpMeasureSeries and fills in, through its hooks, its own phases and what it does between the
 * shared steps: scratch folder → listing (once) → the engine's preparation → warm-up → the
 * engine's timed runs (_pp_measure_series_run()) → scratch folder removed → task returned.
 * Main context only, like the engines.
 */
#pragma once

#include <gio/gio.h>

#include "batch/pp-measure.h"

G_BEGIN_DECLS

/* The steps every series goes through; each engine maps them to its own public phase. */
typedef enum
{
  PP_MEASURE_SERIES_PREPARING,
  PP_MEASURE_SERIES_WARMING_UP,
  PP_MEASURE_SERIES_CLEANING_UP,
  PP_MEASURE_SERIES_DONE,
} PpMeasureSeriesStep;

typedef struct
{
  /* The series reached @step: set the engine's phase, emit its signal. */
  void     (*step)       (GObject             *engine,
                          PpMeasureSeriesStep  step);
  /* The inputs are listed (element-type PpBatchInput, borrowed): keep what the runs need in
   * series->inputs, then _pp_measure_series_warm_up() or _pp_measure_series_fail(). */
  void     (*listed)     (GObject             *engine,
                          GPtrArray           *inputs);
  /* Warmed up, or no warm-up wanted: start the timed runs. */
  void     (*start_runs) (GObject             *engine);
  /* A timed run ended; @measure (transfer full) also when it was cancelled. */
  void     (*measured)   (GObject             *engine,
                          PpMeasure           *measure);
  /* (nullable) Runs first in every clean-up, before the scratch folder goes. */
  void     (*finishing)  (GObject             *engine);
  /* Whether the engine has runs to report: a cancelled series then still succeeds. */
  gboolean (*has_runs)   (GObject             *engine);
} PpMeasureSeriesHooks;

typedef struct
{
  GObject *engine;                    /* (not owned): the object that embeds this */
  const PpMeasureSeriesHooks *hooks;

  /* configuration */
  PpBatch *template_batch;            /* as the user configured it; copied for every run */
  char *scratch_parent;               /* (nullable): the engine's default otherwise */
  gboolean warm_up;                   /* list and warm up before the timed runs (default) */

  /* running */
  gboolean started;                   /* a series runs once */
  GTask *task;
  GCancellable *cancellable;
  char *scratch;
  GStrv inputs;                       /* what the runs process, as the listed hook kept it */
  char *warm_up_text;
  gboolean cancelled;
  GError *error;                      /* to report once the scratch folder is gone */
  char *cleanup_error;                /* why the scratch folder could not be removed */
} PpMeasureSeries;

void     _pp_measure_series_init       (PpMeasureSeries            *series,
                                        GObject                    *engine,
                                        const PpMeasureSeriesHooks *hooks,
                                        PpBatch                    *template_batch);
void     _pp_measure_series_dispose    (PpMeasureSeries            *series);
void     _pp_measure_series_finalize   (PpMeasureSeries            *series);

GTask   *_pp_measure_series_new_task   (PpMeasureSeries            *series,
                                        const char                 *what,
                                        GCancellable               *cancellable,
                                        GAsyncReadyCallback         callback,
                                        gpointer                    user_data,
                                        gpointer                    source_tag);
void     _pp_measure_series_start      (PpMeasureSeries            *series,
                                        GTask                      *task,
                                        GCancellable               *cancellable,
                                        char                       *default_parent,
                                        const char                 *prefix);
void     _pp_measure_series_warm_up    (PpMeasureSeries            *series,
                                        guint                       threads);
void     _pp_measure_series_run        (PpMeasureSeries            *series,
                                        PpBatch                    *batch);
void     _pp_measure_series_fail       (PpMeasureSeries            *series,
                                        GError                     *error);
void     _pp_measure_series_clean_up   (PpMeasureSeries            *series);

PpBatch *_pp_measure_batch_for_files   (PpBatch                    *template_batch,
                                        const char * const         *files,
                                        const char                 *output_folder,
                                        guint                       threads);

G_END_DECLS
