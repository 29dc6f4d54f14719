/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole shared corpus through `parapix --batch --recursive`: no crash, no hang, every
 * file's outcome matches expected.tsv or is a refusal the corpus README expects (bombs refused
 * by the pixel limit, damaged files that GdkPixbuf half-decodes refused as damaged, loaders we
 * disable), every failure has a reason and leaves no output, and the inputs are byte-identical
 * afterwards.
 */
#include "cli-util.h"

/* Loaders Parapix disables (core/io/pp-io.c): their files are not even listed. */
static const char *const disabled_extensions[] = { "ani", "icns", "xbm", "xpm", "qtif", "qif",
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
has_disabled_extension (const char *name)
{
  const char *dot = strrchr (name, '.');
  g_autofree char *ext = dot != NULL ? g_ascii_strdown (dot + 1, -1) : NULL;

  return ext != NULL && g_strv_contains (disabled_extensions, ext);
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
  g_autoptr (JsonNode) node = NULL;
  g_auto (GStrv) lines = NULL;
  JsonArray *files;
  guint n_checked = 0, n_refused_bombs = 0, n_ignored = 0, n_ok = 0, n_failed = 0;
  int status;

  if (corpus == NULL || !g_file_test (corpus, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("PP_CORPUS_DIR is not a folder");
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
  files = json_object_get_array_member (json_node_get_object (node), "files");
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      const char *path = json_object_get_string_member (file, "input");

      g_assert_true (g_str_has_prefix (path, input));
      g_hash_table_insert (results, g_strdup (path + strlen (input) + 1), file);
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

      if (g_strv_length (cols) < 2 || (!g_str_equal (cols[1], "load-ok")
                                       && !g_str_equal (cols[1], "load-error")))
        continue;
      name = cols[0];
      want = cols[1];
      note = cols[2] != NULL ? cols[2] : "";
      n_checked++;
      file = g_hash_table_lookup (results, name);
      if (file == NULL)
        {
          /* Not listed: only a disabled loader's file, or one no loader recognises. */
          if (!has_disabled_extension (name) && !g_str_equal (want, "load-error"))
            g_error ("%s (expected %s) was not processed", name, want);
          n_ignored++;
          continue;
        }
      status_text = json_object_get_string_member (file, "status");
      reason = json_object_get_string_member (file, "reason");
      output_path = json_object_get_string_member (file, "output");
      if (g_str_equal (status_text, "ok"))
        {
          n_ok++;
          if (g_str_equal (want, "load-error"))
            g_error ("%s: expected a load error, but it was processed", name);
          g_assert_true (g_file_test (output_path, G_FILE_TEST_IS_REGULAR));
          continue;
        }
      n_failed++;
      g_assert_cmpstr (status_text, ==, "failed");
      if (reason == NULL || strlen (reason) < 8)
        g_error ("%s failed without a reason", name);
      g_assert_false (output_path != NULL && g_file_test (output_path, G_FILE_TEST_EXISTS));
      if (g_str_equal (want, "load-ok"))
        {
          /* Refusals the README expects of a careful app. */
          if (strstr (note, "[BOMB]") != NULL)
            {
              g_assert_true (strstr (reason, "megapixels") != NULL
                             || strstr (reason, "format") != NULL);
              n_refused_bombs++;
            }
          else if (strstr (note, "[PIXBUF+GERROR]") == NULL
                   && !(strstr (note, "[TOLERATED]") != NULL && g_str_has_prefix (name, "broken/")))
            g_error ("%s: expected to load, failed: %s", name, reason);
        }
    }
  g_test_message ("%u files checked: %u ok, %u failed (%u bombs refused), %u not listed",
                  n_checked, n_ok, n_failed, n_refused_bombs, n_ignored);
  g_assert_cmpuint (n_checked, >=, 600);
  g_assert_cmpuint (n_refused_bombs, >=, 5);
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
