/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Scaling from the command line: --mode sweep's JSON against docs/sweep.schema.json, its table
 * and --report; --threads auto under a simulated small memory cap, with the choice in the run
 * record; compare's record with the warm-up; and the usage errors of the new options. Inputs
 * are hashed before and after, and nothing may be left in the output folder but outputs.
 */
#include "cli-util.h"

typedef CliSamples Fixture;

static void
test_sweep (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *report = g_build_filename (f->output, "report.html", NULL);
  g_autofree char *scratch = g_build_filename (f->output, "scratch", NULL);
  const char *args[] = { "--batch", f->input, "--output", scratch, "--pipeline", "fit=160x160",
                         "--mode", "sweep", "--threads-list", "2", "--sample", "3",
                         "--repeat", "1", "--json", "--report", report, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *errors = NULL;
  g_autofree char *html = NULL;
  g_autoptr (JsonNode) json = NULL;
  JsonObject *root;
  JsonArray *points;
  int status = cli_run (args, &out, &err);

  if (status != 0)
    g_error ("exit status %d; stderr:\n%s", status, err);
  json = cli_parse_json (out);
  errors = cli_schema_errors (json, "sweep.schema.json");
  if (errors != NULL)
    g_error ("sweep record does not match docs/sweep.schema.json:\n%s", errors);
  root = json_node_get_object (json);
  g_assert_cmpstr (json_object_get_string_member (root, "kind"), ==, "sweep");
  g_assert_cmpint (json_object_get_int_member (root, "files_listed"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (root, "files_sampled"), ==, 3);
  g_assert_true (json_object_get_boolean_member (root, "identical"));
  points = json_object_get_array_member (root, "points");
  g_assert_cmpuint (json_array_get_length (points), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (points, 1),
                                               "threads"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (points, 1),
                                               "files_compared"), ==, 3);
  /* The table went to stderr (stdout holds the record alone). */
  g_assert_nonnull (strstr (err, "threads  /img runs"));
  g_assert_nonnull (strstr (err, "Recommended:"));
  g_assert_true (g_file_get_contents (report, &html, NULL, NULL));
  g_assert_nonnull (strstr (html, "<svg"));
  /* The runs wrote into a hidden folder under --output, removed at the end. */
  g_assert_cmpuint (pp_test_count_entries (scratch), ==, 0);
}

static void
test_auto_memory_cap (Fixture       *f,
                      gconstpointer  data)
{
  const char *args[] = { "--batch", f->input, "--output", f->output, "--pipeline", "fit=300x300",
                         "--threads", "auto", "--json", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonNode) json = NULL;
  JsonObject *root, *choice;
  int status;

  /* A simulated small cap: the largest sample needs more than 100 MiB for two workers. */
  g_setenv ("PP_MEMORY_BUDGET", "100M", TRUE);
  status = cli_run (args, &out, &err);
  g_unsetenv ("PP_MEMORY_BUDGET");
  if (status != 0)
    g_error ("exit status %d; stderr:\n%s", status, err);
  json = cli_parse_json (out);
  cli_assert_valid_record (json);
  root = json_node_get_object (json);
  g_assert_cmpint (json_object_get_int_member (root, "threads"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (root, "threads_source"), ==, "auto");
  choice = json_object_get_object_member (root, "threads_choice");
  g_assert_cmpint (json_object_get_int_member (choice, "memory_cap"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (choice, "memory_source"), ==,
                   "PP_MEMORY_BUDGET");
  g_assert_nonnull (strstr (json_object_get_string_member (choice, "explanation"),
                            "memory for 1 worker"));
  g_assert_nonnull (strstr (err, "Threads: 1 thread: "));
  g_assert_cmpint (json_object_get_int_member (root, "files_ok"), ==, 8);
}

static void
test_compare_record (Fixture       *f,
                     gconstpointer  data)
{
  const char *args[] = { "--batch", f->input, "--output", f->output, "--pipeline", "fit=200x200",
                         "--mode", "compare", "--threads", "2", "--json", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonNode) json = NULL;
  JsonObject *root;
  int status = cli_run (args, &out, &err);

  if (status != 0)
    g_error ("exit status %d; stderr:\n%s", status, err);
  json = cli_parse_json (out);
  cli_assert_valid_record (json);
  root = json_node_get_object (json);
  g_assert_true (json_object_get_boolean_member (root, "identical"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "differences")),
                    ==, 0);
  g_assert_nonnull (strstr (json_object_get_string_member (root, "warm_up"),
                            "untimed on 2 threads"));
  /* Phases, one line each off a terminal. */
  g_assert_nonnull (strstr (err, "== Serial run (1 of 2)"));
  g_assert_nonnull (strstr (err, "== Parallel run, 2 threads (2 of 2)"));
  /* The parallel outputs stay; the serial ones (hidden folder) are gone. */
  g_assert_cmpuint (pp_test_count_entries (f->output), ==, 8);
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  const char *const cases[][12] = {
    { "--batch", f->input, "--pipeline", "", "--report", "x.html", NULL },
    { "--batch", f->input, "--pipeline", "", "--mode", "sweep", "--threads", "2", NULL },
    { "--batch", f->input, "--pipeline", "", "--mode", "sweep", "--threads-list", "1,0", NULL },
    { "--batch", f->input, "--pipeline", "", "--mode", "sweep", "--repeat", "0", NULL },
    { "--batch", f->input, "--pipeline", "", "--threads", "many", NULL },
  };
  const char *expected[] = { "--report needs --mode sweep", "--threads cannot be combined",
                             "--threads-list: expected thread counts", "--repeat: expected",
                             "--threads: expected auto or a whole number" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;

      /* A row that fills every slot would have no NULL end: cli_run would read past it. */
      g_assert_null (cases[i][G_N_ELEMENTS (cases[i]) - 1]);
      g_assert_cmpint (cli_run (cases[i], NULL, &err), ==, 2);
      if (strstr (err, expected[i]) == NULL)
        g_error ("case %u: expected “%s” in:\n%s", i, expected[i], err);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/pp/cli/scaling/" name, Fixture, NULL, cli_samples_setup, func, \
              cli_samples_teardown)
  ADD ("sweep", test_sweep);
  ADD ("auto-memory-cap", test_auto_memory_cap);
  ADD ("compare-record", test_compare_record);
  ADD ("usage", test_usage);
#undef ADD
  return g_test_run ();
}
