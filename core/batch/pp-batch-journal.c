/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The batch's side of manifests and --resume. Listing asks, per file of the shard, whether an
 * earlier run finished it (same input size and mtime, pipeline and settings, output bytes);
 * such a file is not processed again and is reported "skipped", resumed. Every other file gets a
 * "planned" line before any work starts, naming the output it will write, so that after a crash
 * (the output written, its "done" line not) a redo may replace that output instead of writing
 * "photo (1).jpg" beside it. Workers append a "done" line with the output's SHA-256 as each file
 * finishes. When the run ends the per-run manifest is compacted (rewritten and renamed over).
 */
#define G_LOG_DOMAIN "pp-batch"

#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "batch/pp-batch-journal.h"
#include "batch/pp-manifest-index.h"

struct _PpBatchJournal
{
  PpManifestIndex *index;    /* (nullable) what earlier runs did; --resume only; listing thread */
  PpManifestWriter *own;     /* (nullable) the per-run manifest; --resume only */
  PpManifestWriter *user;    /* (nullable) --manifest FILE */
  char *own_path;
  char *pipeline;            /* canonical spec */
  char *settings;            /* the other options that shape an output's bytes or name */
  char *shard;               /* "K/N" */
  char *host;
  int warned;                /* a write failed and was reported (atomic) */
};

/* The options besides the pipeline that change what a file's output is: a change in any of
 * them means an earlier output is not this run's output. Add new ones here. */
static char *
describe_settings (const PpBatchConfig *config)
{
  g_autofree char *background = pp_color_to_string (&config->background);

  /* Metadata, background, frames and damage change an output's bytes; timestamps its
   * modification time. */
  return g_strdup_printf ("format=%s quality=%d orientation=%s name=%s metadata=%s "
                          "background=%s timestamps=%s frames=%s damaged=%s",
                          pp_format_to_string (config->format), config->quality,
                          config->keep_orientation ? "as-stored" : "upright",
                          config->name_template, pp_metadata_policy_to_string (config->metadata),
                          background, config->timestamps == PP_TIMESTAMPS_KEEP ? "keep" : "now",
                          config->frames == PP_FRAMES_ALL ? "all"
                          : config->frames == PP_FRAMES_FIRST ? "first" : "fail",
                          config->damaged == PP_DAMAGED_KEEP ? "keep" : "fail");
}

static void
journal_free (PpBatchJournal *journal)
{
  g_clear_pointer (&journal->index, pp_manifest_index_free);
  g_clear_pointer (&journal->own, pp_manifest_writer_close);
  g_clear_pointer (&journal->user, pp_manifest_writer_close);
  g_free (journal->own_path);
  g_free (journal->pipeline);
  g_free (journal->settings);
  g_free (journal->shard);
  g_free (journal->host);
  g_free (journal);
}

/**
 * _pp_batch_journal_open:
 * @config: the run's configuration, with resume and/or manifest set
 * @error: return location for a #GError
 *
 * Reads the output folder's manifests (with resume) and opens the per-run manifest for
 * appending and the user's --manifest file afresh. Listing thread, after the output folder
 * exists.
 *
 * Returns: (transfer full) (nullable): the journal, or %NULL with PP_BATCH_ERROR_OUTPUT when a
 *   manifest cannot be read or written (a run that could not resume or record is not started)
 */
PpBatchJournal *
_pp_batch_journal_open (const PpBatchConfig *config,
                        GError             **error)
{
  PpBatchJournal *journal = g_new0 (PpBatchJournal, 1);
  g_autoptr (GError) local_error = NULL;

  journal->pipeline = pp_pipeline_to_spec (config->pipeline);
  journal->settings = describe_settings (config);
  journal->shard = g_strdup_printf ("%u/%u", config->shard_index + 1, config->shard_count);
  journal->host = g_strdup (g_get_host_name ());
  if (config->resume)
    {
      g_autofree char *name = pp_manifest_file_name (config->shard_index, config->shard_count);

      journal->index = pp_manifest_index_new ();
      journal->own_path = g_build_filename (config->output_dir, name, NULL);
      if (!pp_manifest_index_load_folder (journal->index, config->output_dir, &local_error)
          || (journal->own = pp_manifest_writer_open (journal->own_path, FALSE,
                                                      &local_error)) == NULL)
        goto failed;
    }
  if (config->manifest != NULL
      && (journal->user = pp_manifest_writer_open (config->manifest, TRUE, &local_error)) == NULL)
    goto failed;
  return journal;

failed:
  g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_OUTPUT, "%s", local_error->message);
  journal_free (journal);
  return NULL;
}

/**
 * _pp_batch_journal_stat_input:
 * @path: an input
 * @size: (out): its size, bytes (0 when it cannot be read)
 * @mtime_ns: (out): its modification time, ns since the epoch (0 when it cannot be read)
 *
 * What a manifest records of an input to tell later whether it changed. Any thread.
 */
void
_pp_batch_journal_stat_input (const char *path,
                              guint64    *size,
                              gint64     *mtime_ns)
{
  struct stat st;

  *size = 0;
  *mtime_ns = 0;
  if (stat (path, &st) != 0)
    return;
  *size = (guint64) st.st_size;
  *mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
}

/**
 * _pp_batch_journal_resume:
 * @journal: a journal
 * @file: a file of the run, before its output is decided
 * @cancellable: (nullable): checked while the earlier output is read back
 *
 * With --resume, decides @file when an earlier run finished it and its output still checks out
 * (pp_manifest_index_check()): it becomes "skipped", resumed, with the earlier output and
 * checksum. Listing thread.
 *
 * Returns: %TRUE when @file was done earlier (and is now decided)
 */
gboolean
_pp_batch_journal_resume (PpBatchJournal *journal,
                          PpBatchFile    *file,
                          GCancellable   *cancellable)
{
  const PpManifestEntry *done = NULL;
  guint64 size;
  gint64 mtime;

  if (journal == NULL || journal->index == NULL)
    return FALSE;
  _pp_batch_journal_stat_input (file->input, &size, &mtime);
  if (pp_manifest_index_check (journal->index, file->input, size, mtime, journal->pipeline,
                               journal->settings, cancellable, &done) != PP_RESUME_DONE)
    return FALSE;
  file->decided = TRUE;
  file->pre_status = PP_FILE_STATUS_SKIPPED;
  file->resumed = TRUE;
  file->output = g_strdup (done->output);
  file->sha256 = g_strdup (done->sha256);
  file->reason = g_strdup_printf ("done by an earlier run%s%s", done->host != NULL ? " on " : "",
                                  done->host != NULL ? done->host : "");
  return TRUE;
}

/**
 * _pp_batch_journal_owns:
 * @journal: (nullable): a journal
 * @input: an input
 * @output: an existing file where @input's output would go
 *
 * Whether an earlier attempt of this batch planned or wrote @output for @input, so that a redo
 * replaces it rather than applying the collision policy. Listing thread.
 *
 * Returns: %TRUE when it may be replaced
 */
gboolean
_pp_batch_journal_owns (PpBatchJournal *journal,
                        const char     *input,
                        const char     *output)
{
  return journal != NULL && journal->index != NULL
         && pp_manifest_index_owns_output (journal->index, input, output);
}

static void
fill_entry (PpBatchJournal    *journal,
            PpManifestEntry   *entry,
            PpManifestEvent    event,
            const PpBatchFile *file,
            guint64            input_size,
            gint64             input_mtime_ns)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  entry->event = event;
  entry->index = file->index;
  entry->input = g_strdup (file->input);
  entry->input_size = input_size;
  entry->input_mtime_ns = input_mtime_ns;
  entry->pipeline = g_strdup (journal->pipeline);
  entry->settings = g_strdup (journal->settings);
  entry->output = g_strdup (file->output);
  entry->shard = g_strdup (journal->shard);
  entry->host = g_strdup (journal->host);
  entry->time = g_date_time_format_iso8601 (now);
}

/* A manifest that cannot be written costs redoing files on a resume, never a file: so say it
 * once and go on. */
static void
append (PpBatchJournal        *journal,
        PpManifestWriter      *writer,
        const PpManifestEntry *entry)
{
  g_autoptr (GError) error = NULL;

  if (writer != NULL && !pp_manifest_writer_append (writer, entry, &error)
      && g_atomic_int_compare_and_exchange (&journal->warned, 0, 1))
    g_warning ("%s; files finished from now on may be redone by --resume", error->message);
}

/**
 * _pp_batch_journal_planned:
 * @journal: (nullable): a journal
 * @file: a file the run will process, its output decided
 *
 * Records in the per-run manifest that @file's output is about to be written. Listing thread.
 */
void
_pp_batch_journal_planned (PpBatchJournal    *journal,
                           const PpBatchFile *file)
{
  g_auto (PpManifestEntry) entry = { 0 };
  guint64 size;
  gint64 mtime;

  if (journal == NULL || journal->own == NULL || file->decided || file->output == NULL)
    return;
  _pp_batch_journal_stat_input (file->input, &size, &mtime);
  fill_entry (journal, &entry, PP_MANIFEST_EVENT_PLANNED, file, size, mtime);
  append (journal, journal->own, &entry);
}

/**
 * _pp_batch_journal_done:
 * @journal: (nullable): a journal
 * @file: the file
 * @record: its result; gains the output's SHA-256 (ok, or resumed) and the resumed flag
 * @input_size: the input's size as stat(2) saw it before it was read
 * @input_mtime_ns: its modification time then
 * @cancellable: (nullable): checked while the output is read for its checksum
 *
 * Records a finished file: for an ok one, reads its output back for the SHA-256; appends a
 * "done" line to the per-run manifest and to --manifest. A file done by an earlier run goes to
 * --manifest only (marked resumed); a cancelled one nowhere. Worker threads.
 */
void
_pp_batch_journal_done (PpBatchJournal    *journal,
                        const PpBatchFile *file,
                        PpFileRecord      *record,
                        guint64            input_size,
                        gint64             input_mtime_ns,
                        GCancellable      *cancellable)
{
  g_auto (PpManifestEntry) entry = { 0 };

  if (journal == NULL || record->status == PP_FILE_STATUS_CANCELLED)
    return;
  fill_entry (journal, &entry, PP_MANIFEST_EVENT_DONE, file, input_size, input_mtime_ns);
  entry.status = record->status;
  entry.reason = g_strdup (record->reason);
  if (file->resumed)
    {
      GStatBuf st;

      record->resumed = TRUE;
      record->sha256 = g_strdup (file->sha256);
      entry.status = PP_FILE_STATUS_OK;
      entry.resumed = TRUE;
      entry.sha256 = g_strdup (file->sha256);
      entry.output_size = g_stat (file->output, &st) == 0 ? (guint64) st.st_size : 0;
      append (journal, journal->user, &entry);
      return;
    }
  if (record->status == PP_FILE_STATUS_OK)
    {
      g_autoptr (GError) error = NULL;

      entry.sha256 = pp_manifest_checksum_file (record->output, &entry.output_size, cancellable,
                                                &error);
      if (entry.sha256 == NULL)
        {
          /* Written but unreadable (or cancelled while reading): a resume must redo it. */
          g_debug ("no checksum for %s: %s", record->output, error->message);
          return;
        }
      record->sha256 = g_strdup (entry.sha256);
    }
  append (journal, journal->own, &entry);
  append (journal, journal->user, &entry);
}

/**
 * _pp_batch_journal_close:
 * @journal: (nullable) (transfer full): a journal no worker uses any more
 *
 * Closes (and syncs) the manifests and compacts the per-run one: only what a later resume
 * needs, replaced atomically. Main thread, when the run is over.
 */
void
_pp_batch_journal_close (PpBatchJournal *journal)
{
  g_autoptr (GError) error = NULL;

  if (journal == NULL)
    return;
  g_clear_pointer (&journal->own, pp_manifest_writer_close);
  g_clear_pointer (&journal->user, pp_manifest_writer_close);
  if (journal->own_path != NULL && !pp_manifest_compact (journal->own_path, &error))
    g_warning ("%s", error->message);
  journal_free (journal);
}
