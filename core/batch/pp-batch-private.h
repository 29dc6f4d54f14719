/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals shared by pp-batch.c (the object), pp-batch-config.c (its setters and the frozen
 * configuration), pp-batch-listing.c (listing the inputs and deciding every output name before
 * any file is processed) and pp-batch-run.c (the workers).
 */
#pragma once

#include "batch/pp-batch.h"

G_BEGIN_DECLS

typedef struct _PpBatchJournal PpBatchJournal;  /* pp-batch-journal.h */

/* The object's fields, shared by pp-batch.c (the GObject) and pp-batch-config.c (its setters and
 * freezing). Main thread only. */
struct _PpBatch
{
  GObject parent_instance;

  GFile *input_folder;
  GStrv files;
  GFile *output_folder;
  char *name_template;
  PpCollision collision;
  PpFormat format;
  int quality;
  PpPipeline *pipeline;
  PpBatchMode mode;
  guint threads;
  gboolean recursive;
  guint shard_index;
  guint shard_count;
  double max_megapixels;
  gboolean keep_orientation;
  PpFramesPolicy frames;
  PpDamagedPolicy damaged;
  gboolean in_place;
  PpMetadataPolicy metadata;
  PpTimestamps timestamps;
  char *background;
  gboolean resume;
  GFile *manifest;
  GStrv excluded;

  gboolean running;
  PpProgress *progress;
  PpRun *run;
};

/* PpBatch's properties; _pp_batch_properties[] holds their specs (pp-batch.c). */
typedef enum
{
  PP_BATCH_PROP_0,
  PP_BATCH_PROP_INPUT_FOLDER,
  PP_BATCH_PROP_FILES,
  PP_BATCH_PROP_OUTPUT_FOLDER,
  PP_BATCH_PROP_NAME_TEMPLATE,
  PP_BATCH_PROP_COLLISION,
  PP_BATCH_PROP_FORMAT,
  PP_BATCH_PROP_QUALITY,
  PP_BATCH_PROP_PIPELINE,
  PP_BATCH_PROP_MODE,
  PP_BATCH_PROP_THREADS,
  PP_BATCH_PROP_RECURSIVE,
  PP_BATCH_PROP_SHARD_INDEX,
  PP_BATCH_PROP_SHARD_COUNT,
  PP_BATCH_PROP_MAX_MEGAPIXELS,
  PP_BATCH_PROP_KEEP_ORIENTATION,
  PP_BATCH_PROP_FRAMES,
  PP_BATCH_PROP_DAMAGED,
  PP_BATCH_PROP_IN_PLACE,
  PP_BATCH_PROP_METADATA,
  PP_BATCH_PROP_TIMESTAMPS,
  PP_BATCH_PROP_BACKGROUND,
  PP_BATCH_PROP_RESUME,
  PP_BATCH_PROP_MANIFEST,
  PP_BATCH_PROP_RUNNING,
  PP_BATCH_N_PROPS
} PpBatchProperty;

extern GParamSpec *_pp_batch_properties[PP_BATCH_N_PROPS];

/* The configuration as frozen when a run (or a listing) starts; read-only afterwards, shared
 * with the listing thread and the workers. */
typedef struct
{
  char *input_dir;        /* (nullable) absolute */
  GStrv files;            /* (nullable) absolute */
  char *output_dir;       /* absolute */
  char *name_template;
  PpCollision collision;
  PpBatchMode mode;
  PpFormat format;
  int quality;
  PpPipeline *pipeline;
  guint threads;
  gboolean recursive;
  guint shard_index;
  guint shard_count;
  double max_megapixels;
  gboolean keep_orientation;
  PpFramesPolicy frames;
  PpDamagedPolicy damaged;
  gboolean in_place;
  PpMetadataPolicy metadata;
  PpTimestamps timestamps;
  PpColor background;
  gboolean resume;        /* skip what the output folder's manifests say is done */
  char *manifest;         /* (nullable) --manifest FILE */
  GStrv excluded;         /* (nullable) */
} PpBatchConfig;

/* One input of a run, its output decided up front (pp-batch-listing.c). */
typedef struct
{
  guint index;         /* in the sorted list, before sharding */
  char *input;
  char *display;       /* relative name, for progress */
  char *output;        /* (nullable) */
  PpFormat format;
  gboolean overwrite;
  PpFileStatus pre_status; /* SKIPPED or FAILED when decided while listing */
  gboolean decided;
  char *reason;
  char *note;
  gboolean resumed;    /* done by an earlier run (--resume): decided SKIPPED, not processed */
  char *sha256;        /* (nullable) resumed: the earlier output's checksum */
} PpBatchFile;

/* What listing found: every input (for list_files) and, for a run, each file to process. */
typedef struct
{
  GPtrArray *files;     /* of PpBatchFile, in input order; empty unless listed for a run */
  GPtrArray *inputs;    /* of PpBatchInput */
  guint n_ignored;
  guint n_listed;       /* inputs in the whole sorted list, before sharding */
  PpBatchJournal *journal; /* (nullable) manifests, with resume or manifest set */
} PpBatchListing;

/* pp-batch-config.c, main thread */
PpBatchConfig  *_pp_batch_freeze_config     (PpBatch              *self,
                                             GError              **error);

/* pp-batch.c, main thread: the "running" property and the current run, for pp-batch-run.c */
void            _pp_batch_begin_run         (PpBatch              *self,
                                             PpRun                *run);
void            _pp_batch_end_run           (PpBatch              *self,
                                             gboolean              keep_run);

/* The values of a name template's fields for one input (pp-batch-naming.c). */
typedef struct
{
  const char *name;   /* the input's name without extension */
  const char *ext;    /* the output's extension */
  guint n;            /* 1-based position in the sorted list */
  char *date;         /* "2023-07-14": EXIF DateTimeOriginal, else the file's time */
  char *time;         /* "18-05-09" */
  char *camera;       /* "Canon EOS R5" */
  int width;          /* the output's size; 0 when unknown */
  int height;
} PpNameFields;

/* pp-batch-naming.c, any thread */
gboolean        _pp_batch_validate_template (const char           *tmpl,
                                             PpFormat              format,
                                             GError              **error);
gboolean        _pp_batch_template_uses     (const char           *tmpl,
                                             const char           *field);
char           *_pp_batch_expand_template   (const char           *tmpl,
                                             const PpNameFields   *fields,
                                             GError              **error);
void            _pp_batch_name_fields_read  (const PpBatchConfig  *config,
                                             const char           *path,
                                             gint64                mtime,
                                             PpNameFields         *fields);
void            _pp_batch_name_fields_clear (PpNameFields         *fields);

/* pp-batch-listing.c, any thread */
void            _pp_batch_config_free       (PpBatchConfig        *config);
PpBatchListing *_pp_batch_listing_new       (const PpBatchConfig  *config,
                                             gboolean              for_run,
                                             GCancellable         *cancellable,
                                             GError              **error);
void            _pp_batch_listing_free      (PpBatchListing       *listing);

/* pp-batch-frames.c */
gboolean        _pp_batch_wants_all_frames  (const PpBatchConfig  *config,
                                             PpFormat              format);
void            _pp_batch_add_note          (char                **note,
                                             const char           *text);
gboolean        _pp_batch_decide_frames     (const PpBatchConfig  *config,
                                             PpFormat              format,
                                             PpImageInfo          *info,
                                             char                **note,
                                             GError              **error);
gboolean        _pp_batch_run_frames        (PpPipeline           *pipeline,
                                             PpPlan               *first_plan,
                                             GPtrArray            *frames,
                                             PpImage              *first_result,
                                             guint                 n_helpers,
                                             GCancellable         *cancellable,
                                             GArray              **out,
                                             GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpBatchConfig, _pp_batch_config_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpNameFields, _pp_batch_name_fields_clear)

G_END_DECLS
