/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * parapix --merge-records RECORD|FOLDER…: the run records of a job's shards joined into one
 * (PpRecordMerge). A summary on stdout (stderr with --json, whose merged record alone is on
 * stdout). Exit status: 0 every file done exactly once and none failed, 1 files failed, missing
 * or done twice, or records that disagree, 2 a record that cannot be read or is not a run
 * record.
 */
#define G_LOG_DOMAIN "pp-cli"

#include "config.h"

#include "batch/pp-record-merge.h"
#include "pp-cli-private.h"

#define MAX_EXAMPLES 10

static void
print_file_list (FILE       *out,
                 JsonArray  *files,
                 const char *status,
                 gboolean    twice,
                 const char *title)
{
  guint shown = 0, total = 0;

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *f = json_array_get_object_element (files, i);
      gboolean match = twice ? json_object_get_int_member (f, "times_processed") > 1
                             : g_str_equal (json_object_get_string_member (f, "status"), status);
      const char *input;

      if (!match)
        continue;
      if (total++ == 0)
        fprintf (out, "%s:\n", title);
      if (shown >= MAX_EXAMPLES)
        continue;
      shown++;
      input = json_object_get_string_member_with_default (f, "input", NULL);
      fprintf (out, "  #%" G_GINT64_FORMAT " (shard %" G_GINT64_FORMAT ") %s\n",
               json_object_get_int_member (f, "index"), json_object_get_int_member (f, "shard"),
               input != NULL ? input : "(never listed by a record)");
    }
  if (total > shown)
    fprintf (out, "  … and %u more (see --json)\n", total - shown);
}

static void
print_merge_summary (FILE       *out,
                     JsonObject *o)
{
  JsonArray *shards = json_object_get_array_member (o, "shards");
  JsonArray *missing_shards = json_object_get_array_member (o, "shards_missing");
  JsonArray *conflicts = json_object_get_array_member (o, "conflicts");
  JsonArray *files = json_object_get_array_member (o, "files");
  gint64 count = json_object_get_int_member (o, "shard_count");
  double wall = json_object_get_int_member (o, "wall_us") / 1e6;

  fprintf (out, "Merged %u record%s (shards of %" G_GINT64_FORMAT ") of %" G_GINT64_FORMAT
           " files: %s\n", json_array_get_length (shards),
           json_array_get_length (shards) == 1 ? "" : "s", count,
           json_object_get_int_member (o, "files_listed"),
           json_object_get_boolean_member (o, "exactly_once") ? "every file exactly once"
                                                               : "NOT every file exactly once");
  fprintf (out, "  ok %" G_GINT64_FORMAT "   failed %" G_GINT64_FORMAT "   skipped %"
           G_GINT64_FORMAT "   missing %" G_GINT64_FORMAT "   done twice %" G_GINT64_FORMAT
           "\n", json_object_get_int_member (o, "files_ok"),
           json_object_get_int_member (o, "files_failed"),
           json_object_get_int_member (o, "files_skipped"),
           json_object_get_int_member (o, "files_missing"),
           json_object_get_int_member (o, "files_duplicated"));
  fprintf (out, "  job wall %.2f s (first start to last end)   %.2f images/s   CPU %.2f s\n", wall,
           json_object_get_double_member (o, "images_per_s"),
           json_object_get_int_member (o, "cpu_us") / 1e6);
  fprintf (out, "  %-7s %-20s %-14s %10s %9s %6s %s\n", "shard", "host", "threads", "wall",
           "images/s", "ok", "record");
  for (guint i = 0; i < json_array_get_length (shards); i++)
    {
      JsonObject *s = json_array_get_object_element (shards, i);
      const char *host = json_object_get_string_member_with_default (s, "host", NULL);
      const char *source = json_object_get_string_member_with_default (s, "threads_source",
                                                                       NULL);
      g_autofree char *shard = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                                json_object_get_int_member (s, "index"),
                                                json_object_get_int_member (s, "count"));
      g_autofree char *threads = g_strdup_printf ("%" G_GINT64_FORMAT "%s%s%s",
                                                  json_object_get_int_member (s, "threads"),
                                                  source != NULL ? " (" : "",
                                                  source != NULL ? source : "",
                                                  source != NULL ? ")" : "");

      fprintf (out, "  %-7s %-20s %-14s %8.2f s %9.2f %6" G_GINT64_FORMAT " %s%s\n", shard,
               host != NULL ? host : "?", threads,
               json_object_get_int_member (s, "wall_us") / 1e6,
               json_object_get_double_member (s, "images_per_s"),
               json_object_get_int_member (s, "files_ok"),
               json_object_get_string_member (s, "record"),
               json_object_get_boolean_member (s, "cancelled") ? " (cancelled)" : "");
    }
  if (json_array_get_length (missing_shards) > 0)
    {
      fprintf (out, "Shards without a record:");
      for (guint i = 0; i < json_array_get_length (missing_shards); i++)
        fprintf (out, " %" G_GINT64_FORMAT, json_array_get_int_element (missing_shards, i));
      fprintf (out, "\n");
    }
  print_file_list (out, files, "missing", FALSE, "Missing (no record finished them)");
  print_file_list (out, files, NULL, TRUE, "Done twice");
  print_file_list (out, files, "failed", FALSE, "Failed");
  for (guint i = 0; i < json_array_get_length (conflicts); i++)
    fprintf (out, "%s %s\n", i == 0 ? "Conflict:" : "         ",
             json_array_get_string_element (conflicts, i));
}

/**
 * _pp_cli_run_merge:
 * @cli: the session (its options: json, quiet)
 * @paths: (array zero-terminated=1): record files or folders of them
 *
 * Merges the records and reports (see the top of this file).
 *
 * Returns: the exit status: 0, 1 or 2 as above
 */
int
_pp_cli_run_merge (PpCli             *cli,
                   const char *const *paths)
{
  g_autoptr (PpRecordMerge) merge = pp_record_merge_new ();
  g_autoptr (JsonNode) node = NULL;
  PpRecordMergeSummary summary;
  FILE *out = cli->options.json ? stderr : stdout;
  gboolean problems;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;

      if (!pp_record_merge_add_path (merge, paths[i], &error))
        return _pp_cli_usage_error ("--merge-records: %s", error->message);
    }
  pp_record_merge_get_summary (merge, &summary);
  node = pp_record_merge_to_json (merge);
  problems = !summary.exactly_once || summary.conflicts > 0 || summary.files_failed > 0;
  /* --quiet keeps the summary back, but never the news that something is wrong. */
  if (!cli->options.quiet || problems)
    print_merge_summary (cli->options.quiet ? stderr : out, json_node_get_object (node));
  if (cli->options.json)
    _pp_cli_print_json (node);
  return problems ? PP_CLI_EXIT_FAILED_FILES : PP_CLI_EXIT_OK;
}
