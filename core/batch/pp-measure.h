/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Measured runs, for compare, sweep and the thread calibration: a batch run with the numbers a
 * scaling study needs besides the run record (the decoder helpers' CPU, the process tree's peak
 * memory, where the wall time went: start-up, the tail of the last files, completion), a warm-up
 * so that no timed run pays the cold start alone, and copies of a configured batch.
 */
#pragma once

#include <gio/gio.h>

#include "batch/pp-batch.h"

G_BEGIN_DECLS

typedef struct
{
  PpRun *run;               /* the run record */
  guint threads;            /* workers asked for */
  gint64 submitted_us;      /* g_get_monotonic_time () when the run was started */
  gint64 wall_us;           /* = the run's wall time */
  gint64 cpu_us;            /* = the run's CPU time: this process and the decoder helpers */
  gint64 helper_cpu_us;     /* of which the decoder helpers */
  guint64 peak_memory_bytes; /* process tree (Parapix and helpers, Pss), sampled every 50 ms */
  gint64 busy_us;           /* sum over files of their time on a worker */
  gint64 startup_us;        /* start → first file begins: listing, planning, workers waking */
  gint64 tail_us;           /* time each worker sat idle while the last files finished, on
                               average over the workers: the wall time the uneven end costs */
  gint64 finish_us;         /* last file done → run complete on the main context */
  gint64 first_file_excess_us; /* what each worker's first file took over the median file,
                                  averaged over workers: helper start-up and cold caches */
  guint n_ok;
  guint n_failed;
  double megapixels;
  gint64 stage_us[4];       /* decode, filter, encode, write: summed over files */
} PpMeasure;

void         pp_measure_free              (PpMeasure            *measure);
void         pp_measure_analyse           (PpMeasure            *measure);

PpBatch     *pp_batch_copy_config         (PpBatch              *batch);

void         pp_measured_run_async        (PpBatch              *batch,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
PpMeasure   *pp_measured_run_finish       (PpBatch              *batch,
                                           GAsyncResult         *result,
                                           GError              **error);

/* What a warm-up did, for the record ("read 8 files (3.1 MB), then 4 untimed on 2 threads"). */
typedef struct
{
  guint n_files_read;
  guint64 bytes_read;
  gboolean cache_skipped;   /* the inputs are larger than memory allows to cache */
  guint n_files_run;
  guint threads;
  gint64 wall_us;
} PpWarmUp;

char        *pp_warm_up_describe          (const PpWarmUp       *warm_up);

void         pp_warm_up_async             (PpBatch              *template_batch,
                                           const char * const   *inputs,
                                           guint                 threads,
                                           const char           *scratch,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean     pp_warm_up_finish            (GAsyncResult         *result,
                                           PpWarmUp             *warm_up,
                                           GError              **error);

/* What the inputs are, from their headers (no pixels decoded). The megapixel figures count only
 * the images a batch would decode: readable headers within its max-megapixels limit. */
typedef struct
{
  guint n_files;
  guint n_unreadable;       /* no readable header: they will most likely fail */
  guint n_over_limit;       /* declared more than the max-megapixels limit: refused from the
                             * header, never decoded: not in the megapixels below */
  guint64 total_bytes;
  double total_megapixels;
  double largest_megapixels;
  int largest_width;
  int largest_height;
  char *largest_path;
} PpFolderSurvey;

void         pp_folder_survey_clear       (PpFolderSurvey       *survey);
void         pp_folder_survey_run         (const char * const   *inputs,
                                           double                max_megapixels,
                                           GCancellable         *cancellable,
                                           PpFolderSurvey       *survey);
void         pp_folder_survey_async       (const char * const   *inputs,
                                           double                max_megapixels,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean     pp_folder_survey_finish      (GAsyncResult         *result,
                                           PpFolderSurvey       *survey,
                                           GError              **error);
char        *pp_folder_survey_describe    (const PpFolderSurvey *survey);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpMeasure, pp_measure_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpFolderSurvey, pp_folder_survey_clear)

G_END_DECLS
