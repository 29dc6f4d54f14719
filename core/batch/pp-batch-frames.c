/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Frames, pages and damage in a batch: whether to decode every frame (when the output format
 * can hold them and --frames allows), what to tell the user when frames are dropped ("only the
 * first of 3 frames kept (PNG holds no animation)") or refused (--frames fail), and running the
 * pipeline over each kept frame. Nothing is ever reduced silently.
 */
#define G_LOG_DOMAIN "pp-batch"

#include "config.h"

#include "batch/pp-batch-private.h"
#include "render/pp-render.h"

/* Whether the policy keeps every frame where the output format can hold them: "all" does, and
 * so does "fail" (which differs only where the format cannot). */
static gboolean
keeps_all_frames (const PpBatchConfig *config)
{
  return config->frames == PP_FRAMES_ALL || config->frames == PP_FRAMES_FAIL;
}

/* Whether a load for @format should decode every frame: only when some could be kept. */
gboolean
_pp_batch_wants_all_frames (const PpBatchConfig *config,
                            PpFormat             format)
{
  return keeps_all_frames (config)
         && (pp_format_get_holds (format) & (PP_CODEC_HOLDS_ANIMATION | PP_CODEC_HOLDS_PAGES));
}

/* Appends @text to a note of "; "-separated parts. */
void
_pp_batch_add_note (char       **note,
                    const char  *text)
{
  char *joined;

  if (text == NULL || *text == '\0')
    return;
  joined = *note != NULL && **note != '\0' ? g_strconcat (*note, "; ", text, NULL)
                                          : g_strdup (text);
  g_free (*note);
  *note = joined;
}

/**
 * _pp_batch_decide_frames:
 * @info: what the load found; its extra frames are dropped unless they are kept
 * @note: (inout): the file's note, extended when frames are dropped
 *
 * Applies the frames policy to a loaded file for its output @format.
 *
 * Returns: %FALSE with @error (PP_IO_ERROR_UNSUPPORTED) under --frames fail when the output
 *   cannot hold them all
 */
gboolean
_pp_batch_decide_frames (const PpBatchConfig *config,
                         PpFormat             format,
                         PpImageInfo         *info,
                         char               **note,
                         GError             **error)
{
  PpCodecHolds needed = info->animated ? PP_CODEC_HOLDS_ANIMATION : PP_CODEC_HOLDS_PAGES;
  const char *unit = info->animated ? "frames" : "pages";
  const char *name = pp_format_to_string (format);
  g_autofree char *upper = g_ascii_strup (name, -1);
  g_autofree char *why = NULL;
  g_autofree char *text = NULL;

  if (info->n_frames <= 1)
    return TRUE;
  if (keeps_all_frames (config) && pp_format_holds (format, needed)
      && info->frames != NULL && info->frames->len == info->n_frames)
    return TRUE; /* every frame goes out */

  why = info->animated ? g_strdup_printf ("%s holds no animation", upper)
                       : g_strdup_printf ("%s holds one page", upper);
  if (config->frames == PP_FRAMES_FAIL && !pp_format_holds (format, needed))
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_UNSUPPORTED,
                   "The image has %u %s and %s (--frames fail)", info->n_frames, unit, why);
      return FALSE;
    }
  if (config->frames == PP_FRAMES_FIRST)
    text = g_strdup_printf ("only the first of %u %s kept (--frames first)", info->n_frames,
                            unit);
  else if (!pp_format_holds (format, needed))
    text = g_strdup_printf ("only the first of %u %s kept (%s)", info->n_frames, unit, why);
  else
    /* The output could hold them, but not all could be decoded (a damaged animation kept). */
    text = g_strdup_printf ("only %u of %u %s kept", info->frames != NULL ? info->frames->len : 1,
                            info->n_frames, unit);
  if (!keeps_all_frames (config) || !pp_format_holds (format, needed))
    g_clear_pointer (&info->frames, g_ptr_array_unref);
  _pp_batch_add_note (note, text);
  return TRUE;
}

/**
 * _pp_batch_run_frames:
 * @frames: (element-type PpFrame): every decoded frame; the first is already processed
 * @first_result: the pipeline's result for the first frame
 * @out: (out): the processed frames with their delays (free with g_array_unref)
 *
 * Runs @pipeline over the frames after the first, on this worker with up to @n_helpers pool
 * workers taking bands, as for the first (a plan per frame size: pages may differ). Thread: a
 * pool worker's.
 */
gboolean
_pp_batch_run_frames (PpPipeline    *pipeline,
                      PpPlan        *first_plan,
                      GPtrArray     *frames,
                      PpImage       *first_result,
                      guint          n_helpers,
                      GCancellable  *cancellable,
                      GArray       **out,
                      GError       **error)
{
  g_autoptr (GArray) results = g_array_sized_new (FALSE, TRUE, sizeof (PpFrame), frames->len);
  const PpImage *first = ((PpFrame *) frames->pdata[0])->image;

  g_array_set_clear_func (results, (GDestroyNotify) pp_frame_clear_image);
  g_array_append_val (results, ((PpFrame) { pp_image_ref (first_result),
                                            ((PpFrame *) frames->pdata[0])->delay_ms }));
  for (guint i = 1; i < frames->len; i++)
    {
      const PpFrame *frame = frames->pdata[i];
      g_autoptr (PpPlan) own = NULL;
      PpPlan *plan = first_plan;
      PpImage *result;

      if (frame->image->width != first->width || frame->image->height != first->height
          || frame->image->channels != first->channels)
        {
          own = pp_plan_new (pipeline, frame->image->width, frame->image->height,
                             frame->image->channels, error);
          if (own == NULL)
            return FALSE;
          plan = own;
        }
      result = pp_plan_run_shared (plan, frame->image, n_helpers, cancellable, error);
      if (result == NULL)
        return FALSE;
      g_array_append_val (results, ((PpFrame) { result, frame->delay_ms }));
    }
  *out = g_steal_pointer (&results);
  return TRUE;
}
