/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Running a batch: the inputs are listed on a GIO thread (pp-batch-listing.c), then
 * min(threads, files) workers go onto the shared pool. Each takes the next file from an atomic
 * counter and runs load -> plan -> save on its own thread, so at most `threads` images are in
 * memory and pools never nest; with fewer files in flight than threads, the spare threads help
 * with their bands (pp_plan_run_shared()). Results and counters reach the main
 * context through PpProgress; the last worker out completes the run there.
 */
#define G_LOG_DOMAIN "pp-batch"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "batch/pp-batch-journal.h"
#include "batch/pp-batch-private.h"
#include "decoder/pp-decoder.h"
#include "render/pp-plan.h"
#include "render/pp-render.h"

/* ------------------------------------------------------------------------------------------ */
/* A run */

typedef struct
{
  gatomicrefcount ref_count;
  PpBatch *batch;          /* main thread only */
  PpBatchConfig *config;
  PpBatchListing *listing;
  PpProgress *progress;
  PpRun *run;
  GCancellable *cancellable;
  GMainContext *context;
  GTask *task;             /* main thread only */
  gint64 start_us;
  gint64 start_cpu_us;
  int next_file;
  int active_workers;
} RunState;

static RunState *
run_state_ref (RunState *state)
{
  g_atomic_ref_count_inc (&state->ref_count);
  return state;
}

static void
run_state_unref (gpointer data)
{
  RunState *state = data;

  if (!g_atomic_ref_count_dec (&state->ref_count))
    return;
  g_clear_object (&state->batch);
  g_clear_pointer (&state->config, _pp_batch_config_free);
  g_clear_pointer (&state->listing, _pp_batch_listing_free);
  g_clear_object (&state->progress);
  g_clear_object (&state->run);
  g_clear_object (&state->cancellable);
  g_clear_pointer (&state->context, g_main_context_unref);
  g_clear_object (&state->task);
  g_free (state);
}

static gint64
process_cpu_us (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  /* Decoding happens in helper processes (pp-decoder), whose CPU time is counted apart. */
  return (gint64) usage.ru_utime.tv_sec * G_USEC_PER_SEC + usage.ru_utime.tv_usec
         + (gint64) usage.ru_stime.tv_sec * G_USEC_PER_SEC + usage.ru_stime.tv_usec
         + pp_decoder_get_helper_cpu_us ();
}

static void
fail_record (PpFileRecord *record,
             GError       *error)
{
  record->status = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                   ? PP_FILE_STATUS_CANCELLED : PP_FILE_STATUS_FAILED;
  record->reason = g_strdup (record->status == PP_FILE_STATUS_CANCELLED ? "cancelled"
                                                                        : error->message);
}

/* Whether @format can store an alpha channel. */
static gboolean
format_holds_alpha (PpFormat format)
{
  return format != PP_FORMAT_JPEG && format != PP_FORMAT_BMP;
}

/* The pixels as @format takes them (transfer full; NULL with @error when memory runs out): an
 * RGBA image whose alpha is 255 everywhere becomes RGB without a word (its alpha says nothing:
 * CMYK JPEGs, many TIFFs and GIFs decode that way); a transparent one, where @format has no
 * alpha, is laid over the background colour, and the note says so. */
static PpImage *
prepare_pixels (const PpBatchConfig *config,
                PpFormat             format,
                PpImage             *image,
                PpFileRecord        *record,
                GError             **error)
{
  g_autofree char *background = NULL;
  PpImage *out;

  if (image->channels != 4 || (!pp_image_is_opaque (image) && format_holds_alpha (format)))
    return pp_image_ref (image);
  if (pp_image_is_opaque (image))
    out = pp_image_drop_alpha (image);
  else
    {
      out = pp_image_composite (image, &config->background);
      background = pp_color_to_string (&config->background);
      if (out != NULL)
        {
          g_autofree char *note = g_strdup_printf ("transparent areas laid over %s: %s has no "
                                                   "alpha channel", background,
                                                   pp_format_to_string (format));

          _pp_batch_add_note (&record->note, note);
        }
    }
  if (out == NULL)
    g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_ENCODE,
                 "Not enough memory to prepare the %d × %d image for saving", image->width,
                 image->height);
  return out;
}

/* Threads beyond one per file in flight help with the bands of the files in flight: with fewer
 * files than threads (a few very large images, or the last files of any batch, when workers
 * run out of files and leave) the spare threads would otherwise idle. Files in flight times
 * (1 + helpers) stays within the thread budget. */
static guint
band_helpers (RunState *state)
{
  int active = g_atomic_int_get (&state->active_workers);

  return active > 0 ? state->config->threads / (guint) active - 1 : 0;
}

/* The metadata @file's output carries: the input's, by the run's policy, made true for the
 * output (pp_metadata_normalize()); the note says what could not be kept, also what the
 * output format has no place for ("bmp cannot hold metadata: the EXIF and XMP were left
 * out"). */
static void
prepare_metadata (const PpBatchConfig *config,
                  const PpBatchFile   *file,
                  const PpImageInfo   *info,
                  const PpImage       *result,
                  PpMetadataBlobs     *out,
                  PpFileRecord        *record)
{
  PpMetadataTarget target = {
    .policy = config->metadata,
    .width = result->width,
    .height = result->height,
    .orientation = info->orientation_applied ? 1 : CLAMP (info->orientation, 1, 8),
    .holds_iptc = pp_format_holds (file->format, PP_CODEC_HOLDS_IPTC),
  };
  g_autofree char *note = NULL;
  g_autoptr (GPtrArray) lost = g_ptr_array_new ();

  pp_metadata_normalize (&info->metadata, &target, out, &note);
  _pp_batch_add_note (&record->note, note);
  if (out->exif != NULL && !pp_format_holds (file->format, PP_CODEC_HOLDS_EXIF))
    g_ptr_array_add (lost, "EXIF");
  if (out->xmp != NULL && !pp_format_holds (file->format, PP_CODEC_HOLDS_XMP))
    g_ptr_array_add (lost, "XMP");
  if (out->iptc != NULL && !pp_format_holds (file->format, PP_CODEC_HOLDS_IPTC))
    g_ptr_array_add (lost, "IPTC");
  if (lost->len > 0)
    {
      g_autofree char *kinds = NULL;
      g_autofree char *lost_note = NULL;
      gboolean none = !pp_format_holds (file->format, PP_CODEC_HOLDS_EXIF)
                      && !pp_format_holds (file->format, PP_CODEC_HOLDS_XMP)
                      && !pp_format_holds (file->format, PP_CODEC_HOLDS_IPTC);

      g_ptr_array_add (lost, NULL);
      kinds = g_strjoinv (" and ", (char **) lost->pdata);
      lost_note = none ? g_strdup_printf ("%s cannot hold metadata: the %s %s left out",
                                          pp_format_to_string (file->format), kinds,
                                          lost->len > 2 ? "were" : "was")
                       : g_strdup_printf ("%s cannot hold %s: left out",
                                          pp_format_to_string (file->format), kinds);
      _pp_batch_add_note (&record->note, lost_note);
    }
}

/* The output's permissions and modification time, from its input: never wider permissions
 * than the input's (a 0600 original stays private), the input's own when it replaces it
 * (--in-place), and the input's modification time unless --timestamps now. */
static void
set_file_attributes (const PpBatchConfig *config,
                     const PpBatchFile   *file,
                     PpSaveOptions       *options)
{
  GStatBuf st;

  if (g_stat (file->input, &st) != 0)
    return; /* gone since it was read: a new file's attributes */
  if (g_str_equal (file->output, file->input))
    options->mode = st.st_mode & 0777;
  else
    options->mode_limit = st.st_mode & 0777;
  if (config->timestamps == PP_TIMESTAMPS_KEEP)
    {
      options->set_mtime = TRUE;
      options->mtime = st.st_mtim;
    }
}

/* Load: the decoded image (at least the size the pipeline needs; every frame in @info when the
 * output can keep them), its source facts in @record, damage kept (--damaged keep) and frames
 * dropped (--frames) said in its note. */
static PpImage *
load_file (RunState     *state,
           PpBatchFile  *file,
           PpImageInfo  *info,
           PpFileRecord *record,
           GError      **error)
{
  const PpBatchConfig *config = state->config;
  PpLoadOptions load_options;
  PpImage *image;

  pp_load_options_init (&load_options);
  load_options.max_megapixels = config->max_megapixels;
  load_options.keep_orientation = config->keep_orientation;
  pp_pipeline_get_load_hint (config->pipeline, &load_options.fit_width,
                             &load_options.fit_height);
  load_options.all_frames = _pp_batch_wants_all_frames (config, file->format);
  load_options.keep_damaged = config->damaged == PP_DAMAGED_KEEP;
  image = pp_io_load (file->input, &load_options, info, state->cancellable, error);
  if (image == NULL)
    return NULL;
  record->format = g_strdup (info->format);
  record->source_width = info->width;
  record->source_height = info->height;
  record->width = image->width;
  record->height = image->height;
  if (info->damage != NULL)
    {
      g_autofree char *damage = g_strdup_printf ("damaged, kept as decoded (--damaged keep): %s",
                                                 info->damage);

      _pp_batch_add_note (&record->note, damage);
    }
  if (!_pp_batch_decide_frames (config, file->format, info, &record->note, error))
    g_clear_pointer (&image, pp_image_unref);
  return image;
}

/* Filter: the pipeline on this worker's own thread (pools never nest), with the band helpers
 * the thread budget leaves for it; when @info carries frames to keep, every one of them, into
 * @frames (the first is the result). */
static PpImage *
filter_image (RunState     *state,
              PpImage      *image,
              PpImageInfo  *info,
              guint         worker,
              PpFileRecord *record,
              GArray      **frames,
              GError      **error)
{
  g_autoptr (PpPlan) plan = pp_plan_new (state->config->pipeline, image->width, image->height,
                                         image->channels, error);
  PpImage *result;

  if (plan == NULL)
    return NULL;
  result = pp_plan_run_shared (plan, image, band_helpers (state), state->cancellable, error);
  if (result != NULL && info->frames != NULL
      && !_pp_batch_run_frames (state->config->pipeline, plan, info->frames, result,
                                band_helpers (state), state->cancellable, frames, error))
    g_clear_pointer (&result, pp_image_unref);
  /* Only the results in memory from here on. */
  g_clear_pointer (&info->frames, g_ptr_array_unref);
  if (result == NULL)
    return NULL;
  record->out_width = result->width;
  record->out_height = result->height;
  return result;
}

/* Save: into the output's folder (made if missing), atomically, every frame of @frames when
 * given (else @result); encode and write times, and what the encoder left out, in @record. */
static gboolean
save_image (RunState          *state,
            PpBatchFile       *file,
            PpImage           *result,
            GArray            *frames,
            const PpImageInfo *info,
            PpFileRecord      *record,
            GError           **error)
{
  g_autofree char *dir = g_path_get_dirname (file->output);
  g_auto (PpMetadataBlobs) metadata = { 0 };
  PpSaveOptions save_options;
  PpSaveTimes times = { 0 };
  g_autoptr (GString) notes = g_string_new (NULL);

  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      int saved = errno;

      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "Cannot create the folder “%s”: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }
  pp_save_options_init (&save_options);
  save_options.format = file->format;
  save_options.quality = state->config->quality;
  save_options.icc_profile = info->icc_profile;
  save_options.loop_count = info->loop_count;
  save_options.notes = notes;
  save_options.overwrite = file->overwrite;
  prepare_metadata (state->config, file, info, result, &metadata, record);
  save_options.metadata = &metadata;
  set_file_attributes (state->config, file, &save_options);
  if (frames != NULL
      ? !pp_io_save_frames ((PpFrame *) frames->data, frames->len, file->output, &save_options,
                            &times, state->cancellable, error)
      : !pp_io_save (result, file->output, &save_options, &times, state->cancellable, error))
    return FALSE;
  if (notes->len > 2)
    {
      g_string_truncate (notes, notes->len - 2); /* the last "; " */
      _pp_batch_add_note (&record->note, notes->str);
    }
  record->encode_us = times.encode_us;
  record->write_us = times.write_us;
  return TRUE;
}

/* One file, start to end on this worker: load -> filter -> save, each stage timed, and the
 * record handed to the progress (which delivers it to the main context). */
static void
process_file (RunState    *state,
              PpBatchFile *file,
              guint        worker)
{
  g_auto (PpFileRecord) record = { 0 };
  g_auto (PpImageInfo) info = { 0 };
  g_autoptr (PpImage) image = NULL;
  g_autoptr (PpImage) result = NULL;
  g_autoptr (GArray) frames = NULL;
  g_autoptr (GError) error = NULL;
  PpBatchJournal *journal = state->listing->journal;
  double megapixels = 0;
  guint64 input_size = 0;
  gint64 input_mtime_ns = 0;
  gint64 t0, t1;

  record.index = file->index;
  record.input = g_strdup (file->input);
  record.output = g_strdup (file->output);
  record.note = g_strdup (file->note);
  record.worker = worker;
  record.start_us = t0 = g_get_monotonic_time ();
  /* The input as it was before it was read, for the manifest: a later change means redo. */
  if (journal != NULL)
    _pp_batch_journal_stat_input (file->input, &input_size, &input_mtime_ns);

  pp_progress_begin_file (state->progress, file->display);
  if (file->decided)
    {
      record.status = file->pre_status;
      record.reason = g_strdup (file->reason);
    }
  else
    {
      image = load_file (state, file, &info, &record, &error);
      t1 = g_get_monotonic_time ();
      record.decode_us = t1 - t0;
      if (image != NULL)
        {
          result = filter_image (state, image, &info, worker, &record, &frames, &error);
          t0 = t1;
          t1 = g_get_monotonic_time ();
          record.filter_us = t1 - t0;
          /* Only one image per worker in memory from here on. */
          g_clear_pointer (&image, pp_image_unref);
        }
      /* Frames go out as decoded: every format that holds them holds alpha too. */
      if (result != NULL && frames == NULL)
        {
          PpImage *prepared = prepare_pixels (state->config, file->format, result, &record,
                                              &error);

          g_clear_pointer (&result, pp_image_unref);
          result = prepared;
        }
      if (result != NULL && save_image (state, file, result, frames, &info, &record, &error))
        {
          record.status = PP_FILE_STATUS_OK;
          /* Megapixels of the input as the user knows it, not of a shrunk decode. */
          megapixels = (double) record.source_width * record.source_height / 1e6;
        }
      else
        fail_record (&record, error);
    }
  /* Whatever happened (and not cancellable: an output in place needs its "done" line, or a
   * resume would do the file a second time). */
  _pp_batch_journal_done (journal, file, &record, input_size, input_mtime_ns, NULL);
  record.end_us = g_get_monotonic_time ();
  pp_progress_end_file (state->progress, record.status, megapixels, &record);
}

static gboolean
complete_on_main (gpointer user_data)
{
  RunState *state = user_data;
  gboolean cancelled = g_cancellable_is_cancelled (state->cancellable);
  PpBatch *self = state->batch;

  g_assert (g_main_context_is_owner (state->context));

  pp_progress_finish (state->progress, cancelled);
  /* Deliver the last results and counters before anyone hears the run is over. */
  pp_progress_flush (state->progress);
  /* Every worker is done with it: sync and compact the manifests before the run is over. */
  if (state->listing != NULL)
    g_clear_pointer (&state->listing->journal, _pp_batch_journal_close);
  pp_run_finish (state->run, g_get_monotonic_time () - state->start_us,
                 process_cpu_us () - state->start_cpu_us, cancelled);
  _pp_batch_end_run (self, TRUE);
  g_task_return_pointer (state->task, g_object_ref (state->run), g_object_unref);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  RunState *state;
  guint worker;
} WorkerArgs;

static void
worker_func (gpointer data)
{
  WorkerArgs *args = data;
  RunState *state = args->state;
  int n_files = (int) state->listing->files->len;

  while (!g_cancellable_is_cancelled (state->cancellable))
    {
      int i = g_atomic_int_add (&state->next_file, 1);

      if (i >= n_files)
        break;
      process_file (state, g_ptr_array_index (state->listing->files, i), args->worker);
    }
  g_free (args);
  /* The workers share one reference, which the last one out hands to the main context: so the
   * run state (and the batch, progress and run it holds) is never finalised on a worker, and no
   * worker touches the state after its own decrement. */
  if (g_atomic_int_dec_and_test (&state->active_workers))
    {
      /* The context must outlive this call, not just the state: invoke_full() attaches an idle
       * source and only then drops its own reference to it, and by then the main thread may
       * have run it, dropped the state (and with it the state's context reference) and
       * unreffed the context. g_source_attach() takes no reference on the context. */
      GMainContext *context = g_main_context_ref (state->context);

      g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, complete_on_main, state,
                                  run_state_unref);
      g_main_context_unref (context);
    }
}

static void
listing_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const PpBatchConfig *config = task_data;
  gboolean for_run = g_task_get_source_tag (task) == pp_batch_run_async;
  GError *error = NULL;
  PpBatchListing *listing;

  listing = _pp_batch_listing_new (config, for_run, cancellable, &error);

  if (listing == NULL)
    g_task_return_error (task, error);
  else
    {
      g_task_return_pointer (task, listing, (GDestroyNotify) _pp_batch_listing_free);
    }
}

static void
on_run_listed (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  RunState *state = user_data;
  PpBatch *self = state->batch;
  g_autoptr (GError) error = NULL;
  PpBatchListing *listing = g_task_propagate_pointer (G_TASK (result), &error);
  guint n_workers;

  g_assert (g_main_context_is_owner (state->context));

  if (listing == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Cancelled while listing: still a run, with nothing done, so callers (and --json) get
       * a record like any other cancelled run. */
      g_clear_error (&error);
      listing = g_new0 (PpBatchListing, 1);
      listing->files = g_ptr_array_new ();
      listing->inputs = g_ptr_array_new ();
    }
  if (listing == NULL)
    {
      pp_progress_finish (state->progress, TRUE);
      _pp_batch_end_run (self, FALSE);
      g_task_return_error (state->task, g_steal_pointer (&error));
      run_state_unref (state);
      return;
    }
  state->listing = listing;
  pp_run_set_n_planned (state->run, listing->files->len);
  pp_run_set_n_ignored (state->run, listing->n_ignored);
  pp_run_set_n_listed (state->run, listing->n_listed);
  pp_progress_set_total (state->progress, listing->files->len);

  n_workers = MIN (state->config->threads, listing->files->len);
  if (n_workers == 0)
    {
      complete_on_main (state);
      run_state_unref (state);
      return;
    }
  g_atomic_int_set (&state->active_workers, (int) n_workers);
  run_state_ref (state); /* the workers' shared reference: see worker_func() */
  for (guint w = 0; w < n_workers; w++)
    {
      WorkerArgs *args = g_new (WorkerArgs, 1);

      args->state = state;
      args->worker = w;
      pp_scheduler_push (worker_func, args);
    }
  run_state_unref (state);
}

/**
 * pp_batch_run_async:
 * @self: a batch, not running
 * @cancellable: (nullable): cancels the run: files in flight are abandoned cleanly (no partial
 *   output is left) and no new file starts
 * @callback: runs on the caller's thread-default main context when the run is over
 * @user_data: for @callback
 *
 * Starts a run with the configuration as it is now (frozen: later property changes wait for the
 * next run). The folder is listed and every output named on a pool thread, then min (threads,
 * files) pool workers each take the next file: load, filter (on their own thread), save. While it
 * runs, pp_batch_get_progress() emits "changed" on the caller's main context and
 * pp_batch_get_run() grows; the final progress update is delivered before @callback runs. Main
 * thread (the thread whose main context will see the results).
 */
void
pp_batch_run_async (PpBatch             *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTask) listing_task = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *spec = NULL;
  PpBatchConfig *config;
  RunState *state;

  g_return_if_fail (PP_IS_BATCH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pp_batch_run_async);
  /* A cancelled run still returns its record: what was done before the cancel. */
  g_task_set_check_cancellable (task, FALSE);

  if (pp_batch_get_running (self))
    {
      g_task_return_new_error (task, PP_BATCH_ERROR, PP_BATCH_ERROR_BUSY,
                               "A batch is already running");
      return;
    }
  config = _pp_batch_freeze_config (self, &error);
  if (config == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pp_io_init ();

  state = g_new0 (RunState, 1);
  g_atomic_ref_count_init (&state->ref_count);
  state->batch = g_object_ref (self);
  state->config = config;
  state->progress = g_object_ref (pp_batch_get_progress (self));
  state->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  state->context = g_main_context_ref_thread_default ();
  state->task = g_steal_pointer (&task);
  state->run = pp_run_new (config->mode, config->threads);
  spec = pp_pipeline_to_spec (config->pipeline);
  pp_run_set_source (state->run, config->input_dir != NULL ? config->input_dir : NULL,
                     config->output_dir, spec, pp_format_to_string (config->format));
  pp_run_set_shard (state->run, config->shard_index, config->shard_count);
  state->start_us = g_get_monotonic_time ();
  state->start_cpu_us = process_cpu_us ();

  _pp_batch_begin_run (self, state->run);
  pp_progress_start (state->progress, 0);

  listing_task = g_task_new (NULL, state->cancellable, on_run_listed, state);
  g_task_set_source_tag (listing_task, pp_batch_run_async);
  g_task_set_task_data (listing_task, config, NULL);
  pp_scheduler_run_task (listing_task, listing_thread);
}

/**
 * pp_batch_run_finish:
 * @self: the batch
 * @result: what @callback got
 * @error: PP_BATCH_ERROR_BUSY (a run was in progress), PP_BATCH_ERROR_INVALID (the
 *   configuration cannot work; the message names the property), PP_BATCH_ERROR_NO_INPUT (the
 *   input folder cannot be read), PP_BATCH_ERROR_OUTPUT (the output folder cannot be made or
 *   written)
 *
 * A cancelled run is not an error: its record comes back with its cancelled flag set (cancelled
 * while listing: with no files).
 *
 * Returns: (transfer full) (nullable): the run's record, or %NULL with @error when the run could
 *   not start
 */
PpRun *
pp_batch_run_finish (PpBatch       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pp_batch_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  PpBatchListing *listing = g_task_propagate_pointer (G_TASK (result), &error);

  if (listing == NULL)
    g_task_return_error (task, error);
  else
    {
          g_task_return_pointer (task, g_steal_pointer (&listing->inputs),
                             (GDestroyNotify) g_ptr_array_unref);
      _pp_batch_listing_free (listing);
    }
}

/**
 * pp_batch_list_files_async:
 * @self: a batch
 * @cancellable: (nullable): cancels the listing
 * @callback: runs on the caller's thread-default main context
 * @user_data: for @callback
 *
 * Lists the inputs as a run would (sorted bytewise; hidden files, non-images, the output folder
 * and symbolic-link loops left out; sharding applied) without processing anything, on a pool
 * thread: for a window's file list. Main thread.
 */
void
pp_batch_list_files_async (PpBatch             *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTask) listing_task = NULL;
  g_autoptr (GError) error = NULL;
  PpBatchConfig *config;

  g_return_if_fail (PP_IS_BATCH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pp_batch_list_files_async);
  config = _pp_batch_freeze_config (self, &error);
  if (config == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pp_io_init ();
  listing_task = g_task_new (NULL, cancellable, on_listed, g_steal_pointer (&task));
  g_task_set_source_tag (listing_task, pp_batch_list_files_async);
  g_task_set_task_data (listing_task, config, (GDestroyNotify) _pp_batch_config_free);
  pp_scheduler_run_task (listing_task, listing_thread);
}

/**
 * pp_batch_list_files_finish:
 * @self: the batch
 * @result: what @callback got
 * @error: PP_BATCH_ERROR_INVALID, PP_BATCH_ERROR_NO_INPUT (as pp_batch_run_finish()),
 *   G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable) (element-type PpBatchInput): the inputs in the batch's order
 */
GPtrArray *
pp_batch_list_files_finish (PpBatch       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (PP_IS_BATCH (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

