/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpTimeline draws up to two runs (the selected one, and the serial run its speedup is measured
 * against, above it) on one time axis: x is time since each run's first file started, y the
 * worker lane. A file is a bar split into its stages (pp-stage-bar patterns, so colour is not
 * the only difference; a failed file is red and crossed out); the time a worker waited is
 * hatched. Each lane says how busy its worker was. A run read back from an earlier session has
 * no per-file times: its lanes show each worker's busy total. While a run is live the axis
 * grows with the clock (a tick callback only while it is unfinished and the widget mapped).
 */
#define G_LOG_DOMAIN "pp-timeline"

#include "config.h"

#include <math.h>

#include "pp-stage-bar.h"
#include "pp-timeline.h"
#include "pp-ui-util.h"

#define LANE_HEIGHT 22
#define LANE_GAP 6
#define LABEL_WIDTH 128
#define TITLE_HEIGHT 24
#define AXIS_HEIGHT 22
#define LEGEND_ROW 22
#define LEGEND_PAD 4
/* Axis labels at least this far apart, in pixels. */
#define TICK_SPACING 56
#define PAD 12

typedef struct
{
  PpRunEntry *entry;
  gint64 origin_us; /* the first file's start; G_MAXINT64: none yet */
  gint64 span_us;   /* origin to the run's end (or now) */
} Section;

struct _PpTimeline
{
  GtkWidget parent_instance;

  Section sections[2]; /* [0] the baseline (or empty), [1] the run */
  int legend_height;   /* for the allocated width: the legend wraps when narrow */
  gulong items_changed_id;
  guint tick_id;
};

G_DEFINE_FINAL_TYPE (PpTimeline, pp_timeline, GTK_TYPE_WIDGET)

static guint
section_lanes (Section *section)
{
  return section->entry ? MAX (1u, pp_run_entry_get_threads (section->entry)) : 0;
}

static void
update_section (Section *section)
{
  PpRun *run;
  gint64 last = 0;
  guint n;

  section->origin_us = G_MAXINT64;
  section->span_us = 0;
  if (section->entry == NULL)
    return;
  run = pp_run_entry_get_run (section->entry);
  if (run == NULL)
    {
      /* Read back: no per-file times, the run's own length. */
      section->origin_us = 0;
      section->span_us = pp_run_entry_get_wall_us (section->entry);
      return;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (run));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (run), i);
      const PpFileRecord *record = pp_file_result_get_record (result);

      if (record->start_us <= 0)
        continue;
      section->origin_us = MIN (section->origin_us, record->start_us);
      last = MAX (last, record->end_us);
    }
  if (section->origin_us == G_MAXINT64)
    return;
  if (!pp_run_get_finished (run))
    last = MAX (last, g_get_monotonic_time ());
  section->span_us = last - section->origin_us;
}

static void
update_extent (PpTimeline *self)
{
  for (guint i = 0; i < 2; i++)
    update_section (&self->sections[i]);
}

/* The longer run's span, seconds. */
static double
longest_span_s (PpTimeline *self)
{
  return MAX (self->sections[0].span_us, self->sections[1].span_us) / 1e6;
}

/* Seconds between two ticks of the time axis: the smallest round step whose labels stay
 * TICK_SPACING pixels apart on @width pixels (so a phone-wide axis does not print them over
 * each other). */
static double
axis_step (PpTimeline *self,
           double      width)
{
  static const double steps[] = { 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600 };
  double span_s = MAX (longest_span_s (self), 1e-3);
  double px_per_s = MAX (1.0, width - LABEL_WIDTH - PAD) / span_s;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * px_per_s >= TICK_SPACING && span_s / steps[i] <= 12)
      return steps[i];
  return steps[G_N_ELEMENTS (steps) - 1];
}

/* The shared axis' length: the longer run rounded up to a whole tick, so a live run does not
 * rescale every frame. */
static double
axis_span_s (PpTimeline *self,
             double      width)
{
  double step = axis_step (self, width);

  return MAX (step, ceil (longest_span_s (self) / step - 1e-9) * step);
}

/* Pixels per microsecond on the shared axis, or 0 when there is nothing to draw. */
static double
time_scale (PpTimeline *self,
            double      width)
{
  if (self->sections[0].span_us <= 0 && self->sections[1].span_us <= 0)
    return 0;
  return (width - LABEL_WIDTH - PAD) / (axis_span_s (self, width) * 1e6);
}

static double
section_height (Section *section)
{
  guint lanes = section_lanes (section);

  return lanes == 0 ? 0 : TITLE_HEIGHT + lanes * (LANE_HEIGHT + LANE_GAP);
}

static double
section_top (PpTimeline *self,
             guint       index)
{
  return self->legend_height + (index == 1 ? section_height (&self->sections[0]) : 0);
}

static char *
section_title (Section *section)
{
  PpRunEntry *entry = section->entry;
  guint threads = pp_run_entry_get_threads (entry);
  double wall = pp_run_entry_get_wall_us (entry) / 1e6;

  if (!pp_run_entry_get_finished (entry))
    return g_strdup_printf ("%s on %u thread%s · running", pp_run_entry_get_serial (entry)
                                                            ? "Serial" : "Parallel",
                            threads, threads == 1 ? "" : "s");
  return g_strdup_printf ("%s on %u thread%s · %.2f s%s%s",
                          pp_run_entry_get_serial (entry) ? "Serial" : "Parallel", threads,
                          threads == 1 ? "" : "s", wall,
                          pp_run_entry_get_cancelled (entry) ? " · cancelled" : "",
                          pp_run_entry_get_run (entry) == NULL
                            ? " · earlier session: per-worker totals only" : "");
}

/* Lays the legend out in rows on @width pixels (from the lanes' left edge, or from the left
 * when that leaves too little), drawing it when @snapshot is given. Returns its height. */
static int
layout_legend (GtkWidget     *widget,
               GtkSnapshot   *snapshot,
               const GdkRGBA *fg,
               double         width)
{
  static const char *const names[] = { "Decode", "Filter", "Encode", "Write", "Idle", "Failed" };
  double left = width - LABEL_WIDTH >= 240 ? LABEL_WIDTH : 0;
  double x = left, y = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, names[i]);
      int text_width;
      double item_width;

      pango_layout_get_pixel_size (layout, &text_width, NULL);
      g_object_unref (layout);
      item_width = 19 + text_width;
      if (x > left && x + item_width > width)
        {
          x = left;
          y += LEGEND_ROW;
        }
      if (snapshot != NULL)
        {
          graphene_rect_t swatch = GRAPHENE_RECT_INIT (x, y + 6, 14, 14);

          if (i < PP_RUN_N_STAGES)
            pp_stage_bar_append_stage (snapshot, i, &swatch);
          else if (i == 4)
            pp_stage_bar_append_idle (snapshot, fg, &swatch);
          else
            pp_stage_bar_append_failed (snapshot, &swatch);
          pp_ui_snapshot_text (widget, snapshot, names[i], x + 19, y + 3, 0, FALSE);
        }
      x += item_width + 14;
    }
  return y + LEGEND_ROW + LEGEND_PAD;
}

/* Bars of one file, its stages in proportion of their times. */
static void
draw_file (GtkSnapshot        *snapshot,
           const PpFileRecord *r,
           double              x,
           double              y,
           double              total)
{
  gint64 stages[4] = { r->decode_us, r->filter_us, r->encode_us, r->write_us };
  gint64 sum = stages[0] + stages[1] + stages[2] + stages[3];

  if (r->status == PP_FILE_STATUS_FAILED || sum <= 0)
    {
      pp_stage_bar_append_failed (snapshot, &GRAPHENE_RECT_INIT (x, y + 3, total,
                                                                 LANE_HEIGHT - 6));
      return;
    }
  /* Stage widths are proportional to their share of the file's time; the small rest
   * (queueing, bookkeeping) is spread over them so bars meet the file's real end. */
  for (guint s = 0; s < 4; s++)
    {
      double w = total * stages[s] / (double) sum;

      if (w > 0)
        pp_stage_bar_append_stage (snapshot, s, &GRAPHENE_RECT_INIT (x, y + 2, w,
                                                                     LANE_HEIGHT - 4));
      x += w;
    }
}

static void
draw_section (PpTimeline  *self,
              GtkSnapshot *snapshot,
              guint        index,
              double       scale,
              const GdkRGBA *fg)
{
  GtkWidget *widget = GTK_WIDGET (self);
  Section *section = &self->sections[index];
  PpRun *run = pp_run_entry_get_run (section->entry);
  double width = gtk_widget_get_width (widget);
  double top = section_top (self, index);
  double x0 = LABEL_WIDTH;
  guint lanes = section_lanes (section);
  g_autofree char *title = section_title (section);
  g_autofree double *lane_end = g_new0 (double, lanes);
  GdkRGBA track = *fg;
  guint n;

  track.alpha = 0.06;
  pp_ui_snapshot_text (widget, snapshot, title, 0, top + 3, 0, FALSE);
  for (guint lane = 0; lane < lanes; lane++)
    {
      double y = top + TITLE_HEIGHT + lane * (LANE_HEIGHT + LANE_GAP);
      gint64 busy = lane < pp_run_entry_get_n_workers (section->entry)
                    ? pp_run_entry_get_worker_busy_us (section->entry, lane) : 0;
      g_autofree char *label = NULL;
      GskRoundedRect rounded;

      if (section->span_us > 0)
        label = g_strdup_printf ("Worker %u · %.0f %%", lane + 1,
                                 100.0 * busy / section->span_us);
      else
        label = g_strdup_printf ("Worker %u", lane + 1);
      pp_ui_snapshot_text (widget, snapshot, label, 0, y + 2, 0, TRUE);
      gsk_rounded_rect_init_from_rect (&rounded,
                                       &GRAPHENE_RECT_INIT (x0, y, width - x0 - PAD, LANE_HEIGHT),
                                       4);
      gtk_snapshot_push_rounded_clip (snapshot, &rounded);
      gtk_snapshot_append_color (snapshot, &track, &rounded.bounds);
      gtk_snapshot_pop (snapshot);
      lane_end[lane] = x0;
      if (run == NULL && scale > 0)
        {
          /* Read back: the worker's busy total, then its idle rest. */
          double busy_w = busy * scale;
          double span_w = section->span_us * scale;

          pp_stage_bar_append_stage (snapshot, PP_RUN_STAGE_DECODE,
                                     &GRAPHENE_RECT_INIT (x0, y + 2, busy_w, LANE_HEIGHT - 4));
          pp_stage_bar_append_idle (snapshot, fg, &GRAPHENE_RECT_INIT (x0 + busy_w, y + 2,
                                                                       MAX (0, span_w - busy_w),
                                                                       LANE_HEIGHT - 4));
        }
    }
  if (run == NULL || scale <= 0 || section->origin_us == G_MAXINT64)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (run));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (run), i);
      const PpFileRecord *r = pp_file_result_get_record (result);
      guint lane = MIN (r->worker, lanes - 1);
      double y = top + TITLE_HEIGHT + lane * (LANE_HEIGHT + LANE_GAP);
      double x = x0 + (r->start_us - section->origin_us) * scale;
      double total = MAX (1.0, (r->end_us - r->start_us) * scale);

      if (r->start_us <= 0 || r->end_us < r->start_us)
        continue;
      /* The wait before this file on this lane (files end in order on a lane). */
      if (x > lane_end[lane] + 1)
        pp_stage_bar_append_idle (snapshot, fg,
                                  &GRAPHENE_RECT_INIT (lane_end[lane], y + 2, x - lane_end[lane],
                                                       LANE_HEIGHT - 4));
      draw_file (snapshot, r, x, y, total);
      lane_end[lane] = MAX (lane_end[lane], x + total);
      /* A hairline between files keeps back-to-back bars apart. */
      {
        GdkRGBA gap = *fg;

        gap.alpha = 0.25;
        gtk_snapshot_append_color (snapshot, &gap,
                                   &GRAPHENE_RECT_INIT (x + total - 1, y + 2, 1,
                                                        LANE_HEIGHT - 4));
      }
    }
  /* After its last file, a worker waited for the others to finish. */
  for (guint lane = 0; lane < lanes; lane++)
    {
      double y = top + TITLE_HEIGHT + lane * (LANE_HEIGHT + LANE_GAP);
      double end = x0 + section->span_us * scale;

      if (end > lane_end[lane] + 1 && pp_run_get_finished (run))
        pp_stage_bar_append_idle (snapshot, fg,
                                  &GRAPHENE_RECT_INIT (lane_end[lane], y + 2,
                                                       end - lane_end[lane], LANE_HEIGHT - 4));
    }
}

static void
pp_timeline_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  PpTimeline *self = PP_TIMELINE (widget);
  double width = gtk_widget_get_width (widget);
  double scale = time_scale (self, width);
  GdkRGBA fg;

  pp_ui_get_foreground (widget, &fg);
  layout_legend (widget, snapshot, &fg, width);
  for (guint i = 0; i < 2; i++)
    if (self->sections[i].entry != NULL)
      draw_section (self, snapshot, i, scale, &fg);
  if (scale <= 0)
    return;

  /* One time axis for both runs. */
  {
    double axis_y = section_top (self, 1) + section_height (&self->sections[1]);
    double span_s = axis_span_s (self, width);
    double step = axis_step (self, width);
    GdkRGBA tick = fg;
    double label_end = -G_MAXDOUBLE;

    tick.alpha = 0.3;
    for (guint i = 0; i * step <= span_s + 1e-9; i++)
      {
        double t = i * step;
        double x = LABEL_WIDTH + t * 1e6 * scale;
        g_autofree char *label = g_strdup_printf (step < 1 ? "%.1f s" : "%.0f s", t);
        PangoLayout *layout = gtk_widget_create_pango_layout (widget, label);
        int label_width;
        double label_x;

        pango_layout_get_pixel_size (layout, &label_width, NULL);
        g_object_unref (layout);
        gtk_snapshot_append_color (snapshot, &tick, &GRAPHENE_RECT_INIT (x, axis_y - 4, 1, 5));
        /* The last label ends at its tick rather than past the widget's edge, and is left
         * out when that would write it over the one before. */
        label_x = x + 2 + label_width > width ? x - 2 - label_width : x + 2;
        if (label_x < label_end + 6)
          continue;
        pp_ui_snapshot_text (widget, snapshot, label, label_x, axis_y, 0, TRUE);
        label_end = label_x + label_width;
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

  if (scale <= 0 || px < LABEL_WIDTH)
    return FALSE;
  for (guint index = 0; index < 2; index++)
    {
      Section *section = &self->sections[index];
      double top = section_top (self, index) + TITLE_HEIGHT;
      PpRun *run = section->entry ? pp_run_entry_get_run (section->entry) : NULL;
      int lane;
      gint64 t;
      guint n;

      if (run == NULL || py < top || py >= top + section_lanes (section) *
                                                 (LANE_HEIGHT + LANE_GAP))
        continue;
      lane = (py - top) / (LANE_HEIGHT + LANE_GAP);
      t = section->origin_us + (gint64) ((px - LABEL_WIDTH) / scale);
      n = g_list_model_get_n_items (G_LIST_MODEL (run));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (run), i);
          const PpFileRecord *r = pp_file_result_get_record (result);
          g_autofree char *name = NULL;
          g_autofree char *text = NULL;

          if ((int) r->worker != lane || t < r->start_us || t > r->end_us)
            continue;
          name = g_path_get_basename (r->input);
          if (r->status == PP_FILE_STATUS_FAILED)
            text = g_markup_printf_escaped ("<b>%s</b>\nFailed: %s", name,
                                            r->reason ? r->reason : "");
          else
            text = g_markup_printf_escaped ("<b>%s</b>\nWorker %u · %.0f ms from %.2f s\n"
                                            "Decode %.0f ms · filter %.0f ms · encode %.0f ms · "
                                            "write %.0f ms",
                                            name, r->worker + 1, (r->end_us - r->start_us) / 1e3,
                                            (r->start_us - section->origin_us) / 1e6,
                                            r->decode_us / 1e3, r->filter_us / 1e3,
                                            r->encode_us / 1e3, r->write_us / 1e3);
          gtk_tooltip_set_markup (tooltip, text);
          return TRUE;
        }
      /* Between files: the worker was waiting. */
      gtk_tooltip_set_text (tooltip, "Idle: this worker had no file to work on (it waited for "
                                     "the next one, or for the others to finish)");
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
      *minimum = LABEL_WIDTH + 150;
      *natural = LABEL_WIDTH + 600;
    }
  else
    *minimum = *natural = layout_legend (widget, NULL, NULL,
                                         for_size >= 0 ? for_size : LABEL_WIDTH + 600) +
                          section_height (&self->sections[0]) +
                          MAX (section_height (&self->sections[1]),
                               TITLE_HEIGHT + LANE_HEIGHT + LANE_GAP) + AXIS_HEIGHT;
}

static GtkSizeRequestMode
pp_timeline_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
pp_timeline_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  PP_TIMELINE (widget)->legend_height = layout_legend (widget, NULL, NULL, width);
}

/**
 * pp_timeline_describe:
 *
 * Returns: (transfer full): each run and each worker in words, for screen readers: "Serial on
 *   1 thread, 4.21 s: worker 1 busy 4.18 s (99 %), 8 files. Parallel on 2 threads, …"
 */
char *
pp_timeline_describe (PpTimeline *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (PP_IS_TIMELINE (self), NULL);

  for (guint i = 0; i < 2; i++)
    {
      Section *section = &self->sections[i];
      g_autofree char *title = NULL;

      if (section->entry == NULL)
        continue;
      title = section_title (section);
      g_string_append_printf (text, "%s%s:", text->len > 0 ? " " : "", title);
      for (guint w = 0; w < pp_run_entry_get_n_workers (section->entry); w++)
        {
          gint64 busy = pp_run_entry_get_worker_busy_us (section->entry, w);

          g_string_append_printf (text, "%s worker %u busy %.2f s (%.0f %%), %u files",
                                  w > 0 ? ";" : "", w + 1, busy / 1e6,
                                  section->span_us > 0 ? 100.0 * busy / section->span_us : 0,
                                  pp_run_entry_get_worker_files (section->entry, w));
        }
      g_string_append_c (text, '.');
    }
  if (text->len == 0)
    g_string_append (text, "No run selected.");
  return g_string_free (text, FALSE);
}

static void
update_description (PpTimeline *self)
{
  g_autofree char *description = pp_timeline_describe (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, -1);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  PpTimeline *self = PP_TIMELINE (widget);
  PpRunEntry *entry = self->sections[1].entry;
  PpRun *run = entry ? pp_run_entry_get_run (entry) : NULL;

  g_assert (g_main_context_is_owner (NULL));

  update_extent (self);
  gtk_widget_queue_draw (widget);
  if (run == NULL || pp_run_get_finished (run))
    {
      self->tick_id = 0;
      update_description (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  PpTimeline *self)
{
  PpRunEntry *entry = self->sections[1].entry;
  PpRun *run = entry ? pp_run_entry_get_run (entry) : NULL;

  update_extent (self);
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  if (self->tick_id == 0 && run != NULL && !pp_run_get_finished (run))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

static void
watch (PpTimeline *self,
       PpRunEntry *entry)
{
  PpRun *old = self->sections[1].entry ? pp_run_entry_get_run (self->sections[1].entry) : NULL;
  PpRun *run = entry ? pp_run_entry_get_run (entry) : NULL;

  if (old == run)
    return;
  if (old != NULL)
    g_clear_signal_handler (&self->items_changed_id, old);
  if (run != NULL)
    self->items_changed_id = g_signal_connect (run, "items-changed",
                                               G_CALLBACK (on_items_changed), self);
}

/**
 * pp_timeline_set_runs:
 * @run: (nullable): the run to show
 * @baseline: (nullable): the serial run @run's speedup is measured against, drawn above it on
 *   the same time axis
 *
 * Main thread only.
 */
void
pp_timeline_set_runs (PpTimeline *self,
                      PpRunEntry *run,
                      PpRunEntry *baseline)
{
  g_return_if_fail (PP_IS_TIMELINE (self));

  if (baseline == run)
    baseline = NULL;
  watch (self, run);
  g_set_object (&self->sections[0].entry, baseline);
  g_set_object (&self->sections[1].entry, run);
  on_items_changed (NULL, 0, 0, 0, self);
}

/**
 * pp_timeline_get_run:
 *
 * Returns: (transfer none) (nullable): the run shown
 */
PpRunEntry *
pp_timeline_get_run (PpTimeline *self)
{
  g_return_val_if_fail (PP_IS_TIMELINE (self), NULL);
  return self->sections[1].entry;
}

/**
 * pp_timeline_get_baseline:
 *
 * Returns: (transfer none) (nullable): the serial run shown above it
 */
PpRunEntry *
pp_timeline_get_baseline (PpTimeline *self)
{
  g_return_val_if_fail (PP_IS_TIMELINE (self), NULL);
  return self->sections[0].entry;
}

/**
 * pp_timeline_get_run_extent:
 * @run: the run shown or its baseline
 * @x_start: (out): where its time starts, in widget pixels
 * @x_end: (out): where it ends
 *
 * Where a run lies on the shared time axis, as drawn.
 *
 * Returns: %FALSE when @run is not shown or nothing is drawn yet
 */
gboolean
pp_timeline_get_run_extent (PpTimeline *self,
                            PpRunEntry *run,
                            double     *x_start,
                            double     *x_end)
{
  double scale;

  g_return_val_if_fail (PP_IS_TIMELINE (self), FALSE);

  scale = time_scale (self, gtk_widget_get_width (GTK_WIDGET (self)));
  for (guint i = 0; i < 2; i++)
    if (run != NULL && self->sections[i].entry == run && scale > 0)
      {
        *x_start = LABEL_WIDTH;
        *x_end = LABEL_WIDTH + self->sections[i].span_us * scale;
        return TRUE;
      }
  return FALSE;
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
  watch (self, NULL);
  g_clear_object (&self->sections[0].entry);
  g_clear_object (&self->sections[1].entry);

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
  widget_class->get_request_mode = pp_timeline_get_request_mode;
  widget_class->size_allocate = pp_timeline_size_allocate;
  widget_class->query_tooltip = pp_timeline_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pp_timeline_init (PpTimeline *self)
{
  self->sections[0].origin_us = self->sections[1].origin_us = G_MAXINT64;
  self->legend_height = LEGEND_ROW + LEGEND_PAD;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Timeline of each worker thread during the run", -1);
  update_description (self);
}
