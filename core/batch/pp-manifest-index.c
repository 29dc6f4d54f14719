/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The resume index: per input path, its latest "done" record across every manifest read (by
 * the record's time, then by reading order) and the set of outputs any record names for it.
 * Built and queried on one thread (the batch's planning thread); not locked.
 */
#define G_LOG_DOMAIN "pp-manifest"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "batch/pp-manifest-index.h"

typedef struct
{
  PpManifestEntry *last_done;   /* (nullable) (owned) */
  GHashTable *outputs;          /* set of output paths named for this input */
} Record;

struct _PpManifestIndex
{
  GHashTable *records;          /* input path -> Record */
  guint n_bad_lines;
};

static void
record_free (gpointer data)
{
  Record *record = data;

  pp_manifest_entry_free (record->last_done);
  g_hash_table_unref (record->outputs);
  g_free (record);
}

/**
 * pp_manifest_index_new:
 *
 * Returns: (transfer full): an empty index; free with pp_manifest_index_free()
 */
PpManifestIndex *
pp_manifest_index_new (void)
{
  PpManifestIndex *index = g_new0 (PpManifestIndex, 1);

  index->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, record_free);
  return index;
}

/**
 * pp_manifest_index_free:
 * @index: (nullable) (transfer full): an index
 */
void
pp_manifest_index_free (PpManifestIndex *index)
{
  if (index == NULL)
    return;
  g_hash_table_unref (index->records);
  g_free (index);
}

/* Later by its time stamp (ISO 8601 UTC, which sorts as text); without one, the later read. */
static gboolean
is_later (const PpManifestEntry *candidate,
          const PpManifestEntry *current)
{
  if (candidate->time != NULL && current->time != NULL)
    return strcmp (candidate->time, current->time) >= 0;
  return TRUE;
}

/**
 * pp_manifest_index_add:
 * @index: an index
 * @entry: a record (copied)
 *
 * Adds one record: its output joins the outputs known for its input, and a "done" record
 * becomes the input's latest unless a later one is already known.
 */
void
pp_manifest_index_add (PpManifestIndex       *index,
                       const PpManifestEntry *entry)
{
  Record *record;

  g_return_if_fail (index != NULL && entry != NULL && entry->input != NULL);

  record = g_hash_table_lookup (index->records, entry->input);
  if (record == NULL)
    {
      record = g_new0 (Record, 1);
      record->outputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (index->records, g_strdup (entry->input), record);
    }
  if (entry->output != NULL)
    g_hash_table_add (record->outputs, g_strdup (entry->output));
  if (entry->event == PP_MANIFEST_EVENT_DONE
      && (record->last_done == NULL || is_later (entry, record->last_done)))
    {
      pp_manifest_entry_free (record->last_done);
      record->last_done = pp_manifest_entry_new ();
      pp_manifest_entry_copy (entry, record->last_done);
    }
}

/**
 * pp_manifest_index_add_file:
 * @index: an index
 * @path: a manifest (a missing file adds nothing)
 * @error: return location for a #GError
 *
 * Adds every record of a manifest; lines that are not records are counted
 * (pp_manifest_index_get_n_bad_lines()) and otherwise ignored.
 *
 * Returns: %TRUE on success; %FALSE with PP_MANIFEST_ERROR_IO when it cannot be read
 */
gboolean
pp_manifest_index_add_file (PpManifestIndex *index,
                            const char      *path,
                            GError         **error)
{
  g_autoptr (GPtrArray) entries = NULL;
  guint bad = 0;

  g_return_val_if_fail (index != NULL && path != NULL, FALSE);

  entries = pp_manifest_read_file (path, &bad, error);
  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    pp_manifest_index_add (index, g_ptr_array_index (entries, i));
  index->n_bad_lines += bad;
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/**
 * pp_manifest_index_load_folder:
 * @index: an index
 * @folder: an output folder (a missing one adds nothing)
 * @error: return location for a #GError
 *
 * Adds every per-run manifest in @folder (the files named ".parapix.manifest*.jsonl", whatever
 * shard wrote them, so a resume with a different shard count still finds earlier results), in
 * name order. Any thread; reads files.
 *
 * Returns: %TRUE on success; %FALSE with PP_MANIFEST_ERROR_IO when the folder or a manifest in
 *   it exists but cannot be read
 */
gboolean
pp_manifest_index_load_folder (PpManifestIndex *index,
                               const char      *folder,
                               GError         **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_return_val_if_fail (index != NULL && folder != NULL, FALSE);

  dir = g_dir_open (folder, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, PP_MANIFEST_ERROR, PP_MANIFEST_ERROR_IO,
                   "Cannot look for manifests in “%s”: %s", folder, local_error->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, PP_MANIFEST_PREFIX) && g_str_has_suffix (name, ".jsonl"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (folder, g_ptr_array_index (names, i), NULL);

      if (!pp_manifest_index_add_file (index, path, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * pp_manifest_index_get_n_inputs:
 * @index: an index
 *
 * Returns: how many distinct inputs the records name
 */
guint
pp_manifest_index_get_n_inputs (PpManifestIndex *index)
{
  g_return_val_if_fail (index != NULL, 0);
  return g_hash_table_size (index->records);
}

/**
 * pp_manifest_index_get_n_bad_lines:
 * @index: an index
 *
 * Returns: lines read that were not records (a torn last line after a crash, …)
 */
guint
pp_manifest_index_get_n_bad_lines (PpManifestIndex *index)
{
  g_return_val_if_fail (index != NULL, 0);
  return index->n_bad_lines;
}

/**
 * pp_manifest_index_check:
 * @index: an index
 * @input: an input's absolute path
 * @input_size: its size now, bytes
 * @input_mtime_ns: its modification time now, ns since the Unix epoch
 * @pipeline: the run's canonical pipeline spec
 * @settings: the run's output settings (see the manifest's "settings")
 * @cancellable: (nullable): checked while the output is read
 * @done: (out) (optional) (transfer none): the record that stands, when the verdict is DONE;
 *   valid while @index lives
 *
 * Decides whether @input still needs processing: it is done only when its latest record is an
 * ok "done" for the same input size and modification time, the same pipeline and settings, and
 * its output still has the recorded size and SHA-256 (read back in full: existence alone proves
 * nothing after a crash). An output written over its own input (in place) is done while the
 * file still holds the output's bytes. Any thread, one at a time.
 *
 * Returns: the verdict
 */
PpResumeVerdict
pp_manifest_index_check (PpManifestIndex        *index,
                         const char             *input,
                         guint64                 input_size,
                         gint64                  input_mtime_ns,
                         const char             *pipeline,
                         const char             *settings,
                         GCancellable           *cancellable,
                         const PpManifestEntry **done)
{
  Record *record;
  const PpManifestEntry *e;
  g_autofree char *sha256 = NULL;
  struct stat st;
  guint64 size = 0;

  g_return_val_if_fail (index != NULL && input != NULL && pipeline != NULL, PP_RESUME_NEW);

  if (done != NULL)
    *done = NULL;
  record = g_hash_table_lookup (index->records, input);
  if (record == NULL || record->last_done == NULL)
    return PP_RESUME_NEW;
  e = record->last_done;
  if (e->status != PP_FILE_STATUS_OK || e->output == NULL || e->sha256 == NULL)
    return PP_RESUME_NOT_OK;
  if (g_strcmp0 (e->pipeline, pipeline) != 0 || g_strcmp0 (e->settings, settings) != 0)
    return PP_RESUME_SETTINGS_CHANGED;
  /* In place (--in-place), the input now is the output that was written: it is done while it
   * still holds those bytes, and must not be processed a second time. */
  if (g_strcmp0 (e->output, input) != 0
      && (e->input_size != input_size || e->input_mtime_ns != input_mtime_ns))
    return PP_RESUME_INPUT_CHANGED;
  /* Size first: a cheap answer for most damaged outputs. */
  if (g_stat (e->output, &st) != 0 || !S_ISREG (st.st_mode) || (guint64) st.st_size != e->output_size)
    return PP_RESUME_OUTPUT_CHANGED;
  sha256 = pp_manifest_checksum_file (e->output, &size, cancellable, NULL);
  if (sha256 == NULL || size != e->output_size || g_ascii_strcasecmp (sha256, e->sha256) != 0)
    return PP_RESUME_OUTPUT_CHANGED;
  if (done != NULL)
    *done = e;
  return PP_RESUME_DONE;
}

/**
 * pp_manifest_index_owns_output:
 * @index: an index
 * @input: an input's absolute path
 * @output: an output path
 *
 * Whether an earlier attempt planned or wrote @output for @input: a redo may then replace it,
 * where any other existing file is left to the collision policy.
 *
 * Returns: %TRUE when some record for @input names @output
 */
gboolean
pp_manifest_index_owns_output (PpManifestIndex *index,
                               const char      *input,
                               const char      *output)
{
  Record *record;

  g_return_val_if_fail (index != NULL && input != NULL && output != NULL, FALSE);

  record = g_hash_table_lookup (index->records, input);
  return record != NULL && g_hash_table_contains (record->outputs, output);
}

/**
 * pp_resume_verdict_to_string:
 * @verdict: a verdict
 *
 * Returns: (transfer none): a phrase for logs and run records ("input changed since the
 *   earlier run", …)
 */
const char *
pp_resume_verdict_to_string (PpResumeVerdict verdict)
{
  switch (verdict)
    {
    case PP_RESUME_NEW:
      return "not done before";
    case PP_RESUME_DONE:
      return "done by an earlier run";
    case PP_RESUME_NOT_OK:
      return "did not succeed in the earlier run";
    case PP_RESUME_INPUT_CHANGED:
      return "input changed since the earlier run";
    case PP_RESUME_SETTINGS_CHANGED:
      return "pipeline or settings changed since the earlier run";
    case PP_RESUME_OUTPUT_CHANGED:
      return "output missing or changed since the earlier run";
    default:
      g_return_val_if_reached ("unknown");
    }
}
