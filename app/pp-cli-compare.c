/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * --mode compare: a thin client of the core compare engine (PpCompare). It warms up, runs the
 * batch serially into a hidden folder inside the output folder and in parallel into the output
 * folder (whose outputs are kept), holds both runs to the compare policy (same outcome for every
 * file, same bytes for every output) and removes the hidden folder; this file shows its phases
 * and progress and prints what it found.
 */
#define G_LOG_DOMAIN "pp-cli"

#include "config.h"

#include "batch/pp-compare.h"
#include "pp-cli-private.h"

static void
on_phase_changed (PpCompare *compare,
                  PpCli     *cli)
{
  PpComparePhase phase = pp_compare_get_phase (compare);

  g_free (cli->phase_text);
  cli->phase_text = pp_compare_describe_phase (compare);
  cli->phase = *cli->phase_text != '\0' ? cli->phase_text : NULL;
  /* Off a terminal there is no bar to carry the phase: one line each. */
  if (!cli->options.quiet && !cli->tty && cli->phase != NULL &&
      phase != PP_COMPARE_PHASE_PREPARING)
    g_printerr ("== %s\n", cli->phase);
}

static void
on_run_started (PpCompare *compare,
                PpBatch   *batch,
                PpCli     *cli)
{
  _pp_cli_follow_batch (cli, batch);
}

static void
print_findings (PpCli     *cli,
                PpCompare *compare)
{
  PpCompareCheck *check = pp_compare_get_check (compare);
  const char *const *differences = check != NULL ? pp_compare_check_get_differences (check)
                                                 : NULL;

  for (guint i = 0; differences != NULL && differences[i] != NULL; i++)
    g_printerr ("differs  %s\n", differences[i]);
  if (check != NULL && pp_compare_check_get_n_differences (check) >
      g_strv_length ((GStrv) differences))
    g_printerr ("… and %u more differences\n", pp_compare_check_get_n_differences (check) -
                g_strv_length ((GStrv) differences));
  if (pp_compare_get_cleanup_error (compare) != NULL)
    g_printerr ("parapix: %s\n", pp_compare_get_cleanup_error (compare));
}

static void
report (PpCli     *cli,
        PpCompare *compare)
{
  FILE *out = cli->options.json ? stderr : stdout;
  PpCompareCheck *check = pp_compare_get_check (compare);

  print_findings (cli, compare);
  if (!cli->options.quiet)
    {
      _pp_cli_print_summary (out, pp_compare_get_parallel_run (compare));
      fputc ('\n', out);
      _pp_cli_print_compare_table (out, pp_compare_get_serial_run (compare),
                                   pp_compare_get_parallel_run (compare),
                                   pp_compare_get_identical (compare),
                                   check != NULL ? pp_compare_check_get_n_compared (check) : 0);
      if (check != NULL && pp_compare_check_get_n_not_compared (check) > 0)
        fprintf (out, "(%u file%s not compared: the output folder already had %s, and "
                 "--on-collision skip kept %s)\n", pp_compare_check_get_n_not_compared (check),
                 pp_compare_check_get_n_not_compared (check) == 1 ? "" : "s",
                 pp_compare_check_get_n_not_compared (check) == 1 ? "it" : "them",
                 pp_compare_check_get_n_not_compared (check) == 1 ? "it" : "them");
      if (pp_compare_get_warm_up_text (compare) != NULL)
        fprintf (out, "Warm-up before timing: %s.\n", pp_compare_get_warm_up_text (compare));
      if (pp_compare_get_note (compare) != NULL)
        fprintf (out, "%s\n", pp_compare_get_note (compare));
    }
  if (cli->options.json)
    {
      g_autoptr (JsonNode) node = pp_compare_to_json (compare);

      _pp_cli_print_json (node);
    }
}

/**
 * _pp_cli_run_compare:
 *
 * Runs PpCompare on the configured batch (with --threads auto, on the count it chooses).
 *
 * Returns: the exit status; 1 also when the runs differ (a bug to report)
 */
int
_pp_cli_run_compare (PpCli *cli)
{
  g_autoptr (PpBatch) batch = _pp_cli_options_new_batch (&cli->options);
  g_autoptr (PpCompare) compare = NULL;
  g_autoptr (PpThreadsChoice) choice = NULL;
  g_autoptr (GError) error = NULL;
  PpRun *serial, *parallel;
  int status;

  if (cli->options.threads_auto && !_pp_cli_choose_threads (cli, batch, &choice))
    {
      g_autoptr (GError) start_error = g_steal_pointer (&cli->error);

      return _pp_cli_report_start_error (start_error);
    }
  compare = pp_compare_new (batch);
  g_signal_connect (compare, "phase-changed", G_CALLBACK (on_phase_changed), cli);
  g_signal_connect (compare, "run-started", G_CALLBACK (on_run_started), cli);
  pp_compare_run_async (compare, cli->cancellable, _pp_cli_async_done, cli);
  if (!pp_compare_run_finish (compare, _pp_cli_wait (cli), &error))
    {
      _pp_cli_follow_batch (cli, NULL);
      return _pp_cli_report_start_error (error);
    }
  _pp_cli_follow_batch (cli, NULL);
  cli->phase = NULL;
  serial = pp_compare_get_serial_run (compare);
  parallel = pp_compare_get_parallel_run (compare);
  if (parallel == NULL || pp_run_get_cancelled (parallel))
    {
      /* Cancelled: say what was done, compare nothing. */
      if (!cli->options.quiet)
        _pp_cli_print_summary (cli->options.json ? stderr : stdout,
                               parallel != NULL ? parallel : serial);
      return PP_CLI_EXIT_CANCELLED;
    }
  if (choice != NULL)
    pp_run_set_threads_choice (parallel, "auto", pp_threads_choice_to_json (choice));
  _pp_cli_warn_if_empty (cli, parallel);
  report (cli, compare);
  status = _pp_cli_exit_status_for (parallel);
  if (status == PP_CLI_EXIT_OK && !pp_compare_get_identical (compare))
    {
      g_printerr ("parapix: the serial and parallel runs differ — please report this bug\n");
      status = PP_CLI_EXIT_FAILED_FILES;
    }
  return status;
}
