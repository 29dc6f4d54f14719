/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpBatch: the batch engine's object — its configuration as properties (notified on change,
 * frozen into a PpBatchConfig when a run starts), its PpProgress and its current PpRun. Listing
 * the inputs is in pp-batch-listing.c, running them on the pool in pp-batch-run.c.
 */
#define G_LOG_DOMAIN "pp-batch"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "batch/pp-batch-private.h"
#include "render/pp-plan.h"
#include "render/pp-scheduler.h"

G_DEFINE_QUARK (pp-batch-error-quark, pp_batch_error)

G_DEFINE_ENUM_TYPE (PpCollision, pp_collision,
  G_DEFINE_ENUM_VALUE (PP_COLLISION_RENAME, "rename"),
  G_DEFINE_ENUM_VALUE (PP_COLLISION_SKIP, "skip"),
  G_DEFINE_ENUM_VALUE (PP_COLLISION_OVERWRITE, "overwrite"))

G_DEFINE_ENUM_TYPE (PpTimestamps, pp_timestamps,
  G_DEFINE_ENUM_VALUE (PP_TIMESTAMPS_KEEP, "keep"),
  G_DEFINE_ENUM_VALUE (PP_TIMESTAMPS_NOW, "now"))

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

enum
{
  PROP_0,
  PROP_INPUT_FOLDER,
  PROP_FILES,
  PROP_OUTPUT_FOLDER,
  PROP_NAME_TEMPLATE,
  PROP_COLLISION,
  PROP_FORMAT,
  PROP_QUALITY,
  PROP_PIPELINE,
  PROP_MODE,
  PROP_THREADS,
  PROP_RECURSIVE,
  PROP_SHARD_INDEX,
  PROP_SHARD_COUNT,
  PROP_MAX_MEGAPIXELS,
  PROP_KEEP_ORIENTATION,
  PROP_IN_PLACE,
  PROP_METADATA,
  PROP_TIMESTAMPS,
  PROP_BACKGROUND,
  PROP_RESUME,
  PROP_MANIFEST,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PpBatch, pp_batch, G_TYPE_OBJECT)

/* ------------------------------------------------------------------------------------------ */
/* Configuration */

/**
 * pp_batch_get_effective_threads:
 * @self: a batch
 *
 * Returns: the workers a run would use: 1 in serial mode, else the threads property, or
 *   pp_scheduler_get_default_threads() when it is 0; at most PP_SCHEDULER_MAX_THREADS (fewer run
 *   when there are fewer files)
 */
guint
pp_batch_get_effective_threads (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), 1);

  if (self->mode == PP_BATCH_MODE_SERIAL)
    return 1;
  if (self->threads == 0)
    return pp_scheduler_get_default_threads ();
  return MIN (self->threads, PP_SCHEDULER_MAX_THREADS);
}

PpBatchConfig *
_pp_batch_freeze_config (PpBatch  *self,
                         GError  **error)
{
  g_autoptr (PpBatchConfig) config = g_new0 (PpBatchConfig, 1);
  g_autoptr (GError) local_error = NULL;

  if (self->input_folder == NULL && (self->files == NULL || self->files[0] == NULL))
    {
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                   "Nothing to process: set an input folder or a list of files");
      return NULL;
    }
  if (self->shard_count == 0 || self->shard_index >= self->shard_count)
    {
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                   "shard %u/%u does not exist: K must be between 1 and N", self->shard_index + 1,
                   self->shard_count);
      return NULL;
    }
  if (!_pp_batch_validate_template (self->name_template, error))
    return NULL;
  if (self->format != PP_FORMAT_SAME && !pp_format_can_save (self->format))
    {
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                   "This system cannot write %s files (format)",
                   pp_format_to_string (self->format));
      return NULL;
    }

  if (self->input_folder != NULL)
    config->input_dir = g_file_get_path (self->input_folder);
  if (self->files != NULL && self->files[0] != NULL)
    {
      guint n = g_strv_length (self->files);

      config->files = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        config->files[i] = g_canonicalize_filename (self->files[i], NULL);
    }
  if (self->output_folder != NULL)
    config->output_dir = g_file_get_path (self->output_folder);
  else if (self->in_place && config->input_dir != NULL)
    config->output_dir = g_strdup (config->input_dir);
  else
    {
      g_autofree char *parent = config->input_dir != NULL ? g_strdup (config->input_dir)
                                                          : g_path_get_dirname (config->files[0]);

      config->output_dir = g_build_filename (parent, PP_BATCH_DEFAULT_OUTPUT_NAME, NULL);
    }
  if ((self->input_folder != NULL && config->input_dir == NULL) || config->output_dir == NULL)
    {
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                   "Input and output folders must be local folders");
      return NULL;
    }
  config->name_template = g_strdup (self->name_template);
  config->collision = self->collision;
  config->format = self->format;
  config->quality = self->quality;
  config->pipeline = self->pipeline != NULL ? pp_pipeline_copy (self->pipeline)
                                             : pp_pipeline_new ();
  config->mode = self->mode;
  config->threads = pp_batch_get_effective_threads (self);
  config->recursive = self->recursive;
  config->shard_index = self->shard_index;
  config->shard_count = self->shard_count;
  config->max_megapixels = self->max_megapixels;
  config->keep_orientation = self->keep_orientation;
  config->in_place = self->in_place;
  config->metadata = self->metadata;
  config->timestamps = self->timestamps;
  if (!pp_color_parse (self->background, &config->background, &local_error))
    {
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID, "%s (background)",
                   local_error->message);
      return NULL;
    }
  config->resume = self->resume;
  config->manifest = self->manifest != NULL ? g_file_get_path (self->manifest) : NULL;
  config->excluded = g_strdupv (self->excluded);
  return g_steal_pointer (&config);
}

/**
 * pp_batch_check:
 *
 * Checks the configuration the way a run does when it starts (inputs set, shard, name
 * template, output format, local folders), without touching the disk, so a window can refuse
 * a run before it creates an output folder. Main thread.
 *
 * Returns: %FALSE with @error set (PP_BATCH_ERROR_INVALID, naming what is wrong) when a run
 *   would not start
 */
gboolean
pp_batch_check (PpBatch  *self,
                GError  **error)
{
  g_autoptr (PpBatchConfig) config = NULL;

  g_return_val_if_fail (PP_IS_BATCH (self), FALSE);

  config = _pp_batch_freeze_config (self, error);
  return config != NULL;
}

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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* @keep_run: FALSE when the run never started (its record is meaningless) */
void
_pp_batch_end_run (PpBatch  *self,
                   gboolean  keep_run)
{
  if (!keep_run)
    g_clear_object (&self->run);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
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
    case PROP_INPUT_FOLDER:
      g_value_set_object (value, self->input_folder);
      break;
    case PROP_FILES:
      g_value_set_boxed (value, self->files);
      break;
    case PROP_OUTPUT_FOLDER:
      g_value_set_object (value, self->output_folder);
      break;
    case PROP_NAME_TEMPLATE:
      g_value_set_string (value, self->name_template);
      break;
    case PROP_COLLISION:
      g_value_set_enum (value, self->collision);
      break;
    case PROP_FORMAT:
      g_value_set_enum (value, self->format);
      break;
    case PROP_QUALITY:
      g_value_set_int (value, self->quality);
      break;
    case PROP_PIPELINE:
      g_value_set_object (value, self->pipeline);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_THREADS:
      g_value_set_uint (value, self->threads);
      break;
    case PROP_RECURSIVE:
      g_value_set_boolean (value, self->recursive);
      break;
    case PROP_SHARD_INDEX:
      g_value_set_uint (value, self->shard_index);
      break;
    case PROP_SHARD_COUNT:
      g_value_set_uint (value, self->shard_count);
      break;
    case PROP_MAX_MEGAPIXELS:
      g_value_set_double (value, self->max_megapixels);
      break;
    case PROP_KEEP_ORIENTATION:
      g_value_set_boolean (value, self->keep_orientation);
      break;
    case PROP_IN_PLACE:
      g_value_set_boolean (value, self->in_place);
      break;
    case PROP_METADATA:
      g_value_set_enum (value, self->metadata);
      break;
    case PROP_TIMESTAMPS:
      g_value_set_enum (value, self->timestamps);
      break;
    case PROP_BACKGROUND:
      g_value_set_string (value, self->background);
      break;
    case PROP_RESUME:
      g_value_set_boolean (value, self->resume);
      break;
    case PROP_MANIFEST:
      g_value_set_object (value, self->manifest);
      break;
    case PROP_RUNNING:
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
    case PROP_INPUT_FOLDER:
      pp_batch_set_input_folder (self, g_value_get_object (value));
      break;
    case PROP_FILES:
      pp_batch_set_files (self, g_value_get_boxed (value));
      break;
    case PROP_OUTPUT_FOLDER:
      pp_batch_set_output_folder (self, g_value_get_object (value));
      break;
    case PROP_NAME_TEMPLATE:
      pp_batch_set_name_template (self, g_value_get_string (value));
      break;
    case PROP_COLLISION:
      pp_batch_set_collision (self, g_value_get_enum (value));
      break;
    case PROP_FORMAT:
      pp_batch_set_format (self, g_value_get_enum (value));
      break;
    case PROP_QUALITY:
      pp_batch_set_quality (self, g_value_get_int (value));
      break;
    case PROP_PIPELINE:
      pp_batch_set_pipeline (self, g_value_get_object (value));
      break;
    case PROP_MODE:
      pp_batch_set_mode (self, g_value_get_enum (value));
      break;
    case PROP_THREADS:
      pp_batch_set_threads (self, g_value_get_uint (value));
      break;
    case PROP_RECURSIVE:
      pp_batch_set_recursive (self, g_value_get_boolean (value));
      break;
    case PROP_SHARD_INDEX:
      pp_batch_set_shard (self, g_value_get_uint (value), self->shard_count);
      break;
    case PROP_SHARD_COUNT:
      pp_batch_set_shard (self, self->shard_index, g_value_get_uint (value));
      break;
    case PROP_MAX_MEGAPIXELS:
      pp_batch_set_max_megapixels (self, g_value_get_double (value));
      break;
    case PROP_KEEP_ORIENTATION:
      pp_batch_set_keep_orientation (self, g_value_get_boolean (value));
      break;
    case PROP_IN_PLACE:
      pp_batch_set_in_place (self, g_value_get_boolean (value));
      break;
    case PROP_METADATA:
      pp_batch_set_metadata (self, g_value_get_enum (value));
      break;
    case PROP_TIMESTAMPS:
      pp_batch_set_timestamps (self, g_value_get_enum (value));
      break;
    case PROP_BACKGROUND:
      pp_batch_set_background (self, g_value_get_string (value));
      break;
    case PROP_RESUME:
      pp_batch_set_resume (self, g_value_get_boolean (value));
      break;
    case PROP_MANIFEST:
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

  object_class->dispose = pp_batch_dispose;
  object_class->finalize = pp_batch_finalize;
  object_class->get_property = pp_batch_get_property;
  object_class->set_property = pp_batch_set_property;

  properties[PROP_INPUT_FOLDER] =
    g_param_spec_object ("input-folder", NULL, NULL, G_TYPE_FILE, rw);
  properties[PROP_FILES] = g_param_spec_boxed ("files", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_OUTPUT_FOLDER] =
    g_param_spec_object ("output-folder", NULL, NULL, G_TYPE_FILE, rw);
  properties[PROP_NAME_TEMPLATE] =
    g_param_spec_string ("name-template", NULL, NULL, PP_BATCH_DEFAULT_TEMPLATE, rw);
  properties[PROP_COLLISION] =
    g_param_spec_enum ("collision", NULL, NULL, PP_TYPE_COLLISION, PP_COLLISION_RENAME, rw);
  properties[PROP_FORMAT] =
    g_param_spec_enum ("format", NULL, NULL, PP_TYPE_FORMAT, PP_FORMAT_SAME, rw);
  properties[PROP_QUALITY] =
    g_param_spec_int ("quality", NULL, NULL, 1, 100, PP_IO_DEFAULT_JPEG_QUALITY, rw);
  properties[PROP_PIPELINE] =
    g_param_spec_object ("pipeline", NULL, NULL, PP_TYPE_PIPELINE, rw);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, PP_TYPE_BATCH_MODE, PP_BATCH_MODE_PARALLEL, rw);
  properties[PROP_THREADS] =
    g_param_spec_uint ("threads", NULL, NULL, 0, PP_SCHEDULER_MAX_THREADS, 0, rw);
  properties[PROP_RECURSIVE] = g_param_spec_boolean ("recursive", NULL, NULL, FALSE, rw);
  properties[PROP_SHARD_INDEX] =
    g_param_spec_uint ("shard-index", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_SHARD_COUNT] =
    g_param_spec_uint ("shard-count", NULL, NULL, 1, G_MAXUINT, 1, rw);
  properties[PROP_MAX_MEGAPIXELS] =
    g_param_spec_double ("max-megapixels", NULL, NULL, 0, G_MAXDOUBLE,
                         PP_IO_DEFAULT_MAX_MEGAPIXELS, rw);
  properties[PROP_KEEP_ORIENTATION] =
    g_param_spec_boolean ("keep-orientation", NULL, NULL, FALSE, rw);
  properties[PROP_IN_PLACE] = g_param_spec_boolean ("in-place", NULL, NULL, FALSE, rw);
  properties[PROP_METADATA] = g_param_spec_enum ("metadata", NULL, NULL, PP_TYPE_METADATA_POLICY,
                                                 PP_METADATA_KEEP, rw);
  properties[PROP_TIMESTAMPS] = g_param_spec_enum ("timestamps", NULL, NULL, PP_TYPE_TIMESTAMPS,
                                                   PP_TIMESTAMPS_KEEP, rw);
  properties[PROP_BACKGROUND] =
    g_param_spec_string ("background", NULL, NULL, PP_BATCH_DEFAULT_BACKGROUND, rw);
  properties[PROP_RESUME] = g_param_spec_boolean ("resume", NULL, NULL, FALSE, rw);
  properties[PROP_MANIFEST] = g_param_spec_object ("manifest", NULL, NULL, G_TYPE_FILE, rw);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
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

/**
 * pp_batch_get_output_folder:
 * @self: a batch
 *
 * Returns: (transfer none) (nullable): the "output-folder" property: %NULL means the default
 *   ("processed" inside the input folder, or the input folder itself with in-place)
 */
GFile *
pp_batch_get_output_folder (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  return self->output_folder;
}

/**
 * pp_batch_set_input_folder:
 * @folder: (nullable): the folder to process (or pp_batch_set_files()); a local folder
 *
 * Sets the "input-folder" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_input_folder (PpBatch *self,
                           GFile   *folder)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (folder == NULL || G_IS_FILE (folder));

  if (g_set_object (&self->input_folder, folder))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INPUT_FOLDER]);
}

/**
 * pp_batch_set_files:
 * @paths: (nullable) (array zero-terminated=1): explicit input paths, processed in the order
 *   given, instead of a folder; %NULL or empty: process the input folder
 *
 * Sets the "files" property (copied), notified only on a change. Main thread.
 */
void
pp_batch_set_files (PpBatch            *self,
                    const char * const *paths)
{
  g_return_if_fail (PP_IS_BATCH (self));

  if (self->files != NULL && paths != NULL
      && g_strv_equal ((const char *const *) self->files, paths))
    return;
  g_strfreev (self->files);
  self->files = g_strdupv ((char **) paths);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILES]);
}

/**
 * pp_batch_set_output_folder:
 * @folder: (nullable): where outputs go, created if missing; %NULL: "processed" inside the input
 *   folder (the input folder itself with in-place)
 *
 * Sets the "output-folder" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_output_folder (PpBatch *self,
                            GFile   *folder)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (folder == NULL || G_IS_FILE (folder));

  if (g_set_object (&self->output_folder, folder))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTPUT_FOLDER]);
}

/**
 * pp_batch_set_name_template:
 * @name_template: (nullable): the output name, with the fields {name} {ext} {n} {date}; %NULL:
 *   "{name}.{ext}". Checked when a run starts (PP_BATCH_ERROR_INVALID)
 *
 * Sets the "name-template" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_name_template (PpBatch    *self,
                            const char *name_template)
{
  g_return_if_fail (PP_IS_BATCH (self));

  if (name_template == NULL)
    name_template = PP_BATCH_DEFAULT_TEMPLATE;
  if (g_strcmp0 (self->name_template, name_template) == 0)
    return;
  g_free (self->name_template);
  self->name_template = g_strdup (name_template);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME_TEMPLATE]);
}

/**
 * pp_batch_set_collision:
 * @collision: what to do when an output name exists
 *
 * Sets the "collision" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_collision (PpBatch     *self,
                        PpCollision  collision)
{
  g_return_if_fail (PP_IS_BATCH (self));

  if (self->collision == collision)
    return;
  self->collision = collision;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLLISION]);
}

/**
 * pp_batch_set_format:
 * @format: the output format; %PP_FORMAT_SAME keeps each input's (PNG where it cannot be written)
 *
 * Sets the "format" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_format (PpBatch  *self,
                     PpFormat  format)
{
  g_return_if_fail (PP_IS_BATCH (self));

  if (self->format == format)
    return;
  self->format = format;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORMAT]);
}

/**
 * pp_batch_set_quality:
 * @quality: JPEG and WebP quality, 1..100
 *
 * Sets the "quality" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_quality (PpBatch *self,
                      int      quality)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (quality >= 1 && quality <= 100);

  if (self->quality == quality)
    return;
  self->quality = quality;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUALITY]);
}

/**
 * pp_batch_set_pipeline:
 * @pipeline: (nullable): the filters (referenced here, copied when a run starts); %NULL: none,
 *   outputs are converted only
 *
 * Sets the "pipeline" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_pipeline (PpBatch    *self,
                       PpPipeline *pipeline)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (pipeline == NULL || PP_IS_PIPELINE (pipeline));

  if (g_set_object (&self->pipeline, pipeline))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PIPELINE]);
}

/**
 * pp_batch_set_mode:
 * @mode: serial (one worker) or parallel (the threads property)
 *
 * Sets the "mode" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_mode (PpBatch     *self,
                   PpBatchMode  mode)
{
  g_return_if_fail (PP_IS_BATCH (self));

  if (self->mode == mode)
    return;
  self->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

/**
 * pp_batch_set_threads:
 * @threads: workers in parallel mode, up to %PP_SCHEDULER_MAX_THREADS; 0:
 *   pp_scheduler_get_default_threads()
 *
 * Sets the "threads" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_threads (PpBatch *self,
                      guint    threads)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (threads <= PP_SCHEDULER_MAX_THREADS);

  if (self->threads == threads)
    return;
  self->threads = threads;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THREADS]);
}

/**
 * pp_batch_set_recursive:
 * @recursive: descend into sub-folders, keeping their structure under the output folder
 *
 * Sets the "recursive" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_recursive (PpBatch  *self,
                        gboolean  recursive)
{
  g_return_if_fail (PP_IS_BATCH (self));

  recursive = !!recursive;
  if (self->recursive == recursive)
    return;
  self->recursive = recursive;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECURSIVE]);
}

/**
 * pp_batch_set_shard:
 * @index: 0-based: the K of --shard K+1/N
 * @count: N, at least 1; 1 processes everything
 *
 * Processes only the files whose position in the sorted list is @index modulo @count. Sets the
 * "shard-index" and "shard-count" properties, each notified only on a change. An @index not
 * below @count is refused when a run starts (PP_BATCH_ERROR_INVALID). Main thread.
 */
void
pp_batch_set_shard (PpBatch *self,
                    guint    index,
                    guint    count)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (count >= 1);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->shard_index != index)
    {
      self->shard_index = index;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARD_INDEX]);
    }
  if (self->shard_count != count)
    {
      self->shard_count = count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARD_COUNT]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * pp_batch_set_max_megapixels:
 * @max_megapixels: refuse images whose header declares more than this many millions of pixels,
 *   before decoding; 0: no limit
 *
 * Sets the "max-megapixels" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_max_megapixels (PpBatch *self,
                             double   max_megapixels)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (max_megapixels >= 0);

  if (self->max_megapixels == max_megapixels)
    return;
  self->max_megapixels = max_megapixels;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_MEGAPIXELS]);
}

/**
 * pp_batch_set_keep_orientation:
 * @keep_orientation: leave pixels as stored instead of applying the EXIF orientation
 *
 * Sets the "keep-orientation" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_keep_orientation (PpBatch  *self,
                               gboolean  keep_orientation)
{
  g_return_if_fail (PP_IS_BATCH (self));

  keep_orientation = !!keep_orientation;
  if (self->keep_orientation == keep_orientation)
    return;
  self->keep_orientation = keep_orientation;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEP_ORIENTATION]);
}

/**
 * pp_batch_set_in_place:
 * @in_place: allow an output to replace its own input (never otherwise)
 *
 * Sets the "in-place" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_in_place (PpBatch  *self,
                       gboolean  in_place)
{
  g_return_if_fail (PP_IS_BATCH (self));

  in_place = !!in_place;
  if (self->in_place == in_place)
    return;
  self->in_place = in_place;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IN_PLACE]);
}

/**
 * pp_batch_set_metadata:
 * @policy: what outputs keep of their inputs' EXIF, XMP and IPTC
 *
 * Sets the "metadata" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_metadata (PpBatch          *self,
                       PpMetadataPolicy  policy)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (policy <= PP_METADATA_STRIP_GPS);

  if (self->metadata == policy)
    return;
  self->metadata = policy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METADATA]);
}

/**
 * pp_batch_set_timestamps:
 * @timestamps: the modification time outputs get
 *
 * Sets the "timestamps" property, notified only on a change. Main thread.
 */
void
pp_batch_set_timestamps (PpBatch      *self,
                         PpTimestamps  timestamps)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (timestamps <= PP_TIMESTAMPS_NOW);

  if (self->timestamps == timestamps)
    return;
  self->timestamps = timestamps;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMESTAMPS]);
}

/**
 * pp_batch_set_background:
 * @color: (nullable): what pp_color_parse() reads; %NULL for white
 *
 * Sets the "background" property, notified only on a change. Main thread. A colour that does
 * not parse fails the next run with PP_BATCH_ERROR_INVALID (check it first with
 * pp_color_parse() to tell the user at once).
 */
void
pp_batch_set_background (PpBatch    *self,
                         const char *color)
{
  g_return_if_fail (PP_IS_BATCH (self));

  if (color == NULL)
    color = PP_BATCH_DEFAULT_BACKGROUND;
  if (g_strcmp0 (self->background, color) == 0)
    return;
  g_free (self->background);
  self->background = g_strdup (color);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKGROUND]);
}

/**
 * pp_batch_set_resume:
 * @resume: keep a manifest next to the outputs and skip what earlier runs' manifests say is
 *   done (docs/CLUSTER.md, "Resume and manifests")
 *
 * Sets the "resume" property, notified only on a change. Main thread; a run in progress keeps
 * the configuration it started with.
 */
void
pp_batch_set_resume (PpBatch  *self,
                     gboolean  resume)
{
  g_return_if_fail (PP_IS_BATCH (self));

  resume = !!resume;
  if (self->resume == resume)
    return;
  self->resume = resume;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESUME]);
}

/**
 * pp_batch_set_manifest:
 * @file: (nullable): where to write the run's manifest (JSON lines, emptied when a run starts,
 *   one line per file as it finishes); %NULL: none
 *
 * Sets the "manifest" property, notified only on a change. Main thread; a run in progress
 * keeps the configuration it started with.
 */
void
pp_batch_set_manifest (PpBatch *self,
                       GFile   *file)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  if (g_set_object (&self->manifest, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MANIFEST]);
}

/**
 * pp_batch_set_excluded_folders:
 * @self: a batch
 * @paths: (nullable) (array zero-terminated=1): folders never to list inputs from or descend
 *   into, besides the output folder itself (the other half of a compare run); copied
 *
 * Not a property: set it before pp_batch_run_async(). Main thread.
 */
void
pp_batch_set_excluded_folders (PpBatch            *self,
                               const char * const *paths)
{
  g_return_if_fail (PP_IS_BATCH (self));

  g_strfreev (self->excluded);
  self->excluded = g_strdupv ((char **) paths);
}
