/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole shared corpus through `parapix --batch --recursive`, matched file by file against
 * expected.tsv (../shared/corpus/README.md). What it holds the app to:
 * - every file in expected.tsv is in the run record, except exactly the files whose format
 *   Parapix does not read (the `ignored_extensions` below), which the listing leaves out and
 *   counts as ignored; every record entry is a file of expected.tsv;
 * - `load-error` files fail, with a reason, and leave no output;
 * - `load-ok` files are done, except the refusals the README asks of a careful app: all six
 *   [BOMB]s refused from the header, and damaged files that GdkPixbuf half-decodes
 *   ([TOLERATED] under broken/, [PIXBUF+GERROR]) refused as damaged;
 * - every `ok` output decodes, is as large as the record says, and that size is what
 *   `fit=256x256` makes of the source size expected.tsv gives (turned by a quarter for EXIF
 *   orientations 5..8);
 * - no crash, no hang, no temporary left, and the inputs byte-identical afterwards.
 * The codec layer is being replaced under this test: it guards that every outcome stays.
 */
#include "cli-util.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>

#define BOX 256
#define N_BOMBS 6

/* Formats Parapix does not read: their files are not listed (counted in files_ignored). ani,
 * icns, xbm, xpm, qtif: GdkPixbuf loaders disabled as attack surface (core/io); wbmp: no loader
 * at all. A file of any other type missing from the record is a failure. */
static const char *const ignored_extensions[] = { "ani", "icns", "xbm", "xpm", "qtif", "wbmp",
                                                  NULL };

static void
copy_tree (const char *from,
           const char *to)
{
  g_autoptr (GDir) d = g_dir_open (from, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  g_assert_cmpint (g_mkdir_with_parents (to, 0755), ==, 0);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *src = g_build_filename (from, name, NULL);
      g_autofree char *dst = g_build_filename (to, name, NULL);

      if (g_file_test (src, G_FILE_TEST_IS_DIR))
        copy_tree (src, dst);
      else
        cli_copy_file (src, dst);
    }
}

static gboolean
has_ignored_extension (const char *name)
{
  const char *dot = strrchr (name, '.');
  g_autofree char *ext = dot != NULL ? g_ascii_strdown (dot + 1, -1) : NULL;

  return ext != NULL && g_strv_contains (ignored_extensions, ext);
}

/* What fit=BOXxBOX makes of a w x h image, written from its definition (as tests/core's
 * reference does): inside the box keeping the aspect ratio, the other side rounded half up;
 * images that already fit stay as they are. */
static void
fit_size (int  w,
          int  h,
          int *out_w,
          int *out_h)
{
  *out_w = w;
  *out_h = h;
  if (w <= BOX && h <= BOX)
    return;
  if ((double) BOX / w <= (double) BOX / h)
    *out_w = BOX, *out_h = MAX (1, (int) floor ((double) h * BOX / w + 0.5));
  else
    *out_h = BOX, *out_w = MAX (1, (int) floor ((double) w * BOX / h + 0.5));
}

/* The "GdkPixbuf: WxH" size expected.tsv notes for a file that loads; FALSE when absent. */
static gboolean
expected_source_size (const char *note,
                      int        *w,
                      int        *h)
{
  const char *at = strstr (note, "GdkPixbuf: ");

  return at != NULL && sscanf (at, "GdkPixbuf: %dx%d", w, h) == 2;
}

/* An ok file: its output exists, decodes, and has the size the record and the pipeline say. */
static void
check_ok_output (const char *name,
                 JsonObject *file,
                 const char *note)
{
  const char *output = json_object_get_string_member (file, "output");
  int src_w = json_object_get_int_member (file, "source_width");
  int src_h = json_object_get_int_member (file, "source_height");
  int dec_w = json_object_get_int_member (file, "width");
  int dec_h = json_object_get_int_member (file, "height");
  int out_w = json_object_get_int_member (file, "out_width");
  int out_h = json_object_get_int_member (file, "out_height");
  int want_w, want_h, tsv_w, tsv_h;
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autoptr (GError) error = NULL;

  if (expected_source_size (note, &tsv_w, &tsv_h) && (tsv_w != src_w || tsv_h != src_h))
    g_error ("%s: the header says %d x %d, expected.tsv %d x %d", name, src_w, src_h, tsv_w,
             tsv_h);
  /* Orientations 5..8 turn the image by a quarter: the decoded size is the other way round
   * (shrink-on-load may divide both sides, never swap them). */
  if (src_w != src_h && (dec_w > dec_h) != (src_w > src_h))
    fit_size (src_h, src_w, &want_w, &want_h);
  else
    fit_size (src_w, src_h, &want_w, &want_h);
  if (out_w != want_w || out_h != want_h)
    g_error ("%s: %d x %d became %d x %d, but fit=%dx%d makes %d x %d", name, src_w, src_h,
             out_w, out_h, BOX, BOX, want_w, want_h);

  pixbuf = gdk_pixbuf_new_from_file (output, &error);
  if (pixbuf == NULL)
    g_error ("%s: its output %s does not decode: %s", name, output, error->message);
  if (gdk_pixbuf_get_width (pixbuf) != out_w || gdk_pixbuf_get_height (pixbuf) != out_h)
    g_error ("%s: its output decodes as %d x %d, the record says %d x %d", name,
             gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf), out_w, out_h);
}

static void
test_corpus (void)
{
  const char *corpus = g_getenv ("PP_CORPUS_DIR");
  g_autofree char *expected_path = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *scratch = NULL;
  g_autofree char *input = NULL;
  g_autofree char *output = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GHashTable) before = NULL;
  g_autoptr (GHashTable) after = NULL;
  g_autoptr (GHashTable) results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) matched = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (JsonNode) node = NULL;
  g_auto (GStrv) lines = NULL;
  JsonObject *record;
  JsonArray *files;
  guint n_checked = 0, n_bombs = 0, n_refused_damaged = 0, n_ignored = 0, n_ok = 0,
        n_failed = 0;
  int status;

  if (corpus == NULL || !g_file_test (corpus, G_FILE_TEST_IS_DIR))
    {
      pp_test_missing ("PP_CORPUS_DIR is not a folder (../shared/corpus beside the source)");
      return;
    }
  scratch = g_dir_make_tmp ("pp-corpus-XXXXXX", NULL);
  input = g_build_filename (scratch, "in", NULL);
  output = g_build_filename (scratch, "out", NULL);
  {
    g_autofree char *valid = g_build_filename (corpus, "valid", NULL);
    g_autofree char *broken = g_build_filename (corpus, "broken", NULL);
    g_autofree char *valid_to = g_build_filename (input, "valid", NULL);
    g_autofree char *broken_to = g_build_filename (input, "broken", NULL);

    copy_tree (valid, valid_to);
    copy_tree (broken, broken_to);
  }
  before = cli_hash_tree (input);

  {
    const char *args[] = { "--batch", input, "--recursive", "--output", output, "--pipeline",
                           "exposure=0.3,fit=256x256", "--threads", "2", "--json", NULL };

    status = cli_run (args, &out, &err);
  }
  g_assert_cmpint (status, ==, 1); /* some files fail, none crash the process */
  node = cli_parse_json (out);
  cli_assert_valid_record (node);
  record = json_node_get_object (node);
  files = json_object_get_array_member (record, "files");
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      const char *path = json_object_get_string_member (file, "input");

      g_assert_true (g_str_has_prefix (path, input));
      g_assert_true (g_hash_table_insert (results, g_strdup (path + strlen (input) + 1), file));
    }

  expected_path = g_build_filename (corpus, "expected.tsv", NULL);
  g_assert_true (g_file_get_contents (expected_path, &expected, NULL, NULL));
  lines = g_strsplit (expected, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) cols = g_strsplit (lines[i], "\t", 3);
      const char *name, *want, *note;
      JsonObject *file;
      const char *status_text, *reason, *output_path;
      gboolean bomb;

      if (g_strv_length (cols) < 2 || (!g_str_equal (cols[1], "load-ok")
                                       && !g_str_equal (cols[1], "load-error")))
        continue;
      name = cols[0];
      want = cols[1];
      note = cols[2] != NULL ? cols[2] : "";
      bomb = strstr (note, "[BOMB]") != NULL;
      n_checked++;
      file = g_hash_table_lookup (results, name);
      if (has_ignored_extension (name))
        {
          if (file != NULL)
            g_error ("%s: a format Parapix does not read, yet it was listed (%s)", name,
                     json_object_get_string_member (file, "status"));
          n_ignored++;
          continue;
        }
      if (file == NULL)
        g_error ("%s (expected %s) is missing from the run record", name, want);
      g_hash_table_add (matched, (gpointer) json_object_get_string_member (file, "input"));

      status_text = json_object_get_string_member (file, "status");
      reason = json_object_get_string_member (file, "reason");
      output_path = json_object_get_string_member (file, "output");
      if (g_str_equal (status_text, "ok"))
        {
          n_ok++;
          if (g_str_equal (want, "load-error"))
            g_error ("%s: expected a load error, but it was processed", name);
          if (bomb)
            g_error ("%s: a decompression bomb was decoded instead of refused", name);
          check_ok_output (name, file, note);
          continue;
        }
      n_failed++;
      if (!g_str_equal (status_text, "failed"))
        g_error ("%s: status %s, expected ok or failed", name, status_text);
      if (reason == NULL || strlen (reason) < 8)
        g_error ("%s failed without a reason", name);
      if (output_path != NULL && g_file_test (output_path, G_FILE_TEST_EXISTS))
        g_error ("%s failed but left %s", name, output_path);
      if (bomb)
        {
          /* Refused before decoding: by the pixel limit, or (bug778584.gif, which only the
           * disabled QuickTime loader would take) as a format Parapix does not read. */
          if (strstr (reason, "megapixels") == NULL && strstr (reason, "format") == NULL)
            g_error ("%s: a bomb refused for the wrong reason: %s", name, reason);
          n_bombs++;
        }
      else if (g_str_equal (want, "load-ok"))
        {
          /* The only other refusals of files GdkPixbuf loads: damaged files it half-decodes. */
          if (strstr (note, "[PIXBUF+GERROR]") == NULL
              && !(strstr (note, "[TOLERATED]") != NULL && g_str_has_prefix (name, "broken/")))
            g_error ("%s: expected to load, failed: %s", name, reason);
          n_refused_damaged++;
        }
    }

  /* Every record entry was matched to a line of expected.tsv. */
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, results);
    while (g_hash_table_iter_next (&iter, &key, &value))
      if (!g_hash_table_contains (matched,
                                  json_object_get_string_member (value, "input")))
        g_error ("%s is in the run record but not in expected.tsv", (const char *) key);
  }
  g_test_message ("%u files checked: %u ok (outputs decoded and sized), %u failed (%u bombs "
                  "refused, %u damaged files refused), %u not read by design",
                  n_checked, n_ok, n_failed, n_bombs, n_refused_damaged, n_ignored);
  g_assert_cmpuint (n_checked, ==, g_hash_table_size (results) + n_ignored);
  g_assert_cmpint (json_object_get_int_member (record, "files_ignored"), ==, n_ignored);
  g_assert_cmpint (json_object_get_int_member (record, "files_ok"), ==, n_ok);
  g_assert_cmpint (json_object_get_int_member (record, "files_failed"), ==, n_failed);
  g_assert_cmpuint (n_bombs, ==, N_BOMBS);
  g_assert_cmpuint (n_checked, >=, 600);
  g_assert_cmpuint (n_ok, >=, 400);

  after = cli_hash_tree (input);
  g_assert_true (cli_trees_equal (before, after));
  g_assert_false (cli_has_temporaries (output));
  cli_remove_tree (scratch);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/cli/corpus", test_corpus);
  return g_test_run ();
}
