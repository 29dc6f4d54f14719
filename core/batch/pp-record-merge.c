/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Merging run records. Each record lists the files of its shard by their position in the whole
 * sorted list ("index") and says how long that list was ("files_listed"), so the merge knows
 * exactly which positions to expect, which shard owns each (index mod N), and can tell a file
 * no shard finished from one two shards both processed. A file done by an earlier attempt and
 * reported "resumed" by the attempt that resumed it counts once.
 */
#define G_LOG_DOMAIN "pp-record-merge"

#include "config.h"

#include <string.h>

#include "batch/pp-record-merge-private.h"

G_DEFINE_QUARK (pp-record-merge-error-quark, pp_record_merge_error)


G_DEFINE_FINAL_TYPE (PpRecordMerge, pp_record_merge, G_TYPE_OBJECT)

static void
shard_free (gpointer data)
{
  Shard *shard = data;

  g_free (shard->origin);
  json_object_unref (shard->record);
  g_clear_pointer (&shard->started, g_date_time_unref);
  g_free (shard);
}

static void
pp_record_merge_finalize (GObject *object)
{
  PpRecordMerge *self = PP_RECORD_MERGE (object);

  g_ptr_array_unref (self->shards);
  g_hash_table_unref (self->by_index);
  g_ptr_array_unref (self->conflicts);
  for (guint i = 0; i < N_COMMON; i++)
    {
      g_free (self->common[i].value);
      g_free (self->common[i].origin);
    }
  g_free (self->listed_origin);

  G_OBJECT_CLASS (pp_record_merge_parent_class)->finalize (object);
}

static void
pp_record_merge_class_init (PpRecordMergeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pp_record_merge_finalize;
}

static void
pp_record_merge_init (PpRecordMerge *self)
{
  static const char *const names[N_COMMON] = { "input", "output", "pipeline", "format" };

  self->shards = g_ptr_array_new_with_free_func (shard_free);
  self->by_index = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->conflicts = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < N_COMMON; i++)
    self->common[i].name = names[i];
}

/**
 * pp_record_merge_new:
 *
 * Returns: (transfer full): an empty merge. Use it from one thread.
 */
PpRecordMerge *
pp_record_merge_new (void)
{
  return g_object_new (PP_TYPE_RECORD_MERGE, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Reading records */


static void
add_conflict (PpRecordMerge *self,
              const char    *format,
              ...) G_GNUC_PRINTF (2, 3);

static void
add_conflict (PpRecordMerge *self,
              const char    *format,
              ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->conflicts, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
check_common (PpRecordMerge *self,
              guint          which,
              const char    *value,
              const char    *origin)
{
  Common *c = &self->common[which];

  if (!c->set)
    {
      c->set = TRUE;
      c->value = g_strdup (value);
      c->origin = g_strdup (origin);
      return;
    }
  if (g_strcmp0 (c->value, value) == 0 || c->mixed)
    return;
  c->mixed = TRUE;
  add_conflict (self, "the records disagree on the %s: “%s” in %s, “%s” in %s", c->name,
                c->value != NULL ? c->value : "(none)", c->origin,
                value != NULL ? value : "(none)", origin);
}

static gboolean
invalid (GError    **error,
         const char *origin,
         const char *what)
{
  g_set_error (error, PP_RECORD_MERGE_ERROR, PP_RECORD_MERGE_ERROR_INVALID, "%s: %s", origin,
               what);
  return FALSE;
}

/* Whether @record is a shard's run record this merge can read: a run (not a compare or merged
 * record) of schema version 1, with a valid "shard" {index @k, count @n} and a "files" list
 * (@files) whose every entry has an index and a status. */
static gboolean
check_record (JsonNode    *record,
              const char  *origin,
              gint64      *k,
              gint64      *n,
              JsonArray  **files,
              GError     **error)
{
  JsonObject *o, *shard_object;
  JsonNode *files_node;
  const char *kind;
  gint64 version = 0;

  if (!JSON_NODE_HOLDS_OBJECT (record))
    return invalid (error, origin, "not a run record (not a JSON object)");
  o = json_node_get_object (record);
  kind = _pp_json_get_string (o, "kind");
  if (g_strcmp0 (kind, "compare") == 0)
    return invalid (error, origin, "a compare record (--mode compare): merge the records of "
                    "plain runs");
  if (g_strcmp0 (kind, "merge") == 0)
    return invalid (error, origin, "already a merged record: merge the shards' own records");
  if (g_strcmp0 (kind, "run") != 0)
    return invalid (error, origin, "not a run record (no \"kind\": \"run\")");
  if (!_pp_json_get_int (o, "schema_version", &version) || version != 1)
    return invalid (error, origin, "a run record of another schema version (this Parapix "
                    "reads version 1)");
  shard_object = _pp_json_get_object (o, "shard");
  if (shard_object == NULL || !_pp_json_get_int (shard_object, "index", k)
      || !_pp_json_get_int (shard_object, "count", n) || *n < 1 || *k < 1 || *k > *n
      || *n > G_MAXUINT)
    return invalid (error, origin, "the record has no valid \"shard\" {index, count}");
  files_node = json_object_get_member (o, "files");
  if (files_node == NULL || !JSON_NODE_HOLDS_ARRAY (files_node))
    return invalid (error, origin, "the record has no \"files\" list");
  *files = json_node_get_array (files_node);
  for (guint i = 0; i < json_array_get_length (*files); i++)
    {
      JsonNode *f = json_array_get_element (*files, i);
      gint64 index;

      if (!JSON_NODE_HOLDS_OBJECT (f) || !_pp_json_get_int (json_node_get_object (f), "index", &index)
          || index < 0 || index >= G_MAXUINT || _pp_json_get_string (json_node_get_object (f),
                                                            "status") == NULL)
        return invalid (error, origin, "a file of the record has no index or status");
    }
  return TRUE;
}

/* The shard count @n of the record from @origin against the earlier records': the first sets
 * it, the first that differs is a conflict. */
static void
check_shard_count (PpRecordMerge *self,
                   gint64         n,
                   const char    *origin)
{
  if (self->shards->len == 1)
    self->shard_count = (guint) n;
  else if (self->shard_count != (guint) n && !self->count_mixed)
    {
      self->count_mixed = TRUE;
      add_conflict (self, "the records were made with different shard counts (%u and "
                    "%" G_GINT64_FORMAT " in %s): files may be missing or done twice",
                    self->shard_count, n, origin);
    }
}

/* The record's "files_listed" against the earlier records': the shards split one list only
 * when they all listed as many files. The merge expects the longest. */
static void
check_files_listed (PpRecordMerge *self,
                    JsonObject    *o,
                    const char    *origin)
{
  gint64 listed;

  if (!_pp_json_get_int (o, "files_listed", &listed) || listed < 0 || listed >= G_MAXUINT)
    return;
  if (!self->listed_known)
    {
      self->listed_known = TRUE;
      self->files_listed = (guint) listed;
      self->listed_origin = g_strdup (origin);
    }
  else if (self->files_listed != (guint) listed)
    {
      if (!self->listed_mixed)
        add_conflict (self, "the shards listed different numbers of files (%u in %s, "
                      "%" G_GINT64_FORMAT " in %s): the input changed while the job ran, "
                      "so the shards do not split one list", self->files_listed,
                      self->listed_origin, listed, origin);
      self->listed_mixed = TRUE;
      self->files_listed = MAX (self->files_listed, (guint) listed);
    }
}

/* Each file of the shard at @position into the list of attempts at its index. The strings
 * point into the shard's record, which the shard keeps. */
static void
add_occurrences (PpRecordMerge *self,
                 JsonArray     *files,
                 guint          position)
{
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *f = json_array_get_object_element (files, i);
      guint index = (guint) _pp_json_get_int_or (f, "index", 0);
      GPtrArray *list = g_hash_table_lookup (self->by_index, GUINT_TO_POINTER (index));
      Occurrence *occurrence = g_new0 (Occurrence, 1);

      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (self->by_index, GUINT_TO_POINTER (index), list);
        }
      occurrence->shard = position;
      occurrence->input = _pp_json_get_string (f, "input");
      occurrence->output = _pp_json_get_string (f, "output");
      occurrence->status = _pp_json_get_string (f, "status");
      occurrence->sha256 = _pp_json_get_string (f, "sha256");
      occurrence->resumed = _pp_json_get_bool (f, "resumed");
      g_ptr_array_add (list, occurrence);
      self->max_index_plus_one = MAX (self->max_index_plus_one, index + 1);
    }
}

/**
 * pp_record_merge_add_record:
 * @self: a merge
 * @record: a run record (`"kind": "run"`, docs/run-record.md); a reference is kept
 * @origin: where it came from (a file name), for messages and the merged record
 * @error: return location for a #GError
 *
 * Takes in one shard's run record. Records that disagree with earlier ones (another pipeline,
 * output folder, shard count or list length) are taken in and reported as conflicts.
 *
 * Returns: %TRUE on success; %FALSE with PP_RECORD_MERGE_ERROR_INVALID when @record is not a
 *   run record (a compare or merged record, another schema version, files without an index or
 *   a status), naming @origin
 */
gboolean
pp_record_merge_add_record (PpRecordMerge *self,
                            JsonNode      *record,
                            const char    *origin,
                            GError       **error)
{
  JsonObject *o;
  JsonArray *files = NULL;
  gint64 k = 0, n = 0;
  Shard *shard;
  guint position;

  g_return_val_if_fail (PP_IS_RECORD_MERGE (self), FALSE);
  g_return_val_if_fail (record != NULL && origin != NULL, FALSE);

  if (!check_record (record, origin, &k, &n, &files, error))
    return FALSE;
  o = json_node_get_object (record);

  shard = g_new0 (Shard, 1);
  shard->origin = g_strdup (origin);
  shard->record = json_object_ref (o);
  shard->shard_index = (guint) k;
  shard->shard_count = (guint) n;
  shard->wall_us = _pp_json_get_int_or (o, "wall_us", 0);
  if (_pp_json_get_string (o, "started") != NULL)
    shard->started = g_date_time_new_from_iso8601 (_pp_json_get_string (o, "started"), NULL);
  position = self->shards->len;
  g_ptr_array_add (self->shards, shard);

  check_common (self, COMMON_INPUT, _pp_json_get_string (o, "input"), origin);
  check_common (self, COMMON_OUTPUT, _pp_json_get_string (o, "output"), origin);
  check_common (self, COMMON_PIPELINE, _pp_json_get_string (o, "pipeline"), origin);
  check_common (self, COMMON_FORMAT, _pp_json_get_string (o, "format"), origin);
  check_shard_count (self, n, origin);
  check_files_listed (self, o, origin);
  add_occurrences (self, files, position);
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static gboolean
add_file (PpRecordMerge *self,
          const char    *path,
          GError       **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = NULL;
  gsize length;

  if (!g_file_get_contents (path, &text, &length, &local_error))
    {
      g_set_error (error, PP_RECORD_MERGE_ERROR, PP_RECORD_MERGE_ERROR_READ, "%s",
                   local_error->message);
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, text, (gssize) length, &local_error))
    {
      g_set_error (error, PP_RECORD_MERGE_ERROR, PP_RECORD_MERGE_ERROR_INVALID,
                   "%s: not JSON (%s); a shard that was killed before it finished writes no "
                   "record", path, local_error->message);
      return FALSE;
    }
  if (json_parser_get_root (parser) == NULL)
    return invalid (error, path, "empty: a shard that was killed before it finished writes "
                    "no record");
  return pp_record_merge_add_record (self, json_parser_get_root (parser), path, error);
}

/**
 * pp_record_merge_add_path:
 * @self: a merge
 * @path: a run record file, or a folder whose "*.json" files (not hidden ones) are all run
 *   records, taken in name order
 * @error: return location for a #GError
 *
 * Reads and adds records (pp_record_merge_add_record()). Blocks on file I/O.
 *
 * Returns: %TRUE on success; %FALSE with PP_RECORD_MERGE_ERROR_READ (cannot read, or a folder
 *   without records) or _INVALID (see pp_record_merge_add_record()), naming the file
 */
gboolean
pp_record_merge_add_path (PpRecordMerge *self,
                          const char    *path,
                          GError       **error)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *name;

  g_return_val_if_fail (PP_IS_RECORD_MERGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return add_file (self, path, error);
  dir = g_dir_open (path, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, PP_RECORD_MERGE_ERROR, PP_RECORD_MERGE_ERROR_READ, "%s",
                   local_error->message);
      return FALSE;
    }
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.' && g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_build_filename (path, name, NULL));
  if (names->len == 0)
    {
      g_set_error (error, PP_RECORD_MERGE_ERROR, PP_RECORD_MERGE_ERROR_READ,
                   "%s: no run records (*.json) in this folder", path);
      return FALSE;
    }
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    if (!add_file (self, g_ptr_array_index (names, i), error))
      return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Deciding */

static gboolean
is_status (const Occurrence *o,
           const char       *status)
{
  return g_strcmp0 (o->status, status) == 0;
}

/* A position's final outcome over every record that lists it: done (ok, or resumed from an
 * earlier attempt) beats failed beats skipped; cancelled or absent is missing. The attempt that
 * processed the file is shown rather than one that found it done. */
Verdict
_pp_record_merge_decide (GPtrArray *list)
{
  Verdict v = { FINAL_MISSING, NULL, 0, FALSE };

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      const Occurrence *o = g_ptr_array_index (list, i);
      gboolean done = is_status (o, "ok") || (is_status (o, "skipped") && o->resumed);

      if (is_status (o, "ok"))
        v.processed++;
      if (i > 0 && g_strcmp0 (o->input, ((Occurrence *) g_ptr_array_index (list, 0))->input) != 0)
        v.mismatch = TRUE;
      if (done && (v.final != FINAL_OK || is_status (o, "ok")))
        {
          v.final = FINAL_OK;
          v.chosen = o;
        }
      else if (is_status (o, "failed") && v.final > FINAL_FAILED)
        {
          v.final = FINAL_FAILED;
          v.chosen = o;
        }
      else if (is_status (o, "skipped") && v.final > FINAL_SKIPPED)
        {
          v.final = FINAL_SKIPPED;
          v.chosen = o;
        }
      else if (v.chosen == NULL)
        v.chosen = o; /* cancelled: still names the input */
    }
  return v;
}

guint
_pp_record_merge_expected_length (PpRecordMerge *self)
{
  return self->listed_known ? MAX (self->files_listed, self->max_index_plus_one)
                            : self->max_index_plus_one;
}

/**
 * pp_record_merge_get_summary:
 * @self: a merge
 * @summary: (out caller-allocates): the counts
 *
 * Counts what the merged record reports (see #PpRecordMergeSummary).
 */
void
pp_record_merge_get_summary (PpRecordMerge        *self,
                             PpRecordMergeSummary *summary)
{
  guint length;
  g_autofree gboolean *shard_seen = NULL;

  g_return_if_fail (PP_IS_RECORD_MERGE (self));
  g_return_if_fail (summary != NULL);

  memset (summary, 0, sizeof *summary);
  summary->records = self->shards->len;
  length = _pp_record_merge_expected_length (self);
  summary->files_listed = length;
  for (guint i = 0; i < length; i++)
    {
      GPtrArray *list = g_hash_table_lookup (self->by_index, GUINT_TO_POINTER (i));
      Verdict v = _pp_record_merge_decide (list);

      switch (v.final)
        {
        case FINAL_OK:
          summary->files_ok++;
          break;
        case FINAL_FAILED:
          summary->files_failed++;
          break;
        case FINAL_SKIPPED:
          summary->files_skipped++;
          break;
        case FINAL_MISSING:
        default:
          summary->files_missing++;
          break;
        }
      if (v.processed > 1)
        summary->files_duplicated++;
    }
  if (!self->count_mixed && self->shard_count > 0)
    {
      shard_seen = g_new0 (gboolean, self->shard_count);
      for (guint i = 0; i < self->shards->len; i++)
        shard_seen[((Shard *) g_ptr_array_index (self->shards, i))->shard_index - 1] = TRUE;
      for (guint k = 0; k < self->shard_count; k++)
        summary->shards_missing += !shard_seen[k];
    }
  summary->conflicts = self->conflicts->len;
  for (guint i = 0; i < length; i++)
    if (_pp_record_merge_decide (g_hash_table_lookup (self->by_index,
                                                      GUINT_TO_POINTER (i))).mismatch)
      {
        summary->conflicts++;
        break;
      }
  summary->exactly_once = summary->records > 0 && summary->files_missing == 0
                          && summary->files_duplicated == 0 && summary->shards_missing == 0;
}

