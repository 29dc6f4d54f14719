/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpProgress: the coalescer between a run's workers and the main loop. Workers update counters
 * under a lock and mark the state dirty; one GSource per run, attached to the main context that
 * was the thread-default when the progress was made, delivers at most ~30 updates a second
 * (start, finish and cancel at once). The final update is always delivered. Finished per-file
 * results ride along, so a consumer sees them in batches, never one idle callback per file.
 * Signals are only ever emitted on that main context.
 */
#pragma once

#include <gio/gio.h>

#include "batch/pp-file-result.h"
#include "image/pp-types.h"

G_BEGIN_DECLS

/* Minimum time between two ordinary updates: about 30 a second. */
#define PP_PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 30)

typedef enum
{
  PP_PROGRESS_IDLE,
  PP_PROGRESS_RUNNING,
  PP_PROGRESS_FINISHED,
  PP_PROGRESS_CANCELLED,
} PpProgressState;

/* A copy of the counters at one moment; strings belong to the snapshot. */
typedef struct
{
  PpProgressState state;
  guint total;          /* files planned (may grow while a folder is still being listed) */
  guint done;           /* ok + skipped + failed + cancelled */
  guint ok;
  guint skipped;
  guint failed;
  guint cancelled;
  guint in_flight;
  double megapixels;    /* decoded so far, in millions */
  char *current_file;   /* (nullable) the file most recently started */
  gint64 elapsed_us;
  gint64 eta_us;        /* -1 while unknown */
} PpProgressSnapshot;

void pp_progress_snapshot_clear (PpProgressSnapshot *snapshot);

#define PP_TYPE_PROGRESS (pp_progress_get_type ())

G_DECLARE_FINAL_TYPE (PpProgress, pp_progress, PP, PROGRESS, GObject)

/* Signal "changed": void (*) (PpProgress *self, const PpProgressSnapshot *snapshot,
 *                             GPtrArray *results, gpointer user_data)
 * @results holds the PpFileResult finished since the previous emission (possibly none), in the
 * order workers finished them. Emitted on the progress's main context only. */

/* Captures the calling thread's thread-default main context: signals are emitted there. */
PpProgress      *pp_progress_new            (void);

/* Any thread. start, finish and cancel are delivered at once; the others coalesced. */
void             pp_progress_start          (PpProgress         *self,
                                             guint               total);
void             pp_progress_set_total      (PpProgress         *self,
                                             guint               total);
void             pp_progress_begin_file     (PpProgress         *self,
                                             const char         *name);
/* @record (transfer full, nullable): its contents are taken and delivered with the next update
 * as a PpFileResult in the "changed" signal's results array. */
void             pp_progress_end_file       (PpProgress         *self,
                                             PpFileStatus        status,
                                             double              megapixels,
                                             PpFileRecord       *record);
void             pp_progress_finish         (PpProgress         *self,
                                             gboolean            cancelled);

/* Any thread: a consistent copy of the counters now. */
void             pp_progress_get_snapshot   (PpProgress         *self,
                                             PpProgressSnapshot *snapshot);
/* Main context only: deliver a pending update now, if there is one. */
void             pp_progress_flush          (PpProgress         *self);
/* Updates delivered so far (for tests and diagnostics). */
guint            pp_progress_get_n_updates  (PpProgress         *self);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpProgressSnapshot, pp_progress_snapshot_clear)

G_END_DECLS
