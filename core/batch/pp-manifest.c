/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Manifest lines and files: the JSON-lines format (docs/run-record.md, "Manifests"), a
 * thread-safe appender whose every line is one write(2) on an O_APPEND descriptor, reading
 * that tolerates a torn last line, atomic compaction (a new file renamed over the old one), and
 * the SHA-256 of an output.
 */
#define G_LOG_DOMAIN "pp-manifest"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "batch/pp-json-private.h"
#include "batch/pp-manifest.h"

G_DEFINE_QUARK (pp-manifest-error-quark, pp_manifest_error)

#define CHECKSUM_CHUNK (1 << 20)

/**
 * pp_manifest_entry_new:
 *
 * Returns: (transfer full): an empty entry, for arrays of entries; free with
 *   pp_manifest_entry_free()
 */
PpManifestEntry *
pp_manifest_entry_new (void)
{
  return g_new0 (PpManifestEntry, 1);
}

/**
 * pp_manifest_entry_free:
 * @entry: (nullable) (transfer full): an entry from pp_manifest_entry_new()
 */
void
pp_manifest_entry_free (PpManifestEntry *entry)
{
  if (entry == NULL)
    return;
  pp_manifest_entry_clear (entry);
  g_free (entry);
}

/**
 * pp_manifest_entry_clear:
 * @entry: an entry
 *
 * Frees the strings of @entry and zeroes it (for stack entries, g_auto).
 */
void
pp_manifest_entry_clear (PpManifestEntry *entry)
{
  g_free (entry->input);
  g_free (entry->pipeline);
  g_free (entry->settings);
  g_free (entry->output);
  g_free (entry->reason);
  g_free (entry->sha256);
  g_free (entry->shard);
  g_free (entry->host);
  g_free (entry->time);
  memset (entry, 0, sizeof *entry);
}

/**
 * pp_manifest_entry_copy:
 * @src: an entry
 * @dst: (out caller-allocates): a cleared entry to fill with copies of @src's fields
 */
void
pp_manifest_entry_copy (const PpManifestEntry *src,
                        PpManifestEntry       *dst)
{
  *dst = *src;
  dst->input = g_strdup (src->input);
  dst->pipeline = g_strdup (src->pipeline);
  dst->settings = g_strdup (src->settings);
  dst->output = g_strdup (src->output);
  dst->reason = g_strdup (src->reason);
  dst->sha256 = g_strdup (src->sha256);
  dst->shard = g_strdup (src->shard);
  dst->host = g_strdup (src->host);
  dst->time = g_strdup (src->time);
}

/* A path must come back byte for byte to be found again; JSON strings are UTF-8, so a path that
 * is not gets its bytes in base64 beside the readable form. */
static void
add_path (JsonBuilder *b,
          const char  *name,
          const char  *path)
{
  _pp_json_add_string (b, name, path);
  if (path != NULL && !g_utf8_validate (path, -1, NULL))
    {
      g_autofree char *member = g_strconcat (name, "_base64", NULL);
      g_autofree char *encoded = g_base64_encode ((const guchar *) path, strlen (path));

      json_builder_set_member_name (b, member);
      json_builder_add_string_value (b, encoded);
    }
}

/**
 * pp_manifest_entry_to_line:
 * @entry: an entry
 *
 * Formats @entry as one line of JSON, newline included (docs/run-record.md, "Manifests"). Any
 * thread.
 *
 * Returns: (transfer full): the line
 */
char *
pp_manifest_entry_to_line (const PpManifestEntry *entry)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (entry != NULL, NULL);

  json_builder_begin_object (b);
  _pp_json_add_string (b, "event", entry->event == PP_MANIFEST_EVENT_PLANNED ? "planned" : "done");
  _pp_json_add_int (b, "index", entry->index);
  add_path (b, "input", entry->input);
  _pp_json_add_int (b, "input_size", (gint64) entry->input_size);
  _pp_json_add_int (b, "input_mtime_ns", entry->input_mtime_ns);
  _pp_json_add_string (b, "pipeline", entry->pipeline);
  _pp_json_add_string (b, "settings", entry->settings);
  add_path (b, "output", entry->output);
  if (entry->event == PP_MANIFEST_EVENT_DONE)
    {
      _pp_json_add_string (b, "status", pp_file_status_to_string (entry->status));
      _pp_json_add_string (b, "reason", entry->reason);
      _pp_json_add_int (b, "output_size", (gint64) entry->output_size);
      _pp_json_add_string (b, "sha256", entry->sha256);
      if (entry->resumed)
        _pp_json_add_boolean (b, "resumed", TRUE);
    }
  _pp_json_add_string (b, "shard", entry->shard);
  _pp_json_add_string (b, "host", entry->host);
  _pp_json_add_string (b, "time", entry->time);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}

static gboolean
status_from_string (const char   *text,
                    PpFileStatus *status)
{
  static const PpFileStatus all[] = { PP_FILE_STATUS_OK, PP_FILE_STATUS_SKIPPED,
                                      PP_FILE_STATUS_FAILED, PP_FILE_STATUS_CANCELLED };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (text != NULL && g_str_equal (text, pp_file_status_to_string (all[i])))
      {
        *status = all[i];
        return TRUE;
      }
  return FALSE;
}

static char *
get_text (JsonObject *o,
          const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static char *
get_path (JsonObject *o,
          const char *name)
{
  g_autofree char *member = g_strconcat (name, "_base64", NULL);
  g_autofree char *encoded = get_text (o, member);

  if (encoded != NULL)
    {
      gsize length;
      guchar *bytes = g_base64_decode (encoded, &length);
      char *path = g_strndup ((const char *) bytes, length);

      g_free (bytes);
      return path;
    }
  return get_text (o, name);
}

static gboolean
get_int (JsonObject *o,
         const char *name,
         gint64     *value)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

/**
 * pp_manifest_entry_parse:
 * @line: one line (without or with its newline)
 * @length: bytes in @line, or -1 when nul-terminated
 * @entry: (out caller-allocates): the entry, cleared on failure
 * @error: return location for a #GError
 *
 * Reads one manifest line. Unknown members are ignored, so later versions may add some. Any
 * thread.
 *
 * Returns: %TRUE on success; %FALSE with PP_MANIFEST_ERROR_PARSE when @line is not JSON, or
 *   lacks the event, input, size, modification time or pipeline
 */
gboolean
pp_manifest_entry_parse (const char      *line,
                         gssize           length,
                         PpManifestEntry *entry,
                         GError         **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *event = NULL;
  g_autofree char *status = NULL;
  JsonNode *root;
  JsonObject *o;
  gint64 index = 0, size = 0, mtime = 0, out_size = 0;

  g_return_val_if_fail (line != NULL && entry != NULL, FALSE);

  memset (entry, 0, sizeof *entry);
  if (!json_parser_load_from_data (parser, line, length, &local_error))
    {
      g_set_error (error, PP_MANIFEST_ERROR, PP_MANIFEST_ERROR_PARSE, "not JSON: %s",
                   local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, PP_MANIFEST_ERROR, PP_MANIFEST_ERROR_PARSE, "not a JSON object");
      return FALSE;
    }
  o = json_node_get_object (root);
  event = get_text (o, "event");
  entry->input = get_path (o, "input");
  entry->pipeline = get_text (o, "pipeline");
  if (event == NULL || !(g_str_equal (event, "planned") || g_str_equal (event, "done"))
      || entry->input == NULL || entry->pipeline == NULL || !get_int (o, "input_size", &size)
      || !get_int (o, "input_mtime_ns", &mtime) || !get_int (o, "index", &index) || size < 0
      || index < 0 || index > G_MAXUINT)
    {
      pp_manifest_entry_clear (entry);
      g_set_error (error, PP_MANIFEST_ERROR, PP_MANIFEST_ERROR_PARSE,
                   "not a manifest record (event, index, input, input_size, input_mtime_ns and "
                   "pipeline are required)");
      return FALSE;
    }
  entry->event = g_str_equal (event, "planned") ? PP_MANIFEST_EVENT_PLANNED
                                                : PP_MANIFEST_EVENT_DONE;
  entry->index = (guint) index;
  entry->input_size = (guint64) size;
  entry->input_mtime_ns = mtime;
  entry->settings = get_text (o, "settings");
  entry->output = get_path (o, "output");
  if (entry->event == PP_MANIFEST_EVENT_DONE)
    {
      status = get_text (o, "status");
      if (!status_from_string (status, &entry->status))
        {
          pp_manifest_entry_clear (entry);
          g_set_error (error, PP_MANIFEST_ERROR, PP_MANIFEST_ERROR_PARSE,
                       "a done record needs a status (ok, skipped, failed or cancelled)");
          return FALSE;
        }
      entry->reason = get_text (o, "reason");
      if (get_int (o, "output_size", &out_size) && out_size >= 0)
        entry->output_size = (guint64) out_size;
      entry->sha256 = get_text (o, "sha256");
      {
        JsonNode *resumed = json_object_get_member (o, "resumed");

        entry->resumed = resumed != NULL && json_node_get_value_type (resumed) == G_TYPE_BOOLEAN
                         && json_node_get_boolean (resumed);
      }
    }
  entry->shard = get_text (o, "shard");
  entry->host = get_text (o, "host");
  entry->time = get_text (o, "time");
  return TRUE;
}

/**
 * pp_manifest_file_name:
 * @shard_index: 0-based shard
 * @shard_count: number of shards (1: no sharding)
 *
 * The name of a run's own manifest in its output folder: ".parapix.manifest.jsonl", or
 * ".parapix.manifest.3-of-4.jsonl" for shard 3 of 4, so concurrent shards never write one
 * file.
 *
 * Returns: (transfer full): a file name (no folder)
 */
char *
pp_manifest_file_name (guint shard_index,
                       guint shard_count)
{
  if (shard_count <= 1)
    return g_strdup (PP_MANIFEST_PREFIX ".jsonl");
  return g_strdup_printf (PP_MANIFEST_PREFIX ".%u-of-%u.jsonl", shard_index + 1, shard_count);
}

/**
 * pp_manifest_checksum_file:
 * @path: a file
 * @size: (out) (optional): its size in bytes
 * @cancellable: (nullable): checked between 1 MiB reads
 * @error: return location for a #GError
 *
 * Computes the SHA-256 of a file's bytes (FIPS 180-4, through GChecksum), reading it in 1 MiB
 * pieces. Any thread.
 *
 * Returns: (transfer full) (nullable): 64 lowercase hex digits, or %NULL with
 *   PP_MANIFEST_ERROR_IO (or G_IO_ERROR_CANCELLED) when the file cannot be read
 */
char *
pp_manifest_checksum_file (const char   *path,
                           guint64      *size,
                           GCancellable *cancellable,
                           GError      **error)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buffer = NULL;
  guint64 total = 0;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, PP_MANIFEST_ERROR, PP_MANIFEST_ERROR_IO, "Cannot read “%s”: %s", path,
                   g_strerror (saved));
      return NULL;
    }
  buffer = g_malloc (CHECKSUM_CHUNK);
  for (;;)
    {
      ssize_t n = read (fd, buffer, CHECKSUM_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          g_set_error (error, PP_MANIFEST_ERROR, PP_MANIFEST_ERROR_IO, "Cannot read “%s”: %s",
                       path, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      g_checksum_update (checksum, buffer, n);
      total += (guint64) n;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return NULL;
        }
    }
  close (fd);
  if (size != NULL)
    *size = total;
  return g_strdup (g_checksum_get_string (checksum));
}

/**
 * pp_manifest_read_file:
 * @path: a manifest
 * @n_bad_lines: (out) (optional): lines that were not records (a torn last line after a crash,
 *   or something else's file)
 * @error: return location for a #GError
 *
 * Reads every record of a manifest, in file order. A line is only taken whole (a last line cut
 * short by a writer that died, or still being written, is not a record), so a manifest may be
 * read while it is written. Any thread.
 *
 * Returns: (transfer container) (element-type PpManifestEntry): the records (an empty array
 *   when the file does not exist), or %NULL with PP_MANIFEST_ERROR_IO when it exists but cannot
 *   be read
 */
GPtrArray *
pp_manifest_read_file (const char *path,
                       guint      *n_bad_lines,
                       GError    **error)
{
  g_autoptr (GPtrArray) entries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) pp_manifest_entry_free);
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = NULL;
  gsize length;
  const char *p, *end;
  guint bad = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &text, &length, &local_error))
    {
      if (n_bad_lines != NULL)
        *n_bad_lines = 0;
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&entries);
      g_set_error (error, PP_MANIFEST_ERROR, PP_MANIFEST_ERROR_IO, "Cannot read the manifest "
                   "“%s”: %s", path, local_error->message);
      return NULL;
    }
  end = text + length;
  for (p = text; p < end;)
    {
      const char *newline = memchr (p, '\n', end - p);
      PpManifestEntry *entry;

      /* A last line without its newline is either still being written or was cut when its
       * writer was killed mid-write(2) (which stops between pages); as JSON cut short never
       * parses, it counts only if it is whole. */
      if (newline == NULL)
        newline = end;
      if (newline > p)
        {
          entry = pp_manifest_entry_new ();
          if (pp_manifest_entry_parse (p, newline - p, entry, NULL))
            g_ptr_array_add (entries, entry);
          else
            {
              pp_manifest_entry_free (entry);
              bad++;
            }
        }
      p = newline + 1;
    }
  if (n_bad_lines != NULL)
    *n_bad_lines = bad;
  return g_steal_pointer (&entries);
}

/**
 * pp_manifest_compact:
 * @path: a manifest no process is writing
 * @error: return location for a #GError
 *
 * Rewrites a manifest with only what a later resume needs: per input, its last "done" record
 * and, after it, its last "planned" record (which still names an output this batch may have
 * written). The new file replaces the old one atomically (written beside it, synced, renamed
 * over it), so a reader or a crash sees one or the other, never a mix. Any thread.
 *
 * Returns: %TRUE on success (also when @path does not exist); %FALSE with PP_MANIFEST_ERROR_IO
 */
gboolean
pp_manifest_compact (const char *path,
                     GError    **error)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GHashTable) last_done = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) last_planned = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  entries = pp_manifest_read_file (path, NULL, error);
  if (entries == NULL)
    return FALSE;
  if (entries->len == 0 && !g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  for (guint i = 0; i < entries->len; i++)
    {
      PpManifestEntry *e = g_ptr_array_index (entries, i);

      if (e->event == PP_MANIFEST_EVENT_DONE)
        {
          g_hash_table_insert (last_done, e->input, e);
          g_hash_table_remove (last_planned, e->input);
        }
      else
        g_hash_table_insert (last_planned, e->input, e);
    }
  /* File order, so the compacted manifest still reads as a history. */
  for (guint i = 0; i < entries->len; i++)
    {
      PpManifestEntry *e = g_ptr_array_index (entries, i);
      GHashTable *keep = e->event == PP_MANIFEST_EVENT_DONE ? last_done : last_planned;

      if (g_hash_table_lookup (keep, e->input) == e)
        {
          g_autofree char *line = pp_manifest_entry_to_line (e);

          g_string_append (out, line);
        }
    }
  if (!g_file_set_contents_full (path, out->str, out->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local_error))
    {
      g_set_error (error, PP_MANIFEST_ERROR, PP_MANIFEST_ERROR_IO,
                   "Cannot rewrite the manifest “%s”: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Appending */

struct _PpManifestWriter
{
  GMutex lock;
  int fd;
  char *path;
};

/* A writer killed in the middle of a line leaves it without its newline: end it, so the next
 * record starts a line of its own instead of gluing itself to the broken one. */
static void
end_last_line (PpManifestWriter *writer)
{
  GStatBuf st;
  char last = '\n';

  if (fstat (writer->fd, &st) != 0 || st.st_size == 0 || !S_ISREG (st.st_mode))
    return;
  {
    int fd = g_open (writer->path, O_RDONLY | O_CLOEXEC, 0);

    if (fd < 0)
      return;
    if (pread (fd, &last, 1, st.st_size - 1) != 1)
      last = '\n';
    close (fd);
  }
  if (last != '\n' && write (writer->fd, "\n", 1) != 1)
    g_debug ("could not end the last line of %s", writer->path);
}

/**
 * pp_manifest_writer_open:
 * @path: the manifest's path (its folder must exist)
 * @truncate: start an empty file (a --manifest FILE lists one run); %FALSE appends to what is
 *   there (a per-run manifest keeps earlier attempts' records for resuming)
 * @error: return location for a #GError
 *
 * Opens a manifest for appending. Main thread or any thread; the writer may then be shared by
 * worker threads.
 *
 * Returns: (transfer full) (nullable): the writer, or %NULL with PP_MANIFEST_ERROR_IO
 */
PpManifestWriter *
pp_manifest_writer_open (const char *path,
                         gboolean    truncate,
                         GError    **error)
{
  PpManifestWriter *writer;
  int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0);
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = g_open (path, flags, 0644);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, PP_MANIFEST_ERROR, PP_MANIFEST_ERROR_IO,
                   "Cannot write the manifest “%s”: %s", path, g_strerror (saved));
      return NULL;
    }
  writer = g_new0 (PpManifestWriter, 1);
  g_mutex_init (&writer->lock);
  writer->fd = fd;
  writer->path = g_strdup (path);
  end_last_line (writer);
  return writer;
}

/**
 * pp_manifest_writer_append:
 * @writer: a writer
 * @entry: the record
 * @error: return location for a #GError
 *
 * Appends one record as one line with one write(2) (O_APPEND), so lines never interleave and a
 * reader taking whole lines never sees half a record. Does not sync: a crash may lose the last
 * lines, which a resume then redoes. Thread-safe.
 *
 * Returns: %TRUE on success; %FALSE with PP_MANIFEST_ERROR_IO (disk full, …)
 */
gboolean
pp_manifest_writer_append (PpManifestWriter      *writer,
                           const PpManifestEntry *entry,
                           GError               **error)
{
  g_autofree char *line = NULL;
  gsize length, done = 0;
  int saved = 0;

  g_return_val_if_fail (writer != NULL && entry != NULL, FALSE);

  line = pp_manifest_entry_to_line (entry);
  length = strlen (line);
  g_mutex_lock (&writer->lock);
  while (done < length)
    {
      ssize_t n = write (writer->fd, line + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved = errno;
          break;
        }
      done += (gsize) n;
    }
  g_mutex_unlock (&writer->lock);
  if (saved != 0)
    {
      g_set_error (error, PP_MANIFEST_ERROR, PP_MANIFEST_ERROR_IO,
                   "Cannot write the manifest “%s”: %s", writer->path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/**
 * pp_manifest_writer_get_path:
 * @writer: a writer
 *
 * Returns: (transfer none): the path it writes
 */
const char *
pp_manifest_writer_get_path (PpManifestWriter *writer)
{
  g_return_val_if_fail (writer != NULL, NULL);
  return writer->path;
}

/**
 * pp_manifest_writer_close:
 * @writer: (nullable) (transfer full): a writer no thread is using any more
 *
 * Syncs the manifest to disk (so a finished run's records survive a power cut) and frees the
 * writer.
 */
void
pp_manifest_writer_close (PpManifestWriter *writer)
{
  if (writer == NULL)
    return;
  /* A pipe or a terminal (--manifest /dev/stdout) cannot be synced; that is fine. */
  fdatasync (writer->fd);
  close (writer->fd);
  g_mutex_clear (&writer->lock);
  g_free (writer->path);
  g_free (writer);
}
