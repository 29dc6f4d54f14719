/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The preview's work on the pool: decoding the selected image (full size, a screen-sized proxy
 * and the "before" picture), then rendering the chain through pp_plan_run_async() with at most
 * one render in flight and one pending, so a slider dragged fast never queues stale work. While
 * parameters are changing it renders the proxy; once they settle, the full image. The status
 * line reports what the last render really cost: the plan's wall time, its thread count, and
 * the time until the frame showing it was painted. A render much larger than the screen is
 * scaled down for display on the pool too, so a 12-megapixel result never costs the main thread
 * a 36 MB texture upload.
 */
#define G_LOG_DOMAIN "pp-preview"

#include "config.h"

#include <math.h>

#include "io/pp-io.h"
#include "render/pp-plan.h"
#include "render/pp-render.h"
#include "pp-preview-private.h"

/* Long side of the proxy: about a screen, so a drag re-renders a few hundred kilopixels. */
#define PROXY_SIZE 1280
/* How long parameters must stay still before the full-resolution render. */
#define SETTLE_MS 200

typedef struct
{
  char *path;
  int display_size;
  PpImage *full;
  PpImage *proxy;      /* NULL when the image is no larger than a proxy */
  GdkPixbuf *before;   /* the full image at display size, for the compare split */
} LoadData;

static void start_render (PpPreview *self);

static void
image_bytes_free (gpointer data)
{
  pp_image_unref (data);
}

/* Wraps the image's pixels without a copy; the texture keeps the image alive. */
static GdkTexture *
texture_for_image (PpImage *image)
{
  g_autoptr (GBytes) bytes = NULL;
  gsize size = (gsize) image->stride * (image->height - 1) + (gsize) image->width * image->channels;

  bytes = g_bytes_new_with_free_func (image->data, size, image_bytes_free, pp_image_ref (image));
  return gdk_memory_texture_new (image->width, image->height,
                                 image->channels == 4 ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8,
                                 bytes, image->stride);
}

/* Long side, in device pixels, worth sending to the screen: the widget's, never below a
 * proxy. Main thread. */
static int
display_size (PpPreview *self)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int side = MAX (gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)));

  return MAX (PROXY_SIZE, side * scale);
}

/* Any thread. Returns: (transfer full): @pixbuf, or a copy scaled to fit @size. */
static GdkPixbuf *
fit_pixbuf (GdkPixbuf *pixbuf,
            int        size)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  double scale;

  /* Within a quarter of the target, sending it as it is costs less than scaling. */
  if (MAX (width, height) <= size * 5 / 4)
    return g_object_ref (pixbuf);
  scale = (double) size / MAX (width, height);
  return gdk_pixbuf_scale_simple (pixbuf, MAX (1, (int) (width * scale + 0.5)),
                                  MAX (1, (int) (height * scale + 0.5)), GDK_INTERP_BILINEAR);
}

/* Proxy */

/**
 * _pp_preview_make_proxy:
 * @full: the decoded image
 *
 * Scales @full down (area-averaging) so its long side is PROXY_SIZE. Any thread; reads @full
 * only.
 *
 * Returns: (transfer full) (nullable): the proxy, or %NULL when @full is no larger than one
 */
PpImage *
_pp_preview_make_proxy (PpImage *full)
{
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autoptr (GdkPixbuf) small = NULL;
  int width = full->width;
  int height = full->height;
  double scale;

  if (MAX (width, height) <= PROXY_SIZE)
    return NULL;
  scale = (double) PROXY_SIZE / MAX (width, height);
  pixbuf = pp_image_to_pixbuf (full);
  small = gdk_pixbuf_scale_simple (pixbuf, MAX (1, (int) (width * scale + 0.5)),
                                   MAX (1, (int) (height * scale + 0.5)), GDK_INTERP_BILINEAR);
  return pp_image_new_for_pixbuf (small);
}

/* Whether a parameter is a length in image pixels, which must shrink with the proxy. */
static gboolean
is_pixel_length (const PpParamSpec *pspec)
{
  return g_strcmp0 (pspec->unit, "px") == 0;
}

/**
 * _pp_preview_scale_for_proxy:
 * @pipeline: the chain as the user set it, for the full image
 * @scale: proxy width / full width, in (0, 1]
 *
 * The chain a proxy must be rendered with to look like the full render scaled down: every
 * pixel length (a blur's sigma, a sharpen radius, a crop's offsets and size, a fit's box)
 * times @scale. A neighbourhood filter whose size cannot follow (the fixed 3×3 kernels of
 * edge-detect, emboss and median, an integer radius that would round off by more than a
 * quarter or fall below its minimum) has no faithful proxy. Main thread.
 *
 * Returns: (transfer full) (nullable): the scaled chain, or %NULL when the proxy would lie
 *   and the full image must be rendered instead
 */
PpPipeline *
_pp_preview_scale_for_proxy (PpPipeline *pipeline,
                             double      scale)
{
  g_autoptr (PpPipeline) scaled = pp_pipeline_copy (pipeline);
  guint n_steps = pp_pipeline_get_n_steps (pipeline);

  g_return_val_if_fail (scale > 0 && scale <= 1, NULL);

  for (guint i = 0; i < n_steps; i++)
    {
      const PpStep *step = pp_pipeline_get_step (pipeline, i);
      gboolean local = step->info->kind == PP_FILTER_KIND_LOCAL;
      gboolean has_length = FALSE;

      if (!step->enabled)
        continue;
      for (guint p = 0; p < step->info->n_params; p++)
        {
          const PpParamSpec *pspec = &step->info->params[p];
          double value = step->values[p] * scale;

          if (!is_pixel_length (pspec))
            continue;
          has_length = TRUE;
          if (pspec->type == PP_PARAM_INT)
            {
              double rounded = round (value);

              if (local && (rounded < pspec->min || fabs (rounded - value) > 0.25 * value))
                return NULL;
              value = rounded;
            }
          if (value < pspec->min)
            {
              if (local)
                return NULL;
              /* A geometry length below its minimum (a 1 px crop) stays 1 px: sub-pixel. */
              value = pspec->min;
            }
          if (!pp_pipeline_set_value (scaled, i, p, value, NULL))
            return NULL;
        }
      if (local && !has_length)
        return NULL;
    }
  return g_steal_pointer (&scaled);
}

/* Loading */

static void
load_data_free (LoadData *data)
{
  g_free (data->path);
  g_clear_pointer (&data->full, pp_image_unref);
  g_clear_pointer (&data->proxy, pp_image_unref);
  g_clear_object (&data->before);
  g_free (data);
}

/* On a pool worker: GdkPixbuf only. */
static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_auto (PpImageInfo) info = { 0 };

  if (g_task_return_error_if_cancelled (task))
    return;
  /* The batch's loader: isolated decoder, pixel limit, EXIF orientation. */
  data->full = pp_io_load (data->path, NULL, &info, cancellable, &error);
  if (data->full == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Shares the pixels; nothing writes into the source afterwards. */
  pixbuf = pp_image_to_pixbuf (data->full);
  data->before = fit_pixbuf (pixbuf, data->display_size);
  data->proxy = _pp_preview_make_proxy (data->full);
  g_task_return_boolean (task, TRUE);
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  PpPreview *self = PP_PREVIEW (source);
  LoadData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  g_assert (g_main_context_is_owner (NULL));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          _pp_preview_set_status (self, "");
          _pp_preview_set_error (self, error->message);
          g_clear_object (&self->after);
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
      return;
    }
  self->full = g_steal_pointer (&data->full);
  _pp_preview_notify_image_size (self);
  self->proxy = g_steal_pointer (&data->proxy);
  self->before_full = gdk_texture_new_for_pixbuf (data->before);
  if (self->proxy != NULL)
    self->before_proxy = texture_for_image (self->proxy);
  /* A first look from the proxy at once, then the full image. */
  self->interactive = self->proxy != NULL;
  start_render (self);
  if (self->interactive)
    pp_preview_invalidate (self, FALSE);
}

void
pp_preview_set_file (PpPreview *self,
                     GFile     *file)
{
  GTask *task;
  LoadData *data;

  g_return_if_fail (PP_IS_PREVIEW (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  if (self->file == file || (file && self->file && g_file_equal (file, self->file)))
    return;
  g_set_object (&self->file, file);
  _pp_preview_update_accessible (self);
  _pp_preview_set_error (self, NULL);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_cancellable_cancel (self->render_cancellable);
  if (self->full != NULL)
    {
      g_clear_pointer (&self->full, pp_image_unref);
      _pp_preview_notify_image_size (self);
    }
  g_clear_pointer (&self->proxy, pp_image_unref);
  g_clear_object (&self->before_full);
  g_clear_object (&self->before_proxy);
  g_clear_object (&self->after);
  g_clear_handle_id (&self->settle_id, g_source_remove);
  self->pending = FALSE;
  /* A display scaling still running belongs to the previous image. */
  self->display_generation++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (file == NULL)
    {
      _pp_preview_set_status (self, "");
      return;
    }

  _pp_preview_set_status (self, "Loading…");
  self->load_cancellable = g_cancellable_new ();
  data = g_new0 (LoadData, 1);
  data->path = g_file_get_path (file);
  data->display_size = display_size (self);
  task = g_task_new (self, self->load_cancellable, load_cb, NULL);
  g_task_set_source_tag (task, pp_preview_set_file);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  if (data->path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "The file is not on a local disk");
      g_object_unref (task);
      return;
    }
  pp_scheduler_run_task (task, load_worker);
  g_object_unref (task);
}

GFile *
pp_preview_get_file (PpPreview *self)
{
  g_return_val_if_fail (PP_IS_PREVIEW (self), NULL);
  return self->file;
}

/* Rendering */

typedef struct
{
  PpPreview *self;
  PpPlan *plan;
  gboolean proxy;
  GCancellable *cancellable;
} RenderData;

static void
on_after_paint (GdkFrameClock *clock,
                PpPreview     *self)
{
  g_autofree char *status = NULL;
  gint64 shown_us = g_get_monotonic_time () - self->delivered_us;

  _pp_preview_stop_after_paint (self);
  status = g_strdup_printf ("Processed in %.0f ms on %u thread%s · shown in %.0f ms · %d × %d%s",
                            self->render_us / 1000.0, self->render_threads,
                            self->render_threads == 1 ? "" : "s", shown_us / 1000.0,
                            self->render_width, self->render_height,
                            self->after_is_proxy ? " preview" : "");
  _pp_preview_set_status (self, status);
}

static void
show_after (PpPreview  *self,
            GdkTexture *texture,
            gboolean    proxy,
            int         width,
            int         height)
{
  GdkFrameClock *clock;

  g_set_object (&self->after, texture);
  self->after_is_proxy = proxy;
  self->after_width = width;
  self->after_height = height;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  if (clock != NULL && self->after_paint_id == 0)
    {
      self->after_paint_clock = g_object_ref (clock);
      self->after_paint_id = g_signal_connect (clock, "after-paint",
                                               G_CALLBACK (on_after_paint), self);
    }
  else if (clock == NULL)
    on_after_paint (NULL, self);
}

typedef struct
{
  PpImage *image;
  int size;
  guint generation;
  gboolean proxy;
  GdkPixbuf *result;
} FitData;

static void
fit_data_free (FitData *data)
{
  g_clear_pointer (&data->image, pp_image_unref);
  g_clear_object (&data->result);
  g_free (data);
}

/* On a pool worker: GdkPixbuf only. */
static void
fit_worker (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  FitData *data = task_data;
  g_autoptr (GdkPixbuf) pixbuf = pp_image_to_pixbuf (data->image);

  data->result = fit_pixbuf (pixbuf, data->size);
  g_task_return_boolean (task, TRUE);
}

static void
fit_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  PpPreview *self = PP_PREVIEW (source);
  FitData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (GdkTexture) texture = NULL;

  g_assert (g_main_context_is_owner (NULL));

  /* A newer render was shown meanwhile: this one is stale. */
  if (data->generation != self->display_generation)
    return;
  texture = gdk_texture_new_for_pixbuf (data->result);
  show_after (self, texture, data->proxy, data->image->width, data->image->height);
}

static void
render_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  RenderData *data = user_data;
  PpPreview *self = data->self;
  g_autoptr (PpRenderStats) stats = NULL;
  g_autoptr (PpImage) image = NULL;
  g_autoptr (GError) error = NULL;

  /* pp_plan_run_async() calls back on the context that started it: ours. */
  g_assert (g_main_context_is_owner (g_main_context_default ()));
  image = pp_plan_run_finish (data->plan, result, &stats, &error);
  self->rendering = FALSE;
  if (image != NULL && !g_cancellable_is_cancelled (data->cancellable))
    {
      int size = display_size (self);

      self->delivered_us = g_get_monotonic_time ();
      self->display_generation++;
      self->render_us = stats->end_us - stats->start_us;
      self->render_threads = stats->n_threads;
      self->render_width = image->width;
      self->render_height = image->height;
      self->n_renders++;
      if (data->proxy)
        self->n_proxy_renders++;
      if (MAX (image->width, image->height) > size * 5 / 4)
        {
          GTask *task = g_task_new (self, NULL, fit_cb, NULL);
          FitData *fit = g_new0 (FitData, 1);

          fit->image = pp_image_ref (image);
          fit->size = size;
          fit->generation = self->display_generation;
          fit->proxy = data->proxy;
          g_task_set_task_data (task, fit, (GDestroyNotify) fit_data_free);
          pp_scheduler_run_task (task, fit_worker);
          g_object_unref (task);
        }
      else
        {
          g_autoptr (GdkTexture) texture = texture_for_image (image);

          show_after (self, texture, data->proxy, image->width, image->height);
        }
    }
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _pp_preview_set_status (self, error->message);

  pp_plan_unref (data->plan);
  g_object_unref (data->cancellable);
  g_free (data);

  if (self->pending)
    {
      self->pending = FALSE;
      start_render (self);
    }
  _pp_preview_notify_busy (self);
  g_object_unref (self);
}

static void
start_render (PpPreview *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PpPipeline) scaled = NULL;
  PpPipeline *pipeline = self->pipeline;
  PpImage *src = self->full;
  RenderData *data;
  PpPlan *plan;

  if (self->rendering)
    {
      self->pending = TRUE;
      return;
    }
  if (self->full == NULL || self->pipeline == NULL)
    return;

  if (self->interactive && self->proxy != NULL)
    {
      /* Only when the proxy can tell the truth; otherwise the full image, slower but right. */
      scaled = _pp_preview_scale_for_proxy (self->pipeline,
                                            (double) self->proxy->width / self->full->width);
      if (scaled != NULL)
        {
          pipeline = scaled;
          src = self->proxy;
        }
    }
  plan = pp_plan_new (pipeline, src->width, src->height, src->channels, &error);
  if (plan == NULL && src == self->proxy)
    {
      /* Valid for the full image but not at proxy scale (rounding): render the full one. */
      g_clear_error (&error);
      src = self->full;
      plan = pp_plan_new (self->pipeline, src->width, src->height, src->channels, &error);
    }
  if (plan == NULL)
    {
      _pp_preview_set_status (self, error->message);
      return;
    }
  g_clear_object (&self->render_cancellable);
  self->render_cancellable = g_cancellable_new ();
  data = g_new0 (RenderData, 1);
  data->self = g_object_ref (self);
  data->plan = plan;
  data->proxy = src == self->proxy;
  data->cancellable = g_object_ref (self->render_cancellable);
  self->rendering = TRUE;
  pp_plan_run_async (plan, src, self->n_threads, data->cancellable, render_cb, data);
  _pp_preview_notify_busy (self);
}

static gboolean
settle_cb (gpointer user_data)
{
  PpPreview *self = user_data;

  g_assert (g_main_context_is_owner (NULL));

  self->settle_id = 0;
  self->interactive = FALSE;
  start_render (self);
  return G_SOURCE_REMOVE;
}

/**
 * pp_preview_invalidate:
 * @interactive: %TRUE while the user is still changing a value: render the proxy now and the
 *   full image once values have been still for a moment
 *
 * Renders again with the pipeline's current values.
 */
void
pp_preview_invalidate (PpPreview *self,
                       gboolean   interactive)
{
  g_return_if_fail (PP_IS_PREVIEW (self));

  g_clear_handle_id (&self->settle_id, g_source_remove);
  if (interactive && self->proxy != NULL)
    {
      self->interactive = TRUE;
      self->settle_id = g_timeout_add (SETTLE_MS, settle_cb, self);
    }
  else
    self->interactive = FALSE;
  start_render (self);
}

