/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cluster options of the real parapix binary, each run with a scheduler's environment as
 * the scheduler sets it: --shard auto, the thread count from the CPU budget, --resume (after a
 * clean run, a changed input, pipeline or output, and a SIGKILL mid-run), --manifest,
 * --files-from, the names of sharded outputs, --merge-records and its exit statuses, and the
 * log lines. Every run record is checked against docs/run-record.schema.json. The engines
 * themselves (GNU parallel, Slurm) are in tests/cluster (suite slow).
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cli-util.h"

/* Variables of schedulers that must not leak in from wherever the tests run. */
static const char *const scheduler_variables[] = {
  "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP",
  "SLURM_ARRAY_TASK_COUNT", "SLURM_CPUS_PER_TASK", "JOB_COMPLETION_INDEX", "PARALLEL_SEQ",
  "PARAPIX_SHARD_COUNT", NULL
};

typedef struct
{
  int status;
  char *out;
  char *err;
  JsonNode *record;   /* (nullable) stdout parsed, when it is JSON */
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_clear_pointer (&run->record, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs parapix with @args, the scheduler variables of @env ("NAME=value", NULL-terminated,
 * nullable) and @input on standard input (nullable); no other scheduler variable reaches it. */
static void
run_with (Run               *run,
          const char *const *env,
          const char        *input,
          const char *const *args)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) child_env = NULL;

  memset (run, 0, sizeof *run);
  /* A bare name unsets it (cli_run_with). */
  g_strv_builder_addv (builder, (const char **) scheduler_variables);
  if (env != NULL)
    g_strv_builder_addv (builder, (const char **) env);
  child_env = g_strv_builder_end (builder);
  run->status = cli_run_with ((const char *const *) child_env, input, args, &run->out, &run->err);
  if (run->out != NULL && run->out[0] == '{')
    {
      run->record = cli_parse_json (run->out);
      cli_assert_valid_record (run->record);
    }
}

static JsonObject *
record_of (Run *run)
{
  if (run->record == NULL)
    g_error ("no JSON record (exit %d): %s", run->status, run->err);
  return json_node_get_object (run->record);
}

static gint64
member_int (Run        *run,
            const char *name)
{
  return json_object_get_int_member (record_of (run), name);
}

#define ARGS(...) ((const char *const[]) { __VA_ARGS__, NULL })
#define ENV(...) ((const char *const[]) { __VA_ARGS__, NULL })

typedef struct
{
  char *input;     /* the samples, copied */
  char *output;    /* a scratch folder */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->input = cli_make_sample_copy ();
  f->output = g_dir_make_tmp ("pp-cluster-cli-XXXXXX", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cli_remove_tree (f->input);
  cli_remove_tree (f->output);
  g_free (f->input);
  g_free (f->output);
}

static char *
out_path (Fixture    *f,
          const char *name)
{
  return g_build_filename (f->output, name, NULL);
}

/* Number of images among the samples (the folder also holds a README). */
static guint
n_inputs (Fixture *f)
{
  g_autoptr (GDir) dir = g_dir_open (f->input, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_suffix (name, ".jpg");
  return n;
}

/* ------------------------------------------------------------------------------------------ */

static void
assert_shard (Run        *run,
              guint       k,
              guint       n,
              const char *source)
{
  JsonObject *shard;
  JsonArray *files;

  g_assert_cmpint (run->status, ==, 0);
  shard = json_object_get_object_member (record_of (run), "shard");
  g_assert_cmpint (json_object_get_int_member (shard, "index"), ==, k);
  g_assert_cmpint (json_object_get_int_member (shard, "count"), ==, n);
  g_assert_cmpstr (json_object_get_string_member (shard, "source"), ==, source);
  files = json_object_get_array_member (record_of (run), "files");
  for (guint i = 0; i < json_array_get_length (files); i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (files, i),
                                                 "index") % n, ==, k - 1);
}

static void
test_shard_auto (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *a = out_path (f, "a");
  g_auto (Run) parallel = { 0 };
  g_auto (Run) kubernetes = { 0 };
  g_auto (Run) slurm = { 0 };
  g_auto (Run) nothing = { 0 };
  g_auto (Run) bad = { 0 };

  run_with (&parallel, ENV ("PARALLEL_SEQ=2"), NULL,
            ARGS ("--batch", f->input, "--output", a, "--pipeline", "fit=64x64", "--shard",
                  "auto/3", "--json"));
  assert_shard (&parallel, 2, 3, "parallel");
  g_assert_nonnull (strstr (parallel.err, "shard 2 of 3 (from GNU parallel)"));
  /* The summary says which part of the job this was and where it ran, as the record does. */
  {
    g_autofree char *part = g_strdup_printf (
      "  %u of the %u files listed (the others are other shards'), on %s\n",
      (guint) member_int (&parallel, "files_planned"), n_inputs (f),
      json_object_get_string_member (record_of (&parallel), "host"));

    g_assert_cmpint (member_int (&parallel, "files_planned"), <, n_inputs (f));
    g_assert_cmpstr (json_object_get_string_member (record_of (&parallel), "host"), ==,
                     g_get_host_name ());
    g_assert_nonnull (strstr (parallel.err, part));
  }

  run_with (&kubernetes, ENV ("JOB_COMPLETION_INDEX=0", "PARAPIX_SHARD_COUNT=2"), NULL,
            ARGS ("--batch", f->input, "--output", a, "--pipeline", "fit=64x64", "--shard",
                  "auto", "--json", "--quiet"));
  assert_shard (&kubernetes, 1, 2, "kubernetes");

  run_with (&slurm, ENV ("SLURM_ARRAY_TASK_ID=7", "SLURM_ARRAY_TASK_MIN=5",
                         "SLURM_ARRAY_TASK_MAX=8", "SLURM_ARRAY_TASK_COUNT=4"), NULL,
            ARGS ("--batch", f->input, "--output", a, "--pipeline", "fit=64x64", "--shard",
                  "auto", "--json", "--quiet"));
  assert_shard (&slurm, 3, 4, "slurm");
  g_assert_cmpint (member_int (&slurm, "files_listed"), ==, n_inputs (f));

  run_with (&nothing, NULL, NULL,
            ARGS ("--batch", f->input, "--output", a, "--pipeline", "", "--shard", "auto"));
  g_assert_cmpint (nothing.status, ==, 2);
  g_assert_nonnull (strstr (nothing.err, "no scheduler found"));

  run_with (&bad, ENV ("JOB_COMPLETION_INDEX=4", "PARAPIX_SHARD_COUNT=4"), NULL,
            ARGS ("--batch", f->input, "--output", a, "--pipeline", "", "--shard", "auto"));
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_nonnull (strstr (bad.err, "JOB_COMPLETION_INDEX=4"));
}

static void
test_threads_budget (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *a = out_path (f, "a");
  g_auto (Run) slurm = { 0 };
  g_auto (Run) plain = { 0 };
  g_auto (Run) given = { 0 };
  g_auto (Run) serial = { 0 };
  JsonObject *budget;

  run_with (&slurm, ENV ("SLURM_CPUS_PER_TASK=1"), NULL,
            ARGS ("--batch", f->input, "--output", a, "--pipeline", "fit=64x64", "--json",
                  "--on-collision", "overwrite"));
  g_assert_cmpint (slurm.status, ==, 0);
  g_assert_cmpint (member_int (&slurm, "threads"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (record_of (&slurm), "threads_source"), ==,
                   "slurm");
  budget = json_object_get_object_member (record_of (&slurm), "cpu_budget");
  g_assert_cmpint (json_object_get_int_member (budget, "slurm_cpus_per_task"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (budget, "source"), ==, "slurm");
  /* The log says where the count came from: Slurm set it. */
  g_assert_nonnull (strstr (slurm.err, "1 thread (from SLURM_CPUS_PER_TASK)"));

  /* Nothing set: as many as this process may run on (GLib counts the affinity mask too). */
  run_with (&plain, NULL, NULL,
            ARGS ("--batch", f->input, "--output", a, "--pipeline", "fit=64x64", "--json",
                  "--quiet", "--on-collision", "overwrite"));
  budget = json_object_get_object_member (record_of (&plain), "cpu_budget");
  g_assert_cmpint (json_object_get_int_member (budget, "affinity"), ==, g_get_num_processors ());
  g_assert_cmpint (member_int (&plain, "threads"), ==,
                   MIN (json_object_get_int_member (budget, "count"), 64));
  g_assert_cmpstr (json_object_get_string_member (record_of (&plain), "threads_source"), ==,
                   json_object_get_string_member (budget, "source"));

  /* --threads wins over the budget, which is still recorded. */
  run_with (&given, ENV ("SLURM_CPUS_PER_TASK=1"), NULL,
            ARGS ("--batch", f->input, "--output", a, "--pipeline", "fit=64x64", "--json",
                  "--quiet", "--threads", "3", "--on-collision", "overwrite"));
  g_assert_cmpint (member_int (&given, "threads"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (record_of (&given), "threads_source"), ==,
                   "option");
  budget = json_object_get_object_member (record_of (&given), "cpu_budget");
  g_assert_cmpint (json_object_get_int_member (budget, "count"), ==, 1);

  run_with (&serial, NULL, NULL,
            ARGS ("--batch", f->input, "--output", a, "--pipeline", "fit=64x64", "--json",
                  "--quiet", "--mode", "serial", "--on-collision", "overwrite"));
  g_assert_cmpint (member_int (&serial, "threads"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (record_of (&serial), "threads_source"), ==,
                   "serial");
}

/* ------------------------------------------------------------------------------------------ */
/* Resume */

/* Every output name of the output folder (not hidden), sorted, and each one's bytes' SHA-256. */
static GHashTable *
output_sums (const char *folder)
{
  GHashTable *sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (name[0] == '.' || g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_hash_table_insert (sums, g_strdup (name),
                           g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents,
                                                        length));
    }
  return sums;
}

static void
assert_same_outputs (const char *expected,
                     const char *actual)
{
  g_autoptr (GHashTable) a = output_sums (expected);
  g_autoptr (GHashTable) b = output_sums (actual);
  GHashTableIter iter;
  gpointer name, sum;

  g_assert_cmpuint (g_hash_table_size (a), ==, g_hash_table_size (b));
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &name, &sum))
    {
      if (g_strcmp0 (g_hash_table_lookup (b, name), sum) != 0)
        g_error ("%s differs (or is missing) in %s", (char *) name, actual);
    }
  g_assert_false (cli_has_temporaries (actual));
}

static guint
count_lines (const char *path,
             const char *needle)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  /* Whole records only, as parapix reads them: a line still being written (or cut by a kill)
   * does not end its JSON object yet. */
  for (guint i = 0; lines[i] != NULL; i++)
    n += g_str_has_suffix (lines[i], "}") && (needle == NULL || strstr (lines[i], needle) != NULL);
  return n;
}

static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *out = out_path (f, "out");
  g_autofree char *reference = out_path (f, "reference");
  g_autofree char *manifest = out_path (f, "manifest.jsonl");
  g_autofree char *own = g_build_filename (out, ".parapix.manifest.jsonl", NULL);
  g_autofree char *touched = g_build_filename (f->input, "cat.jpg", NULL);
  g_autofree char *damaged = g_build_filename (out, "leaf.jpg", NULL);
  guint n = n_inputs (f);
  g_auto (Run) first = { 0 };
  g_auto (Run) again = { 0 };
  g_auto (Run) after_touch = { 0 };
  g_auto (Run) after_damage = { 0 };
  g_auto (Run) other_pipeline = { 0 };
  g_auto (Run) ref = { 0 };
  struct stat before, after;

  run_with (&first, NULL, NULL,
            ARGS ("--batch", f->input, "--output", out, "--pipeline", "fit=200x200", "--resume",
                  "--manifest", manifest, "--json", "--quiet"));
  g_assert_cmpint (first.status, ==, 0);
  g_assert_cmpint (member_int (&first, "files_ok"), ==, n);
  /* --manifest: one done line per file, whose SHA-256 is the output's. */
  g_assert_cmpuint (count_lines (manifest, NULL), ==, n);
  {
    g_autofree char *text = NULL;
    g_auto (GStrv) lines = NULL;
    g_autoptr (GHashTable) sums = output_sums (out);

    g_assert_true (g_file_get_contents (manifest, &text, NULL, NULL));
    lines = g_strsplit (text, "\n", -1);
    for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
      {
        g_autoptr (JsonNode) line = cli_parse_json (lines[i]);
        JsonObject *o = json_node_get_object (line);
        g_autofree char *base = g_path_get_basename (json_object_get_string_member (o, "output"));

        g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "ok");
        g_assert_cmpstr (json_object_get_string_member (o, "sha256"), ==,
                         g_hash_table_lookup (sums, base));
        g_assert_cmpstr (json_object_get_string_member (o, "pipeline"), ==, "fit=200x200");
      }
  }
  /* The per-run manifest is compacted: one done line per file, no planned lines left. */
  g_assert_cmpuint (count_lines (own, "\"event\":\"done\""), ==, n);
  g_assert_cmpuint (count_lines (own, "\"event\":\"planned\""), ==, 0);

  /* Again: nothing to do, nothing touched. */
  g_assert_cmpint (g_stat (damaged, &before), ==, 0);
  run_with (&again, NULL, NULL,
            ARGS ("--batch", f->input, "--output", out, "--pipeline", "fit=200x200", "--resume",
                  "--json"));
  g_assert_cmpint (again.status, ==, 0);
  g_assert_cmpint (member_int (&again, "files_ok"), ==, 0);
  g_assert_cmpint (member_int (&again, "files_resumed"), ==, n);
  g_assert_nonnull (strstr (again.err, "Nothing to do"));
  g_assert_nonnull (strstr (again.err, "resumed  "));
  g_assert_cmpint (g_stat (damaged, &after), ==, 0);
  g_assert_cmpint (before.st_ino, ==, after.st_ino);
  g_assert_cmpint (before.st_mtim.tv_nsec, ==, after.st_mtim.tv_nsec);

  /* A touched input (rewritten with the same bytes: a new modification time) is redone, into
   * the same name; the others are not. */
  {
    g_autofree char *samples = cli_sample_dir ();
    g_autofree char *original = g_build_filename (samples, "cat.jpg", NULL);

    cli_copy_file (original, touched);
  }
  run_with (&after_touch, NULL, NULL,
            ARGS ("--batch", f->input, "--output", out, "--pipeline", "fit=200x200", "--resume",
                  "--json", "--quiet"));
  g_assert_cmpint (member_int (&after_touch, "files_ok"), ==, 1);
  g_assert_cmpint (member_int (&after_touch, "files_resumed"), ==, n - 1);

  /* An output with other bytes (same size) is redone. */
  {
    g_autofree char *contents = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (damaged, &contents, &length, NULL));
    contents[length / 2] ^= 0x55;
    g_assert_true (g_file_set_contents (damaged, contents, length, NULL));
  }
  run_with (&after_damage, NULL, NULL,
            ARGS ("--batch", f->input, "--output", out, "--pipeline", "fit=200x200", "--resume",
                  "--json", "--quiet"));
  g_assert_cmpint (member_int (&after_damage, "files_ok"), ==, 1);

  /* Another pipeline: everything redone, into the same names (no "photo (1).jpg"). */
  run_with (&other_pipeline, NULL, NULL,
            ARGS ("--batch", f->input, "--output", out, "--pipeline", "fit=150x150", "--resume",
                  "--json", "--quiet"));
  g_assert_cmpint (member_int (&other_pipeline, "files_ok"), ==, n);
  run_with (&ref, NULL, NULL,
            ARGS ("--batch", f->input, "--output", reference, "--pipeline", "fit=150x150",
                  "--quiet"));
  assert_same_outputs (reference, out);
}

/* Killed with SIGKILL mid-run (a node lost): the resume finishes the batch with every output
 * once, under the names and with the bytes of an uninterrupted run. */
static void
test_resume_after_kill (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *in = out_path (f, "many");
  g_autofree char *out = out_path (f, "out");
  g_autofree char *reference = out_path (f, "reference");
  g_autofree char *own = g_build_filename (out, ".parapix.manifest.jsonl", NULL);
  g_autofree char *samples = cli_sample_dir ();
  const char *pipeline = "gaussian-blur=12,fit=400x400";
  const char *args[] = { cli_parapix (), "--batch", in, "--output", out, "--pipeline", pipeline,
                         "--threads", "1", "--resume", "--quiet", NULL };
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Run) resumed = { 0 };
  g_auto (Run) ref = { 0 };
  guint n = 0, done_before;

  /* Four copies of each sample: enough files that the kill lands mid-run. */
  g_assert_cmpint (g_mkdir (in, 0755), ==, 0);
  for (guint copy = 0; copy < 4; copy++)
    {
      g_autoptr (GDir) dir = g_dir_open (samples, 0, NULL);
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".jpg"))
          {
            g_autofree char *from = g_build_filename (samples, name, NULL);
            g_autofree char *to_name = g_strdup_printf ("%u-%s", copy, name);
            g_autofree char *to = g_build_filename (in, to_name, NULL);

            cli_copy_file (from, to);
            n++;
          }
    }

  process = g_subprocess_newv (args, G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                               | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 1200 && count_lines (own, "\"event\":\"done\"") < 1; i++)
    g_usleep (20000);
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, NULL);
  done_before = count_lines (own, "\"event\":\"done\"");
  g_test_message ("killed after %u of %u files", done_before, n);
  g_assert_cmpuint (done_before, >=, 1);

  run_with (&resumed, NULL, NULL,
            ARGS ("--batch", in, "--output", out, "--pipeline", pipeline, "--resume", "--json",
                  "--quiet"));
  g_assert_cmpint (resumed.status, ==, 0);
  g_assert_cmpint (member_int (&resumed, "files_resumed"), ==, done_before);
  g_assert_cmpint (member_int (&resumed, "files_ok") + member_int (&resumed, "files_resumed"),
                   ==, n);
  run_with (&ref, NULL, NULL,
            ARGS ("--batch", in, "--output", reference, "--pipeline", pipeline, "--quiet"));
  assert_same_outputs (reference, out);
  cli_remove_tree (in);
}

/* In place, a resume must not apply the pipeline a second time to what it already wrote. */
static void
test_resume_in_place (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (GHashTable) after_first = NULL;
  g_autoptr (GHashTable) after_second = NULL;
  g_auto (Run) first = { 0 };
  g_auto (Run) second = { 0 };
  GHashTableIter iter;
  gpointer name, sum;

  run_with (&first, NULL, NULL,
            ARGS ("--batch", f->input, "--in-place", "--on-collision", "overwrite", "--pipeline",
                  "gamma=1.5", "--resume", "--json", "--quiet"));
  g_assert_cmpint (first.status, ==, 0);
  g_assert_cmpint (member_int (&first, "files_ok"), ==, n_inputs (f));
  after_first = output_sums (f->input);
  run_with (&second, NULL, NULL,
            ARGS ("--batch", f->input, "--in-place", "--on-collision", "overwrite", "--pipeline",
                  "gamma=1.5", "--resume", "--json", "--quiet"));
  g_assert_cmpint (second.status, ==, 0);
  g_assert_cmpint (member_int (&second, "files_resumed"), ==, n_inputs (f));
  after_second = output_sums (f->input);
  g_hash_table_iter_init (&iter, after_first);
  while (g_hash_table_iter_next (&iter, &name, &sum))
    g_assert_cmpstr (g_hash_table_lookup (after_second, name), ==, sum);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_files_from (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *sub = g_build_filename (f->input, "sub", NULL);
  g_autofree char *nested = g_build_filename (sub, "nested.jpg", NULL);
  g_autofree char *cat = g_build_filename (f->input, "cat.jpg", NULL);
  g_autofree char *list = out_path (f, "list.txt");
  g_autofree char *a = out_path (f, "a");
  g_autofree char *b = out_path (f, "b");
  g_autofree char *nested_out = g_build_filename (a, "sub", "nested.jpg", NULL);
  g_auto (Run) from_file = { 0 };
  g_auto (Run) from_stdin = { 0 };
  g_auto (Run) missing = { 0 };
  g_auto (Run) empty = { 0 };
  JsonArray *files;

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  cli_copy_file (cat, nested);
  /* Relative to --batch DIR, a sub-folder, a duplicate, a Windows line end. */
  g_assert_true (g_file_set_contents (list, "sub/nested.jpg\r\ncat.jpg\n./cat.jpg\n", -1, NULL));
  run_with (&from_file, NULL, NULL,
            ARGS ("--batch", f->input, "--files-from", list, "--output", a, "--pipeline",
                  "fit=64x64", "--json", "--quiet"));
  g_assert_cmpint (from_file.status, ==, 0);
  g_assert_cmpint (member_int (&from_file, "files_ok"), ==, 2);
  g_assert_true (g_file_test (nested_out, G_FILE_TEST_IS_REGULAR));
  files = json_object_get_array_member (record_of (&from_file), "files");
  /* Sorted: cat.jpg before sub/nested.jpg whatever the list's order. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 0),
                                                  "input"), ==, cat);

  /* From standard input, absolute paths, no --batch. */
  {
    g_autofree char *text = g_strdup_printf ("%s\n%s\n", nested, cat);

    run_with (&from_stdin, NULL, text,
              ARGS ("--files-from", "-", "--output", b, "--pipeline", "fit=64x64", "--json",
                    "--quiet"));
  }
  g_assert_cmpint (from_stdin.status, ==, 0);
  g_assert_cmpint (member_int (&from_stdin, "files_ok"), ==, 2);

  /* A listed file that is not there is one failed file, not a failed batch. */
  g_assert_true (g_file_set_contents (list, "cat.jpg\nnot-there.jpg\n", -1, NULL));
  run_with (&missing, NULL, NULL,
            ARGS ("--batch", f->input, "--files-from", list, "--output", b, "--pipeline",
                  "fit=64x64", "--json", "--quiet", "--on-collision", "overwrite"));
  g_assert_cmpint (missing.status, ==, 1);
  g_assert_cmpint (member_int (&missing, "files_ok"), ==, 1);
  g_assert_cmpint (member_int (&missing, "files_failed"), ==, 1);

  g_assert_true (g_file_set_contents (list, "\n\n", -1, NULL));
  run_with (&empty, NULL, NULL,
            ARGS ("--batch", f->input, "--files-from", list, "--output", b, "--pipeline", ""));
  g_assert_cmpint (empty.status, ==, 2);
  g_assert_nonnull (strstr (empty.err, "names no files"));
}

/* Two inputs that map to one output name in different shards get the names one run over the
 * whole list gives them. */
static void
test_shard_names (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *png = g_build_filename (f->input, "cat.png", NULL);
  g_autofree char *single = out_path (f, "single");
  g_autofree char *sharded = out_path (f, "sharded");
  g_autofree char *second = g_build_filename (sharded, "cat (1).jpg", NULL);
  g_auto (Run) make_png = { 0 };
  g_auto (Run) one = { 0 };
  g_auto (Run) s1 = { 0 };
  g_auto (Run) s2 = { 0 };

  /* cat.png beside cat.jpg: positions 0 and 1 of the list, so shards 1 and 2 of 2. */
  {
    g_autofree char *tmp = out_path (f, "png");
    g_autofree char *made = g_build_filename (tmp, "cat.png", NULL);

    run_with (&make_png, NULL, NULL,
              ARGS ("--batch", f->input, "--output", tmp, "--pipeline", "fit=300x300",
                    "--format", "png", "--quiet"));
    g_assert_cmpint (make_png.status, ==, 0);
    cli_copy_file (made, png);
  }
  run_with (&one, NULL, NULL,
            ARGS ("--batch", f->input, "--output", single, "--pipeline", "fit=64x64",
                  "--format", "jpeg", "--quiet"));
  run_with (&s2, NULL, NULL,
            ARGS ("--batch", f->input, "--output", sharded, "--pipeline", "fit=64x64",
                  "--format", "jpeg", "--quiet", "--shard", "2/2"));
  run_with (&s1, NULL, NULL,
            ARGS ("--batch", f->input, "--output", sharded, "--pipeline", "fit=64x64",
                  "--format", "jpeg", "--quiet", "--shard", "1/2"));
  g_assert_cmpint (one.status + s1.status + s2.status, ==, 0);
  g_assert_true (g_file_test (second, G_FILE_TEST_IS_REGULAR));
  assert_same_outputs (single, sharded);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_merge (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *out = out_path (f, "out");
  g_autofree char *runs = out_path (f, "runs");
  g_autofree char *empty_record = g_build_filename (runs, "empty.json", NULL);
  g_auto (GStrv) paths = g_new0 (char *, 4); /* three records, NULL-terminated */
  g_auto (Run) merged = { 0 };
  g_auto (Run) text = { 0 };
  g_auto (Run) partial = { 0 };
  g_auto (Run) broken = { 0 };
  g_auto (Run) folder = { 0 };
  JsonObject *o;

  g_assert_cmpint (g_mkdir (runs, 0755), ==, 0);
  for (guint k = 1; k <= 3; k++)
    {
      g_auto (Run) shard = { 0 };
      g_autofree char *spec = g_strdup_printf ("%u/3", k);
      g_autofree char *name = g_strdup_printf ("shard-%u.json", k);

      run_with (&shard, NULL, NULL,
                ARGS ("--batch", f->input, "--output", out, "--pipeline", "fit=64x64",
                      "--shard", spec, "--json", "--quiet"));
      g_assert_cmpint (shard.status, ==, 0);
      paths[k - 1] = g_build_filename (runs, name, NULL);
      g_assert_true (g_file_set_contents (paths[k - 1], shard.out, -1, NULL));
    }

  run_with (&merged, NULL, NULL,
            ARGS ("--merge-records", paths[0], paths[1], paths[2], "--json", "--quiet"));
  g_assert_cmpint (merged.status, ==, 0);
  o = record_of (&merged);
  g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "merge");
  g_assert_true (json_object_get_boolean_member (o, "exactly_once"));
  g_assert_cmpint (json_object_get_int_member (o, "files_ok"), ==, n_inputs (f));
  g_assert_cmpint (json_object_get_int_member (o, "files_listed"), ==, n_inputs (f));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "shards")), ==, 3);

  run_with (&text, NULL, NULL, ARGS ("--merge-records", runs));
  g_assert_cmpint (text.status, ==, 0);
  g_assert_nonnull (strstr (text.out, "every file exactly once"));

  /* A shard's record missing: its files are missing, exit 1, the summary names them. */
  run_with (&partial, NULL, NULL, ARGS ("--merge-records", paths[0], paths[2], "--json"));
  g_assert_cmpint (partial.status, ==, 1);
  g_assert_cmpint (json_object_get_int_member (record_of (&partial), "files_missing"), >, 0);
  g_assert_nonnull (strstr (partial.err, "Shards without a record: 2"));

  /* A killed shard's empty record is not a record: exit 2, naming it. */
  g_assert_true (g_file_set_contents (empty_record, "", 0, NULL));
  run_with (&broken, NULL, NULL, ARGS ("--merge-records", paths[0], empty_record));
  g_assert_cmpint (broken.status, ==, 2);
  g_assert_nonnull (strstr (broken.err, "empty.json"));
  run_with (&folder, NULL, NULL, ARGS ("--merge-records", runs, "--quiet"));
  g_assert_cmpint (folder.status, ==, 2);
}

/* --resume and --manifest belong to one plain run: a compare's or a sweep's runs would skip
 * and record differently. */
static void
test_combinations (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *a = out_path (f, "a");
  g_autofree char *m = out_path (f, "m.jsonl");
  g_auto (Run) compare = { 0 };
  g_auto (Run) sweep = { 0 };

  run_with (&compare, NULL, NULL,
            ARGS ("--batch", f->input, "--output", a, "--pipeline", "", "--mode", "compare",
                  "--resume"));
  g_assert_cmpint (compare.status, ==, 2);
  g_assert_nonnull (strstr (compare.err, "--resume works with --mode parallel or serial"));
  run_with (&sweep, NULL, NULL,
            ARGS ("--batch", f->input, "--pipeline", "", "--mode", "sweep", "--manifest", m));
  g_assert_cmpint (sweep.status, ==, 2);
  g_assert_false (g_file_test (a, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (m, G_FILE_TEST_EXISTS));
}

/* Not on a terminal: a first line with the shard and threads, then one line per file. */
static void
test_log_lines (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *a = out_path (f, "a");
  g_auto (Run) run = { 0 };
  g_auto (GStrv) lines = NULL;
  guint per_file = 0;

  run_with (&run, NULL, NULL,
            ARGS ("--batch", f->input, "--output", a, "--pipeline", "fit=64x64", "--shard",
                  "1/2", "--threads", "2", "--json"));
  g_assert_cmpint (run.status, ==, 0);
  lines = g_strsplit (run.err, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "parapix: shard 1 of 2, 2 threads (from --threads)"));
  for (guint i = 0; lines[i] != NULL; i++)
    per_file += g_str_has_prefix (lines[i], "ok       ");
  g_assert_cmpint (per_file, ==, member_int (&run, "files_ok"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add ("/pp/cluster-cli/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("shard-auto", test_shard_auto);
  ADD ("threads-budget", test_threads_budget);
  ADD ("resume", test_resume);
  ADD ("resume-after-kill", test_resume_after_kill);
  ADD ("resume-in-place", test_resume_in_place);
  ADD ("files-from", test_files_from);
  ADD ("shard-names", test_shard_names);
  ADD ("merge", test_merge);
  ADD ("combinations", test_combinations);
  ADD ("log-lines", test_log_lines);
#undef ADD
  return g_test_run ();
}
