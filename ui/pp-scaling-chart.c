/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpScalingChart draws a PpSweep: speedup against threads (measured medians with their range,
 * the ideal line — one core per thread up to the CPU budget, flat past it — and the Amdahl fit,
 * refitted as each run comes in), and under it one bar per thread count split by stage. It
 * reads the sweep on the main thread and redraws on the sweep's "point-updated".
 */
#define G_LOG_DOMAIN "pp-scaling-chart"

#include "config.h"

#include <math.h>

#include "pp-scaling-chart.h"
#include "pp-ui-util.h"

#define PAD 12
#define AXIS_LEFT 44
#define AXIS_BOTTOM 38
#define PLOT_HEIGHT 240
#define BAR_HEIGHT 16
#define BAR_GAP 6
#define LEGEND_HEIGHT 22

struct _PpScalingChart
{
  GtkWidget parent_instance;

  PpSweep *sweep;
  gulong updated_id;
  gulong phase_id;
};

G_DEFINE_FINAL_TYPE (PpScalingChart, pp_scaling_chart, GTK_TYPE_WIDGET)

/* libadwaita's palette, legible on light and dark: the stage colours match the timeline's. */
static const GdkRGBA stage_colours[PP_SWEEP_N_STAGES] = {
  { 0.208, 0.518, 0.894, 1 },
  { 1.000, 0.471, 0.000, 1 },
  { 0.180, 0.761, 0.494, 1 },
  { 0.569, 0.255, 0.675, 1 },
};
static const char *const stage_names[PP_SWEEP_N_STAGES] = { "Decode", "Filter", "Encode",
                                                            "Write" };
static const GdkRGBA ideal_colour = { 0.180, 0.761, 0.494, 1 };
static const GdkRGBA fit_colour = { 1.000, 0.471, 0.000, 1 };
static const GdkRGBA point_colour = { 0.208, 0.518, 0.894, 1 };
static const GdkRGBA wrong_colour = { 0.878, 0.106, 0.141, 1 };

typedef struct
{
  double x0, y0, w, h;
  double max_threads, max_speedup;
} Frame;

static double
nice_ceiling (double value)
{
  static const double steps[] = { 1, 2, 4, 5, 8, 10, 16, 20, 32, 40, 50, 64, 80, 100 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (value <= steps[i])
      return steps[i];
  return ceil (value / 10) * 10;
}

static double
fx (const Frame *f,
    double       threads)
{
  return f->x0 + f->w * threads / f->max_threads;
}

static double
fy (const Frame *f,
    double       speedup)
{
  return f->y0 + f->h * (1 - speedup / f->max_speedup);
}

static const PpSweepPoint *
points_of (PpScalingChart *self,
           guint          *n)
{
  *n = 0;
  if (self->sweep == NULL)
    return NULL;
  return pp_sweep_get_points (self->sweep, n);
}

static void
make_frame (PpScalingChart *self,
            Frame          *f)
{
  guint n;
  const PpSweepPoint *points = points_of (self, &n);
  guint budget = self->sweep != NULL ? pp_sweep_get_cpu_budget (self->sweep) : 1;

  f->x0 = AXIS_LEFT;
  f->y0 = PAD + LEGEND_HEIGHT;
  f->w = MAX (gtk_widget_get_width (GTK_WIDGET (self)) - AXIS_LEFT - PAD, 10);
  f->h = PLOT_HEIGHT - LEGEND_HEIGHT - AXIS_BOTTOM;
  f->max_threads = 1;
  f->max_speedup = 1;
  for (guint i = 0; i < n; i++)
    {
      const PpSweepPoint *one = pp_sweep_find_point (self->sweep, 1);

      f->max_threads = MAX (f->max_threads, points[i].threads);
      if (one != NULL && points[i].n_runs > 0 && points[i].wall_min_s > 0)
        f->max_speedup = MAX (f->max_speedup, one->wall_s / points[i].wall_min_s);
    }
  f->max_threads = nice_ceiling (f->max_threads);
  f->max_speedup = nice_ceiling (MAX (f->max_speedup, MIN (budget, f->max_threads)) * 1.05);
}

/**
 * pp_scaling_chart_get_fit:
 * @fit: (out): the Amdahl fit on the runs so far
 *
 * Returns: whether there is one (two thread counts within the budget have run)
 */
gboolean
pp_scaling_chart_get_fit (PpScalingChart *self,
                          PpAmdahlFit    *fit)
{
  g_autofree char *limit = NULL;
  g_autofree char *why = NULL;
  const PpSweepPoint *points;
  guint n, recommended;

  g_return_val_if_fail (PP_IS_SCALING_CHART (self), FALSE);

  points = points_of (self, &n);
  if (points == NULL)
    return FALSE;
  return pp_sweep_analyse (points, n, pp_sweep_get_cpu_budget (self->sweep), fit, &limit,
                           &recommended, &why);
}

static void
draw_legend (PpScalingChart *self,
             GtkSnapshot    *snapshot,
             const Frame    *f)
{
  GtkWidget *widget = GTK_WIDGET (self);
  const struct { const GdkRGBA *colour; const char *label; } items[] = {
    { &point_colour, "Measured (median, range)" },
    { &ideal_colour, "Ideal" },
    { &fit_colour, "Amdahl fit" },
  };
  double x = f->x0;

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, items[i].label);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      g_object_unref (layout);
      gtk_snapshot_append_color (snapshot, items[i].colour,
                                 &GRAPHENE_RECT_INIT (x, PAD + 6, 14, 3));
      pp_ui_snapshot_text (widget, snapshot, items[i].label, x + 18, PAD - 1, 0, TRUE);
      x += 18 + w + 18;
    }
}

/* Speedup grid lines with their labels, a label per thread count tried, the axis title and, when
 * the axis reaches past it, the CPU budget as a vertical line. */
static void
draw_axes (PpScalingChart     *self,
           GtkSnapshot        *snapshot,
           const Frame        *f,
           const PpSweepPoint *points,
           guint               n,
           guint               budget)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GdkRGBA fg, grid;

  pp_ui_get_foreground (widget, &fg);
  grid = fg;
  grid.alpha = 0.12;
  for (guint k = 0; k <= 4; k++)
    {
      double s = f->max_speedup * k / 4;
      g_autofree char *label = g_strdup_printf ("%g×", s);

      gtk_snapshot_append_color (snapshot, &grid,
                                 &GRAPHENE_RECT_INIT (f->x0, fy (f, s), f->w, 1));
      pp_ui_snapshot_text (widget, snapshot, label, f->x0 - 6, fy (f, s) - 8, 1, TRUE);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *label = g_strdup_printf ("%u", points[i].threads);

      pp_ui_snapshot_text (widget, snapshot, label, fx (f, points[i].threads), f->y0 + f->h + 4, 0.5,
                 TRUE);
    }
  pp_ui_snapshot_text (widget, snapshot, "threads", f->x0 + f->w / 2, f->y0 + f->h + 20, 0.5, TRUE);
  if (budget < f->max_threads)
    {
      g_autofree char *label = g_strdup_printf ("%u CPUs", budget);

      gtk_snapshot_append_color (snapshot, &grid,
                                 &GRAPHENE_RECT_INIT (fx (f, budget), f->y0, 1, f->h));
      pp_ui_snapshot_text (widget, snapshot, label, fx (f, budget) + 4, f->y0, 0, TRUE);
    }
}

/* The Amdahl fit as a dashed curve over the counts it models, 1 to @top threads. */
static void
draw_fit (cairo_t           *cr,
          const Frame       *f,
          const PpAmdahlFit *fit,
          double             top)
{
  const double dashes[] = { 6, 4 };

  gdk_cairo_set_source_rgba (cr, &fit_colour);
  cairo_set_dash (cr, dashes, 2, 0);
  for (guint k = 0; k <= 60; k++)
    {
      double t = 1 + (top - 1) * k / 60.0;

      if (k == 0)
        cairo_move_to (cr, fx (f, t), fy (f, pp_amdahl_speedup (fit, t)));
      else
        cairo_line_to (cr, fx (f, t), fy (f, pp_amdahl_speedup (fit, t)));
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

/* Each median as a dot (red where the outputs were not identical), with the range of the
 * repeats as a vertical line and a ring around the recommended count; nothing without the
 * 1-thread run (@one) to divide by. */
static void
draw_medians (cairo_t            *cr,
              const Frame        *f,
              const PpSweepPoint *points,
              guint               n,
              const PpSweepPoint *one,
              guint               recommended)
{
  for (guint i = 0; one != NULL && one->wall_s > 0 && i < n; i++)
    {
      const PpSweepPoint *p = &points[i];
      double x = fx (f, p->threads), y = fy (f, p->speedup);

      if (p->n_runs == 0)
        continue;
      gdk_cairo_set_source_rgba (cr, p->identical ? &point_colour : &wrong_colour);
      if (p->n_runs > 1 && p->wall_min_s > 0)
        {
          cairo_set_line_width (cr, 1.5);
          cairo_move_to (cr, x, fy (f, one->wall_s / p->wall_max_s));
          cairo_line_to (cr, x, fy (f, one->wall_s / p->wall_min_s));
          cairo_stroke (cr);
        }
      cairo_arc (cr, x, y, 4.5, 0, 2 * G_PI);
      cairo_fill (cr);
      if (p->threads == recommended)
        {
          cairo_set_line_width (cr, 2);
          cairo_arc (cr, x, y, 8, 0, 2 * G_PI);
          cairo_stroke (cr);
        }
    }
}

static void
draw_plot (PpScalingChart *self,
           GtkSnapshot    *snapshot,
           const Frame    *f)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n, budget = pp_sweep_get_cpu_budget (self->sweep);
  const PpSweepPoint *points = points_of (self, &n);
  const PpSweepPoint *one = pp_sweep_find_point (self->sweep, 1);
  guint recommended = pp_sweep_get_recommended_threads (self->sweep);
  double top = MIN (budget, f->max_threads);
  PpAmdahlFit fit;
  gboolean fitted = pp_scaling_chart_get_fit (self, &fit);
  cairo_t *cr;

  draw_axes (self, snapshot, f, points, n, budget);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0,
                                                                  gtk_widget_get_width (widget),
                                                                  PLOT_HEIGHT));
  cairo_set_line_width (cr, 2);
  /* Ideal */
  gdk_cairo_set_source_rgba (cr, &ideal_colour);
  cairo_move_to (cr, fx (f, 1), fy (f, 1));
  cairo_line_to (cr, fx (f, top), fy (f, top));
  cairo_line_to (cr, fx (f, f->max_threads), fy (f, top));
  cairo_stroke (cr);
  if (fitted)
    draw_fit (cr, f, &fit, top);
  draw_medians (cr, f, points, n, one, recommended);
  cairo_destroy (cr);
}

static void
draw_stage_bars (PpScalingChart *self,
                 GtkSnapshot    *snapshot,
                 const Frame    *f)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n;
  const PpSweepPoint *points = points_of (self, &n);
  double y = PLOT_HEIGHT + PAD;

  pp_ui_snapshot_text (widget, snapshot, "Where the files' time goes", PAD, y, 0, FALSE);
  y += 20;
  for (guint s = 0; s < PP_SWEEP_N_STAGES; s++)
    {
      double x = f->x0 + s * 90;

      gtk_snapshot_append_color (snapshot, &stage_colours[s], &GRAPHENE_RECT_INIT (x, y + 3, 12,
                                                                                   12));
      pp_ui_snapshot_text (widget, snapshot, stage_names[s], x + 17, y, 0, TRUE);
    }
  y += LEGEND_HEIGHT;
  for (guint i = 0; i < n; i++)
    {
      const PpSweepPoint *p = &points[i];
      g_autofree char *label = g_strdup_printf ("%u", p->threads);
      double total = 0, x = f->x0;

      pp_ui_snapshot_text (widget, snapshot, label, f->x0 - 6, y, 1, TRUE);
      for (guint s = 0; s < PP_SWEEP_N_STAGES; s++)
        total += p->stage_s[s];
      for (guint s = 0; p->n_runs > 0 && total > 0 && s < PP_SWEEP_N_STAGES; s++)
        {
          double w = f->w * p->stage_s[s] / total;

          gtk_snapshot_append_color (snapshot, &stage_colours[s],
                                     &GRAPHENE_RECT_INIT (x, y + 1, w, BAR_HEIGHT - 2));
          x += w;
        }
      y += BAR_HEIGHT + BAR_GAP;
    }
}

static void
pp_scaling_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  PpScalingChart *self = PP_SCALING_CHART (widget);
  guint n;
  Frame f;

  points_of (self, &n);
  if (n == 0)
    {
      pp_ui_snapshot_text (widget, snapshot, "Run a sweep to see how this folder scales",
                 gtk_widget_get_width (widget) / 2.0, PLOT_HEIGHT / 2.0, 0.5, TRUE);
      return;
    }
  make_frame (self, &f);
  draw_legend (self, snapshot, &f);
  draw_plot (self, snapshot, &f);
  draw_stage_bars (self, snapshot, &f);
}

static gboolean
pp_scaling_chart_query_tooltip (GtkWidget  *widget,
                                int         x,
                                int         y,
                                gboolean    keyboard,
                                GtkTooltip *tooltip)
{
  PpScalingChart *self = PP_SCALING_CHART (widget);
  guint n;
  const PpSweepPoint *points = points_of (self, &n);
  const PpSweepPoint *best = NULL;
  g_autofree char *text = NULL;
  double best_d = 20;
  Frame f;

  if (n == 0)
    return FALSE;
  make_frame (self, &f);
  for (guint i = 0; i < n; i++)
    {
      double d;

      if (points[i].n_runs == 0)
        continue;
      if (y < PLOT_HEIGHT)
        d = hypot (x - fx (&f, points[i].threads), y - fy (&f, points[i].speedup));
      else
        d = fabs (y - (PLOT_HEIGHT + PAD + 20 + LEGEND_HEIGHT + i * (BAR_HEIGHT + BAR_GAP)
                       + BAR_HEIGHT / 2.0));
      if (d < best_d)
        {
          best_d = d;
          best = &points[i];
        }
    }
  if (best == NULL)
    return FALSE;
  text = g_markup_printf_escaped ("<b>%u thread%s</b>: %.2f× · %.0f %% efficiency\n"
                                  "%.2f s median (±%.1f %%, %u run%s) · %.1f images/s\n"
                                  "Decode %.1f s · filter %.1f s · encode %.1f s · write %.1f s%s",
                                  best->threads, best->threads == 1 ? "" : "s", best->speedup,
                                  100 * best->efficiency, best->wall_s, best->spread_percent,
                                  best->n_runs, best->n_runs == 1 ? "" : "s", best->images_per_s,
                                  best->stage_s[0], best->stage_s[1], best->stage_s[2],
                                  best->stage_s[3],
                                  best->identical ? "" : "\nOutputs differ from the 1-thread run");
  gtk_tooltip_set_markup (tooltip, text);
  return TRUE;
}

static void
pp_scaling_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  PpScalingChart *self = PP_SCALING_CHART (widget);
  guint n;

  points_of (self, &n);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 280;
      *natural = 640;
    }
  else
    {
      *minimum = *natural = PLOT_HEIGHT + PAD + 20 + LEGEND_HEIGHT +
                            MAX (n, 3) * (BAR_HEIGHT + BAR_GAP) + PAD;
    }
}

static void
on_sweep_changed (PpScalingChart *self)
{
  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
disconnect_sweep (PpScalingChart *self)
{
  if (self->sweep == NULL)
    return;
  g_clear_signal_handler (&self->updated_id, self->sweep);
  g_clear_signal_handler (&self->phase_id, self->sweep);
  g_clear_object (&self->sweep);
}

/**
 * pp_scaling_chart_set_sweep:
 * @sweep: (nullable): the sweep to draw, running or finished
 *
 * Main thread only; the chart follows the sweep's updates.
 */
void
pp_scaling_chart_set_sweep (PpScalingChart *self,
                            PpSweep        *sweep)
{
  g_return_if_fail (PP_IS_SCALING_CHART (self));

  disconnect_sweep (self);
  if (sweep != NULL)
    {
      self->sweep = g_object_ref (sweep);
      self->updated_id = g_signal_connect_swapped (sweep, "point-updated",
                                                   G_CALLBACK (on_sweep_changed), self);
      self->phase_id = g_signal_connect_swapped (sweep, "phase-changed",
                                                 G_CALLBACK (on_sweep_changed), self);
    }
  on_sweep_changed (self);
}

/** pp_scaling_chart_get_sweep: Returns: (transfer none) (nullable): the sweep drawn */
PpSweep *
pp_scaling_chart_get_sweep (PpScalingChart *self)
{
  g_return_val_if_fail (PP_IS_SCALING_CHART (self), NULL);
  return self->sweep;
}

static void
pp_scaling_chart_dispose (GObject *object)
{
  disconnect_sweep (PP_SCALING_CHART (object));
  G_OBJECT_CLASS (pp_scaling_chart_parent_class)->dispose (object);
}

static void
pp_scaling_chart_class_init (PpScalingChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_scaling_chart_dispose;
  widget_class->snapshot = pp_scaling_chart_snapshot;
  widget_class->measure = pp_scaling_chart_measure;
  widget_class->query_tooltip = pp_scaling_chart_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "scaling-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pp_scaling_chart_init (PpScalingChart *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Speedup against threads, and each thread count's time by "
                                  "stage", -1);
}

/**
 * pp_scaling_chart_new:
 *
 * Returns: (transfer floating): an empty chart
 */
GtkWidget *
pp_scaling_chart_new (void)
{
  return g_object_new (PP_TYPE_SCALING_CHART, NULL);
}
