/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals shared by pp-batch.c (the object and its runs) and pp-batch-plan.c (listing the
 * inputs and deciding every output name before any file is processed).
 */
#pragma once

#include "batch/pp-batch.h"

G_BEGIN_DECLS

/* The configuration as frozen when a run starts; read-only afterwards, shared with workers. */
typedef struct
{
  char *input_dir;        /* (nullable) absolute */
  GStrv files;            /* (nullable) absolute */
  char *output_dir;       /* absolute */
  char *name_template;
  PpCollision collision;
  PpBatchMode mode;
  PpFormat format;
  int quality;
  PpPipeline *pipeline;
  guint threads;
  gboolean recursive;
  guint shard_index;
  guint shard_count;
  double max_megapixels;
  gboolean keep_orientation;
  gboolean in_place;
  GStrv excluded;         /* (nullable) */
  /* Set last on the main thread, checked first by the planning thread: the hand-over goes
   * through GTask's thread pool, whose futex locks ThreadSanitizer cannot see. */
  int published;
} Config;


/* One file to process, decided up front. */
typedef struct
{
  guint index;         /* in the sorted list, before sharding */
  char *input;
  char *display;       /* relative name, for progress */
  char *output;        /* (nullable) */
  PpFormat format;
  gboolean overwrite;
  PpFileStatus pre_status; /* SKIPPED or FAILED when decided while planning */
  gboolean decided;
  char *reason;
  char *note;
} Job;

typedef struct
{
  GPtrArray *jobs;      /* of Job */
  GPtrArray *inputs;    /* of PpBatchInput, for list_files */
  guint n_ignored;
  /* Set last by the planning thread, read first by the main thread: GTask hands the plan over
   * through GLib's futex-based locks, which ThreadSanitizer cannot see; this pair it can. */
  int published;
} Plan;

/* pp-batch.c, main thread */
Config  *_pp_batch_freeze_config     (PpBatch       *self,
                                      GError       **error);
void     _pp_batch_begin_run         (PpBatch       *self,
                                      PpRun         *run);
void     _pp_batch_end_run           (PpBatch       *self,
                                      gboolean       keep_run);

/* pp-batch-plan.c */
void     _pp_batch_config_free       (Config        *config);
gboolean _pp_batch_validate_template (const char    *tmpl,
                                      GError       **error);
Plan    *_pp_batch_make_plan         (const Config  *config,
                                      gboolean       for_run,
                                      GCancellable  *cancellable,
                                      GError       **error);
void     _pp_batch_plan_free         (Plan          *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Config, _pp_batch_config_free)

G_END_DECLS
