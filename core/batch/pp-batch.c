/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpBatch: the batch engine's object — its configuration as properties (their setters and the
 * frozen PpBatchConfig are in pp-batch-config.c), its PpProgress and its current PpRun. Listing
 * the inputs is in pp-batch-listing.c, running them on the pool in pp-batch-run.c.
 */
#define G_LOG_DOMAIN "pp-batch"

#include "config.h"

#include "batch/pp-batch-private.h"
#include "render/pp-scheduler.h"

G_DEFINE_QUARK (pp-batch-error-quark, pp_batch_error)

G_DEFINE_ENUM_TYPE (PpCollision, pp_collision,
  G_DEFINE_ENUM_VALUE (PP_COLLISION_RENAME, "rename"),
  G_DEFINE_ENUM_VALUE (PP_COLLISION_SKIP, "skip"),
  G_DEFINE_ENUM_VALUE (PP_COLLISION_OVERWRITE, "overwrite"))

G_DEFINE_ENUM_TYPE (PpTimestamps, pp_timestamps,
  G_DEFINE_ENUM_VALUE (PP_TIMESTAMPS_KEEP, "keep"),
  G_DEFINE_ENUM_VALUE (PP_TIMESTAMPS_NOW, "now"))

GParamSpec *_pp_batch_properties[PP_BATCH_N_PROPS];

G_DEFINE_FINAL_TYPE (PpBatch, pp_batch, G_TYPE_OBJECT)

static void
on_progress_changed (PpProgress               *progress,
                     const PpProgressSnapshot *snapshot,
                     GPtrArray                *results,
                     gpointer                  user_data)
{
  PpBatch *self = user_data;

  if (self->run == NULL)
    return;
  for (guint i = 0; i < results->len; i++)
    pp_run_append (self->run, g_ptr_array_index (results, i));
}

/* ------------------------------------------------------------------------------------------ */
/* Run bookkeeping for pp-batch-run.c (main thread) */

void
_pp_batch_begin_run (PpBatch *self,
                     PpRun   *run)
{
  g_set_object (&self->run, run);
  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_RUNNING]);
}

/* @keep_run: FALSE when the run never started (its record is meaningless) */
void
_pp_batch_end_run (PpBatch  *self,
                   gboolean  keep_run)
{
  if (!keep_run)
    g_clear_object (&self->run);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_RUNNING]);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject */

static void
pp_batch_dispose (GObject *object)
{
  PpBatch *self = PP_BATCH (object);

  if (self->progress != NULL)
    g_signal_handlers_disconnect_by_data (self->progress, self);
  g_clear_object (&self->progress);
  g_clear_object (&self->run);
  g_clear_object (&self->pipeline);
  g_clear_object (&self->input_folder);
  g_clear_object (&self->output_folder);
  g_clear_object (&self->manifest);

  G_OBJECT_CLASS (pp_batch_parent_class)->dispose (object);
}

static void
pp_batch_finalize (GObject *object)
{
  PpBatch *self = PP_BATCH (object);

  g_strfreev (self->files);
  g_strfreev (self->excluded);
  g_free (self->name_template);
  g_free (self->background);

  G_OBJECT_CLASS (pp_batch_parent_class)->finalize (object);
}

static void
pp_batch_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  PpBatch *self = PP_BATCH (object);

  switch (prop_id)
    {
    case PP_BATCH_PROP_INPUT_FOLDER:
      g_value_set_object (value, self->input_folder);
      break;
    case PP_BATCH_PROP_FILES:
      g_value_set_boxed (value, self->files);
      break;
    case PP_BATCH_PROP_OUTPUT_FOLDER:
      g_value_set_object (value, self->output_folder);
      break;
    case PP_BATCH_PROP_NAME_TEMPLATE:
      g_value_set_string (value, self->name_template);
      break;
    case PP_BATCH_PROP_COLLISION:
      g_value_set_enum (value, self->collision);
      break;
    case PP_BATCH_PROP_FORMAT:
      g_value_set_enum (value, self->format);
      break;
    case PP_BATCH_PROP_QUALITY:
      g_value_set_int (value, self->quality);
      break;
    case PP_BATCH_PROP_PIPELINE:
      g_value_set_object (value, self->pipeline);
      break;
    case PP_BATCH_PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PP_BATCH_PROP_THREADS:
      g_value_set_uint (value, self->threads);
      break;
    case PP_BATCH_PROP_RECURSIVE:
      g_value_set_boolean (value, self->recursive);
      break;
    case PP_BATCH_PROP_SHARD_INDEX:
      g_value_set_uint (value, self->shard_index);
      break;
    case PP_BATCH_PROP_SHARD_COUNT:
      g_value_set_uint (value, self->shard_count);
      break;
    case PP_BATCH_PROP_MAX_MEGAPIXELS:
      g_value_set_double (value, self->max_megapixels);
      break;
    case PP_BATCH_PROP_KEEP_ORIENTATION:
      g_value_set_boolean (value, self->keep_orientation);
      break;
    case PP_BATCH_PROP_FRAMES:
      g_value_set_enum (value, self->frames);
      break;
    case PP_BATCH_PROP_DAMAGED:
      g_value_set_enum (value, self->damaged);
      break;
    case PP_BATCH_PROP_IN_PLACE:
      g_value_set_boolean (value, self->in_place);
      break;
    case PP_BATCH_PROP_METADATA:
      g_value_set_enum (value, self->metadata);
      break;
    case PP_BATCH_PROP_TIMESTAMPS:
      g_value_set_enum (value, self->timestamps);
      break;
    case PP_BATCH_PROP_BACKGROUND:
      g_value_set_string (value, self->background);
      break;
    case PP_BATCH_PROP_RESUME:
      g_value_set_boolean (value, self->resume);
      break;
    case PP_BATCH_PROP_MANIFEST:
      g_value_set_object (value, self->manifest);
      break;
    case PP_BATCH_PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_batch_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  PpBatch *self = PP_BATCH (object);

  switch (prop_id)
    {
    case PP_BATCH_PROP_INPUT_FOLDER:
      pp_batch_set_input_folder (self, g_value_get_object (value));
      break;
    case PP_BATCH_PROP_FILES:
      pp_batch_set_files (self, g_value_get_boxed (value));
      break;
    case PP_BATCH_PROP_OUTPUT_FOLDER:
      pp_batch_set_output_folder (self, g_value_get_object (value));
      break;
    case PP_BATCH_PROP_NAME_TEMPLATE:
      pp_batch_set_name_template (self, g_value_get_string (value));
      break;
    case PP_BATCH_PROP_COLLISION:
      pp_batch_set_collision (self, g_value_get_enum (value));
      break;
    case PP_BATCH_PROP_FORMAT:
      pp_batch_set_format (self, g_value_get_enum (value));
      break;
    case PP_BATCH_PROP_QUALITY:
      pp_batch_set_quality (self, g_value_get_int (value));
      break;
    case PP_BATCH_PROP_PIPELINE:
      pp_batch_set_pipeline (self, g_value_get_object (value));
      break;
    case PP_BATCH_PROP_MODE:
      pp_batch_set_mode (self, g_value_get_enum (value));
      break;
    case PP_BATCH_PROP_THREADS:
      pp_batch_set_threads (self, g_value_get_uint (value));
      break;
    case PP_BATCH_PROP_RECURSIVE:
      pp_batch_set_recursive (self, g_value_get_boolean (value));
      break;
    case PP_BATCH_PROP_SHARD_INDEX:
      pp_batch_set_shard (self, g_value_get_uint (value), self->shard_count);
      break;
    case PP_BATCH_PROP_SHARD_COUNT:
      pp_batch_set_shard (self, self->shard_index, g_value_get_uint (value));
      break;
    case PP_BATCH_PROP_MAX_MEGAPIXELS:
      pp_batch_set_max_megapixels (self, g_value_get_double (value));
      break;
    case PP_BATCH_PROP_KEEP_ORIENTATION:
      pp_batch_set_keep_orientation (self, g_value_get_boolean (value));
      break;
    case PP_BATCH_PROP_FRAMES:
      pp_batch_set_frames (self, g_value_get_enum (value));
      break;
    case PP_BATCH_PROP_DAMAGED:
      pp_batch_set_damaged (self, g_value_get_enum (value));
      break;
    case PP_BATCH_PROP_IN_PLACE:
      pp_batch_set_in_place (self, g_value_get_boolean (value));
      break;
    case PP_BATCH_PROP_METADATA:
      pp_batch_set_metadata (self, g_value_get_enum (value));
      break;
    case PP_BATCH_PROP_TIMESTAMPS:
      pp_batch_set_timestamps (self, g_value_get_enum (value));
      break;
    case PP_BATCH_PROP_BACKGROUND:
      pp_batch_set_background (self, g_value_get_string (value));
      break;
    case PP_BATCH_PROP_RESUME:
      pp_batch_set_resume (self, g_value_get_boolean (value));
      break;
    case PP_BATCH_PROP_MANIFEST:
      pp_batch_set_manifest (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_batch_class_init (PpBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamSpec **props = _pp_batch_properties;

  object_class->dispose = pp_batch_dispose;
  object_class->finalize = pp_batch_finalize;
  object_class->get_property = pp_batch_get_property;
  object_class->set_property = pp_batch_set_property;

  props[PP_BATCH_PROP_INPUT_FOLDER] =
    g_param_spec_object ("input-folder", NULL, NULL, G_TYPE_FILE, rw);
  props[PP_BATCH_PROP_FILES] = g_param_spec_boxed ("files", NULL, NULL, G_TYPE_STRV, rw);
  props[PP_BATCH_PROP_OUTPUT_FOLDER] =
    g_param_spec_object ("output-folder", NULL, NULL, G_TYPE_FILE, rw);
  props[PP_BATCH_PROP_NAME_TEMPLATE] =
    g_param_spec_string ("name-template", NULL, NULL, PP_BATCH_DEFAULT_TEMPLATE, rw);
  props[PP_BATCH_PROP_COLLISION] =
    g_param_spec_enum ("collision", NULL, NULL, PP_TYPE_COLLISION, PP_COLLISION_RENAME, rw);
  props[PP_BATCH_PROP_FORMAT] =
    g_param_spec_enum ("format", NULL, NULL, PP_TYPE_FORMAT, PP_FORMAT_SAME, rw);
  props[PP_BATCH_PROP_QUALITY] =
    g_param_spec_int ("quality", NULL, NULL, 1, 100, PP_IO_DEFAULT_JPEG_QUALITY, rw);
  props[PP_BATCH_PROP_PIPELINE] =
    g_param_spec_object ("pipeline", NULL, NULL, PP_TYPE_PIPELINE, rw);
  props[PP_BATCH_PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, PP_TYPE_BATCH_MODE, PP_BATCH_MODE_PARALLEL, rw);
  props[PP_BATCH_PROP_THREADS] =
    g_param_spec_uint ("threads", NULL, NULL, 0, PP_SCHEDULER_MAX_THREADS, 0, rw);
  props[PP_BATCH_PROP_RECURSIVE] = g_param_spec_boolean ("recursive", NULL, NULL, FALSE, rw);
  props[PP_BATCH_PROP_SHARD_INDEX] =
    g_param_spec_uint ("shard-index", NULL, NULL, 0, G_MAXUINT, 0, rw);
  props[PP_BATCH_PROP_SHARD_COUNT] =
    g_param_spec_uint ("shard-count", NULL, NULL, 1, G_MAXUINT, 1, rw);
  props[PP_BATCH_PROP_MAX_MEGAPIXELS] =
    g_param_spec_double ("max-megapixels", NULL, NULL, 0, G_MAXDOUBLE,
                         PP_IO_DEFAULT_MAX_MEGAPIXELS, rw);
  props[PP_BATCH_PROP_KEEP_ORIENTATION] =
    g_param_spec_boolean ("keep-orientation", NULL, NULL, FALSE, rw);
  props[PP_BATCH_PROP_FRAMES] =
    g_param_spec_enum ("frames", NULL, NULL, PP_TYPE_FRAMES_POLICY, PP_FRAMES_ALL, rw);
  props[PP_BATCH_PROP_DAMAGED] =
    g_param_spec_enum ("damaged", NULL, NULL, PP_TYPE_DAMAGED_POLICY, PP_DAMAGED_FAIL, rw);
  props[PP_BATCH_PROP_IN_PLACE] = g_param_spec_boolean ("in-place", NULL, NULL, FALSE, rw);
  props[PP_BATCH_PROP_METADATA] =
    g_param_spec_enum ("metadata", NULL, NULL, PP_TYPE_METADATA_POLICY, PP_METADATA_KEEP, rw);
  props[PP_BATCH_PROP_TIMESTAMPS] =
    g_param_spec_enum ("timestamps", NULL, NULL, PP_TYPE_TIMESTAMPS, PP_TIMESTAMPS_KEEP, rw);
  props[PP_BATCH_PROP_BACKGROUND] =
    g_param_spec_string ("background", NULL, NULL, PP_BATCH_DEFAULT_BACKGROUND, rw);
  props[PP_BATCH_PROP_RESUME] = g_param_spec_boolean ("resume", NULL, NULL, FALSE, rw);
  props[PP_BATCH_PROP_MANIFEST] = g_param_spec_object ("manifest", NULL, NULL, G_TYPE_FILE, rw);
  props[PP_BATCH_PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, PP_BATCH_N_PROPS, props);
}

static void
pp_batch_init (PpBatch *self)
{
  self->name_template = g_strdup (PP_BATCH_DEFAULT_TEMPLATE);
  self->collision = PP_COLLISION_RENAME;
  self->format = PP_FORMAT_SAME;
  self->quality = PP_IO_DEFAULT_JPEG_QUALITY;
  self->mode = PP_BATCH_MODE_PARALLEL;
  self->shard_count = 1;
  self->max_megapixels = PP_IO_DEFAULT_MAX_MEGAPIXELS;
  self->background = g_strdup (PP_BATCH_DEFAULT_BACKGROUND);
  self->progress = pp_progress_new ();
  g_signal_connect (self->progress, "changed", G_CALLBACK (on_progress_changed), self);
}

/**
 * pp_batch_new:
 *
 * Configure the batch with its properties (or setters) on the main thread, then run it with
 * pp_batch_run_async(); a batch can run again once a run has finished.
 *
 * Returns: (transfer full): a batch with the defaults: parallel on every processor, the input's
 *   own format, "{name}.{ext}", rename on collision, metadata kept, 128-megapixel limit
 */
PpBatch *
pp_batch_new (void)
{
  return g_object_new (PP_TYPE_BATCH, NULL);
}

/**
 * pp_batch_get_progress:
 * @self: a batch
 *
 * Returns: (transfer none): the batch's progress coalescer; its "changed" signal is emitted on
 *   the main context of the thread that made the batch, during a run
 */
PpProgress *
pp_batch_get_progress (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  return self->progress;
}

/**
 * pp_batch_get_run:
 * @self: a batch
 *
 * Returns: (transfer none) (nullable): the record of the current run (it grows live, a
 *   GListModel of PpFileResult) or of the last one; %NULL before the first run started
 */
PpRun *
pp_batch_get_run (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  return self->run;
}

/**
 * pp_batch_get_running:
 * @self: a batch
 *
 * Returns: whether a run is in progress (the read-only "running" property)
 */
gboolean
pp_batch_get_running (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), FALSE);
  return self->running;
}
