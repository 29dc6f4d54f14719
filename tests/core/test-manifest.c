/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Manifests: lines round-trip (non-UTF-8 paths too), many threads append without tearing a
 * line, a reader mid-write takes whole lines only, checksums match a one-shot SHA-256,
 * compaction keeps what a resume needs and replaces the file atomically, and the resume index
 * says "done" only when input, pipeline, settings and output bytes all still match.
 */
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "batch/pp-manifest.h"
#include "batch/pp-manifest-index.h"

static char *tmp_root;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_root, name, NULL);
}

static void
write_file (const char *path,
            const char *contents,
            gssize      length)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

static void
fill_done (PpManifestEntry *e,
           const char      *input,
           const char      *output,
           const char      *sha256,
           guint64          output_size)
{
  memset (e, 0, sizeof *e);
  e->event = PP_MANIFEST_EVENT_DONE;
  e->index = 7;
  e->input = g_strdup (input);
  e->input_size = 1234;
  e->input_mtime_ns = G_GINT64_CONSTANT (1700000000123456789);
  e->pipeline = g_strdup ("gamma=1.2");
  e->settings = g_strdup ("format=same quality=90");
  e->output = g_strdup (output);
  e->status = PP_FILE_STATUS_OK;
  e->output_size = output_size;
  e->sha256 = g_strdup (sha256);
  e->shard = g_strdup ("2/4");
  e->host = g_strdup ("node7");
  e->time = g_strdup ("2026-01-01T00:00:00.000001Z");
}

static void
test_round_trip (void)
{
  g_auto (PpManifestEntry) a = { 0 };
  g_auto (PpManifestEntry) b = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  /* Latin-1 "é" in a file name: bytes that are not UTF-8. */
  const char *odd = "/photos/caf\xe9.jpg";

  fill_done (&a, odd, "/out/caf\xe9.jpg", "ab12", 99);
  a.reason = g_strdup ("a \"quoted\"\nreason");
  line = pp_manifest_entry_to_line (&a);
  g_assert_true (g_str_has_suffix (line, "\n"));
  g_assert_true (strchr (line, '\n') == line + strlen (line) - 1); /* one line */
  g_assert_true (g_utf8_validate (line, -1, NULL));
  g_assert_true (pp_manifest_entry_parse (line, -1, &b, &error));
  g_assert_no_error (error);
  g_assert_cmpint (b.event, ==, PP_MANIFEST_EVENT_DONE);
  g_assert_cmpuint (b.index, ==, 7);
  g_assert_cmpstr (b.input, ==, odd);
  g_assert_cmpstr (b.output, ==, "/out/caf\xe9.jpg");
  g_assert_cmpuint (b.input_size, ==, 1234);
  g_assert_cmpint (b.input_mtime_ns, ==, G_GINT64_CONSTANT (1700000000123456789));
  g_assert_cmpstr (b.pipeline, ==, "gamma=1.2");
  g_assert_cmpstr (b.settings, ==, "format=same quality=90");
  g_assert_cmpint (b.status, ==, PP_FILE_STATUS_OK);
  g_assert_cmpstr (b.reason, ==, "a \"quoted\"\nreason");
  g_assert_cmpuint (b.output_size, ==, 99);
  g_assert_cmpstr (b.sha256, ==, "ab12");
  g_assert_cmpstr (b.shard, ==, "2/4");
  g_assert_cmpstr (b.host, ==, "node7");
  g_assert_cmpstr (b.time, ==, "2026-01-01T00:00:00.000001Z");
  g_assert_false (b.resumed);
  g_assert_null (strstr (line, "resumed"));

  /* A file done earlier, listed again by a resuming run. */
  pp_manifest_entry_clear (&b);
  a.resumed = TRUE;
  g_free (line);
  line = pp_manifest_entry_to_line (&a);
  g_assert_true (pp_manifest_entry_parse (line, -1, &b, &error));
  g_assert_true (b.resumed);
  a.resumed = FALSE;

  /* A planned record carries no outcome. */
  pp_manifest_entry_clear (&b);
  a.event = PP_MANIFEST_EVENT_PLANNED;
  g_free (line);
  line = pp_manifest_entry_to_line (&a);
  g_assert_null (strstr (line, "sha256"));
  g_assert_true (pp_manifest_entry_parse (line, -1, &b, &error));
  g_assert_cmpint (b.event, ==, PP_MANIFEST_EVENT_PLANNED);
  g_assert_null (b.sha256);
}

static void
test_parse_errors (void)
{
  const char *bad[] = {
    "", "{", "[1,2]", "{}", "{\"event\":\"done\"}",
    "{\"event\":\"eaten\",\"index\":0,\"input\":\"/a\",\"input_size\":1,\"input_mtime_ns\":1,"
    "\"pipeline\":\"\"}",
    "{\"event\":\"done\",\"index\":0,\"input\":\"/a\",\"input_size\":1,\"input_mtime_ns\":1,"
    "\"pipeline\":\"\",\"status\":\"great\"}",
    "{\"event\":\"planned\",\"index\":-1,\"input\":\"/a\",\"input_size\":1,"
    "\"input_mtime_ns\":1,\"pipeline\":\"\"}",
    "{\"event\":\"planned\",\"index\":0,\"input\":\"/a\",\"input_size\":\"big\","
    "\"input_mtime_ns\":1,\"pipeline\":\"\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto (PpManifestEntry) e = { 0 };
      g_autoptr (GError) error = NULL;

      g_assert_false (pp_manifest_entry_parse (bad[i], -1, &e, &error));
      g_assert_error (error, PP_MANIFEST_ERROR, PP_MANIFEST_ERROR_PARSE);
      g_assert_null (e.input);
    }
}

#define N_WRITERS 8
#define N_LINES 400

typedef struct
{
  PpManifestWriter *writer;
  guint thread;
} Appender;

static gpointer
append_many (gpointer data)
{
  Appender *a = data;

  for (guint i = 0; i < N_LINES; i++)
    {
      g_auto (PpManifestEntry) e = { 0 };
      g_autofree char *input = g_strdup_printf ("/in/%u-%u.jpg", a->thread, i);
      g_autoptr (GError) error = NULL;

      /* Long paths, so lines are far past one page and any tearing would show. */
      fill_done (&e, input, "/out/a-rather-long-folder-name-to-make-lines-long/x.jpg",
                 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1);
      g_free (e.reason);
      e.reason = g_strnfill (5000, 'r');
      e.index = a->thread * N_LINES + i;
      g_assert_true (pp_manifest_writer_append (a->writer, &e, &error));
      g_assert_no_error (error);
    }
  return NULL;
}

static void
test_concurrent_append (void)
{
  g_autofree char *path = tmp_path ("concurrent.jsonl");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree gboolean *seen = g_new0 (gboolean, N_WRITERS * N_LINES);
  PpManifestWriter *writer = pp_manifest_writer_open (path, TRUE, &error);
  GThread *threads[N_WRITERS];
  Appender appenders[N_WRITERS];
  guint bad = 99;

  g_assert_no_error (error);
  g_assert_cmpstr (pp_manifest_writer_get_path (writer), ==, path);
  for (guint t = 0; t < N_WRITERS; t++)
    {
      appenders[t].writer = writer;
      appenders[t].thread = t;
      threads[t] = g_thread_new ("append", append_many, &appenders[t]);
    }
  for (guint t = 0; t < N_WRITERS; t++)
    g_thread_join (threads[t]);
  pp_manifest_writer_close (writer);

  entries = pp_manifest_read_file (path, &bad, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bad, ==, 0);
  g_assert_cmpuint (entries->len, ==, N_WRITERS * N_LINES);
  for (guint i = 0; i < entries->len; i++)
    {
      PpManifestEntry *e = g_ptr_array_index (entries, i);

      g_assert_false (seen[e->index]);
      seen[e->index] = TRUE;
      g_assert_cmpuint (strlen (e->reason), ==, 5000);
    }

  /* Opening with truncate starts over; without, appends. */
  writer = pp_manifest_writer_open (path, FALSE, &error);
  append_many (&(Appender) { writer, 0 });
  pp_manifest_writer_close (writer);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = pp_manifest_read_file (path, NULL, &error);
  g_assert_cmpuint (entries->len, ==, (N_WRITERS + 1) * N_LINES);
  writer = pp_manifest_writer_open (path, TRUE, &error);
  pp_manifest_writer_close (writer);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = pp_manifest_read_file (path, NULL, &error);
  g_assert_cmpuint (entries->len, ==, 0);
}

/* A reader that comes while a line is half written takes the whole lines before it. */
static void
test_torn_line (void)
{
  g_autofree char *path = tmp_path ("torn.jsonl");
  g_auto (PpManifestEntry) e = { 0 };
  g_autofree char *line = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  guint bad = 0;

  fill_done (&e, "/in/a.jpg", "/out/a.jpg", "00", 1);
  line = pp_manifest_entry_to_line (&e);
  contents = g_strdup_printf ("%s%s\n%.*s", line, "not json at all", (int) strlen (line) / 2,
                              line);
  write_file (path, contents, -1);
  entries = pp_manifest_read_file (path, &bad, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpuint (bad, ==, 2);

  /* Appending after a line cut short starts a line of its own; the cut line stays bad. */
  {
    PpManifestWriter *w = pp_manifest_writer_open (path, FALSE, &error);

    g_assert_no_error (error);
    g_assert_true (pp_manifest_writer_append (w, &e, &error));
    pp_manifest_writer_close (w);
    g_clear_pointer (&entries, g_ptr_array_unref);
    entries = pp_manifest_read_file (path, &bad, &error);
    g_assert_cmpuint (entries->len, ==, 2);
    g_assert_cmpuint (bad, ==, 2);
  }

  /* A whole record whose newline never came (the writer died right before it) is a record. */
  g_assert_true (g_file_set_contents (path, line, strlen (line) - 1, NULL));
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = pp_manifest_read_file (path, &bad, &error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpuint (bad, ==, 0);

  g_clear_pointer (&entries, g_ptr_array_unref);
  g_free (path);
  path = tmp_path ("never-written.jsonl");
  entries = pp_manifest_read_file (path, &bad, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
}

static void
test_checksum (void)
{
  g_autofree char *path = tmp_path ("abc");
  g_autofree char *big_path = tmp_path ("big");
  g_autofree char *sum = NULL;
  g_autofree char *big_sum = NULL;
  g_autofree char *reference = NULL;
  g_autofree guchar *big = g_malloc (3 * 1024 * 1024 + 17);
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  guint64 size = 0;

  /* FIPS 180-4's example. */
  write_file (path, "abc", 3);
  sum = pp_manifest_checksum_file (path, &size, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sum, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_cmpuint (size, ==, 3);

  /* Chunked reading agrees with hashing the whole buffer at once. */
  for (gsize i = 0; i < 3 * 1024 * 1024 + 17; i++)
    big[i] = (guchar) (i * 2654435761u >> 13);
  write_file (big_path, (const char *) big, 3 * 1024 * 1024 + 17);
  big_sum = pp_manifest_checksum_file (big_path, &size, NULL, &error);
  reference = g_compute_checksum_for_data (G_CHECKSUM_SHA256, big, 3 * 1024 * 1024 + 17);
  g_assert_cmpstr (big_sum, ==, reference);
  g_assert_cmpuint (size, ==, 3 * 1024 * 1024 + 17);

  g_cancellable_cancel (cancelled);
  g_assert_null (pp_manifest_checksum_file (big_path, NULL, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_free (path);
  path = tmp_path ("missing");
  g_assert_null (pp_manifest_checksum_file (path, NULL, NULL, &error));
  g_assert_error (error, PP_MANIFEST_ERROR, PP_MANIFEST_ERROR_IO);
}

static void
test_file_name (void)
{
  g_autofree char *one = pp_manifest_file_name (0, 1);
  g_autofree char *three = pp_manifest_file_name (2, 4);

  g_assert_cmpstr (one, ==, ".parapix.manifest.jsonl");
  g_assert_cmpstr (three, ==, ".parapix.manifest.3-of-4.jsonl");
}

static void
append_entry (PpManifestWriter *w,
              PpManifestEvent   event,
              const char       *input,
              const char       *output,
              const char       *time)
{
  g_auto (PpManifestEntry) e = { 0 };

  fill_done (&e, input, output, "00", 1);
  e.event = event;
  g_free (e.time);
  e.time = g_strdup (time);
  g_assert_true (pp_manifest_writer_append (w, &e, NULL));
}

static void
test_compact (void)
{
  g_autofree char *path = tmp_path ("compact.jsonl");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  PpManifestWriter *w = pp_manifest_writer_open (path, TRUE, &error);
  struct stat before, after;

  /* a: planned then done (keep the done); b: done, then planned again and cut off (keep
   * both: the planned one names an output the redo may replace); c: planned only. */
  append_entry (w, PP_MANIFEST_EVENT_PLANNED, "/in/a", "/out/a", "1");
  append_entry (w, PP_MANIFEST_EVENT_PLANNED, "/in/b", "/out/b", "2");
  append_entry (w, PP_MANIFEST_EVENT_DONE, "/in/a", "/out/a", "3");
  append_entry (w, PP_MANIFEST_EVENT_DONE, "/in/b", "/out/b", "4");
  append_entry (w, PP_MANIFEST_EVENT_PLANNED, "/in/b", "/out/b (1)", "5");
  append_entry (w, PP_MANIFEST_EVENT_PLANNED, "/in/c", "/out/c", "6");
  append_entry (w, PP_MANIFEST_EVENT_PLANNED, "/in/c", "/out/c", "7");
  pp_manifest_writer_close (w);
  g_assert_cmpint (g_stat (path, &before), ==, 0);

  g_assert_true (pp_manifest_compact (path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &after), ==, 0);
  /* Replaced by rename, not rewritten in place: a reader holding the old file keeps it whole. */
  g_assert_cmpuint (before.st_ino, !=, after.st_ino);
  entries = pp_manifest_read_file (path, NULL, &error);
  g_assert_cmpuint (entries->len, ==, 4);
#define AT(i) ((PpManifestEntry *) g_ptr_array_index (entries, i))
  g_assert_cmpstr (AT (0)->input, ==, "/in/a");
  g_assert_cmpint (AT (0)->event, ==, PP_MANIFEST_EVENT_DONE);
  g_assert_cmpstr (AT (1)->input, ==, "/in/b");
  g_assert_cmpint (AT (1)->event, ==, PP_MANIFEST_EVENT_DONE);
  g_assert_cmpstr (AT (2)->output, ==, "/out/b (1)");
  g_assert_cmpint (AT (2)->event, ==, PP_MANIFEST_EVENT_PLANNED);
  g_assert_cmpstr (AT (3)->input, ==, "/in/c");
  g_assert_cmpstr (AT (3)->time, ==, "7");
#undef AT
  g_free (path);
  path = tmp_path ("no-such-manifest.jsonl");
  g_assert_true (pp_manifest_compact (path, &error));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

typedef struct
{
  char *dir;
  char *input;
  char *output;
  char *manifest;
  char *sha256;
  guint64 size;
} Resume;

static void
resume_set_up (Resume *r)
{
  g_autoptr (GError) error = NULL;
  PpManifestWriter *w;
  g_auto (PpManifestEntry) e = { 0 };

  r->dir = g_build_filename (tmp_root, "resume", NULL);
  g_assert_cmpint (g_mkdir_with_parents (r->dir, 0755), ==, 0);
  r->input = g_build_filename (r->dir, "in.jpg", NULL);
  r->output = g_build_filename (r->dir, "out.jpg", NULL);
  r->manifest = g_build_filename (r->dir, ".parapix.manifest.2-of-4.jsonl", NULL);
  write_file (r->output, "output bytes", -1);
  r->sha256 = pp_manifest_checksum_file (r->output, &r->size, NULL, &error);
  g_assert_no_error (error);

  w = pp_manifest_writer_open (r->manifest, TRUE, &error);
  g_assert_no_error (error);
  fill_done (&e, r->input, r->output, r->sha256, r->size);
  g_assert_true (pp_manifest_writer_append (w, &e, &error));
  pp_manifest_writer_close (w);
}

static void
resume_tear_down (Resume *r)
{
  g_unlink (r->manifest);
  g_unlink (r->output);
  g_rmdir (r->dir);
  g_free (r->dir);
  g_free (r->input);
  g_free (r->output);
  g_free (r->manifest);
  g_free (r->sha256);
}

static PpResumeVerdict
check (PpManifestIndex *index,
       Resume          *r,
       const char      *pipeline,
       const char      *settings,
       guint64          size,
       gint64           mtime)
{
  return pp_manifest_index_check (index, r->input, size, mtime, pipeline, settings, NULL, NULL);
}

static void
test_index_verdicts (void)
{
  const gint64 mtime = G_GINT64_CONSTANT (1700000000123456789);
  const char *settings = "format=same quality=90";
  g_autoptr (PpManifestIndex) index = pp_manifest_index_new ();
  g_autoptr (GError) error = NULL;
  const PpManifestEntry *done = NULL;
  Resume r;

  resume_set_up (&r);
  /* Files in the folder that are not manifests are not read. */
  {
    g_autofree char *other = g_build_filename (r.dir, "notes.jsonl", NULL);

    write_file (other, "garbage\n", -1);
    g_assert_true (pp_manifest_index_load_folder (index, r.dir, &error));
    g_unlink (other);
  }
  g_assert_no_error (error);
  g_assert_cmpuint (pp_manifest_index_get_n_inputs (index), ==, 1);
  g_assert_cmpuint (pp_manifest_index_get_n_bad_lines (index), ==, 0);

  g_assert_cmpint (pp_manifest_index_check (index, r.input, 1234, mtime, "gamma=1.2", settings,
                                            NULL, &done), ==, PP_RESUME_DONE);
  g_assert_nonnull (done);
  g_assert_cmpstr (done->output, ==, r.output);
  g_assert_cmpint (pp_manifest_index_check (index, "/elsewhere.jpg", 1, 1, "gamma=1.2",
                                            settings, NULL, &done), ==, PP_RESUME_NEW);
  g_assert_null (done);
  g_assert_cmpint (check (index, &r, "gamma=1.2", settings, 1235, mtime), ==,
                   PP_RESUME_INPUT_CHANGED);
  g_assert_cmpint (check (index, &r, "gamma=1.2", settings, 1234, mtime + 1), ==,
                   PP_RESUME_INPUT_CHANGED);
  g_assert_cmpint (check (index, &r, "gamma=1.3", settings, 1234, mtime), ==,
                   PP_RESUME_SETTINGS_CHANGED);
  g_assert_cmpint (check (index, &r, "gamma=1.2", "format=png quality=90", 1234, mtime), ==,
                   PP_RESUME_SETTINGS_CHANGED);

  /* Same size, other bytes: only the checksum can tell. */
  write_file (r.output, "OUTPUT BYTES", -1);
  g_assert_cmpint (check (index, &r, "gamma=1.2", settings, 1234, mtime), ==,
                   PP_RESUME_OUTPUT_CHANGED);
  g_unlink (r.output);
  g_assert_cmpint (check (index, &r, "gamma=1.2", settings, 1234, mtime), ==,
                   PP_RESUME_OUTPUT_CHANGED);

  /* Written in place: the input is now the output; done while it holds those bytes, whatever
   * its new size and time, never processed twice. */
  {
    g_autoptr (PpManifestIndex) in_place = pp_manifest_index_new ();
    g_auto (PpManifestEntry) e = { 0 };
    g_autofree char *path = g_build_filename (r.dir, "in-place.jpg", NULL);
    g_autofree char *sha = NULL;
    guint64 size = 0;

    write_file (path, "processed bytes", -1);
    sha = pp_manifest_checksum_file (path, &size, NULL, NULL);
    fill_done (&e, path, path, sha, size);
    pp_manifest_index_add (in_place, &e);
    g_assert_cmpint (pp_manifest_index_check (in_place, path, size, mtime + 99, "gamma=1.2",
                                              settings, NULL, NULL), ==, PP_RESUME_DONE);
    write_file (path, "PROCESSED BYTES", -1);
    g_assert_cmpint (pp_manifest_index_check (in_place, path, size, mtime + 99, "gamma=1.2",
                                              settings, NULL, NULL), ==,
                     PP_RESUME_OUTPUT_CHANGED);
    g_unlink (path);
  }

  g_assert_true (pp_manifest_index_owns_output (index, r.input, r.output));
  g_assert_false (pp_manifest_index_owns_output (index, r.input, "/out/other.jpg"));
  g_assert_false (pp_manifest_index_owns_output (index, "/other", r.output));
  g_assert_cmpstr (pp_resume_verdict_to_string (PP_RESUME_SETTINGS_CHANGED), ==,
                   "pipeline or settings changed since the earlier run");
  resume_tear_down (&r);
}

/* The latest record wins, across manifests too; a failure after a success means redo. */
static void
test_index_latest (void)
{
  const gint64 mtime = G_GINT64_CONSTANT (1700000000123456789);
  g_autoptr (PpManifestIndex) index = pp_manifest_index_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *second = NULL;
  PpManifestWriter *w;
  Resume r;

  resume_set_up (&r);
  second = g_build_filename (r.dir, ".parapix.manifest.jsonl", NULL);
  w = pp_manifest_writer_open (second, TRUE, &error);
  {
    g_auto (PpManifestEntry) older = { 0 };
    g_auto (PpManifestEntry) newer = { 0 };

    /* An older failure in the second file does not hide the newer success in the first. */
    fill_done (&older, r.input, r.output, NULL, 0);
    older.status = PP_FILE_STATUS_FAILED;
    g_free (older.time);
    older.time = g_strdup ("2025-01-01T00:00:00Z");
    g_assert_true (pp_manifest_writer_append (w, &older, NULL));
    pp_manifest_writer_close (w);
    g_assert_true (pp_manifest_index_load_folder (index, r.dir, &error));
    g_assert_cmpint (check (index, &r, "gamma=1.2", "format=same quality=90", 1234, mtime), ==,
                     PP_RESUME_DONE);

    /* A newer failure does. */
    fill_done (&newer, r.input, r.output, NULL, 0);
    newer.status = PP_FILE_STATUS_FAILED;
    g_free (newer.time);
    newer.time = g_strdup ("2027-01-01T00:00:00Z");
    pp_manifest_index_add (index, &newer);
    g_assert_cmpint (check (index, &r, "gamma=1.2", "format=same quality=90", 1234, mtime), ==,
                     PP_RESUME_NOT_OK);
  }
  g_unlink (second);
  resume_tear_down (&r);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_root = g_dir_make_tmp ("pp-manifest-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/pp/manifest/round-trip", test_round_trip);
  g_test_add_func ("/pp/manifest/parse-errors", test_parse_errors);
  g_test_add_func ("/pp/manifest/concurrent-append", test_concurrent_append);
  g_test_add_func ("/pp/manifest/torn-line", test_torn_line);
  g_test_add_func ("/pp/manifest/checksum", test_checksum);
  g_test_add_func ("/pp/manifest/file-name", test_file_name);
  g_test_add_func ("/pp/manifest/compact", test_compact);
  g_test_add_func ("/pp/manifest/index-verdicts", test_index_verdicts);
  g_test_add_func ("/pp/manifest/index-latest", test_index_latest);
  status = g_test_run ();

  {
    g_autoptr (GDir) dir = g_dir_open (tmp_root, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmp_root, name, NULL);

        g_unlink (path);
      }
    g_rmdir (tmp_root);
  }
  return status;
}
