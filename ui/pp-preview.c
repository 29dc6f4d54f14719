/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpPreview draws the rendered image with GtkSnapshot, and in compare mode the original on the
 * left of a draggable split. Decoding and rendering (pp-preview-render.c) run on the shared
 * pool; this file is the widget: drawing, the split, properties.
 */
#define G_LOG_DOMAIN "pp-preview"

#include "config.h"

#include "render/pp-scheduler.h"
#include "pp-preview-private.h"

G_DEFINE_FINAL_TYPE (PpPreview, pp_preview, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STATUS,
  PROP_COMPARE,
  PROP_BUSY,
  PROP_ERROR,
  PROP_IMAGE_WIDTH,
  PROP_IMAGE_HEIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
_pp_preview_set_error (PpPreview  *self,
                       const char *error)
{
  if (g_strcmp0 (self->error, error) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/**
 * pp_preview_get_error:
 *
 * Returns: (nullable): why the file could not be opened, as core words it; %NULL when it
 *   could (or none is set)
 */
const char *
pp_preview_get_error (PpPreview *self)
{
  g_return_val_if_fail (PP_IS_PREVIEW (self), NULL);
  return self->error;
}

void
_pp_preview_notify_image_size (PpPreview *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE_WIDTH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE_HEIGHT]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * pp_preview_get_image_size:
 * @width: (out): the decoded, upright image's width in pixels; 0 while none is loaded
 * @height: (out): its height
 */
void
pp_preview_get_image_size (PpPreview *self,
                           int       *width,
                           int       *height)
{
  g_return_if_fail (PP_IS_PREVIEW (self));
  *width = self->full ? self->full->width : 0;
  *height = self->full ? self->full->height : 0;
}

/* Stops waiting for the frame that shows the last render (it was painted, or the widget goes). */
void
_pp_preview_stop_after_paint (PpPreview *self)
{
  /* The clock's surface may have gone meanwhile, and its handlers with it. */
  if (self->after_paint_id != 0 &&
      g_signal_handler_is_connected (self->after_paint_clock, self->after_paint_id))
    g_signal_handler_disconnect (self->after_paint_clock, self->after_paint_id);
  self->after_paint_id = 0;
  g_clear_object (&self->after_paint_clock);
}

void
_pp_preview_notify_busy (PpPreview *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* What a screen reader says of the preview: the file, the compare state with where the divider
 * is and how to move it, and the render's status (its time and size). */
void
_pp_preview_update_accessible (PpPreview *self)
{
  g_autofree char *name = self->file != NULL ? g_file_get_basename (self->file) : NULL;
  g_autofree char *label = name != NULL ? g_strdup_printf ("Preview of %s", name)
                                        : g_strdup ("Preview: no image selected");
  g_autofree char *description = NULL;

  if (self->compare)
    description = g_strdup_printf ("Before and after: the original left of the divider, the "
                                   "result right of it; divider at %d %% (Left and Right "
                                   "arrows move it, Home and End to the edges). %s",
                                   (int) (self->split * 100 + 0.5), self->status);
  else
    description = g_strdup (self->status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

void
_pp_preview_set_status (PpPreview  *self,
                        const char *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;
  g_free (self->status);
  self->status = g_strdup (status);
  _pp_preview_update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

void
pp_preview_set_pipeline (PpPreview  *self,
                         PpPipeline *pipeline)
{
  g_return_if_fail (PP_IS_PREVIEW (self));

  if (g_set_object (&self->pipeline, pipeline))
    pp_preview_invalidate (self, FALSE);
}

void
pp_preview_set_threads (PpPreview *self,
                        guint      n_threads)
{
  g_return_if_fail (PP_IS_PREVIEW (self));

  n_threads = CLAMP (n_threads, 1, PP_SCHEDULER_MAX_THREADS);
  if (self->n_threads == n_threads)
    return;
  self->n_threads = n_threads;
  pp_preview_invalidate (self, FALSE);
}

const char *
pp_preview_get_status (PpPreview *self)
{
  g_return_val_if_fail (PP_IS_PREVIEW (self), NULL);
  return self->status;
}

gboolean
pp_preview_get_compare (PpPreview *self)
{
  g_return_val_if_fail (PP_IS_PREVIEW (self), FALSE);
  return self->compare;
}

void
pp_preview_set_compare (PpPreview *self,
                        gboolean   compare)
{
  g_return_if_fail (PP_IS_PREVIEW (self));

  compare = !!compare;
  if (self->compare == compare)
    return;
  self->compare = compare;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), compare ? "col-resize" : NULL);
  /* The divider is a control while comparing: it takes focus and the arrow keys. */
  gtk_widget_set_focusable (GTK_WIDGET (self), compare);
  _pp_preview_update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARE]);
}

guint
pp_preview_get_n_renders (PpPreview *self)
{
  g_return_val_if_fail (PP_IS_PREVIEW (self), 0);
  return self->n_renders;
}

/* Renders of the screen-sized proxy so far (the rest were full resolution). */
guint
pp_preview_get_n_proxy_renders (PpPreview *self)
{
  g_return_val_if_fail (PP_IS_PREVIEW (self), 0);
  return self->n_proxy_renders;
}

gboolean
pp_preview_get_busy (PpPreview *self)
{
  g_return_val_if_fail (PP_IS_PREVIEW (self), FALSE);
  return self->rendering;
}

/* Drawing */

gboolean
_pp_preview_get_image_rect (PpPreview       *self,
                graphene_rect_t *rect)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double tw, th, ratio = 1.0, scale;

  if (self->after == NULL || width < 1 || height < 1)
    return FALSE;
  /* A proxy stands for the full image: lay it out at the size the full render will have, so the
   * picture does not jump when the full render replaces it. */
  if (self->after_is_proxy && self->full != NULL && self->proxy != NULL)
    ratio = (double) self->full->width / self->proxy->width;
  tw = self->after_width * ratio;
  th = self->after_height * ratio;
  /* Never upscale a small image past its pixels; fit a large one. */
  scale = MIN (1.0, MIN (width / tw, height / th));
  graphene_rect_init (rect, floor ((width - tw * scale) / 2), floor ((height - th * scale) / 2),
                      tw * scale, th * scale);
  return TRUE;
}

static void
pp_preview_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  PpPreview *self = PP_PREVIEW (widget);
  graphene_rect_t rect;

  if (!_pp_preview_get_image_rect (self, &rect))
    return;

  if (!self->compare)
    {
      gtk_snapshot_append_texture (snapshot, self->after, &rect);
      return;
    }

  {
    GdkTexture *before = self->after_is_proxy && self->before_proxy ? self->before_proxy
                                                                    : self->before_full;
    double x = rect.origin.x + rect.size.width * self->split;
    graphene_rect_t left = GRAPHENE_RECT_INIT (rect.origin.x, rect.origin.y,
                                               x - rect.origin.x, rect.size.height);
    graphene_rect_t right = GRAPHENE_RECT_INIT (x, rect.origin.y,
                                                rect.origin.x + rect.size.width - x,
                                                rect.size.height);
    GdkRGBA line = { 1, 1, 1, 0.9 };
    GdkRGBA shadow = { 0, 0, 0, 0.35 };

    gtk_snapshot_push_clip (snapshot, &left);
    if (before != NULL)
      gtk_snapshot_append_texture (snapshot, before, &rect);
    gtk_snapshot_pop (snapshot);
    gtk_snapshot_push_clip (snapshot, &right);
    gtk_snapshot_append_texture (snapshot, self->after, &rect);
    gtk_snapshot_pop (snapshot);
    gtk_snapshot_append_color (snapshot, &shadow,
                               &GRAPHENE_RECT_INIT (x - 2, rect.origin.y, 4, rect.size.height));
    gtk_snapshot_append_color (snapshot, &line,
                               &GRAPHENE_RECT_INIT (x - 1, rect.origin.y, 2, rect.size.height));
    /* The handle, mid-height. */
    gtk_snapshot_append_color (snapshot, &line,
                               &GRAPHENE_RECT_INIT (x - 6,
                                                    rect.origin.y + rect.size.height / 2 - 20,
                                                    12, 40));
  }
}

/* @split: the divider's place as a fraction of the image's width, 0 (left edge) to 1 */
static void
set_split (PpPreview *self,
           double     split)
{
  self->split = CLAMP (split, 0.0, 1.0);
  _pp_preview_update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
move_split (PpPreview *self,
            double     x)
{
  graphene_rect_t rect;

  if (!self->compare || !_pp_preview_get_image_rect (self, &rect) || rect.size.width < 1)
    return;
  set_split (self, (x - rect.origin.x) / rect.size.width);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                PpPreview             *self)
{
  if (!self->compare)
    return GDK_EVENT_PROPAGATE;
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      set_split (self, self->split - 0.05);
      return GDK_EVENT_STOP;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      set_split (self, self->split + 0.05);
      return GDK_EVENT_STOP;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      set_split (self, 0.0);
      return GDK_EVENT_STOP;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      set_split (self, 1.0);
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               PpPreview      *self)
{
  self->drag_start = x;
  move_split (self, x);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                PpPreview      *self)
{
  move_split (self, self->drag_start + dx);
}

static void
pp_preview_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  *minimum = 120;
  /* The window docks the chain while chain (340), grid (330) and this natural width (with its
   * 12 px margins) fit: from ~980 px, so the default 1200 shows all three. More goes to the
   * preview anyway (it expands). */
  *natural = 280;
}

static void
pp_preview_dispose (GObject *object)
{
  PpPreview *self = PP_PREVIEW (object);

  _pp_preview_stop_after_paint (self);
  g_clear_handle_id (&self->settle_id, g_source_remove);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  g_clear_object (&self->file);
  g_clear_object (&self->pipeline);
  g_clear_pointer (&self->full, pp_image_unref);
  g_clear_pointer (&self->proxy, pp_image_unref);
  g_clear_object (&self->before_full);
  g_clear_object (&self->before_proxy);
  g_clear_object (&self->after);

  G_OBJECT_CLASS (pp_preview_parent_class)->dispose (object);
}

static void
pp_preview_finalize (GObject *object)
{
  PpPreview *self = PP_PREVIEW (object);

  g_free (self->status);
  g_free (self->error);
  G_OBJECT_CLASS (pp_preview_parent_class)->finalize (object);
}

static void
pp_preview_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PpPreview *self = PP_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_COMPARE:
      g_value_set_boolean (value, self->compare);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->rendering);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_IMAGE_WIDTH:
      g_value_set_int (value, self->full ? self->full->width : 0);
      break;
    case PROP_IMAGE_HEIGHT:
      g_value_set_int (value, self->full ? self->full->height : 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_preview_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  PpPreview *self = PP_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_COMPARE:
      pp_preview_set_compare (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_preview_class_init (PpPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_preview_dispose;
  object_class->finalize = pp_preview_finalize;
  object_class->get_property = pp_preview_get_property;
  object_class->set_property = pp_preview_set_property;
  widget_class->snapshot = pp_preview_snapshot;
  widget_class->measure = pp_preview_measure;

  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_COMPARE] =
    g_param_spec_boolean ("compare", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The loaded image's size (0 while none is): what the chain must fit. */
  properties[PROP_IMAGE_WIDTH] =
    g_param_spec_int ("image-width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_IMAGE_HEIGHT] =
    g_param_spec_int ("image-height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "preview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pp_preview_init (PpPreview *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *key;

  self->n_threads = pp_scheduler_get_default_threads ();
  self->split = 0.5;
  self->status = g_strdup ("");
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  _pp_preview_update_accessible (self);
}
