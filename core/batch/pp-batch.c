/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpBatch: the batch engine's object — its configuration as properties (notified on change,
 * frozen into a Config when a run starts), its PpProgress and its current PpRun. Planning the
 * inputs is in pp-batch-plan.c, running them on the pool in pp-batch-run.c.
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
#include "io/pp-io-private.h"
#include "render/pp-plan.h"
#include "render/pp-scheduler.h"

G_DEFINE_QUARK (pp-batch-error-quark, pp_batch_error)

G_DEFINE_ENUM_TYPE (PpBatchMode, pp_batch_mode,
  G_DEFINE_ENUM_VALUE (PP_BATCH_MODE_SERIAL, "serial"),
  G_DEFINE_ENUM_VALUE (PP_BATCH_MODE_PARALLEL, "parallel"))

G_DEFINE_ENUM_TYPE (PpCollision, pp_collision,
  G_DEFINE_ENUM_VALUE (PP_COLLISION_RENAME, "rename"),
  G_DEFINE_ENUM_VALUE (PP_COLLISION_SKIP, "skip"),
  G_DEFINE_ENUM_VALUE (PP_COLLISION_OVERWRITE, "overwrite"))

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
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PpBatch, pp_batch, G_TYPE_OBJECT)

/* ------------------------------------------------------------------------------------------ */
/* Configuration */

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

Config *
_pp_batch_freeze_config (PpBatch  *self,
                         GError  **error)
{
  g_autoptr (Config) config = g_new0 (Config, 1);

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
  config->excluded = g_strdupv (self->excluded);
  g_atomic_int_set (&config->published, 1);
  return g_steal_pointer (&config);
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

  G_OBJECT_CLASS (pp_batch_parent_class)->dispose (object);
}

static void
pp_batch_finalize (GObject *object)
{
  PpBatch *self = PP_BATCH (object);

  g_strfreev (self->files);
  g_strfreev (self->excluded);
  g_free (self->name_template);

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
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Assigns and notifies only on a change (the properties are G_PARAM_EXPLICIT_NOTIFY), so a
 * window can bind them both ways without loops. */
#define SET_SCALAR(field, getter)                                                              \
  G_STMT_START                                                                                 \
  {                                                                                            \
    __typeof__ (self->field) v = getter (value);                                               \
    if (self->field == v)                                                                      \
      return;                                                                                  \
    self->field = v;                                                                           \
  }                                                                                            \
  G_STMT_END

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
      if (!g_set_object (&self->input_folder, g_value_get_object (value)))
        return;
      break;
    case PROP_FILES:
      if (self->files != NULL && g_value_get_boxed (value) != NULL
          && g_strv_equal ((const char *const *) self->files, g_value_get_boxed (value)))
        return;
      g_strfreev (self->files);
      self->files = g_value_dup_boxed (value);
      break;
    case PROP_OUTPUT_FOLDER:
      if (!g_set_object (&self->output_folder, g_value_get_object (value)))
        return;
      break;
    case PROP_NAME_TEMPLATE:
      {
        const char *text = g_value_get_string (value);

        if (text == NULL)
          text = PP_BATCH_DEFAULT_TEMPLATE;
        if (g_strcmp0 (self->name_template, text) == 0)
          return;
        g_free (self->name_template);
        self->name_template = g_strdup (text);
      }
      break;
    case PROP_COLLISION:
      SET_SCALAR (collision, g_value_get_enum);
      break;
    case PROP_FORMAT:
      SET_SCALAR (format, g_value_get_enum);
      break;
    case PROP_QUALITY:
      SET_SCALAR (quality, g_value_get_int);
      break;
    case PROP_PIPELINE:
      if (!g_set_object (&self->pipeline, g_value_get_object (value)))
        return;
      break;
    case PROP_MODE:
      SET_SCALAR (mode, g_value_get_enum);
      break;
    case PROP_THREADS:
      SET_SCALAR (threads, g_value_get_uint);
      break;
    case PROP_RECURSIVE:
      SET_SCALAR (recursive, g_value_get_boolean);
      break;
    case PROP_SHARD_INDEX:
      SET_SCALAR (shard_index, g_value_get_uint);
      break;
    case PROP_SHARD_COUNT:
      SET_SCALAR (shard_count, g_value_get_uint);
      break;
    case PROP_MAX_MEGAPIXELS:
      SET_SCALAR (max_megapixels, g_value_get_double);
      break;
    case PROP_KEEP_ORIENTATION:
      SET_SCALAR (keep_orientation, g_value_get_boolean);
      break;
    case PROP_IN_PLACE:
      SET_SCALAR (in_place, g_value_get_boolean);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  g_object_notify_by_pspec (object, pspec);
}

#undef SET_SCALAR

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
  self->progress = pp_progress_new ();
  g_signal_connect (self->progress, "changed", G_CALLBACK (on_progress_changed), self);
}

PpBatch *
pp_batch_new (void)
{
  return g_object_new (PP_TYPE_BATCH, NULL);
}

PpProgress *
pp_batch_get_progress (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  return self->progress;
}

PpRun *
pp_batch_get_run (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  return self->run;
}

gboolean
pp_batch_get_running (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), FALSE);
  return self->running;
}

GFile *
pp_batch_get_input_folder (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  return self->input_folder;
}

GFile *
pp_batch_get_output_folder (PpBatch *self)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  return self->output_folder;
}

#define DEFINE_SETTER(func, type, prop)                                                        \
  void pp_batch_set_##func (PpBatch *self, type value)                                         \
  {                                                                                            \
    g_return_if_fail (PP_IS_BATCH (self));                                                     \
    g_object_set (self, properties[prop]->name, value, NULL);                                  \
  }

DEFINE_SETTER (input_folder, GFile *, PROP_INPUT_FOLDER)
DEFINE_SETTER (output_folder, GFile *, PROP_OUTPUT_FOLDER)
DEFINE_SETTER (name_template, const char *, PROP_NAME_TEMPLATE)
DEFINE_SETTER (collision, PpCollision, PROP_COLLISION)
DEFINE_SETTER (format, PpFormat, PROP_FORMAT)
DEFINE_SETTER (quality, int, PROP_QUALITY)
DEFINE_SETTER (pipeline, PpPipeline *, PROP_PIPELINE)
DEFINE_SETTER (mode, PpBatchMode, PROP_MODE)
DEFINE_SETTER (threads, guint, PROP_THREADS)
DEFINE_SETTER (recursive, gboolean, PROP_RECURSIVE)
DEFINE_SETTER (max_megapixels, double, PROP_MAX_MEGAPIXELS)
DEFINE_SETTER (keep_orientation, gboolean, PROP_KEEP_ORIENTATION)
DEFINE_SETTER (in_place, gboolean, PROP_IN_PLACE)

void
pp_batch_set_files (PpBatch            *self,
                    const char * const *paths)
{
  g_return_if_fail (PP_IS_BATCH (self));

  g_object_set (self, "files", paths, NULL);
}

void
pp_batch_set_shard (PpBatch *self,
                    guint    index,
                    guint    count)
{
  g_return_if_fail (PP_IS_BATCH (self));
  g_return_if_fail (count >= 1);

  g_object_set (self, "shard-index", index, "shard-count", count, NULL);
}

void
pp_batch_set_excluded_folders (PpBatch            *self,
                               const char * const *paths)
{
  g_return_if_fail (PP_IS_BATCH (self));

  g_strfreev (self->excluded);
  self->excluded = g_strdupv ((char **) paths);
}
