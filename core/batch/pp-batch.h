/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpBatch: a folder (or an explicit list of files) through a pipeline into an output folder, one
 * file per worker of the shared pool, with a bound on images in memory, output naming and
 * collision policy, cooperative cancellation, coalesced progress (PpProgress) and a live record
 * of the run (PpRun). Configure it with properties on the main thread, then run it; the
 * configuration is frozen when a run starts. The command line and the window both drive it.
 */
#pragma once

#include <gio/gio.h>

#include "image/pp-image-alpha.h"
#include "io/pp-io.h"
#include "metadata/pp-metadata.h"
#include "render/pp-pipeline.h"
#include "batch/pp-progress.h"
#include "batch/pp-run.h"
#include "image/pp-types.h"

G_BEGIN_DECLS

#define PP_BATCH_ERROR (pp_batch_error_quark ())

typedef enum
{
  PP_BATCH_ERROR_INVALID,     /* the configuration cannot work: names the property */
  PP_BATCH_ERROR_NO_INPUT,    /* the input folder cannot be read */
  PP_BATCH_ERROR_OUTPUT,      /* the output folder cannot be created or is not a folder */
  PP_BATCH_ERROR_BUSY,        /* a run is already in progress */
} PpBatchError;

typedef enum
{
  PP_COLLISION_RENAME,        /* photo.jpg exists: write "photo (1).jpg" */
  PP_COLLISION_SKIP,          /* leave the existing file, mark the input skipped */
  PP_COLLISION_OVERWRITE,     /* replace it atomically (never an input, unless in-place) */
} PpCollision;

#define PP_TYPE_COLLISION (pp_collision_get_type ())

/* The modification time an output gets (--timestamps). */
typedef enum
{
  PP_TIMESTAMPS_KEEP,         /* its input's, so the folder still sorts by when photos were taken */
  PP_TIMESTAMPS_NOW,          /* the time it was written */
} PpTimestamps;

#define PP_TYPE_TIMESTAMPS (pp_timestamps_get_type ())
#define PP_BATCH_DEFAULT_BACKGROUND "#ffffff"

#define PP_BATCH_DEFAULT_TEMPLATE "{name}.{ext}"
#define PP_BATCH_DEFAULT_OUTPUT_NAME "processed"

/* One input found by listing, in the batch's stable sorted order. */
typedef struct
{
  char *path;       /* absolute */
  char *relative;   /* to the input folder ("sub/photo.jpg"), or the basename for explicit files */
} PpBatchInput;

#define PP_TYPE_BATCH (pp_batch_get_type ())

G_DECLARE_FINAL_TYPE (PpBatch, pp_batch, PP, BATCH, GObject)

GQuark       pp_batch_error_quark          (void);
GType        pp_collision_get_type         (void) G_GNUC_CONST;
GType        pp_timestamps_get_type        (void) G_GNUC_CONST;

PpBatch     *pp_batch_new                  (void);

/* Properties (all readable and writable; each setter has a property of the same name):
 *   input-folder    GFile*       the folder to process (or use set_files)
 *   files           GStrv        explicit input paths instead of a folder (processed as given)
 *   output-folder   GFile*       default: "processed" inside the input folder
 *   name-template   char*        "{name}.{ext}"; also {n} (1-based position) and {date}
 *                                (the input's modification date, YYYY-MM-DD)
 *   collision       PpCollision  rename (default), skip, overwrite
 *   format          PpFormat     same (default), jpeg, png, webp, tiff, bmp
 *   quality         int          JPEG/WebP quality 1..100, default 90
 *   pipeline        PpPipeline*  the filters (copied when a run starts); default: none
 *   mode            PpBatchMode  serial or parallel (default)
 *   threads         guint        workers in parallel mode; 0 = number of processors
 *   recursive       gboolean     descend into sub-folders, keeping their structure
 *   shard-index     guint        0-based K of --shard K+1/N
 *   shard-count     guint        N; 1 (default) means no sharding
 *   max-megapixels  double       refuse larger images from the header; default 128, 0 = none
 *   keep-orientation gboolean    do not apply EXIF orientation
 *   frames          PpFramesPolicy  all (default: every frame/page where the output holds
 *                                them, else the first with a note), first, fail
 *   damaged         PpDamagedPolicy fail (default: a truncated or damaged file fails, saying
 *                                how), keep (written with the damage in its note)
 *   in-place        gboolean     allow an output to replace its own input
 *   metadata        PpMetadataPolicy  keep (default: EXIF, XMP, IPTC normalised), strip,
 *                                strip-gps
 *   timestamps      PpTimestamps keep (default: the input's modification time), now
 *   background      char*        the colour transparent pixels are laid over where the output
 *                                format has no alpha (pp_color_parse()); default "#ffffff"
 *   resume          gboolean     skip what the output folder's manifests say is done, and
 *                                keep this run's manifest there (docs/CLUSTER.md)
 *   manifest        GFile*       also write the run's manifest (JSON lines) here; default none
 *   running         gboolean     (read-only) a run is in progress
 */
void         pp_batch_set_input_folder     (PpBatch             *self,
                                            GFile               *folder);
void         pp_batch_set_files            (PpBatch             *self,
                                            const char * const  *paths);
void         pp_batch_set_output_folder    (PpBatch             *self,
                                            GFile               *folder);
GFile       *pp_batch_get_output_folder    (PpBatch             *self);
void         pp_batch_set_name_template    (PpBatch             *self,
                                            const char          *name_template);
void         pp_batch_set_collision        (PpBatch             *self,
                                            PpCollision          collision);
void         pp_batch_set_format           (PpBatch             *self,
                                            PpFormat             format);
void         pp_batch_set_quality          (PpBatch             *self,
                                            int                  quality);
void         pp_batch_set_pipeline         (PpBatch             *self,
                                            PpPipeline          *pipeline);
void         pp_batch_set_mode             (PpBatch             *self,
                                            PpBatchMode          mode);
void         pp_batch_set_threads          (PpBatch             *self,
                                            guint                threads);
void         pp_batch_set_recursive        (PpBatch             *self,
                                            gboolean             recursive);
void         pp_batch_set_shard            (PpBatch             *self,
                                            guint                index,
                                            guint                count);
void         pp_batch_set_max_megapixels   (PpBatch             *self,
                                            double               max_megapixels);
void         pp_batch_set_keep_orientation (PpBatch             *self,
                                            gboolean             keep_orientation);
void         pp_batch_set_frames           (PpBatch             *self,
                                            PpFramesPolicy       frames);
void         pp_batch_set_damaged          (PpBatch             *self,
                                            PpDamagedPolicy      damaged);
void         pp_batch_set_in_place         (PpBatch             *self,
                                            gboolean             in_place);
void         pp_batch_set_metadata         (PpBatch             *self,
                                            PpMetadataPolicy     policy);
void         pp_batch_set_timestamps       (PpBatch             *self,
                                            PpTimestamps         timestamps);
void         pp_batch_set_background       (PpBatch             *self,
                                            const char          *color);
void         pp_batch_set_resume           (PpBatch             *self,
                                            gboolean             resume);
void         pp_batch_set_manifest         (PpBatch             *self,
                                            GFile               *file);
/* Folders never to descend into or take inputs from (besides the output folder itself), e.g.
 * the other half of a compare run. Not a property: set it before a run. */
void         pp_batch_set_excluded_folders (PpBatch             *self,
                                            const char * const  *paths);
gboolean     pp_batch_get_running          (PpBatch             *self);
gboolean     pp_batch_check                (PpBatch             *self,
                                            GError             **error);
/* Threads a run will use: 1 in serial mode, else the threads property (or the processors). */
guint        pp_batch_get_effective_threads (PpBatch            *self);

/* Lists the inputs without processing anything (for a window's file list): a GPtrArray of
 * PpBatchInput in the batch's order, sharding applied. */
void         pp_batch_list_files_async     (PpBatch             *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GPtrArray   *pp_batch_list_files_finish    (PpBatch             *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* Runs the batch. While it runs, pp_batch_get_progress() emits "changed" on the caller's main
 * context and pp_batch_get_run() grows; the final progress update is delivered before
 * @callback runs. Cancelling @cancellable abandons files in flight cleanly (nothing partial is
 * left); the run then finishes with its cancelled flag set, and run_finish still returns it.
 * Cancelled while the folder is still being listed, the run has no files and its cancelled flag
 * set. Fails (returns %NULL) only when the batch could not start: invalid configuration
 * (PP_BATCH_ERROR_INVALID, naming the property), unreadable input folder or unusable output
 * folder. */
void         pp_batch_run_async            (PpBatch             *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
PpRun       *pp_batch_run_finish           (PpBatch             *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* (transfer none) (nullable): the progress and record of the current or last run. */
PpProgress  *pp_batch_get_progress         (PpBatch             *self);
PpRun       *pp_batch_get_run              (PpBatch             *self);

void         pp_batch_input_free           (PpBatchInput        *input);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpBatchInput, pp_batch_input_free)

G_END_DECLS
