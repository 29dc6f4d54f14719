/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Scaling from the command line, as thin clients of the core: --mode sweep runs PpSweep and
 * prints its table (and JSON record, and HTML report); --threads auto asks
 * pp_threads_auto_async() for the count and the predicted duration before the batch runs.
 */
#define G_LOG_DOMAIN "pp-cli"

#include "config.h"

#include "batch/pp-report.h"
#include "batch/pp-sweep.h"
#include "pp-cli-private.h"

/**
 * _pp_cli_choose_threads:
 * @batch: the configured batch; its threads are set to the choice
 * @choice: (out) (transfer full): how the count was chosen
 *
 * --threads auto, on the main loop. Tells the user the choice and the prediction on stderr.
 *
 * Returns: %FALSE with cli->error set when the folder could not be listed or it was cancelled
 */
gboolean
_pp_cli_choose_threads (PpCli            *cli,
                        PpBatch          *batch,
                        PpThreadsChoice **choice)
{
  g_autofree char *prediction = NULL;

  if (!cli->options.quiet)
    g_printerr ("Choosing the thread count…\n");
  pp_threads_auto_async (batch, cli->cancellable, _pp_cli_async_done, cli);
  *choice = pp_threads_auto_finish (_pp_cli_wait (cli), &cli->error);
  if (*choice == NULL)
    return FALSE;
  pp_batch_set_threads (batch, (*choice)->threads);
  prediction = pp_threads_choice_describe_prediction (*choice);
  if (!cli->options.quiet)
    {
      g_printerr ("Threads: %s\n", (*choice)->explanation);
      if (prediction != NULL)
        g_printerr ("Predicted: %s\n", prediction);
    }
  return TRUE;
}

static void
on_phase_changed (PpSweep *sweep,
                  PpCli   *cli)
{
  PpSweepPhase phase = pp_sweep_get_phase (sweep);

  g_free (cli->phase_text);
  cli->phase_text = pp_sweep_describe_phase (sweep);
  cli->phase = *cli->phase_text != '\0' ? cli->phase_text : NULL;
  if (!cli->options.quiet && !cli->tty && cli->phase != NULL &&
      phase != PP_SWEEP_PHASE_PREPARING && phase != PP_SWEEP_PHASE_CHECKING)
    g_printerr ("== %s\n", cli->phase);
}

static void
on_run_started (PpSweep *sweep,
                PpBatch *batch,
                PpCli   *cli)
{
  guint step;

  /* Every run processes the same files: list each file, and each failure, once. */
  pp_sweep_get_step (sweep, &step, NULL);
  cli->files_listed = step > 0;
  _pp_cli_follow_batch (cli, batch);
}

/**
 * _pp_cli_run_sweep:
 *
 * --mode sweep: the table on stdout (stderr with --json, whose record goes to stdout), the
 * report with --report FILE.
 *
 * Returns: the exit status: 0, 1 when files failed or the runs differ (a bug), 130 cancelled
 */
int
_pp_cli_run_sweep (PpCli *cli)
{
  g_autoptr (PpBatch) batch = _pp_cli_options_new_batch (&cli->options);
  g_autoptr (PpSweep) sweep = pp_sweep_new (batch);
  g_autoptr (GError) error = NULL;
  g_autofree char *table = NULL;
  GFile *output = pp_batch_get_output_folder (batch);
  FILE *out = cli->options.json ? stderr : stdout;
  int status = PP_CLI_EXIT_OK;

  if (cli->options.threads_list != NULL)
    pp_sweep_set_threads_list (sweep, cli->options.threads_list, cli->options.n_threads_list);
  pp_sweep_set_sample (sweep, cli->options.sample);
  if (cli->options.repeat > 0)
    pp_sweep_set_repeat (sweep, cli->options.repeat);
  /* Write where the user's outputs would go (same disk), into a hidden folder removed after. */
  if (output != NULL)
    {
      g_autofree char *path = g_file_get_path (output);

      if (path != NULL)
        pp_sweep_set_scratch_parent (sweep, path);
    }
  g_signal_connect (sweep, "phase-changed", G_CALLBACK (on_phase_changed), cli);
  g_signal_connect (sweep, "run-started", G_CALLBACK (on_run_started), cli);
  pp_sweep_run_async (sweep, cli->cancellable, _pp_cli_async_done, cli);
  if (!pp_sweep_run_finish (sweep, _pp_cli_wait (cli), &error))
    {
      _pp_cli_follow_batch (cli, NULL);
      return _pp_cli_report_start_error (error);
    }
  _pp_cli_follow_batch (cli, NULL);
  cli->phase = NULL;
  cli->files_listed = FALSE;

  if (!cli->options.quiet)
    {
      g_autofree char *folder = pp_folder_survey_describe (pp_sweep_get_survey (sweep));

      fprintf (out, "Sweep of %s: %s (of %u in the folder), chain “%s”\n",
               pp_sweep_get_input (sweep), folder, pp_sweep_get_n_files_listed (sweep),
               pp_sweep_get_pipeline_spec (sweep));
      if (pp_sweep_get_warm_up_text (sweep) != NULL)
        fprintf (out, "Warm-up before timing: %s.\n", pp_sweep_get_warm_up_text (sweep));
      table = pp_sweep_format_table (sweep);
      fputs (table, out);
    }
  if (cli->options.json)
    {
      g_autoptr (JsonNode) node = pp_sweep_to_json (sweep);

      _pp_cli_print_json (node);
    }
  if (cli->options.report != NULL)
    {
      g_autoptr (GError) report_error = NULL;

      if (!pp_report_write (sweep, cli->options.report, &report_error))
        {
          g_printerr ("parapix: cannot write the report: %s\n", report_error->message);
          status = PP_CLI_EXIT_FAILED_FILES;
        }
      else if (!cli->options.quiet)
        fprintf (out, "Report: %s\n", cli->options.report);
    }
  if (pp_sweep_get_cancelled (sweep))
    return PP_CLI_EXIT_CANCELLED;
  if (!pp_sweep_get_identical (sweep))
    {
      g_printerr ("parapix: runs with different thread counts differ — please report this bug\n");
      return PP_CLI_EXIT_FAILED_FILES;
    }
  for (guint i = 0; i < pp_sweep_get_n_points (sweep); i++)
    if (pp_sweep_get_point (sweep, i)->n_failed > 0)
      status = PP_CLI_EXIT_FAILED_FILES;
  return status;
}
