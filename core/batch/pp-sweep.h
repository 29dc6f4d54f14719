/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpSweep: how a user's own batch scales. Runs a configured batch (or a deterministic sample of
 * it) at several thread counts, each repeated, after a warm-up and in rotating order so that
 * neither the cold start nor a drift of the machine favours one count; checks every run against
 * the 1-thread run with the compare policy (PpCompareCheck); reports per thread count the median
 * wall time and its spread, images/s, speedup, efficiency, CPU per stage and peak memory; fits
 * Amdahl's law and names what limits the speedup; recommends a thread count. Outputs go to a
 * scratch folder and are removed. The command line (--mode sweep) and the window's Scaling view
 * drive it.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "batch/pp-amdahl.h"
#include "batch/pp-batch.h"
#include "batch/pp-measure.h"

G_BEGIN_DECLS

#define PP_SWEEP_SCHEMA_VERSION 1
#define PP_SWEEP_DEFAULT_REPEAT 3

typedef enum
{
  PP_SWEEP_PHASE_IDLE,
  PP_SWEEP_PHASE_PREPARING,    /* scratch folder, listing, reading headers */
  PP_SWEEP_PHASE_WARMING_UP,
  PP_SWEEP_PHASE_RUNNING,      /* a timed run: pp_sweep_get_step() */
  PP_SWEEP_PHASE_CHECKING,     /* a run against the 1-thread run */
  PP_SWEEP_PHASE_CLEANING_UP,
  PP_SWEEP_PHASE_DONE,
} PpSweepPhase;

typedef enum
{
  PP_SWEEP_STAGE_DECODE,
  PP_SWEEP_STAGE_FILTER,
  PP_SWEEP_STAGE_ENCODE,
  PP_SWEEP_STAGE_WRITE,
  PP_SWEEP_N_STAGES,
} PpSweepStage;

/* One thread count, over its repeats so far (medians unless said). */
typedef struct
{
  guint threads;
  guint threads_per_image;   /* files x bands: threads on one image while every worker has a
                                file (threads / min (threads, files)); the last files get more */
  guint n_runs;
  double wall_s;             /* median */
  double wall_min_s;
  double wall_max_s;
  double spread_percent;     /* ± half the range, over the median */
  double images_per_s;       /* files ok / median wall */
  double megapixels_per_s;
  double speedup;            /* median wall at 1 thread / median wall here */
  double efficiency;         /* speedup / threads */
  double cpu_s;              /* Parapix and its decoder helpers */
  double helper_cpu_s;       /* the decoder helpers alone */
  double stage_s[PP_SWEEP_N_STAGES]; /* time in each stage summed over files */
  double busy_per_image_s;   /* a file's time on its worker */
  double startup_s;          /* listing, planning, workers starting */
  double tail_s;             /* idle workers waiting for the last files */
  double finish_s;
  double first_file_excess_s; /* each worker's first file over the same file at 1 thread */
  guint64 peak_memory_bytes; /* highest over the repeats */
  guint n_ok;
  guint n_failed;
  gboolean identical;        /* every run agreed with the 1-thread run */
  guint n_compared;
  char *difference;          /* (nullable) the first difference found */
} PpSweepPoint;

#define PP_TYPE_SWEEP (pp_sweep_get_type ())

G_DECLARE_FINAL_TYPE (PpSweep, pp_sweep, PP, SWEEP, GObject)

guint          *pp_sweep_default_threads_list   (guint                cpus,
                                                 guint               *n_threads);
gboolean        pp_sweep_parse_threads_list     (const char          *text,
                                                 guint              **threads,
                                                 guint               *n_threads,
                                                 GError             **error);
GPtrArray      *pp_sweep_sample_inputs          (GPtrArray           *inputs,
                                                 guint                sample);

PpSweep        *pp_sweep_new                    (PpBatch             *batch);
void            pp_sweep_set_threads_list       (PpSweep             *self,
                                                 const guint         *threads,
                                                 guint                n_threads);
void            pp_sweep_set_sample             (PpSweep             *self,
                                                 guint                n_files);
void            pp_sweep_set_repeat             (PpSweep             *self,
                                                 guint                repeat);
void            pp_sweep_set_scratch_parent     (PpSweep             *self,
                                                 const char          *parent);
void            pp_sweep_set_cpu_budget         (PpSweep             *self,
                                                 guint                cpus);

void            pp_sweep_run_async              (PpSweep             *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean        pp_sweep_run_finish             (PpSweep             *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

PpSweepPhase    pp_sweep_get_phase              (PpSweep             *self);
void            pp_sweep_get_step               (PpSweep             *self,
                                                 guint               *run,
                                                 guint               *n_runs);
char           *pp_sweep_describe_phase         (PpSweep             *self);
gboolean        pp_sweep_get_cancelled          (PpSweep             *self);

guint           pp_sweep_get_n_points           (PpSweep             *self);
const PpSweepPoint *pp_sweep_get_point          (PpSweep             *self,
                                                 guint                index);
const PpSweepPoint *pp_sweep_get_points         (PpSweep             *self,
                                                 guint               *n_points);
const PpSweepPoint *pp_sweep_find_point         (PpSweep             *self,
                                                 guint                threads);
gboolean        pp_sweep_get_identical          (PpSweep             *self);
guint           pp_sweep_get_cpu_budget         (PpSweep             *self);
const PpAmdahlFit *pp_sweep_get_fit             (PpSweep             *self);
const char     *pp_sweep_get_limit             (PpSweep             *self);
guint           pp_sweep_get_recommended_threads (PpSweep            *self);
const char     *pp_sweep_get_recommendation    (PpSweep             *self);
const PpFolderSurvey *pp_sweep_get_survey       (PpSweep             *self);
guint           pp_sweep_get_n_files_listed     (PpSweep             *self);
const char     *pp_sweep_get_warm_up_text       (PpSweep             *self);
const char     *pp_sweep_get_pipeline_spec      (PpSweep             *self);
const char     *pp_sweep_get_input              (PpSweep             *self);

gboolean        pp_sweep_analyse                (const PpSweepPoint  *points,
                                                 guint                n_points,
                                                 guint                cpu_budget,
                                                 PpAmdahlFit         *fit,
                                                 char               **limit,
                                                 guint               *recommended,
                                                 char               **recommendation);

JsonNode       *pp_sweep_to_json                (PpSweep             *self);
char           *pp_sweep_format_table           (PpSweep             *self);

G_END_DECLS
