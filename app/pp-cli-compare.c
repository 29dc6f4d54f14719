/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * --mode compare: the batch serially into a hidden folder inside the output folder, then in
 * parallel into the output folder, then the outputs compared byte for byte. The parallel outputs
 * are the ones kept.
 */
#define G_LOG_DOMAIN "pp-cli"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "pp-cli-private.h"

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

/* The output folder the batch would use: --output, the input folder with --in-place, else
 * "processed" inside the input folder. */
static char *
default_output (PpCli *cli)
{
  g_autoptr (PpBatch) probe = _pp_cli_options_new_batch (&cli->options);
  GFile *output = pp_batch_get_output_folder (probe);
  gboolean in_place;

  if (output != NULL)
    return g_file_get_path (output);
  g_object_get (probe, "in-place", &in_place, NULL);
  if (in_place)
    return g_canonicalize_filename (cli->options.input, NULL);
  {
    g_autofree char *input = g_canonicalize_filename (cli->options.input, NULL);

    return g_build_filename (input, PP_BATCH_DEFAULT_OUTPUT_NAME, NULL);
  }
}

/* One half of the comparison. */
static PpRun *
run_half (PpCli       *cli,
          const char  *phase,
          PpBatchMode  mode,
          const char  *output,
          const char  *excluded)
{
  g_autoptr (PpBatch) batch = _pp_cli_options_new_batch (&cli->options);
  g_autoptr (GFile) folder = g_file_new_for_path (output);
  const char *const excluded_folders[] = { excluded, NULL };
  PpRun *run;

  pp_batch_set_output_folder (batch, folder);
  pp_batch_set_mode (batch, mode);
  pp_batch_set_excluded_folders (batch, excluded_folders);
  cli->phase = phase;
  run = _pp_cli_run_batch (cli, batch);
  cli->phase = NULL;
  return run;
}

static char *
make_temporary_folder (const char *output)
{
  g_autofree char *tmp = NULL;

  if (g_mkdir_with_parents (output, 0777) != 0)
    {
      int saved = errno;

      g_printerr ("parapix: cannot create the output folder “%s”: %s\n", output,
                  g_strerror (saved));
      return NULL;
    }
  /* Inside the output folder: the same file system, and never listed as input. */
  tmp = g_build_filename (output, ".parapix-compare-XXXXXX", NULL);
  if (g_mkdtemp (tmp) == NULL)
    {
      int saved = errno;

      g_printerr ("parapix: cannot create a temporary folder in “%s”: %s\n", output,
                  g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&tmp);
}

static void
report (PpCli   *cli,
        PpRun   *serial,
        PpRun   *parallel,
        gboolean identical,
        guint    n_compared)
{
  FILE *out = cli->options.json ? stderr : stdout;

  if (!cli->options.quiet)
    {
      _pp_cli_print_summary (out, parallel);
      fputc ('\n', out);
      _pp_cli_print_compare_table (out, serial, parallel, identical, n_compared);
    }
  if (cli->options.json)
    {
      g_autoptr (JsonNode) node = pp_run_compare_to_json (serial, parallel, identical,
                                                          n_compared);

      _pp_cli_print_json (node);
    }
}

/**
 * _pp_cli_run_compare:
 *
 * Returns: the exit status; 1 also when the outputs differ (a bug to report)
 */
int
_pp_cli_run_compare (PpCli *cli)
{
  g_autofree char *output = default_output (cli);
  g_autofree char *tmp = make_temporary_folder (output);
  g_autoptr (PpRun) serial = NULL;
  g_autoptr (PpRun) parallel = NULL;
  gboolean identical;
  guint n_compared = 0;
  int status;

  if (tmp == NULL)
    return PP_CLI_EXIT_FAILED_FILES;

  serial = run_half (cli, "serial", PP_BATCH_MODE_SERIAL, tmp, output);
  if (serial == NULL || pp_run_get_cancelled (serial))
    {
      remove_tree (tmp);
      if (serial == NULL)
        {
          g_autoptr (GError) error = g_steal_pointer (&cli->error);

          return _pp_cli_report_start_error (error);
        }
      if (!cli->options.quiet)
        _pp_cli_print_summary (cli->options.json ? stderr : stdout, serial);
      return PP_CLI_EXIT_CANCELLED;
    }
  parallel = run_half (cli, "parallel", PP_BATCH_MODE_PARALLEL, output, tmp);
  if (parallel == NULL)
    {
      g_autoptr (GError) error = g_steal_pointer (&cli->error);

      remove_tree (tmp);
      return _pp_cli_report_start_error (error);
    }
  _pp_cli_warn_if_empty (cli, parallel);
  identical = !pp_run_get_cancelled (parallel) && compare_runs (serial, parallel, &n_compared);
  if (!remove_tree (tmp))
    g_printerr ("parapix: could not remove the temporary folder “%s”\n", tmp);

  report (cli, serial, parallel, identical, n_compared);
  status = _pp_cli_exit_status_for (parallel);
  if (status == PP_CLI_EXIT_OK && !identical)
    {
      g_printerr ("parapix: serial and parallel outputs differ — please report this bug\n");
      status = PP_CLI_EXIT_FAILED_FILES;
    }
  return status;
}
