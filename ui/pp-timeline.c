/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpTimeline draws a run's per-file records: x is time since the run's first file started, y
 * the worker lane. While the run is live, the time axis grows with the clock (a tick callback
 * runs only while the run is unfinished and the widget is mapped). Tooltips name the file under
 * the pointer and its stage times.
 */
#define G_LOG_DOMAIN "pp-timeline"

#include "config.h"

#include <math.h>

#include "pp-timeline.h"

#define LANE_HEIGHT 22
#define LANE_GAP 6
#define LABEL_WIDTH 76
#define AXIS_HEIGHT 22
#define LEGEND_HEIGHT 24
#define PAD 12

struct _PpTimeline
{
  GtkWidget parent_instance;

  PpRun *run;
  gulong items_changed_id;
  guint tick_id;
  gint64 origin_us; /* earliest start seen */
  gint64 last_us;   /* latest end seen, or now while running */
};

G_DEFINE_FINAL_TYPE (PpTimeline, pp_timeline, GTK_TYPE_WIDGET)

/* Stage colours: libadwaita's palette (blue 3, orange 3, green 4, purple 3), legible on light
 * and dark backgrounds alike. */
static const GdkRGBA stage_colours[4] = {
  { 0.208, 0.518, 0.894, 1 },
  { 1.000, 0.471, 0.000, 1 },
  { 0.180, 0.761, 0.494, 1 },
  { 0.569, 0.255, 0.675, 1 },
};
static const char *const stage_names[4] = { "Decode", "Filter", "Encode", "Write" };

static guint
n_lanes (PpTimeline *self)
{
  return self->run ? MAX (1u, pp_run_get_threads (self->run)) : 1;
}

static void
update_extent (PpTimeline *self)
{
  guint n;

  self->origin_us = G_MAXINT64;
  self->last_us = 0;
  if (self->run == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->run));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (self->run), i);
      const PpFileRecord *record = pp_file_result_get_record (result);

      if (record->start_us <= 0)
        continue;
      self->origin_us = MIN (self->origin_us, record->start_us);
      self->last_us = MAX (self->last_us, record->end_us);
    }
  if (!pp_run_get_finished (self->run) && self->origin_us != G_MAXINT64)
    self->last_us = MAX (self->last_us, g_get_monotonic_time ());
}

static void
get_foreground (GtkWidget *widget,
                GdkRGBA   *colour)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, colour);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), colour);
#endif
}

/* Seconds between two ticks of the time axis for a run of @span_s seconds. */
static double
axis_step (double span_s)
{
  return span_s > 120 ? 20 : span_s > 60 ? 10 : span_s > 20 ? 5 : span_s > 8 ? 2 : span_s > 4 ? 1
         : span_s > 1 ? 0.5 : 0.1;
}

/* The axis' length: the run's span rounded up to a whole tick. */
static double
axis_span_s (PpTimeline *self)
{
  double span_s = (self->last_us - self->origin_us) / 1e6;
  double step = axis_step (span_s);

  return MAX (step, ceil (span_s / step - 1e-9) * step);
}

static double
time_scale (PpTimeline *self,
            double      width)
{
  double span = self->last_us - self->origin_us;

  if (self->origin_us == G_MAXINT64 || span <= 0)
    return 0;
  /* Round the axis up to a whole tick so a live run does not rescale every frame. */
  span = axis_span_s (self) * 1e6;
  return (width - LABEL_WIDTH - PAD) / span;
}

static void
draw_text (GtkWidget   *widget,
           GtkSnapshot *snapshot,
           const char  *text,
           double       x,
           double       y,
           gboolean     dim)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  GdkRGBA colour;

  get_foreground (widget, &colour);
  if (dim)
    colour.alpha *= 0.6;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, &colour);
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
}

static void
pp_timeline_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  PpTimeline *self = PP_TIMELINE (widget);
  double width = gtk_widget_get_width (widget);
  guint lanes = n_lanes (self);
  double scale, x0 = LABEL_WIDTH, y0 = LEGEND_HEIGHT;
  GdkRGBA fg, track;
  guint n;

  get_foreground (widget, &fg);
  track = fg;
  track.alpha = 0.06;

  /* Legend */
  for (guint s = 0; s < 4; s++)
    {
      double x = x0 + s * 90;

      gtk_snapshot_append_color (snapshot, &stage_colours[s],
                                 &GRAPHENE_RECT_INIT (x, 5, 12, 12));
      draw_text (widget, snapshot, stage_names[s], x + 17, 2, TRUE);
    }

  for (guint lane = 0; lane < lanes; lane++)
    {
      g_autofree char *label = g_strdup_printf ("Worker %u", lane + 1);
      double y = y0 + lane * (LANE_HEIGHT + LANE_GAP);
      GskRoundedRect rounded;

      draw_text (widget, snapshot, label, 0, y + 2, TRUE);
      gsk_rounded_rect_init_from_rect (&rounded,
                                       &GRAPHENE_RECT_INIT (x0, y, width - x0 - PAD, LANE_HEIGHT),
                                       4);
      gtk_snapshot_push_rounded_clip (snapshot, &rounded);
      gtk_snapshot_append_color (snapshot, &track, &rounded.bounds);
      gtk_snapshot_pop (snapshot);
    }

  scale = time_scale (self, width);
  if (self->run == NULL || scale <= 0)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->run));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (self->run), i);
      const PpFileRecord *r = pp_file_result_get_record (result);
      double y = y0 + MIN (r->worker, lanes - 1) * (LANE_HEIGHT + LANE_GAP);
      double x = x0 + (r->start_us - self->origin_us) * scale;
      gint64 stages[4] = { r->decode_us, r->filter_us, r->encode_us, r->write_us };
      gint64 sum = stages[0] + stages[1] + stages[2] + stages[3];
      double total = MAX (1.0, (r->end_us - r->start_us) * scale);

      if (r->start_us <= 0 || r->end_us < r->start_us)
        continue;
      if (r->status == PP_FILE_STATUS_FAILED || sum <= 0)
        {
          GdkRGBA failed = { 0.878, 0.106, 0.141, 0.8 };

          gtk_snapshot_append_color (snapshot, &failed, &GRAPHENE_RECT_INIT (x, y + 4, total,
                                                                              LANE_HEIGHT - 8));
          continue;
        }
      /* Stage widths are proportional to their share of the file's time; the small rest
       * (queueing, bookkeeping) is spread over them so bars meet the file's real end. */
      for (guint s = 0; s < 4; s++)
        {
          double w = total * stages[s] / (double) sum;

          if (w > 0)
            gtk_snapshot_append_color (snapshot, &stage_colours[s],
                                       &GRAPHENE_RECT_INIT (x, y + 2, w, LANE_HEIGHT - 4));
          x += w;
        }
      /* A hairline between files keeps back-to-back bars apart. */
      {
        GdkRGBA gap = fg;

        gap.alpha = 0.25;
        gtk_snapshot_append_color (snapshot, &gap,
                                   &GRAPHENE_RECT_INIT (x - 1, y + 2, 1, LANE_HEIGHT - 4));
      }
    }

  /* Time axis: one tick a second (or every 5/10 s on long runs). */
  {
    double axis_y = y0 + lanes * (LANE_HEIGHT + LANE_GAP);
    double span_s = axis_span_s (self);
    double step = axis_step ((self->last_us - self->origin_us) / 1e6);
    GdkRGBA tick = fg;

    tick.alpha = 0.3;
    for (guint i = 0; i * step <= span_s + 1e-9; i++)
      {
        double t = i * step;
        double x = x0 + t * 1e6 * scale;
        g_autofree char *label = g_strdup_printf (step < 1 ? "%.1f s" : "%.0f s", t);

        gtk_snapshot_append_color (snapshot, &tick, &GRAPHENE_RECT_INIT (x, axis_y - 4, 1, 5));
        draw_text (widget, snapshot, label, x + 2, axis_y, TRUE);
      }
  }
}

static gboolean
pp_timeline_query_tooltip (GtkWidget  *widget,
                           int         px,
                           int         py,
                           gboolean    keyboard,
                           GtkTooltip *tooltip)
{
  PpTimeline *self = PP_TIMELINE (widget);
  double scale = time_scale (self, gtk_widget_get_width (widget));
  guint lanes = n_lanes (self);
  int lane;
  gint64 t;
  guint n;

  if (self->run == NULL || scale <= 0 || px < LABEL_WIDTH || py < LEGEND_HEIGHT)
    return FALSE;
  lane = (py - LEGEND_HEIGHT) / (LANE_HEIGHT + LANE_GAP);
  if (lane >= (int) lanes)
    return FALSE;
  t = self->origin_us + (gint64) ((px - LABEL_WIDTH) / scale);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->run));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (self->run), i);
      const PpFileRecord *r = pp_file_result_get_record (result);
      g_autofree char *name = NULL;
      g_autofree char *text = NULL;

      if ((int) r->worker != lane || t < r->start_us || t > r->end_us)
        continue;
      name = g_path_get_basename (r->input);
      if (r->status == PP_FILE_STATUS_FAILED)
        text = g_strdup_printf ("<b>%s</b>\nFailed: %s", name, r->reason ? r->reason : "");
      else
        text = g_markup_printf_escaped ("<b>%s</b>\nWorker %u · %.0f ms from %.2f s\n"
                                        "Decode %.0f ms · filter %.0f ms · encode %.0f ms · "
                                        "write %.0f ms",
                                        name, r->worker + 1, (r->end_us - r->start_us) / 1e3,
                                        (r->start_us - self->origin_us) / 1e6,
                                        r->decode_us / 1e3, r->filter_us / 1e3,
                                        r->encode_us / 1e3, r->write_us / 1e3);
      gtk_tooltip_set_markup (tooltip, text);
      return TRUE;
    }
  return FALSE;
}

static void
pp_timeline_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  PpTimeline *self = PP_TIMELINE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = LABEL_WIDTH + 200;
      *natural = LABEL_WIDTH + 600;
    }
  else
    {
      *minimum = *natural = LEGEND_HEIGHT + n_lanes (self) * (LANE_HEIGHT + LANE_GAP) +
                            AXIS_HEIGHT;
    }
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  PpTimeline *self = PP_TIMELINE (widget);

  if (self->run == NULL || pp_run_get_finished (self->run))
    {
      self->tick_id = 0;
      update_extent (self);
      gtk_widget_queue_draw (widget);
      return G_SOURCE_REMOVE;
    }
  self->last_us = MAX (self->last_us, g_get_monotonic_time ());
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  PpTimeline *self)
{
  update_extent (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->tick_id == 0 && self->run && !pp_run_get_finished (self->run))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

void
pp_timeline_set_run (PpTimeline *self,
                     PpRun      *run)
{
  g_return_if_fail (PP_IS_TIMELINE (self));

  if (self->run == run)
    {
      on_items_changed (NULL, 0, 0, 0, self);
      return;
    }
  if (self->run != NULL)
    g_clear_signal_handler (&self->items_changed_id, self->run);
  g_set_object (&self->run, run);
  if (run != NULL)
    self->items_changed_id = g_signal_connect (run, "items-changed",
                                               G_CALLBACK (on_items_changed), self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  on_items_changed (NULL, 0, 0, 0, self);
}

PpRun *
pp_timeline_get_run (PpTimeline *self)
{
  g_return_val_if_fail (PP_IS_TIMELINE (self), NULL);
  return self->run;
}

static void
pp_timeline_dispose (GObject *object)
{
  PpTimeline *self = PP_TIMELINE (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  if (self->run != NULL)
    g_clear_signal_handler (&self->items_changed_id, self->run);
  g_clear_object (&self->run);

  G_OBJECT_CLASS (pp_timeline_parent_class)->dispose (object);
}

static void
pp_timeline_class_init (PpTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_timeline_dispose;
  widget_class->snapshot = pp_timeline_snapshot;
  widget_class->measure = pp_timeline_measure;
  widget_class->query_tooltip = pp_timeline_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pp_timeline_init (PpTimeline *self)
{
  self->origin_us = G_MAXINT64;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Timeline of each worker thread during the run", -1);
}
