/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real parapix binary, headless: usage errors and exit codes, serial/parallel identity,
 * output naming and collisions, in-place safety, recursive structure, shards, and the JSON run
 * record against its schema. Inputs are always hashed before and after: never modified.
 */
#include "cli-util.h"

typedef CliSamples Fixture;

static JsonObject *
run_json (const char *const *args,
          int                 expected_status,
          JsonNode          **node_out)
{
  *node_out = cli_run_json (args, expected_status);
  return json_node_get_object (*node_out);
}

static guint
count_images (const char *dir)
{
  g_autoptr (GHashTable) files = cli_hash_tree (dir);

  return g_hash_table_size (files);
}

static void
test_usage (void)
{
  static const struct
  {
    const char *args[8];
    const char *message;
  } cases[] = {
    { { "--batch", ".", "--pipeline", "exposure=0.5", "--mode", "fast", NULL }, "--mode" },
    { { "--batch", ".", "--pipeline", "exposure=0.5", "--threads", "0", NULL }, "--threads" },
    { { "--batch", ".", "--pipeline", "exposure=0.5", "--threads", "x", NULL }, "--threads" },
    { { "--batch", ".", "--pipeline", "exposure=0.5", "--quality", "101", NULL }, "--quality" },
    { { "--batch", ".", "--pipeline", "exposure=0.5", "--format", "gif", NULL }, "--format" },
    { { "--batch", ".", "--pipeline", "exposure=0.5", "--on-collision", "merge", NULL },
      "--on-collision" },
    { { "--batch", ".", "--pipeline", "exposure=0.5", "--shard", "3/2", NULL }, "--shard" },
    { { "--batch", ".", "--pipeline", "exposure=0.5", "--shard", "0/2", NULL }, "--shard" },
    { { "--batch", ".", "--pipeline", "exposure=0.5", "--max-megapixels", "-1", NULL },
      "--max-megapixels" },
    { { "--batch", ".", "--pipeline", "expsure=0.5", NULL }, "--pipeline" },
    { { "--batch", ".", NULL }, "--pipeline" },
    { { "--batch", "/nonexistent/folder", "--pipeline", "", NULL }, "--batch" },
    { { "--batch", ".", "--pipeline", "", "--name", "{nome}.{ext}", NULL }, "{nome}" },
    { { "--batch", ".", "--pipeline", "", "--name", "a/{name}", NULL }, "name template" },
    { { "--batch", ".", "--pipeline", "", "--mode", "compare", "--in-place", NULL },
      "--in-place" },
    { { "--batch", ".", "--pipeline", "", "stray", NULL }, "stray" },
    { { "--no-such-option", NULL }, "--no-such-option" },
#ifndef PP_WITH_GUI
    /* With the window built, no arguments opens it instead. */
    { { NULL }, "nothing to do" },
#endif
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      int status;

      /* A row that fills every slot would have no NULL end: cli_run would read past it. */
      g_assert_null (cases[i].args[G_N_ELEMENTS (cases[i].args) - 1]);
      status = cli_run (cases[i].args, NULL, &err);

      g_test_message ("case %u: %s", i, err);
      g_assert_cmpint (status, ==, 2);
      g_assert_nonnull (strstr (err, cases[i].message));
    }
}

static void
test_info_options (void)
{
  const char *version[] = { "--version", NULL };
  const char *filters[] = { "--list-filters", NULL };
  const char *help[] = { "--help", NULL };
  g_autofree char *out = NULL;
  g_autofree char *list = NULL;
  g_autofree char *usage = NULL;

  g_assert_cmpint (cli_run (version, &out, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "parapix "));
  g_assert_cmpint (cli_run (filters, &list, NULL), ==, 0);
  g_assert_nonnull (strstr (list, "exposure"));
  g_assert_cmpint (cli_run (help, &usage, NULL), ==, 0);
  g_assert_nonnull (strstr (usage, "--on-collision"));
}

/* The same pipeline serially and on several threads: the same files, byte for byte. */
static void
test_serial_parallel_identity (Fixture       *f,
                               gconstpointer  data)
{
  const char *modes[][4] = {
    { "--mode", "serial", NULL },
    { "--mode", "parallel", "--threads", "2" },
    { "--mode", "parallel", "--threads", "3" },
  };
  g_autoptr (GHashTable) first = NULL;

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      g_autofree char *name = g_strdup_printf ("run%u", m);
      g_autofree char *out = g_build_filename (f->output, name, NULL);
      const char *args[] = { "--batch", f->input, "--output", out, "--quiet", "--pipeline",
                             "fit=600x600,exposure=0.3,gaussian-blur=1.5", modes[m][0],
                             modes[m][1], modes[m][2], modes[m][3], NULL };
      g_autoptr (GHashTable) hashes = NULL;

      g_assert_cmpint (cli_run (args, NULL, NULL), ==, 0);
      hashes = cli_hash_tree (out);
      g_assert_cmpuint (g_hash_table_size (hashes), ==, 8);
      if (first == NULL)
        first = g_steal_pointer (&hashes);
      else
        g_assert_true (cli_trees_equal (first, hashes));
    }
}

static void
test_compare_json (Fixture       *f,
                   gconstpointer  data)
{
  const char *args[] = { "--batch", f->input, "--output", f->output, "--pipeline",
                         "fit=400x400,sharpen", "--mode", "compare", "--json", "--format",
                         "png", NULL };
  g_autoptr (JsonNode) node = NULL;
  JsonObject *record = run_json (args, 0, &node);
  JsonObject *serial = json_object_get_object_member (record, "serial");
  JsonObject *parallel = json_object_get_object_member (record, "parallel");

  g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, "compare");
  g_assert_true (json_object_get_boolean_member (record, "identical"));
  g_assert_cmpint (json_object_get_int_member (record, "files_compared"), ==, 8);
  g_assert_cmpstr (json_object_get_string_member (serial, "mode"), ==, "serial");
  g_assert_cmpint (json_object_get_int_member (serial, "threads"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (parallel, "mode"), ==, "parallel");
  g_assert_cmpint (json_object_get_int_member (parallel, "files_ok"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (parallel, "files_ignored"), ==, 1); /* README */
  /* Only the parallel outputs are kept, and nothing temporary. */
  g_assert_cmpuint (count_images (f->output), ==, 8);
  {
    g_autofree char *png = g_build_filename (f->output, "cat.png", NULL);

    g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  }
}

static void
test_single_json (Fixture       *f,
                  gconstpointer  data)
{
  const char *args[] = { "--batch", f->input, "--output", f->output, "--pipeline", "invert",
                         "--mode", "serial", "--json", NULL };
  g_autoptr (JsonNode) node = NULL;
  JsonObject *record = run_json (args, 0, &node);
  JsonArray *files = json_object_get_array_member (record, "files");
  JsonObject *totals = json_object_get_object_member (record, "stage_totals_us");

  g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, "run");
  g_assert_cmpint (json_array_get_length (files), ==, 8);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);

      g_assert_cmpint (json_object_get_int_member (file, "index"), ==, i); /* input order */
      g_assert_cmpstr (json_object_get_string_member (file, "status"), ==, "ok");
      g_assert_cmpint (json_object_get_int_member (file, "worker"), ==, 0);
      g_assert_cmpint (json_object_get_int_member (file, "end_us"), >=,
                       json_object_get_int_member (file, "start_us"));
    }
  g_assert_cmpint (json_object_get_int_member (totals, "decode"), >, 0);
  g_assert_cmpint (json_object_get_int_member (totals, "encode"), >, 0);
}

static void
test_collisions (Fixture       *f,
                 gconstpointer  data)
{
  const char *base[] = { "--batch", f->input, "--output", f->output, "--pipeline", "grayscale",
                         "--quiet", NULL };
  const char *rename[] = { "--batch", f->input, "--output", f->output, "--pipeline",
                           "grayscale", "--quiet", "--on-collision", "rename", NULL };
  const char *skip[] = { "--batch", f->input, "--output", f->output, "--pipeline", "grayscale",
                         "--json", "--on-collision", "skip", NULL };
  const char *overwrite[] = { "--batch", f->input, "--output", f->output, "--pipeline",
                              "invert", "--quiet", "--on-collision", "overwrite", NULL };
  g_autofree char *cat = g_build_filename (f->output, "cat.jpg", NULL);
  g_autofree char *cat1 = g_build_filename (f->output, "cat (1).jpg", NULL);
  g_autofree char *cat2 = g_build_filename (f->output, "cat (2).jpg", NULL);
  g_autoptr (GHashTable) before_overwrite = NULL;
  g_autoptr (GHashTable) after_overwrite = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonObject *record;

  g_assert_cmpint (cli_run (base, NULL, NULL), ==, 0);
  g_assert_true (g_file_test (cat, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (cli_run (rename, NULL, NULL), ==, 0);
  g_assert_true (g_file_test (cat1, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (cli_run (rename, NULL, NULL), ==, 0);
  g_assert_true (g_file_test (cat2, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_images (f->output), ==, 24);

  record = run_json (skip, 0, &node);
  g_assert_cmpint (json_object_get_int_member (record, "files_skipped"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (record, "files_ok"), ==, 0);
  g_assert_cmpuint (count_images (f->output), ==, 24);

  before_overwrite = cli_hash_tree (f->output);
  g_assert_cmpint (cli_run (overwrite, NULL, NULL), ==, 0);
  after_overwrite = cli_hash_tree (f->output);
  g_assert_cmpuint (g_hash_table_size (after_overwrite), ==, 24);
  g_assert_cmpstr (g_hash_table_lookup (before_overwrite, "cat (1).jpg"), ==,
                   g_hash_table_lookup (after_overwrite, "cat (1).jpg"));
  g_assert_cmpstr (g_hash_table_lookup (before_overwrite, "cat.jpg"), !=,
                   g_hash_table_lookup (after_overwrite, "cat.jpg"));
}

static void
test_name_template (Fixture       *f,
                    gconstpointer  data)
{
  const char *args[] = { "--batch", f->input, "--output", f->output, "--pipeline", "",
                         "--quiet", "--name", "{n}-{name}-small.{ext}", "--format", "webp",
                         NULL };
  g_autofree char *first = g_build_filename (f->output, "1-cat-small.webp", NULL);
  g_autofree char *last = g_build_filename (f->output, "8-waterfall-small.webp", NULL);

  g_assert_cmpint (cli_run (args, NULL, NULL), ==, 0);
  g_assert_true (g_file_test (first, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (last, G_FILE_TEST_IS_REGULAR));
}

/* Output folder = input folder: refused without --in-place (a usage error naming it), nothing
 * written, inputs intact (checked in teardown); only --in-place may replace them. */
static void
test_never_overwrite_inputs (Fixture       *f,
                             gconstpointer  data)
{
  const char *same[] = { "--batch", f->input, "--output", f->input, "--pipeline", "invert",
                         "--quiet", "--on-collision", "overwrite", "--json", NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (cli_run (same, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--in-place"));
  g_assert_cmpuint (count_images (f->input), ==, 9);
}

static void
test_in_place (Fixture       *f,
               gconstpointer  data)
{
  const char *args[] = { "--batch", f->input, "--in-place", "--pipeline", "invert", "--quiet",
                         NULL };
  g_autoptr (GHashTable) after = NULL;

  g_assert_cmpint (cli_run (args, NULL, NULL), ==, 0);
  after = cli_hash_tree (f->input);
  /* Same names, new contents, nothing added. */
  g_assert_cmpuint (g_hash_table_size (after), ==, g_hash_table_size (f->input_hashes));
  g_assert_cmpstr (g_hash_table_lookup (after, "README.md"), ==,
                   g_hash_table_lookup (f->input_hashes, "README.md"));
  g_assert_cmpstr (g_hash_table_lookup (after, "cat.jpg"), !=,
                   g_hash_table_lookup (f->input_hashes, "cat.jpg"));
  g_assert_false (cli_has_temporaries (f->input));
}

/* The default output folder is inside the input folder; a second run must not take the first
 * run's outputs as inputs. */
static void
test_output_inside_input (Fixture       *f,
                          gconstpointer  data)
{
  const char *args[] = { "--batch", f->input, "--pipeline", "exposure=1", "--recursive",
                         "--json", NULL };
  g_autofree char *processed = g_build_filename (f->input, "processed", NULL);
  g_autofree char *nested = g_build_filename (processed, "processed", NULL);
  g_autoptr (JsonNode) n1 = NULL;
  g_autoptr (JsonNode) n2 = NULL;
  JsonObject *r1 = run_json (args, 0, &n1);
  JsonObject *r2 = run_json (args, 0, &n2);

  g_assert_cmpint (json_object_get_int_member (r1, "files_planned"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (r2, "files_planned"), ==, 8);
  g_assert_false (g_file_test (nested, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_images (processed), ==, 16); /* the second run renamed */
  cli_remove_tree (processed);
}

static void
test_recursive (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *samples = cli_sample_dir ();
  g_autofree char *deep = g_build_filename (f->input, "trip", "day 1", NULL);
  g_autofree char *hidden = g_build_filename (f->input, ".thumbs", NULL);
  g_autofree char *fifo = g_build_filename (f->input, "pipe.jpg", NULL);
  g_autofree char *dir_like = g_build_filename (f->input, "album.jpg", NULL);
  const char *flat[] = { "--batch", f->input, "--output", f->output, "--pipeline", "",
                         "--json", NULL };
  const char *rec[] = { "--batch", f->input, "--output", f->output, "--pipeline", "",
                        "--json", "--recursive", "--on-collision", "overwrite", NULL };
  g_autoptr (JsonNode) n1 = NULL;
  g_autoptr (JsonNode) n2 = NULL;
  g_autoptr (GHashTable) outputs = NULL;
  JsonObject *r;

  g_assert_cmpint (g_mkdir_with_parents (deep, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (hidden, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (dir_like, 0755), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  {
    g_autofree char *a = g_build_filename (samples, "cat.jpg", NULL);
    g_autofree char *b = g_build_filename (deep, "cat.jpg", NULL);
    g_autofree char *c = g_build_filename (hidden, "cat.jpg", NULL);
    g_autofree char *d = g_build_filename (deep, ".hidden.jpg", NULL);

    cli_copy_file (a, b);
    cli_copy_file (a, c);
    cli_copy_file (a, d);
  }
  g_hash_table_unref (f->input_hashes);
  f->input_hashes = cli_hash_tree (f->input);

  r = run_json (flat, 0, &n1);
  g_assert_cmpint (json_object_get_int_member (r, "files_planned"), ==, 8);
  r = run_json (rec, 0, &n2);
  g_assert_cmpint (json_object_get_int_member (r, "files_planned"), ==, 9);
  outputs = cli_hash_tree (f->output);
  g_assert_true (g_hash_table_contains (outputs, "trip/day 1/cat.jpg"));
  g_assert_true (g_hash_table_contains (outputs, "cat.jpg"));
  g_assert_cmpuint (g_hash_table_size (outputs), ==, 9);
}

/* Shards K/N: disjoint, and together every file exactly once. */
static void
test_shards (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const guint n = 3;

  for (guint k = 1; k <= n; k++)
    {
      g_autofree char *shard = g_strdup_printf ("%u/%u", k, n);
      const char *args[] = { "--batch", f->input, "--output", f->output, "--pipeline", "",
                             "--json", "--shard", shard, NULL };
      g_autoptr (JsonNode) node = NULL;
      JsonObject *record = run_json (args, 0, &node);
      JsonArray *files = json_object_get_array_member (record, "files");
      JsonObject *s = json_object_get_object_member (record, "shard");

      g_assert_cmpint (json_object_get_int_member (s, "index"), ==, k);
      g_assert_cmpint (json_object_get_int_member (s, "count"), ==, n);
      for (guint i = 0; i < json_array_get_length (files); i++)
        {
          const char *input = json_object_get_string_member (
            json_array_get_object_element (files, i), "input");

          g_assert_true (g_hash_table_add (seen, g_strdup (input))); /* not seen before */
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 8);
  g_assert_cmpuint (count_images (f->output), ==, 8);
}

static void
test_failures_exit_1 (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *bad = g_build_filename (f->input, "broken.jpg", NULL);
  const char *args[] = { "--batch", f->input, "--output", f->output, "--pipeline", "invert",
                         NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_true (g_file_set_contents (bad, "<html>404</html>", -1, NULL));
  g_hash_table_unref (f->input_hashes);
  f->input_hashes = cli_hash_tree (f->input);
  g_assert_cmpint (cli_run (args, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "broken.jpg"));
  g_assert_nonnull (strstr (out, "Failed:"));
  g_assert_nonnull (strstr (out, "ok 8"));
  g_assert_cmpuint (count_images (f->output), ==, 8); /* nothing for the failed file */
}

/* Makes @dir unwritable: permissions for ordinary users; the immutable attribute for root, who
 * ignores permissions. */
static gboolean
lock_folder (const char *dir,
             gboolean    lock)
{
  g_autofree char *cmd = NULL;
  int status = 1;

  if (geteuid () != 0)
    return g_chmod (dir, lock ? 0555 : 0755) == 0;
  cmd = g_strdup_printf ("chattr %s '%s'", lock ? "+i" : "-i", dir);
  return g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL) && status == 0;
}

static void
test_readonly_output (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *ro = g_build_filename (f->output, "locked", NULL);
  const char *args[] = { "--batch", f->input, "--output", ro, "--pipeline", "invert", NULL };
  g_autofree char *err = NULL;
  int status;

  g_assert_cmpint (g_mkdir (ro, 0755), ==, 0);
  if (!lock_folder (ro, TRUE))
    {
      pp_test_missing ("cannot make a folder read-only here (root without chattr support)");
      return;
    }
  status = cli_run (args, NULL, &err);
  lock_folder (ro, FALSE);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "locked"));
  g_assert_cmpuint (count_images (ro), ==, 0);

  /* A locked sub-folder of the output: those files fail with a reason, the others are done. */
  {
    g_autofree char *sub_in = g_build_filename (f->input, "sub", NULL);
    g_autofree char *sub_out = g_build_filename (ro, "sub", NULL);
    g_autofree char *from = g_build_filename (f->input, "cat.jpg", NULL);
    g_autofree char *to = g_build_filename (sub_in, "cat.jpg", NULL);
    const char *rec[] = { "--batch", f->input, "--output", ro, "--pipeline", "invert",
                          "--recursive", "--json", "--quiet", NULL };
    g_autofree char *out = NULL;
    g_autoptr (JsonNode) node = NULL;
    JsonObject *record;

    g_assert_cmpint (g_mkdir (sub_in, 0755), ==, 0);
    cli_copy_file (from, to);
    g_hash_table_unref (f->input_hashes);
    f->input_hashes = cli_hash_tree (f->input);
    g_assert_cmpint (g_mkdir (sub_out, 0755), ==, 0);
    g_assert_true (lock_folder (sub_out, TRUE));
    status = cli_run (rec, &out, NULL);
    lock_folder (sub_out, FALSE);
    g_assert_cmpint (status, ==, 1);
    node = cli_parse_json (out);
    record = json_node_get_object (node);
    g_assert_cmpint (json_object_get_int_member (record, "files_ok"), ==, 8);
    g_assert_cmpint (json_object_get_int_member (record, "files_failed"), ==, 1);
    g_assert_cmpuint (count_images (sub_out), ==, 0);
    g_assert_false (cli_has_temporaries (ro));
  }
}

/* The validator the tests rely on does reject what the schema forbids. */
static void
test_schema_rejects (Fixture       *f,
                     gconstpointer  data)
{
  const char *args[] = { "--batch", f->input, "--output", f->output, "--pipeline", "", "--json",
                         "--quiet", NULL };
  static const char *const breakers[] = { "missing", "extra", "enum", "type", "minimum", NULL };
  g_autofree char *out = NULL;

  g_assert_cmpint (cli_run (args, &out, NULL), ==, 0);
  for (guint i = 0; breakers[i] != NULL; i++)
    {
      g_autoptr (JsonNode) node = cli_parse_json (out);
      JsonObject *record = json_node_get_object (node);
      JsonObject *file = json_array_get_object_element (
        json_object_get_array_member (record, "files"), 0);
      g_autofree char *errors = NULL;

      g_assert_null (cli_record_errors (node));
      if (g_str_equal (breakers[i], "missing"))
        json_object_remove_member (record, "files_ok");
      else if (g_str_equal (breakers[i], "extra"))
        json_object_set_int_member (file, "colour", 3);
      else if (g_str_equal (breakers[i], "enum"))
        json_object_set_string_member (file, "status", "done");
      else if (g_str_equal (breakers[i], "type"))
        json_object_set_string_member (record, "threads", "two");
      else
        json_object_set_int_member (file, "worker", -1);
      errors = cli_record_errors (node);
      g_test_message ("%s: %s", breakers[i], errors);
      g_assert_nonnull (errors);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/cli/usage", test_usage);
  g_test_add_func ("/pp/cli/info-options", test_info_options);
#define ADD(path, func, data) \
  g_test_add ("/pp/cli/" path, Fixture, data, cli_samples_setup, func, cli_samples_teardown)
  ADD ("serial-parallel-identity", test_serial_parallel_identity, NULL);
  ADD ("compare-json", test_compare_json, NULL);
  ADD ("single-json", test_single_json, NULL);
  ADD ("collisions", test_collisions, NULL);
  ADD ("name-template", test_name_template, NULL);
  ADD ("never-overwrite-inputs", test_never_overwrite_inputs, NULL);
  ADD ("in-place", test_in_place, "writes inputs");
  ADD ("output-inside-input", test_output_inside_input, NULL);
  ADD ("recursive", test_recursive, NULL);
  ADD ("shards", test_shards, NULL);
  ADD ("failures-exit-1", test_failures_exit_1, NULL);
  ADD ("readonly-output", test_readonly_output, NULL);
  ADD ("schema-rejects", test_schema_rejects, NULL);
#undef ADD
  return g_test_run ();
}
