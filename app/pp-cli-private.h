/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the command line's files: pp-cli-options.c (every option: parsed and checked in one
 * table), pp-cli-values.c (the PpBatch property values options produce), pp-cli.c (the run),
 * pp-cli-compare.c (--mode compare), pp-cli-sweep.c (--mode sweep, --threads auto),
 * pp-cli-merge.c (--merge-records) and pp-cli-report.c (what the user reads: progress, summary,
 * JSON, errors).
 */
#pragma once

#include <stdio.h>

#include "batch/pp-auto-threads.h"
#include "batch/pp-batch.h"
#include "batch/pp-cpu-budget.h"
#include "batch/pp-shard.h"
#include "pp-cli.h"

G_BEGIN_DECLS

enum
{
  PP_CLI_EXIT_OK = 0,
  PP_CLI_EXIT_FAILED_FILES = 1,
  PP_CLI_EXIT_USAGE = 2,
  PP_CLI_EXIT_CANCELLED = 130,
};

/* --mode: how the batch runs. Registered so --mode parses through its nicks. */
typedef enum
{
  PP_CLI_MODE_SERIAL,
  PP_CLI_MODE_PARALLEL,
  PP_CLI_MODE_COMPARE,
  PP_CLI_MODE_SWEEP,
} PpCliMode;

#define PP_TYPE_CLI_MODE (pp_cli_mode_get_type ())
GType pp_cli_mode_get_type (void) G_GNUC_CONST;

/* What the command line asked for, checked. Options that configure the batch are kept as
 * PpBatch property values (batch_names/batch_values) and applied to every batch the run makes;
 * the rest are fields. */
typedef struct
{
  char *input;               /* (nullable) --batch DIR; a --files-from list may stand alone */
  PpCliMode mode;
  gboolean json;
  gboolean quiet;
  gboolean version;
  gboolean list_filters;
  gboolean list_presets;
  gboolean list_formats;
  PpShard shard;             /* --shard, and where auto found it */
  PpCpuBudget budget;        /* the CPUs this process may use (the default thread count) */
  const char *threads_source; /* where the thread count came from, for the record */
  gboolean merge_records;    /* --merge-records: records (the remaining arguments) to merge */
  GStrv records;
  GPtrArray *batch_names;    /* of const char *: PpBatch property names, in option order */
  GArray *batch_values;      /* of GValue, one per name */
  /* Scaling (pp-cli-sweep.c): --threads auto, and --mode sweep's own options */
  gboolean threads_auto;
  guint *threads_list;       /* (nullable): --threads-list, sorted, with 1 */
  guint n_threads_list;
  guint sample;              /* --sample N; 0: every file */
  guint repeat;              /* --repeat R; 0: the default */
  char *report;              /* --report FILE */
} PpCliOptions;

/* One command-line session: its options, and the state of the run and of its reporting. */
typedef struct
{
  PpCliOptions options;

  GMainLoop *loop;
  GCancellable *cancellable;
  gboolean tty;              /* stderr is a terminal: draw a progress bar */
  gboolean bar_shown;
  const char *phase;         /* the compare's or sweep's phase before the bar, else NULL */
  char *phase_text;          /* what @phase points to when the phase is made up */
  PpRun *result;
  GError *error;
  GAsyncResult *async_result; /* _pp_cli_wait()'s */
  gboolean files_listed;     /* a sweep's later runs: each file was reported by the first */
  PpProgress *followed;      /* _pp_cli_follow_batch()'s */
  gulong followed_id;
} PpCli;

/* pp-cli-options.c */
int       _pp_cli_options_parse      (PpCliOptions       *options,
                                      int                 argc,
                                      char              **argv);
void      _pp_cli_options_clear      (PpCliOptions       *options);
int       _pp_cli_usage_error        (const char         *format,
                                      ...) G_GNUC_PRINTF (1, 2);

/* pp-cli-values.c: PpBatch property values kept in PpCliOptions, and text readers */
PpBatch  *_pp_cli_options_new_batch  (const PpCliOptions *options);
void      _pp_cli_set_batch_property (PpCliOptions       *options,
                                      const char         *property,
                                      ...);
gboolean  _pp_cli_set_batch_property_from_text (PpCliOptions  *options,
                                                const char    *property,
                                                const char    *text,
                                                GError       **error);
const GValue *_pp_cli_get_batch_value (const PpCliOptions *options,
                                       const char         *property);
gboolean  _pp_cli_parse_enum         (GType               type,
                                      const char         *text,
                                      int                *out,
                                      GError            **error);
gboolean  _pp_cli_parse_uint         (const char         *text,
                                      guint64             min,
                                      guint64             max,
                                      guint              *out);
gboolean  _pp_cli_bad_value          (GError            **error,
                                      const char         *format,
                                      ...) G_GNUC_PRINTF (2, 3);

/* pp-cli.c */
PpRun    *_pp_cli_run_batch          (PpCli              *cli,
                                      PpBatch            *batch);
void      _pp_cli_async_done         (GObject            *source,
                                      GAsyncResult       *result,
                                      gpointer            user_data);
GAsyncResult *_pp_cli_wait           (PpCli              *cli);

/* pp-cli-merge.c */
int       _pp_cli_run_merge          (PpCli              *cli,
                                      const char * const *paths);

/* pp-cli-compare.c */
int       _pp_cli_run_compare        (PpCli              *cli);

/* pp-cli-sweep.c: --mode sweep, --threads auto */
int       _pp_cli_run_sweep          (PpCli              *cli);
gboolean  _pp_cli_choose_threads     (PpCli              *cli,
                                      PpBatch            *batch,
                                      PpThreadsChoice   **choice);
void      _pp_cli_follow_batch       (PpCli              *cli,
                                      PpBatch            *batch);

/* pp-cli-report.c */
void      _pp_cli_print_filters      (void);
void      _pp_cli_print_presets      (void);
void      _pp_cli_clear_bar          (PpCli              *cli);
void      _pp_cli_print_start        (PpCli              *cli);
void      _pp_cli_on_progress        (PpProgress         *progress,
                                      const PpProgressSnapshot *snapshot,
                                      GPtrArray          *results,
                                      gpointer            user_data);
void      _pp_cli_print_summary      (FILE               *out,
                                      PpRun              *run);
void      _pp_cli_print_compare_table (FILE              *out,
                                      PpRun              *serial,
                                      PpRun              *parallel,
                                      gboolean            identical,
                                      guint               n_compared);
void      _pp_cli_print_prediction   (FILE               *out,
                                      const PpThreadsChoice *choice,
                                      PpRun              *run);
void      _pp_cli_print_json         (JsonNode           *node);
void      _pp_cli_warn_if_empty      (PpCli              *cli,
                                      PpRun              *run);
int       _pp_cli_exit_status_for    (PpRun              *run);
int       _pp_cli_report_start_error (GError             *error);

G_END_DECLS
