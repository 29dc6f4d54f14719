/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sweep's instance, shared by its engine (pp-sweep.c), its getters (pp-sweep-getters.c),
 * and what pp-sweep-json.c (the record and the table) reads besides the public getters.
 */
#pragma once

#include "batch/pp-compare-check.h"
#include "batch/pp-measure-series-private.h"
#include "batch/pp-sweep.h"

G_BEGIN_DECLS

struct _PpSweep
{
  GObject parent_instance;

  /* the template batch, scratch folder (default parent: pp_scratch_default_parent()), listing,
   * warm-up, task, cancellation and errors; series.inputs is the sample */
  PpMeasureSeries series;

  /* configuration */
  guint *threads;
  guint n_threads;
  guint sample;
  guint repeat;
  guint cpu_budget;

  /* running */
  PpSweepPhase phase;
  char *reference_dir;
  char *run_dir;
  guint n_listed;
  PpFolderSurvey survey;
  char *input;
  char *pipeline_spec;
  char *format;
  GDateTime *started;
  GArray *schedule;          /* of guint: point index per timed run */
  guint step;                /* timed runs done */
  PpRun *reference;          /* the first 1-thread run */
  PpCompareCheck *check;     /* in progress */
  guint checking_point;

  /* results */
  PpSweepPoint *points;      /* one per thread count */
  GPtrArray **measures;      /* per point: PpMeasure* */
  PpAmdahlFit fit;
  gboolean fitted;
  char *limit;
  guint recommended;
  char *recommendation;
};


const char *_pp_sweep_get_format  (PpSweep *self);
GDateTime  *_pp_sweep_get_started (PpSweep *self);
guint       _pp_sweep_get_repeat  (PpSweep *self);

G_END_DECLS
