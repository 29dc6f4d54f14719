/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * --threads auto: Parapix picks the thread count for a batch from the machine (the CPUs its
 * affinity mask, cgroup quota and Slurm allow), memory (never more workers in flight than the
 * memory budget holds for the folder's largest image that will be decoded) and a short
 * calibration (a small sweep on a sample: never more threads than it shows to help), and
 * predicts the batch's duration per mode. The choice and how it was made go into the run record.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "batch/pp-batch.h"

G_BEGIN_DECLS

/* Below this many files per candidate worker a calibration would cost a large part of the
 * batch itself: the batch then runs on the cap without one. */
#define PP_AUTO_THREADS_MIN_FILES_PER_WORKER 4

typedef struct
{
  guint threads;               /* the choice, ≥ 1 */
  guint cpu_budget;
  char *cpu_how;               /* "affinity: 2 CPUs" */
  guint64 memory_budget;
  char *memory_how;            /* "available memory" */
  guint64 bytes_per_worker;    /* for the largest image that will be decoded */
  guint memory_cap;            /* workers the memory budget holds */
  guint n_files;
  /* Files refused before decoding, so not sizing memory: over the batch's max-megapixels
   * (max_megapixels, 0: no limit), or without a readable header. */
  guint n_over_limit;
  double max_megapixels;
  guint n_unreadable;
  double total_megapixels;
  double largest_megapixels;
  guint calibrated_best;       /* fewest threads within 5 % of the best calibrated; 0: none */
  double calibration_s;        /* what the calibration cost */
  char *explanation;           /* for people, and the run record */
  /* Predicted wall times for the whole batch; 0 when there was no calibration. */
  double predicted_serial_s;
  double predicted_s;          /* at @threads */
} PpThreadsChoice;

/* What the choice may use. pp_threads_budget_query() reads this machine's; a caller may give
 * other figures (a test, or a plan for a smaller share of the machine). */
typedef struct
{
  guint cpus;                  /* ≥ 1 */
  const char *cpu_how;         /* "affinity: 2 CPUs"; (nullable) */
  guint64 memory_bytes;
  const char *memory_how;      /* "available memory"; (nullable) */
} PpThreadsBudget;

void             pp_threads_choice_free      (PpThreadsChoice      *choice);
guint            pp_threads_choose           (guint                 cpu_budget,
                                              guint                 memory_cap,
                                              guint                 n_files,
                                              guint                 calibrated_best);
guint64          pp_threads_bytes_per_worker (int                   width,
                                              int                   height,
                                              PpPipeline           *pipeline);
guint            pp_threads_memory_cap       (guint64               memory_budget,
                                              guint64               bytes_per_worker);
double           pp_threads_predict          (double                total_megapixels,
                                              double                sample_megapixels,
                                              guint                 sample_files,
                                              double                busy_per_image_s,
                                              double                overhead_s,
                                              guint                 threads);
char            *pp_format_duration          (double                seconds);
char            *pp_threads_choice_describe_prediction (const PpThreadsChoice *choice);
JsonNode        *pp_threads_choice_to_json   (const PpThreadsChoice *choice);

void             pp_threads_auto_async       (PpBatch              *batch,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
void             pp_threads_auto_with_budget_async (PpBatch               *batch,
                                                    const PpThreadsBudget *budget,
                                                    GCancellable          *cancellable,
                                                    GAsyncReadyCallback    callback,
                                                    gpointer               user_data);
PpThreadsChoice *pp_threads_auto_finish      (GAsyncResult         *result,
                                              GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpThreadsChoice, pp_threads_choice_free)

G_END_DECLS
