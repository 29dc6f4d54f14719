/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpCompare: the one compare engine the command line and the window drive. It runs a configured
 * batch serially (into a scratch folder) and in parallel (into the batch's own output folder,
 * whose outputs are kept), after an untimed warm-up so neither run pays the cold start alone,
 * then holds the two runs to the compare policy (PpCompareCheck: same outcome for every file,
 * same bytes for every output) and removes the scratch folder, both off the main thread. Front
 * ends follow its phase ("Serial run (1 of 2)" · "Parallel run (2 of 2)" · "Comparing") and the
 * running batch's progress.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "batch/pp-batch.h"
#include "batch/pp-compare-check.h"
#include "batch/pp-measure.h"

G_BEGIN_DECLS

typedef enum
{
  PP_COMPARE_PHASE_IDLE,
  PP_COMPARE_PHASE_PREPARING,    /* making the scratch folder, listing the inputs */
  PP_COMPARE_PHASE_WARMING_UP,   /* untimed: page cache, decoder helpers */
  PP_COMPARE_PHASE_SERIAL,       /* timed run 1 of 2 */
  PP_COMPARE_PHASE_PARALLEL,     /* timed run 2 of 2 */
  PP_COMPARE_PHASE_CHECKING,     /* outcomes and bytes */
  PP_COMPARE_PHASE_CLEANING_UP,  /* removing the scratch folder */
  PP_COMPARE_PHASE_DONE,
} PpComparePhase;

#define PP_TYPE_COMPARE (pp_compare_get_type ())

G_DECLARE_FINAL_TYPE (PpCompare, pp_compare, PP, COMPARE, GObject)

PpCompare      *pp_compare_new                (PpBatch             *batch);
void            pp_compare_set_scratch_parent (PpCompare           *self,
                                               const char          *parent);
void            pp_compare_set_warm_up        (PpCompare           *self,
                                               gboolean             warm_up);

void            pp_compare_run_async          (PpCompare           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        pp_compare_run_finish         (PpCompare           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

PpComparePhase  pp_compare_get_phase          (PpCompare           *self);
char           *pp_compare_describe_phase     (PpCompare           *self);
PpBatch        *pp_compare_get_current_batch  (PpCompare           *self);

gboolean        pp_compare_get_cancelled      (PpCompare           *self);
PpRun          *pp_compare_get_serial_run     (PpCompare           *self);
PpRun          *pp_compare_get_parallel_run   (PpCompare           *self);
PpCompareCheck *pp_compare_get_check          (PpCompare           *self);
gboolean        pp_compare_get_identical      (PpCompare           *self);
double          pp_compare_get_speedup        (PpCompare           *self);
double          pp_compare_get_efficiency     (PpCompare           *self);
const char     *pp_compare_get_note           (PpCompare           *self);
const char     *pp_compare_get_warm_up_text   (PpCompare           *self);
const char     *pp_compare_get_cleanup_error  (PpCompare           *self);

JsonNode       *pp_compare_to_json            (PpCompare           *self);

char           *pp_compare_explain_efficiency (const PpMeasure     *serial,
                                               const PpMeasure     *parallel);

G_END_DECLS
