/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpRunEntry: one row of the Timings view — a run's summary (what it processed, how, how long,
 * each stage, each worker's busy time), live from a PpRun while this session has it, or read
 * back from the run history.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "batch/pp-run.h"

G_BEGIN_DECLS

#define PP_TYPE_RUN_ENTRY (pp_run_entry_get_type ())
G_DECLARE_FINAL_TYPE (PpRunEntry, pp_run_entry, PP, RUN_ENTRY, GObject)

typedef enum
{
  PP_RUN_STAGE_DECODE,
  PP_RUN_STAGE_FILTER,
  PP_RUN_STAGE_ENCODE,
  PP_RUN_STAGE_WRITE,
  PP_RUN_N_STAGES,
} PpRunStage;

PpRunEntry  *pp_run_entry_new            (PpRun        *run,
                                          const char   *work,
                                          const char   *folder,
                                          const char   *chain,
                                          const char   *format);
PpRunEntry  *pp_run_entry_new_from_json  (JsonNode     *node,
                                          GError      **error);
JsonNode    *pp_run_entry_to_json        (PpRunEntry   *self);
void         pp_run_entry_refresh        (PpRunEntry   *self);

PpRun       *pp_run_entry_get_run        (PpRunEntry   *self);
const char  *pp_run_entry_get_work       (PpRunEntry   *self);
const char  *pp_run_entry_get_folder     (PpRunEntry   *self);
const char  *pp_run_entry_get_chain      (PpRunEntry   *self);
const char  *pp_run_entry_get_format     (PpRunEntry   *self);
const char  *pp_run_entry_get_started    (PpRunEntry   *self);
gboolean     pp_run_entry_get_serial     (PpRunEntry   *self);
guint        pp_run_entry_get_threads    (PpRunEntry   *self);
gint64       pp_run_entry_get_wall_us    (PpRunEntry   *self);
gint64       pp_run_entry_get_cpu_us     (PpRunEntry   *self);
gboolean     pp_run_entry_get_finished   (PpRunEntry   *self);
gboolean     pp_run_entry_get_cancelled  (PpRunEntry   *self);
const PpRunTotals *pp_run_entry_get_totals (PpRunEntry *self);
gint64       pp_run_entry_get_stage_us   (PpRunEntry   *self,
                                          PpRunStage    stage);
guint        pp_run_entry_get_n_workers  (PpRunEntry   *self);
gint64       pp_run_entry_get_worker_busy_us (PpRunEntry *self,
                                              guint       worker);
guint        pp_run_entry_get_worker_files (PpRunEntry *self,
                                            guint       worker);
int          pp_run_entry_get_identical  (PpRunEntry   *self);
void         pp_run_entry_set_identical  (PpRunEntry   *self,
                                          gboolean      identical);
double       pp_run_entry_get_saved_speedup (PpRunEntry *self);
void         pp_run_entry_set_saved_speedup (PpRunEntry *self,
                                             double      speedup);
const char  *pp_run_entry_get_status     (PpRunEntry   *self);
const char  *pp_run_stage_get_name       (PpRunStage    stage);

G_END_DECLS
