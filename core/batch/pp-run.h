/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpRun: the record of one batch run (mode, threads, files, megapixels, wall and CPU time) and a
 * GListModel of PpFileResult that grows live while the batch runs, so a window can show results
 * as they come. Serialises to the JSON documented in docs/run-record.md. Main thread only: the
 * batch appends results from its coalesced progress source, never from a worker.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "batch/pp-cpu-budget.h"
#include "batch/pp-file-result.h"
#include "image/pp-types.h"

G_BEGIN_DECLS

/* How a batch runs (PpBatch:mode), as its record says. The nicks are the record's "mode". */
typedef enum
{
  PP_BATCH_MODE_SERIAL,       /* one worker thread */
  PP_BATCH_MODE_PARALLEL,     /* "threads" workers */
} PpBatchMode;

#define PP_TYPE_BATCH_MODE (pp_batch_mode_get_type ())
GType        pp_batch_mode_get_type (void) G_GNUC_CONST;

/* Version of the JSON run record; bump when a field changes meaning or disappears. */
#define PP_RUN_SCHEMA_VERSION 1

typedef struct
{
  guint n_ok;
  guint n_skipped;
  guint n_failed;
  guint n_cancelled;
  guint n_resumed;     /* of n_skipped: done by an earlier run (--resume) */
  double megapixels;   /* input pixels (as declared) of the files done, in millions */
  gint64 decode_us;    /* summed over files */
  gint64 filter_us;
  gint64 encode_us;
  gint64 write_us;
} PpRunTotals;

#define PP_TYPE_RUN (pp_run_get_type ())

G_DECLARE_FINAL_TYPE (PpRun, pp_run, PP, RUN, GObject)

PpRun       *pp_run_new             (PpBatchMode        mode,
                                     guint              threads);

/* Filled in by the batch when it starts; informative. */
void         pp_run_set_source      (PpRun             *self,
                                     const char        *input,
                                     const char        *output,
                                     const char        *pipeline_spec,
                                     const char        *format);
void         pp_run_set_shard       (PpRun             *self,
                                     guint              index,
                                     guint              count);
void         pp_run_set_n_planned   (PpRun             *self,
                                     guint              n_files);
void         pp_run_set_n_ignored   (PpRun             *self,
                                     guint              n_files);
void         pp_run_set_n_listed    (PpRun             *self,
                                     guint              n_files);
void         pp_run_set_origin      (PpRun             *self,
                                     const char        *shard_source,
                                     const PpCpuBudget *budget);
void         pp_run_append          (PpRun             *self,
                                     PpFileResult      *result);
void         pp_run_set_threads_choice (PpRun          *self,
                                     const char        *source,
                                     JsonNode          *details);
const char  *pp_run_get_threads_source (PpRun          *self);
JsonNode    *pp_run_get_threads_choice (PpRun          *self);
void         pp_run_finish          (PpRun             *self,
                                     gint64             wall_us,
                                     gint64             cpu_us,
                                     gboolean           cancelled);

PpBatchMode  pp_run_get_mode        (PpRun             *self);
guint        pp_run_get_threads     (PpRun             *self);
const char  *pp_run_get_output      (PpRun             *self);
guint        pp_run_get_n_planned   (PpRun             *self);
guint        pp_run_get_n_ignored   (PpRun             *self);
guint        pp_run_get_n_listed    (PpRun             *self);
const char  *pp_run_get_host        (PpRun             *self);
gint64       pp_run_get_wall_us     (PpRun             *self);
gint64       pp_run_get_cpu_us      (PpRun             *self);
gboolean     pp_run_get_cancelled   (PpRun             *self);
gboolean     pp_run_get_finished    (PpRun             *self);
void         pp_run_get_totals      (PpRun             *self,
                                     PpRunTotals       *totals);

JsonNode    *pp_run_to_json         (PpRun             *self);
char        *pp_run_to_json_string  (PpRun             *self,
                                     gboolean           pretty);

G_END_DECLS
