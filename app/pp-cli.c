/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The command line without a window: --batch runs the batch engine with a progress bar on
 * stderr and a summary at the end (or the JSON run record on stdout), --mode compare runs it
 * serially then in parallel and checks the outputs are the same bytes; --list-filters and
 * --version. Exit status: 0 done, 1 some files failed, 2 bad usage, 130 cancelled.
 */
#define G_LOG_DOMAIN "pp-cli"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "batch/pp-batch.h"
#include "pp-cli.h"
#include "filters/pp-filter.h"
#include "render/pp-scheduler.h"

enum
{
  EXIT_OK = 0,
  EXIT_FAILED_FILES = 1,
  EXIT_USAGE = 2,
  EXIT_CANCELLED = 130,
};

gboolean
pp_cli_wants_headless (int    argc,
                       char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      /* Any option but GApplication's own belongs to the command line: the window takes only
       * folders and files, so an unknown option is a usage error (exit 2) reported here, not
       * GApplication's generic failure. */
      if (argv[i][0] == '-' && argv[i][1] != '\0' && strcmp (argv[i], "--") != 0 &&
          !g_str_has_prefix (argv[i], "--gapplication-") &&
          !g_str_has_prefix (argv[i], "--help-gapplication"))
        return TRUE;
      if (strcmp (argv[i], "--") == 0)
        break;
    }
  return FALSE;
}

static void
print_filters (void)
{
  guint n;
  const PpFilterInfo *const *filters = pp_filter_list (&n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = pp_filter_info_describe (filters[i]);

      g_print ("%s\n", line);
    }
}

typedef enum
{
  MODE_SERIAL,
  MODE_PARALLEL,
  MODE_COMPARE,
} CliMode;

typedef struct
{
  /* options */
  char *input;
  char *output;
  char *pipeline_spec;
  CliMode mode;
  guint threads;
  PpFormat format;
  int quality;
  char *name_template;
  PpCollision collision;
  gboolean recursive;
  guint shard_index;
  guint shard_count;
  gboolean json;
  gboolean quiet;
  double max_megapixels;
  gboolean keep_orientation;
  gboolean in_place;
  PpPipeline *pipeline;

  /* running */
  GMainLoop *loop;
  GCancellable *cancellable;
  gboolean tty;
  gboolean bar_shown;
  const char *phase;      /* "serial" / "parallel" in compare mode, else NULL */
  PpRun *result;
  GError *error;
} Cli;

static void
cli_clear (Cli *cli)
{
  g_free (cli->input);
  g_free (cli->output);
  g_free (cli->pipeline_spec);
  g_free (cli->name_template);
  g_clear_object (&cli->pipeline);
  g_clear_pointer (&cli->loop, g_main_loop_unref);
  g_clear_object (&cli->cancellable);
  g_clear_object (&cli->result);
  g_clear_error (&cli->error);
}

static int
usage_error (const char *format,
             ...) G_GNUC_PRINTF (1, 2);

static int
usage_error (const char *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("parapix: %s\nTry “parapix --help”.\n", message);
  return EXIT_USAGE;
}

static gboolean
parse_uint (const char *text,
            guint64     min,
            guint64     max,
            guint      *out)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

/* Turns the option strings into a checked configuration; returns EXIT_OK or EXIT_USAGE. */
static int
validate_options (Cli        *cli,
                  const char *mode,
                  const char *threads,
                  const char *format,
                  const char *quality,
                  const char *collision,
                  const char *shard,
                  const char *max_megapixels)
{
  g_autoptr (GError) error = NULL;

  if (cli->pipeline_spec == NULL)
    return usage_error ("--pipeline is required with --batch (--pipeline \"\" only converts)");
  cli->pipeline = pp_pipeline_new_from_spec (cli->pipeline_spec, &error);
  if (cli->pipeline == NULL)
    return usage_error ("--pipeline: %s", error->message);

  if (mode == NULL || g_str_equal (mode, "parallel"))
    cli->mode = MODE_PARALLEL;
  else if (g_str_equal (mode, "serial"))
    cli->mode = MODE_SERIAL;
  else if (g_str_equal (mode, "compare"))
    cli->mode = MODE_COMPARE;
  else
    return usage_error ("--mode: expected serial, parallel or compare, got “%s”", mode);

  cli->threads = 0;
  if (threads != NULL && !parse_uint (threads, 1, PP_SCHEDULER_MAX_THREADS, &cli->threads))
    return usage_error ("--threads: expected a whole number from 1 to %d, got “%s”",
                        PP_SCHEDULER_MAX_THREADS, threads);

  cli->format = PP_FORMAT_SAME;
  if (format != NULL && !pp_format_from_string (format, &cli->format))
    return usage_error ("--format: expected same, jpeg, png, webp, tiff or bmp, got “%s”",
                        format);
  if (cli->format != PP_FORMAT_SAME && !pp_format_can_save (cli->format))
    return usage_error ("--format: this system cannot write %s files", format);

  cli->quality = PP_IO_DEFAULT_JPEG_QUALITY;
  if (quality != NULL)
    {
      guint q;

      if (!parse_uint (quality, 1, 100, &q))
        return usage_error ("--quality: expected a whole number from 1 to 100, got “%s”",
                            quality);
      cli->quality = (int) q;
    }

  cli->collision = PP_COLLISION_RENAME;
  if (collision == NULL || g_str_equal (collision, "rename"))
    cli->collision = PP_COLLISION_RENAME;
  else if (g_str_equal (collision, "skip"))
    cli->collision = PP_COLLISION_SKIP;
  else if (g_str_equal (collision, "overwrite"))
    cli->collision = PP_COLLISION_OVERWRITE;
  else
    return usage_error ("--on-collision: expected rename, skip or overwrite, got “%s”",
                        collision);

  cli->shard_index = 0;
  cli->shard_count = 1;
  if (shard != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (shard, "/", -1);
      guint k, n;

      if (g_strv_length (parts) != 2 || !parse_uint (parts[1], 1, G_MAXUINT, &n)
          || !parse_uint (parts[0], 1, n, &k))
        return usage_error ("--shard: expected K/N with 1 ≤ K ≤ N (as in 2/8), got “%s”",
                            shard);
      cli->shard_index = k - 1;
      cli->shard_count = n;
    }

  cli->max_megapixels = PP_IO_DEFAULT_MAX_MEGAPIXELS;
  if (max_megapixels != NULL)
    {
      char *end = NULL;
      double value = g_ascii_strtod (max_megapixels, &end);

      if (end == max_megapixels || *end != '\0' || !(value >= 0) || value > 1e6)
        return usage_error ("--max-megapixels: expected a number of megapixels (0 for no "
                            "limit), got “%s”", max_megapixels);
      cli->max_megapixels = value;
    }

  if (cli->name_template == NULL)
    cli->name_template = g_strdup (PP_BATCH_DEFAULT_TEMPLATE);
  if (cli->mode == MODE_COMPARE && cli->in_place)
    return usage_error ("--in-place cannot be combined with --mode compare (it writes every "
                        "image twice)");
  if (!g_file_test (cli->input, G_FILE_TEST_IS_DIR))
    return usage_error ("--batch: “%s” is not a folder", cli->input);
  return EXIT_OK;
}

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

static void
clear_bar (Cli *cli)
{
  if (cli->tty && cli->bar_shown)
    {
      fputs ("\r\033[K", stderr);
      cli->bar_shown = FALSE;
    }
}

static void
draw_bar (Cli                      *cli,
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

static void
on_progress (PpProgress               *progress,
             const PpProgressSnapshot *snapshot,
             GPtrArray                *results,
             gpointer                  user_data)
{
  Cli *cli = user_data;

  for (guint i = 0; i < results->len; i++)
    {
      const PpFileRecord *r = pp_file_result_get_record (g_ptr_array_index (results, i));

      if (r->status == PP_FILE_STATUS_FAILED)
        {
          clear_bar (cli);
          g_printerr ("failed   %s: %s\n", r->input, r->reason);
        }
      else if (!cli->quiet && !cli->tty)
        {
          if (r->status == PP_FILE_STATUS_OK)
            g_printerr ("ok       %s -> %s\n", r->input, r->output);
          else
            g_printerr ("%-8s %s: %s\n", pp_file_status_to_string (r->status), r->input,
                        r->reason != NULL ? r->reason : "");
        }
    }
  if (!cli->quiet && cli->tty)
    draw_bar (cli, snapshot);
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Cli *cli = user_data;

  cli->result = pp_batch_run_finish (PP_BATCH (source), result, &cli->error);
  g_main_loop_quit (cli->loop);
}

static gboolean
on_signal (gpointer user_data)
{
  Cli *cli = user_data;

  if (!g_cancellable_is_cancelled (cli->cancellable))
    {
      clear_bar (cli);
      if (!cli->quiet)
        g_printerr ("parapix: cancelling: finishing nothing new, removing partial files…\n");
      g_cancellable_cancel (cli->cancellable);
    }
  return G_SOURCE_CONTINUE;
}

/* Runs one batch to the end on the main loop; NULL with cli->error when it could not start. */
static PpRun *
run_batch (Cli               *cli,
           const char        *output,
           PpBatchMode        mode,
           const char *const *excluded)
{
  g_autoptr (PpBatch) batch = pp_batch_new ();
  g_autoptr (GFile) input = g_file_new_for_commandline_arg (cli->input);
  g_autoptr (GFile) out = output != NULL ? g_file_new_for_commandline_arg (output) : NULL;
  gulong handler;

  g_object_set (batch,
                "input-folder", input,
                "output-folder", out,
                "name-template", cli->name_template,
                "collision", cli->collision,
                "format", cli->format,
                "quality", cli->quality,
                "pipeline", cli->pipeline,
                "mode", mode,
                "threads", cli->threads,
                "recursive", cli->recursive,
                "shard-index", cli->shard_index,
                "shard-count", cli->shard_count,
                "max-megapixels", cli->max_megapixels,
                "keep-orientation", cli->keep_orientation,
                "in-place", cli->in_place,
                NULL);
  pp_batch_set_excluded_folders (batch, excluded);
  handler = g_signal_connect (pp_batch_get_progress (batch), "changed", G_CALLBACK (on_progress),
                              cli);
  g_clear_object (&cli->result);
  pp_batch_run_async (batch, cli->cancellable, on_run_done, cli);
  g_main_loop_run (cli->loop);
  g_signal_handler_disconnect (pp_batch_get_progress (batch), handler);
  clear_bar (cli);
  return g_steal_pointer (&cli->result);
}

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

      if (r->status != status)
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

static void
print_summary (Cli   *cli,
               FILE  *out,
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
    fprintf (out, "Processed %u files (%s, %u thread%s) into %s\n", planned,
             pp_run_get_mode (run), pp_run_get_threads (run),
             pp_run_get_threads (run) == 1 ? "" : "s", pp_run_get_output (run));
  fprintf (out, "  ok %u   skipped %u   failed %u   not images (ignored) %u\n", t.n_ok,
           t.n_skipped, t.n_failed, pp_run_get_n_ignored (run));
  fprintf (out, "  wall %.2f s   CPU %.2f s   %.2f images/s   %.1f MP/s\n", wall, cpu,
           wall > 0 ? t.n_ok / wall : 0.0, wall > 0 ? t.megapixels / wall : 0.0);
  fprintf (out, "  stage totals: decode %.2f s   filter %.2f s   encode %.2f s   write %.2f s\n",
           t.decode_us / 1e6, t.filter_us / 1e6, t.encode_us / 1e6, t.write_us / 1e6);
  print_list (out, run, PP_FILE_STATUS_FAILED, "Failed");
  print_list (out, run, PP_FILE_STATUS_SKIPPED, "Skipped");
  print_notes (out, run);
}

/* An empty result is easy to mistake for success (in a Flatpak, a folder the sandbox cannot see
 * may look empty), so say so. */
static void
warn_if_empty (Cli   *cli,
               PpRun *run)
{
  if (pp_run_get_n_planned (run) == 0 && !pp_run_get_cancelled (run))
    g_printerr ("parapix: warning: no images found in “%s”%s\n", cli->input,
                pp_run_get_n_ignored (run) > 0 ? " (only files that are not images)" : "");
}

static int
exit_status_for (PpRun *run)
{
  PpRunTotals t;

  if (pp_run_get_cancelled (run))
    return EXIT_CANCELLED;
  pp_run_get_totals (run, &t);
  return t.n_failed > 0 ? EXIT_FAILED_FILES : EXIT_OK;
}

static int
report_start_error (GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_printerr ("parapix: cancelled before any file was processed\n");
      return EXIT_CANCELLED;
    }
  if (g_error_matches (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID))
    return usage_error ("%s", error->message);
  if (g_error_matches (error, PP_BATCH_ERROR, PP_BATCH_ERROR_NO_INPUT))
    return usage_error ("--batch: %s", error->message);
  g_printerr ("parapix: %s\n", error->message);
  return EXIT_FAILED_FILES;
}

static void
print_json (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, TRUE);

  g_print ("%s\n", text);
}

static gboolean
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  gboolean ok = TRUE;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          ok &= remove_tree (child);
        else
          ok &= g_unlink (child) == 0;
      }
  return (g_rmdir (path) == 0) && ok;
}

static gboolean
same_bytes (const char *a,
            const char *b)
{
  g_autoptr (GMappedFile) fa = g_mapped_file_new (a, FALSE, NULL);
  g_autoptr (GMappedFile) fb = g_mapped_file_new (b, FALSE, NULL);

  if (fa == NULL || fb == NULL)
    return FALSE;
  return g_mapped_file_get_length (fa) == g_mapped_file_get_length (fb)
         && memcmp (g_mapped_file_get_contents (fa), g_mapped_file_get_contents (fb),
                    g_mapped_file_get_length (fa)) == 0;
}

/* Same outcome per input, and byte-identical outputs for the files both runs wrote. */
static gboolean
compare_runs (PpRun *serial,
              PpRun *parallel,
              guint *n_compared)
{
  g_autoptr (GHashTable) by_index = g_hash_table_new (NULL, NULL);
  guint ns = g_list_model_get_n_items (G_LIST_MODEL (serial));
  guint np = g_list_model_get_n_items (G_LIST_MODEL (parallel));
  gboolean identical = ns == np;

  *n_compared = 0;
  for (guint i = 0; i < ns; i++)
    {
      PpFileResult *r = g_list_model_get_item (G_LIST_MODEL (serial), i);

      g_hash_table_insert (by_index, GUINT_TO_POINTER (pp_file_result_get_record (r)->index), r);
      g_object_unref (r); /* the run keeps it alive */
    }
  for (guint i = 0; i < np; i++)
    {
      g_autoptr (PpFileResult) p = g_list_model_get_item (G_LIST_MODEL (parallel), i);
      const PpFileRecord *rp = pp_file_result_get_record (p);
      PpFileResult *s = g_hash_table_lookup (by_index, GUINT_TO_POINTER (rp->index));
      const PpFileRecord *rs = s != NULL ? pp_file_result_get_record (s) : NULL;

      if (rs == NULL || rs->status != rp->status)
        {
          identical = FALSE;
          continue;
        }
      if (rp->status != PP_FILE_STATUS_OK)
        continue;
      (*n_compared)++;
      if (!same_bytes (rs->output, rp->output))
        identical = FALSE;
    }
  return identical;
}

static void
print_compare_table (FILE    *out,
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
      fprintf (out, "%-9s %7u %8.2f s %9.2f %7.2fx %9.0f%% %9s\n", pp_run_get_mode (runs[i]),
               threads, wall, wall > 0 ? t.n_ok / wall : 0.0, speedup,
               threads > 0 ? 100.0 * speedup / threads : 0.0,
               i == 0 ? "" : (identical ? "yes" : "NO"));
    }
  fprintf (out, "(%u output%s compared byte for byte)\n", n_compared, n_compared == 1 ? "" : "s");
}

static char *
default_output (Cli *cli)
{
  if (cli->output != NULL)
    return g_canonicalize_filename (cli->output, NULL);
  if (cli->in_place)
    return g_canonicalize_filename (cli->input, NULL);
  {
    g_autofree char *input = g_canonicalize_filename (cli->input, NULL);

    return g_build_filename (input, PP_BATCH_DEFAULT_OUTPUT_NAME, NULL);
  }
}

static int
run_compare (Cli *cli)
{
  g_autofree char *output = default_output (cli);
  g_autofree char *tmp = NULL;
  g_autoptr (PpRun) serial = NULL;
  g_autoptr (PpRun) parallel = NULL;
  FILE *out = cli->json ? stderr : stdout;
  gboolean identical;
  guint n_compared = 0;
  int status;

  if (g_mkdir_with_parents (output, 0777) != 0)
    {
      int saved = errno;

      g_printerr ("parapix: cannot create the output folder “%s”: %s\n", output,
                  g_strerror (saved));
      return EXIT_FAILED_FILES;
    }
  /* The serial outputs go to a hidden folder inside the output folder (same file system, never
   * listed as input); the parallel outputs are the ones kept. */
  tmp = g_build_filename (output, ".parapix-compare-XXXXXX", NULL);
  if (g_mkdtemp (tmp) == NULL)
    {
      int saved = errno;

      g_printerr ("parapix: cannot create a temporary folder in “%s”: %s\n", output,
                  g_strerror (saved));
      return EXIT_FAILED_FILES;
    }

  {
    const char *excluded[] = { output, NULL };

    cli->phase = "serial";
    serial = run_batch (cli, tmp, PP_BATCH_MODE_SERIAL, excluded);
  }
  if (serial == NULL || pp_run_get_cancelled (serial))
    {
      remove_tree (tmp);
      if (serial == NULL)
        {
          g_autoptr (GError) error = g_steal_pointer (&cli->error);

          return report_start_error (error);
        }
      if (!cli->quiet)
        print_summary (cli, out, serial);
      return EXIT_CANCELLED;
    }
  {
    const char *excluded[] = { tmp, NULL };

    cli->phase = "parallel";
    parallel = run_batch (cli, output, PP_BATCH_MODE_PARALLEL, excluded);
  }
  cli->phase = NULL;
  if (parallel == NULL)
    {
      g_autoptr (GError) error = g_steal_pointer (&cli->error);

      remove_tree (tmp);
      return report_start_error (error);
    }
  warn_if_empty (cli, parallel);
  identical = !pp_run_get_cancelled (parallel) && compare_runs (serial, parallel, &n_compared);
  if (!remove_tree (tmp))
    g_printerr ("parapix: could not remove the temporary folder “%s”\n", tmp);

  if (!cli->quiet)
    {
      print_summary (cli, out, parallel);
      fputc ('\n', out);
      print_compare_table (out, serial, parallel, identical, n_compared);
    }
  if (cli->json)
    {
      g_autoptr (JsonNode) node = pp_run_compare_to_json (serial, parallel, identical,
                                                          n_compared);

      print_json (node);
    }
  status = exit_status_for (parallel);
  if (status == EXIT_OK && !identical)
    {
      g_printerr ("parapix: serial and parallel outputs differ — please report this bug\n");
      status = EXIT_FAILED_FILES;
    }
  return status;
}

static int
run_single (Cli *cli)
{
  g_autoptr (PpRun) run = NULL;
  FILE *out = cli->json ? stderr : stdout;

  run = run_batch (cli, cli->output, cli->mode == MODE_SERIAL ? PP_BATCH_MODE_SERIAL
                                                              : PP_BATCH_MODE_PARALLEL, NULL);
  if (run == NULL)
    {
      g_autoptr (GError) error = g_steal_pointer (&cli->error);

      return report_start_error (error);
    }
  warn_if_empty (cli, run);
  if (!cli->quiet)
    print_summary (cli, out, run);
  if (cli->json)
    {
      g_autoptr (JsonNode) node = pp_run_to_json (run);

      print_json (node);
    }
  return exit_status_for (run);
}

int
pp_cli_run (int    argc,
            char **argv)
{
  gboolean version = FALSE;
  gboolean list_filters = FALSE;
  g_autofree char *mode = NULL;
  g_autofree char *threads = NULL;
  g_autofree char *format = NULL;
  g_autofree char *quality = NULL;
  g_autofree char *collision = NULL;
  g_autofree char *shard = NULL;
  g_autofree char *max_megapixels = NULL;
  g_auto (GStrv) rest = NULL;
  Cli cli = { 0 };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  guint sigint, sigterm;
  int status;
  const GOptionEntry entries[] = {
    { "batch", 0, 0, G_OPTION_ARG_FILENAME, &cli.input,
      "Process every image in DIR (without a window)", "DIR" },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &cli.output,
      "Write results to DIR (default: DIR/processed)", "DIR" },
    { "pipeline", 0, 0, G_OPTION_ARG_STRING, &cli.pipeline_spec,
      "Filters to apply, e.g. \"exposure=0.5,fit=800x800\" (see --list-filters)", "SPEC" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode,
      "serial, parallel (default) or compare (both, checking the outputs are identical)",
      "MODE" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &threads,
      "Worker threads in parallel mode (default: all processors)", "N" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      "Output format: same (default), jpeg, png, webp, tiff or bmp", "FORMAT" },
    { "quality", 0, 0, G_OPTION_ARG_STRING, &quality, "JPEG and WebP quality, 1-100 (default 90)",
      "Q" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &cli.name_template,
      "Output name template with {name} {ext} {n} {date} (default \"{name}.{ext}\")",
      "TEMPLATE" },
    { "on-collision", 0, 0, G_OPTION_ARG_STRING, &collision,
      "When the output exists: rename (default), skip or overwrite", "POLICY" },
    { "recursive", 0, 0, G_OPTION_ARG_NONE, &cli.recursive,
      "Include sub-folders, keeping their structure in the output", NULL },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard,
      "Process only slice K of N of the sorted file list (for cluster schedulers)", "K/N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli.json,
      "Write the run record as JSON to standard output", NULL },
    { "quiet", 0, 0, G_OPTION_ARG_NONE, &cli.quiet,
      "No progress and no summary; only failures", NULL },
    { "max-megapixels", 0, 0, G_OPTION_ARG_STRING, &max_megapixels,
      "Refuse images larger than this from their header (default 128, 0: no limit)", "N" },
    { "keep-orientation", 0, 0, G_OPTION_ARG_NONE, &cli.keep_orientation,
      "Leave pixels as stored instead of applying the EXIF orientation", NULL },
    { "in-place", 0, 0, G_OPTION_ARG_NONE, &cli.in_place,
      "Allow outputs to replace their own inputs", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { "list-filters", 0, 0, G_OPTION_ARG_NONE, &list_filters,
      "List every filter with its parameters and ranges", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  context = g_option_context_new ("");
  g_option_context_set_summary (context,
                                "Process images on every CPU core.\n\n"
                                "  parapix --batch DIR --pipeline SPEC [OPTION…]");
  g_option_context_set_description (context,
                                    "Exit status: 0 all done, 1 some files failed, 2 bad usage, "
                                    "130 cancelled.\nSee docs/CLI.md for examples.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      status = usage_error ("%s", error->message);
      cli_clear (&cli);
      return status;
    }
  if (version)
    {
      g_print ("parapix %s\n", PACKAGE_VERSION);
      cli_clear (&cli);
      return EXIT_OK;
    }
  if (list_filters)
    {
      print_filters ();
      cli_clear (&cli);
      return EXIT_OK;
    }
  if (cli.input == NULL)
    {
      cli_clear (&cli);
      return usage_error ("nothing to do: use --batch DIR --pipeline SPEC");
    }
  if (rest != NULL && rest[0] != NULL)
    {
      status = usage_error ("unexpected argument “%s”", rest[0]);
      cli_clear (&cli);
      return status;
    }
  status = validate_options (&cli, mode, threads, format, quality, collision, shard,
                             max_megapixels);
  if (status != EXIT_OK)
    {
      cli_clear (&cli);
      return status;
    }

  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.cancellable = g_cancellable_new ();
  cli.tty = isatty (STDERR_FILENO);
  sigint = g_unix_signal_add (SIGINT, on_signal, &cli);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &cli);

  status = cli.mode == MODE_COMPARE ? run_compare (&cli) : run_single (&cli);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  cli_clear (&cli);
  return status;
}
