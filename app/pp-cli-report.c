/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the command line prints: the live progress bar on a terminal (or one line per file
 * otherwise), the summary, the compare table, the JSON run record, the filter and preset lists,
 * and the exit status and message for a run that could not start. Progress and messages go to
 * stderr, the summary to stdout (to stderr with --json, whose record alone is on stdout).
 */
#define G_LOG_DOMAIN "pp-cli"

#include "config.h"

#include "filters/pp-filter.h"
#include "pp-cli-private.h"
#include "render/pp-presets.h"

void
_pp_cli_print_filters (void)
{
  guint n;
  const PpFilterInfo *const *filters = pp_filter_list (&n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = pp_filter_info_describe (filters[i]);

      g_print ("%s\n", line);
    }
}

/* One preset a line: its name, a tab, its spec (built-in ones first, as the window lists them). */
void
_pp_cli_print_presets (void)
{
  guint n;
  const PpBuiltinPreset *builtin = pp_presets_get_builtin (&n);
  g_auto (GStrv) user = pp_presets_list_user ();

  for (guint i = 0; i < n; i++)
    g_print ("%s\t%s\n", builtin[i].name, builtin[i].spec);
  for (guint i = 0; user[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *spec = pp_presets_load (user[i], &error);

      g_print ("%s\t%s\n", user[i], spec != NULL ? spec : error->message);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Progress */

static char *
format_duration (gint64 us)
{
  gint64 s = us / G_USEC_PER_SEC;

  if (us < 0)
    return g_strdup ("--:--");
  if (s >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60),
                            (int) (s % 60));
  return g_strdup_printf ("%d:%02d", (int) (s / 60), (int) (s % 60));
}

void
_pp_cli_clear_bar (PpCli *cli)
{
  if (cli->tty && cli->bar_shown)
    {
      fputs ("\r\033[K", stderr);
      cli->bar_shown = FALSE;
    }
}

static void
draw_bar (PpCli                    *cli,
          const PpProgressSnapshot *s)
{
  const int width = 24;
  int filled = s->total > 0 ? (int) ((guint64) s->done * width / s->total) : 0;
  double seconds = s->elapsed_us / 1e6;
  g_autofree char *eta = format_duration (s->eta_us);
  g_autofree char *name = NULL;
  GString *line = g_string_new ("\r\033[K");

  if (cli->phase != NULL)
    g_string_append_printf (line, "%-8s ", cli->phase);
  g_string_append_c (line, '[');
  for (int i = 0; i < width; i++)
    g_string_append (line, i < filled ? "#" : "-");
  g_string_append_printf (line, "] %u/%u  %.1f img/s  ETA %s", s->done, s->total,
                          seconds > 0 ? s->done / seconds : 0.0, eta);
  if (s->failed > 0)
    g_string_append_printf (line, "  %u failed", s->failed);
  if (s->current_file != NULL && s->state == PP_PROGRESS_RUNNING)
    {
      name = g_path_get_basename (s->current_file);
      if (g_utf8_strlen (name, -1) > 30)
        {
          char *cut = g_utf8_substring (name, 0, 29);

          g_free (name);
          name = g_strconcat (cut, "…", NULL);
          g_free (cut);
        }
      g_string_append_printf (line, "  %s", name);
    }
  fputs (line->str, stderr);
  fflush (stderr);
  g_string_free (line, TRUE);
  cli->bar_shown = TRUE;
}

/* PpProgress::changed: failures always, each file when not on a terminal, else the bar. */
void
_pp_cli_on_progress (PpProgress               *progress,
                     const PpProgressSnapshot *snapshot,
                     GPtrArray                *results,
                     gpointer                  user_data)
{
  PpCli *cli = user_data;

  for (guint i = 0; i < results->len && !cli->files_listed; i++)
    {
      const PpFileRecord *r = pp_file_result_get_record (g_ptr_array_index (results, i));

      if (r->status == PP_FILE_STATUS_FAILED)
        {
          _pp_cli_clear_bar (cli);
          g_printerr ("failed   %s: %s\n", r->input, r->reason);
        }
      else if (!cli->options.quiet && !cli->tty)
        {
          if (r->status == PP_FILE_STATUS_OK)
            g_printerr ("ok       %s -> %s\n", r->input, r->output);
          else if (r->resumed)
            g_printerr ("resumed  %s -> %s: %s\n", r->input, r->output, r->reason);
          else
            g_printerr ("%-8s %s: %s\n", pp_file_status_to_string (r->status), r->input,
                        r->reason != NULL ? r->reason : "");
        }
    }
  if (!cli->options.quiet && cli->tty)
    draw_bar (cli, snapshot);
}

/* Phrases for where the thread count came from. */
static const char *
threads_source_phrase (const char *source)
{
  static const char *const phrases[][2] = {
    { "option", "--threads" },
    { "serial", "serial mode" },
    { "slurm", "SLURM_CPUS_PER_TASK" },
    { "cgroup", "the cgroup CPU quota" },
    { "affinity", "the CPUs this process may run on" },
  };

  for (guint i = 0; source != NULL && i < G_N_ELEMENTS (phrases); i++)
    if (g_str_equal (source, phrases[i][0]))
      return phrases[i][1];
  return source != NULL ? source : "default";
}

/**
 * _pp_cli_print_start:
 * @cli: a session about to run a batch
 *
 * One line on stderr saying which shard and how many threads, and where each came from, so a
 * cluster job's log shows what the scheduler gave: when sharded, when the count is not the
 * user's own, or when stderr is a log rather than a terminal. Nothing with --quiet.
 */
void
_pp_cli_print_start (PpCli *cli)
{
  const PpCliOptions *o = &cli->options;
  g_autofree char *shard = NULL;
  guint threads = 0;

  if (o->quiet || o->merge_records)
    return;
  for (guint i = 0; i < o->batch_names->len; i++)
    if (g_str_equal (g_ptr_array_index (o->batch_names, i), "threads"))
      threads = g_value_get_uint (&g_array_index (o->batch_values, GValue, i));
  if (o->shard.count <= 1 && cli->tty && g_strcmp0 (o->threads_source, "slurm") != 0
      && g_strcmp0 (o->threads_source, "cgroup") != 0)
    return;
  shard = o->shard.count > 1 ? pp_shard_describe (&o->shard) : g_strdup ("no sharding");
  if (o->threads_auto)
    g_printerr ("parapix: %s, threads chosen by --threads auto (at most %u, the CPUs this "
                "process may use) on %s\n", shard, o->budget.count, g_get_host_name ());
  else if (o->mode == PP_CLI_MODE_SERIAL)
    g_printerr ("parapix: %s, 1 thread (serial mode) on %s\n", shard, g_get_host_name ());
  else
    g_printerr ("parapix: %s, %u thread%s (from %s) on %s\n", shard, threads,
                threads == 1 ? "" : "s", threads_source_phrase (o->threads_source),
                g_get_host_name ());
}

/* ------------------------------------------------------------------------------------------ */
/* The end of a run */

static void
print_list (FILE        *out,
            PpRun       *run,
            PpFileStatus status,
            const char  *title)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (run));
  gboolean header = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (run), i);
      const PpFileRecord *r = pp_file_result_get_record (result);

      /* Files an earlier run did are counted, not listed: a resume may have thousands. */
      if (r->status != status || r->resumed)
        continue;
      if (!header)
        fprintf (out, "%s:\n", title);
      header = TRUE;
      fprintf (out, "  %s: %s\n", r->input, r->reason != NULL ? r->reason : "");
    }
}

/* Notes on files that went fine ("saved as PNG"): a few examples, not a wall of text. */
static void
print_notes (FILE  *out,
             PpRun *run)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (run));
  guint shown = 0, total = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (run), i);
      const PpFileRecord *r = pp_file_result_get_record (result);

      if (r->status != PP_FILE_STATUS_OK || r->note == NULL)
        continue;
      if (total++ == 0)
        fprintf (out, "Notes:\n");
      if (shown < 5)
        {
          fprintf (out, "  %s: %s\n", r->input, r->note);
          shown++;
        }
    }
  if (total > shown)
    fprintf (out, "  … and %u more (see --json)\n", total - shown);
}

/* "serial" or "parallel", as the run record says. */
static const char *
mode_name (PpRun *run)
{
  g_autoptr (GEnumClass) modes = g_type_class_ref (PP_TYPE_BATCH_MODE);

  return g_enum_get_value (modes, pp_run_get_mode (run))->value_nick;
}

void
_pp_cli_print_summary (FILE  *out,
                       PpRun *run)
{
  PpRunTotals t;
  double wall = pp_run_get_wall_us (run) / 1e6;
  double cpu = pp_run_get_cpu_us (run) / 1e6;
  guint planned = pp_run_get_n_planned (run);
  guint done;

  pp_run_get_totals (run, &t);
  done = t.n_ok + t.n_skipped + t.n_failed;
  if (pp_run_get_cancelled (run))
    fprintf (out, "Cancelled after %u of %u files (%u abandoned in flight, %u not started); "
             "no partial files were left.\n", done, planned, t.n_cancelled,
             planned - done - t.n_cancelled);
  else
    fprintf (out, "Processed %u files (%s, %u thread%s) into %s\n", planned, mode_name (run),
             pp_run_get_threads (run), pp_run_get_threads (run) == 1 ? "" : "s",
             pp_run_get_output (run));
  /* A shard's log says its part of the job and where it ran: logs of an array get mixed up. */
  if (pp_run_get_n_listed (run) > planned)
    fprintf (out, "  %u of the %u files listed (the others are other shards'), on %s\n",
             planned, pp_run_get_n_listed (run), pp_run_get_host (run));
  if (t.n_resumed > 0)
    fprintf (out, "  ok %u   done by an earlier run (resumed) %u   skipped %u   failed %u   "
             "not images (ignored) %u\n", t.n_ok, t.n_resumed, t.n_skipped - t.n_resumed,
             t.n_failed, pp_run_get_n_ignored (run));
  else
    fprintf (out, "  ok %u   skipped %u   failed %u   not images (ignored) %u\n", t.n_ok,
             t.n_skipped, t.n_failed, pp_run_get_n_ignored (run));
  if (t.n_resumed > 0 && t.n_resumed == planned && !pp_run_get_cancelled (run))
    fprintf (out, "  Nothing to do: an earlier run did all %u files (--resume).\n", planned);
  fprintf (out, "  wall %.2f s   CPU %.2f s   %.2f images/s   %.1f MP/s\n", wall, cpu,
           wall > 0 ? t.n_ok / wall : 0.0, wall > 0 ? t.megapixels / wall : 0.0);
  fprintf (out, "  stage totals: decode %.2f s   filter %.2f s   encode %.2f s   write %.2f s\n",
           t.decode_us / 1e6, t.filter_us / 1e6, t.encode_us / 1e6, t.write_us / 1e6);
  print_list (out, run, PP_FILE_STATUS_FAILED, "Failed");
  print_list (out, run, PP_FILE_STATUS_SKIPPED, "Skipped");
  print_notes (out, run);
}

void
_pp_cli_print_compare_table (FILE    *out,
                             PpRun   *serial,
                             PpRun   *parallel,
                             gboolean identical,
                             guint    n_compared)
{
  PpRun *runs[2] = { serial, parallel };
  double serial_wall = pp_run_get_wall_us (serial) / 1e6;

  fprintf (out, "%-9s %7s %10s %9s %8s %10s %9s\n", "mode", "threads", "wall", "images/s",
           "speedup", "efficiency", "identical");
  for (guint i = 0; i < 2; i++)
    {
      PpRunTotals t;
      double wall = pp_run_get_wall_us (runs[i]) / 1e6;
      double speedup = wall > 0 ? serial_wall / wall : 0;
      guint threads = pp_run_get_threads (runs[i]);

      pp_run_get_totals (runs[i], &t);
      fprintf (out, "%-9s %7u %8.2f s %9.2f %7.2fx %9.0f%% %9s\n", mode_name (runs[i]), threads,
               wall, wall > 0 ? t.n_ok / wall : 0.0, speedup,
               threads > 0 ? 100.0 * speedup / threads : 0.0,
               i == 0 ? "" : (identical ? "yes" : "NO"));
    }
  fprintf (out, "(%u output%s compared byte for byte)\n", n_compared, n_compared == 1 ? "" : "s");
}

/**
 * _pp_cli_print_prediction:
 *
 * After a --threads auto run: the prediction against what it took, e.g. "Predicted 1 min 40 s
 * on 2 threads, took 1 min 46 s (+6 %)."
 */
void
_pp_cli_print_prediction (FILE                  *out,
                          const PpThreadsChoice *choice,
                          PpRun                 *run)
{
  double wall = pp_run_get_wall_us (run) / 1e6;
  g_autofree char *predicted = NULL;
  g_autofree char *took = NULL;

  if (choice->predicted_s <= 0 || pp_run_get_cancelled (run))
    return;
  predicted = pp_format_duration (choice->predicted_s);
  took = pp_format_duration (wall);
  fprintf (out, "Predicted %s on %u thread%s, took %s (%+.0f %%).\n", predicted,
           choice->threads, choice->threads == 1 ? "" : "s", took,
           100 * (wall / choice->predicted_s - 1));
}

void
_pp_cli_print_json (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, TRUE);

  g_print ("%s\n", text);
}

/* An empty result is easy to mistake for success (in a Flatpak, a folder the sandbox cannot see
 * may look empty), so say so. */
void
_pp_cli_warn_if_empty (PpCli *cli,
                       PpRun *run)
{
  if (pp_run_get_n_planned (run) == 0 && !pp_run_get_cancelled (run)
      && cli->options.input != NULL)
    g_printerr ("parapix: warning: no images found in “%s”%s\n", cli->options.input,
                pp_run_get_n_ignored (run) > 0 ? " (only files that are not images)" : "");
  /* Without it GIO tells no content type: SVG, ICO, PNM, TGA… fail one by one, each saying why;
   * say it once here too. */
  if (pp_codec_mime_database_missing ())
    g_printerr ("parapix: warning: the shared-mime-info database is missing on this system, so "
                "only JPEG, PNG, WebP, TIFF, GIF and BMP files are recognised (install the "
                "shared-mime-info package)\n");
}

int
_pp_cli_exit_status_for (PpRun *run)
{
  PpRunTotals t;

  if (pp_run_get_cancelled (run))
    return PP_CLI_EXIT_CANCELLED;
  pp_run_get_totals (run, &t);
  return t.n_failed > 0 ? PP_CLI_EXIT_FAILED_FILES : PP_CLI_EXIT_OK;
}

/* Prints why a batch could not start; returns the exit status that goes with it. */
int
_pp_cli_report_start_error (GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_printerr ("parapix: cancelled before any file was processed\n");
      return PP_CLI_EXIT_CANCELLED;
    }
  if (g_error_matches (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID))
    return _pp_cli_usage_error ("%s", error->message);
  if (g_error_matches (error, PP_BATCH_ERROR, PP_BATCH_ERROR_NO_INPUT))
    return _pp_cli_usage_error ("--batch: %s", error->message);
  g_printerr ("parapix: %s\n", error->message);
  return PP_CLI_EXIT_FAILED_FILES;
}
