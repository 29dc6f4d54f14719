/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The command line without a window: parses the options (pp-cli-options.c), then runs the
 * batch on a GMainLoop, with SIGINT and SIGTERM cancelling it cleanly; --mode compare is in
 * pp-cli-compare.c, --mode sweep and --threads auto in pp-cli-sweep.c, everything printed in
 * pp-cli-report.c. Exit status: 0 done, 1 some files
 * failed, 2 bad usage, 130 cancelled.
 */
#define G_LOG_DOMAIN "pp-cli"

#include "config.h"

#include <signal.h>
#include <unistd.h>

#include <glib-unix.h>

#include "pp-cli-private.h"

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  PpCli *cli = user_data;

  cli->result = pp_batch_run_finish (PP_BATCH (source), result, &cli->error);
  g_main_loop_quit (cli->loop);
}

static gboolean
on_signal (gpointer user_data)
{
  PpCli *cli = user_data;

  if (!g_cancellable_is_cancelled (cli->cancellable))
    {
      _pp_cli_clear_bar (cli);
      if (!cli->options.quiet)
        g_printerr ("parapix: cancelling: finishing nothing new, removing partial files…\n");
      g_cancellable_cancel (cli->cancellable);
    }
  return G_SOURCE_CONTINUE;
}

/**
 * _pp_cli_run_batch:
 * @batch: configured (_pp_cli_options_new_batch())
 *
 * Runs @batch to the end on the main loop, reporting progress as it goes.
 *
 * Returns: (transfer full) (nullable): the run, or %NULL with cli->error set when it could not
 *   start
 */
PpRun *
_pp_cli_run_batch (PpCli   *cli,
                   PpBatch *batch)
{
  gulong handler = g_signal_connect (pp_batch_get_progress (batch), "changed",
                                     G_CALLBACK (_pp_cli_on_progress), cli);

  PpRun *run;

  g_clear_object (&cli->result);
  pp_batch_run_async (batch, cli->cancellable, on_run_done, cli);
  /* Who chose the shard and the threads is the command line's knowledge; the record keeps it. */
  run = pp_batch_get_running (batch) ? pp_batch_get_run (batch) : NULL;
  if (run != NULL)
    {
      pp_run_set_origin (run, pp_shard_source_to_string (cli->options.shard.source),
                         &cli->options.budget);
      pp_run_set_threads_choice (run, pp_run_get_mode (run) == PP_BATCH_MODE_SERIAL
                                 ? "serial" : cli->options.threads_source, NULL);
    }
  g_main_loop_run (cli->loop);
  g_signal_handler_disconnect (pp_batch_get_progress (batch), handler);
  _pp_cli_clear_bar (cli);
  return g_steal_pointer (&cli->result);
}

/**
 * _pp_cli_async_done:
 *
 * A GAsyncReadyCallback for _pp_cli_wait(): keeps @result and stops the main loop.
 */
void
_pp_cli_async_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  PpCli *cli = user_data;

  g_set_object (&cli->async_result, result);
  g_main_loop_quit (cli->loop);
}

/**
 * _pp_cli_wait:
 *
 * Runs the main loop until an operation started with _pp_cli_async_done() as its callback
 * completes.
 *
 * Returns: (transfer none): its result, valid until the next _pp_cli_wait()
 */
GAsyncResult *
_pp_cli_wait (PpCli *cli)
{
  g_clear_object (&cli->async_result);
  g_main_loop_run (cli->loop);
  g_assert (cli->async_result != NULL);
  return cli->async_result;
}

/**
 * _pp_cli_follow_batch:
 * @batch: (nullable): the batch whose progress to show from now on; %NULL: none
 *
 * For engines that run several batches one after another (compare, sweep): moves the progress
 * display to @batch.
 */
void
_pp_cli_follow_batch (PpCli   *cli,
                      PpBatch *batch)
{
  if (cli->followed != NULL)
    g_clear_signal_handler (&cli->followed_id, cli->followed);
  g_clear_object (&cli->followed);
  _pp_cli_clear_bar (cli);
  if (batch == NULL)
    return;
  cli->followed = g_object_ref (pp_batch_get_progress (batch));
  cli->followed_id = g_signal_connect (cli->followed, "changed",
                                       G_CALLBACK (_pp_cli_on_progress), cli);
}

static int
run_single (PpCli *cli)
{
  g_autoptr (PpBatch) batch = _pp_cli_options_new_batch (&cli->options);
  g_autoptr (PpThreadsChoice) choice = NULL;
  g_autoptr (PpRun) run = NULL;
  FILE *out = cli->options.json ? stderr : stdout;

  if (cli->options.threads_auto && !_pp_cli_choose_threads (cli, batch, &choice))
    {
      g_autoptr (GError) error = g_steal_pointer (&cli->error);

      return _pp_cli_report_start_error (error);
    }
  run = _pp_cli_run_batch (cli, batch);
  if (run == NULL)
    {
      g_autoptr (GError) error = g_steal_pointer (&cli->error);

      return _pp_cli_report_start_error (error);
    }
  if (choice != NULL)
    pp_run_set_threads_choice (run, "auto", pp_threads_choice_to_json (choice));
  _pp_cli_warn_if_empty (cli, run);
  if (!cli->options.quiet)
    {
      _pp_cli_print_summary (out, run);
      if (choice != NULL)
        _pp_cli_print_prediction (out, choice, run);
    }
  if (cli->options.json)
    {
      g_autoptr (JsonNode) node = pp_run_to_json (run);

      _pp_cli_print_json (node);
    }
  return _pp_cli_exit_status_for (run);
}

static void
cli_clear (PpCli *cli)
{
  _pp_cli_options_clear (&cli->options);
  g_clear_pointer (&cli->loop, g_main_loop_unref);
  g_clear_object (&cli->cancellable);
  g_clear_object (&cli->result);
  g_clear_error (&cli->error);
  g_clear_pointer (&cli->phase_text, g_free);
  g_clear_object (&cli->async_result);
  g_clear_object (&cli->followed);
}

/**
 * pp_cli_run:
 * @argc: as main() got it
 * @argv: as main() got it
 *
 * The command line: parses @argv, runs what it asks for on the calling (main) thread, and
 * prints progress to stderr and the summary to stdout (stderr with --json, whose record goes to
 * stdout).
 *
 * Returns: the exit status: 0 all done, 1 some files failed, 2 bad usage, 130 cancelled
 */
int
pp_cli_run (int    argc,
            char **argv)
{
  PpCli cli = { 0 };
  guint sigint, sigterm;
  int status;

  status = _pp_cli_options_parse (&cli.options, argc, argv);
  if (status != PP_CLI_EXIT_OK)
    ;
  else if (cli.options.version)
    g_print ("parapix %s\n", PACKAGE_VERSION);
  else if (cli.options.list_filters)
    _pp_cli_print_filters ();
  else if (cli.options.list_presets)
    _pp_cli_print_presets ();
  else if (cli.options.list_formats)
    {
      g_autofree char *formats = pp_io_describe_formats ();

      g_print ("%s", formats);
    }
  else if (cli.options.merge_records)
    status = _pp_cli_run_merge (&cli, (const char *const *) cli.options.records);
  else
    {
      cli.loop = g_main_loop_new (NULL, FALSE);
      cli.cancellable = g_cancellable_new ();
      cli.tty = isatty (STDERR_FILENO);
      sigint = g_unix_signal_add (SIGINT, on_signal, &cli);
      sigterm = g_unix_signal_add (SIGTERM, on_signal, &cli);
      _pp_cli_print_start (&cli);

      status = cli.options.mode == PP_CLI_MODE_COMPARE ? _pp_cli_run_compare (&cli)
               : cli.options.mode == PP_CLI_MODE_SWEEP ? _pp_cli_run_sweep (&cli)
                                                       : run_single (&cli);

      g_source_remove (sigint);
      g_source_remove (sigterm);
    }
  cli_clear (&cli);
  return status;
}
