/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A batch run's journal: with --resume, the per-run manifest next to the outputs and what the
 * earlier runs' manifests say is done; with --manifest FILE, the user's list of what was made.
 * Internal to the batch (core/batch/pp-batch*.c): opened and consulted on the listing thread,
 * written by the workers as files finish, closed on the main thread when the run ends.
 */
#pragma once

#include "batch/pp-batch-private.h"

G_BEGIN_DECLS

typedef struct _PpBatchJournal PpBatchJournal;

/* Listing thread */
PpBatchJournal *_pp_batch_journal_open      (const PpBatchConfig *config,
                                             GError             **error);
gboolean        _pp_batch_journal_resume    (PpBatchJournal      *journal,
                                             PpBatchFile         *file,
                                             GCancellable        *cancellable);
gboolean        _pp_batch_journal_owns      (PpBatchJournal      *journal,
                                             const char          *input,
                                             const char          *output);
void            _pp_batch_journal_planned   (PpBatchJournal      *journal,
                                             const PpBatchFile   *file);

/* Workers */
void            _pp_batch_journal_stat_input (const char         *path,
                                             guint64             *size,
                                             gint64              *mtime_ns);
void            _pp_batch_journal_done      (PpBatchJournal      *journal,
                                             const PpBatchFile   *file,
                                             PpFileRecord        *record,
                                             guint64              input_size,
                                             gint64               input_mtime_ns,
                                             GCancellable        *cancellable);

/* Main thread, when the run is over */
void            _pp_batch_journal_close     (PpBatchJournal      *journal);

G_END_DECLS
