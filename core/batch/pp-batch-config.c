/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpBatch's configuration: the written-out setters of its properties (each checks its value,
 * assigns and notifies only on a change) and freezing them into a PpBatchConfig when a run or a
 * check starts. The object itself (type, properties, progress and run) is in pp-batch.c.
 */
#define G_LOG_DOMAIN "pp-batch"

#include "config.h"

#include "batch/pp-batch-private.h"
#include "render/pp-scheduler.h"

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
  if (!_pp_batch_validate_template (self->name_template, self->format, error))
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
  config->frames = self->frames;
  config->damaged = self->damaged;
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
 * Checks the configuration the way a run does when it starts (inputs set, shard, name template and
 * its extension against the output format, output format, local folders), without touching the
 * disk, so a window can refuse a run before it creates an output folder. Main thread.
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
    g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_INPUT_FOLDER]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_FILES]);
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
    g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_OUTPUT_FOLDER]);
}

/**
 * pp_batch_set_name_template:
 * @name_template: (nullable): the output name, with the fields {name} {ext} {n} {date}; %NULL:
 *   "{name}.{ext}". Checked when a run starts (PP_BATCH_ERROR_INVALID): it must not be empty,
 *   must give plain file names, and must end in ".{ext}" or, for a chosen format, one of that
 *   format's extensions written out (so a file's name never says another format than its
 *   content)
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_NAME_TEMPLATE]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_COLLISION]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_FORMAT]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_QUALITY]);
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
    g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_PIPELINE]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_MODE]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_THREADS]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_RECURSIVE]);
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
      g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_SHARD_INDEX]);
    }
  if (self->shard_count != count)
    {
      self->shard_count = count;
      g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_SHARD_COUNT]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_MAX_MEGAPIXELS]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_KEEP_ORIENTATION]);
}

/**
 * pp_batch_set_frames:
 * @frames: what to do with the frames of an animation or the pages of a document
 *
 * Sets the "frames" property, notified only on a change. Main thread; a run in progress keeps
 * the configuration it started with.
 */
void
pp_batch_set_frames (PpBatch        *self,
                     PpFramesPolicy  frames)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (frames <= PP_FRAMES_FAIL);

  if (self->frames == frames)
    return;
  self->frames = frames;
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_FRAMES]);
}

/**
 * pp_batch_set_damaged:
 * @damaged: what to do with a truncated or damaged input
 *
 * Sets the "damaged" property, notified only on a change. Main thread; a run in progress keeps
 * the configuration it started with.
 */
void
pp_batch_set_damaged (PpBatch         *self,
                      PpDamagedPolicy  damaged)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (damaged <= PP_DAMAGED_KEEP);

  if (self->damaged == damaged)
    return;
  self->damaged = damaged;
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_DAMAGED]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_IN_PLACE]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_METADATA]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_TIMESTAMPS]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_BACKGROUND]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_RESUME]);
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
    g_object_notify_by_pspec (G_OBJECT (self), _pp_batch_properties[PP_BATCH_PROP_MANIFEST]);
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
