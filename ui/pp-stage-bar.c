/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpStageBar and the stage patterns the timeline shares: decode is plain, filter has diagonal
 * stripes, encode dots, write vertical lines; a failed file is red with crosses, a worker's
 * idle time hatched in the text colour. Patterns are one small tile repeated
 * (gtk_snapshot_push_repeat), so thousands of bars stay cheap.
 */
#define G_LOG_DOMAIN "pp-stage-bar"

#include "config.h"

#include <string.h>

#include "pp-stage-bar.h"

struct _PpStageBar
{
  GtkWidget parent_instance;

  gint64 stage_us[PP_RUN_N_STAGES];
};

G_DEFINE_FINAL_TYPE (PpStageBar, pp_stage_bar, GTK_TYPE_WIDGET)

/* libadwaita's palette (blue 3, orange 3, green 4, purple 3): legible on light and dark. */
static const GdkRGBA stage_colours[PP_RUN_N_STAGES] = {
  { 0.208, 0.518, 0.894, 1 },
  { 1.000, 0.471, 0.000, 1 },
  { 0.180, 0.761, 0.494, 1 },
  { 0.569, 0.255, 0.675, 1 },
};

/**
 * pp_stage_bar_get_colour:
 *
 * Returns: (transfer none): @stage's colour
 */
const GdkRGBA *
pp_stage_bar_get_colour (PpRunStage stage)
{
  g_return_val_if_fail (stage < PP_RUN_N_STAGES, &stage_colours[0]);
  return &stage_colours[stage];
}

#define TILE 6

/* One TILE x TILE tile of @stage's pattern, darker marks on its colour. */
static void
append_tile (GtkSnapshot *snapshot,
             PpRunStage   stage)
{
  GdkRGBA mark = { 0, 0, 0, 0.35 };

  switch (stage)
    {
    case PP_RUN_STAGE_FILTER:
      /* Diagonal stripes: a staircase of small squares. */
      for (int i = 0; i < TILE; i += 2)
        gtk_snapshot_append_color (snapshot, &mark, &GRAPHENE_RECT_INIT (i, TILE - 2 - i, 2, 2));
      break;
    case PP_RUN_STAGE_ENCODE:
      gtk_snapshot_append_color (snapshot, &mark, &GRAPHENE_RECT_INIT (2, 2, 2, 2));
      break;
    case PP_RUN_STAGE_WRITE:
      gtk_snapshot_append_color (snapshot, &mark, &GRAPHENE_RECT_INIT (0, 0, 1.5, TILE));
      break;
    case PP_RUN_STAGE_DECODE:
    case PP_RUN_N_STAGES:
    default:
      break;
    }
}

/**
 * pp_stage_bar_append_stage:
 * @rect: where, in @snapshot's coordinates
 *
 * Draws a bar of @stage: its colour and its pattern.
 */
void
pp_stage_bar_append_stage (GtkSnapshot           *snapshot,
                           PpRunStage             stage,
                           const graphene_rect_t *rect)
{
  g_return_if_fail (stage < PP_RUN_N_STAGES);

  gtk_snapshot_append_color (snapshot, &stage_colours[stage], rect);
  if (stage == PP_RUN_STAGE_DECODE || rect->size.width < 2)
    return;
  gtk_snapshot_push_repeat (snapshot, rect, &GRAPHENE_RECT_INIT (rect->origin.x, rect->origin.y,
                                                                  TILE, TILE));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (rect->origin.x, rect->origin.y));
  append_tile (snapshot, stage);
  gtk_snapshot_restore (snapshot);
  gtk_snapshot_pop (snapshot);
}

/**
 * pp_stage_bar_append_failed:
 *
 * Draws a failed file's bar: red, crossed out (so it differs from the stages by more than its
 * colour).
 */
void
pp_stage_bar_append_failed (GtkSnapshot           *snapshot,
                            const graphene_rect_t *rect)
{
  GdkRGBA red = { 0.878, 0.106, 0.141, 0.85 };
  GdkRGBA white = { 1, 1, 1, 0.8 };

  gtk_snapshot_append_color (snapshot, &red, rect);
  if (rect->size.width < 4)
    return;
  gtk_snapshot_push_repeat (snapshot, rect, &GRAPHENE_RECT_INIT (rect->origin.x, rect->origin.y,
                                                                  8, 8));
  /* An "x": two short diagonals of dots. */
  for (int i = 1; i < 7; i += 2)
    {
      gtk_snapshot_append_color (snapshot, &white,
                                 &GRAPHENE_RECT_INIT (rect->origin.x + i, rect->origin.y + i, 1.5,
                                                      1.5));
      gtk_snapshot_append_color (snapshot, &white,
                                 &GRAPHENE_RECT_INIT (rect->origin.x + 7 - i, rect->origin.y + i,
                                                      1.5, 1.5));
    }
  gtk_snapshot_pop (snapshot);
}

/**
 * pp_stage_bar_append_idle:
 * @foreground: the text colour (idle time is hatched in it, faintly)
 *
 * Draws a worker's idle time.
 */
void
pp_stage_bar_append_idle (GtkSnapshot           *snapshot,
                          const GdkRGBA         *foreground,
                          const graphene_rect_t *rect)
{
  GdkRGBA hatch = *foreground;

  if (rect->size.width < 1)
    return;
  hatch.alpha = 0.28;
  gtk_snapshot_push_repeat (snapshot, rect, &GRAPHENE_RECT_INIT (rect->origin.x, rect->origin.y,
                                                                  TILE, TILE));
  for (int i = 0; i < TILE; i += 2)
    gtk_snapshot_append_color (snapshot, &hatch,
                               &GRAPHENE_RECT_INIT (rect->origin.x + i, rect->origin.y + i, 2, 2));
  gtk_snapshot_pop (snapshot);
}

/**
 * pp_stage_bar_describe:
 * @stage_us: PP_RUN_N_STAGES times, µs
 *
 * Returns: (transfer full): the split in words, "decode 20 %, filter 61 %, encode 14 %,
 *   write 5 %"
 */
char *
pp_stage_bar_describe (const gint64 *stage_us)
{
  gint64 sum = 0;

  for (guint s = 0; s < PP_RUN_N_STAGES; s++)
    sum += stage_us[s];
  if (sum <= 0)
    return g_strdup ("no stage times yet");
  return g_strdup_printf ("decode %.0f %%, filter %.0f %%, encode %.0f %%, write %.0f %%",
                          100.0 * stage_us[0] / sum, 100.0 * stage_us[1] / sum,
                          100.0 * stage_us[2] / sum, 100.0 * stage_us[3] / sum);
}

static void
pp_stage_bar_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  PpStageBar *self = PP_STAGE_BAR (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  gint64 sum = 0;
  double x = 0;
  GskRoundedRect outline;

  for (guint s = 0; s < PP_RUN_N_STAGES; s++)
    sum += self->stage_us[s];
  if (sum <= 0 || width < 1)
    return;
  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, width, height), 3);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  for (guint s = 0; s < PP_RUN_N_STAGES; s++)
    {
      double w = width * self->stage_us[s] / (double) sum;

      if (w > 0)
        pp_stage_bar_append_stage (snapshot, s, &GRAPHENE_RECT_INIT (x, 0, w, height));
      x += w;
    }
  gtk_snapshot_pop (snapshot);
}

static void
pp_stage_bar_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 48 : 10;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 96 : 10;
}

static void
pp_stage_bar_class_init (PpStageBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = pp_stage_bar_snapshot;
  widget_class->measure = pp_stage_bar_measure;
  gtk_widget_class_set_css_name (widget_class, "stagebar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pp_stage_bar_init (PpStageBar *self)
{
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
}

/**
 * pp_stage_bar_new:
 *
 * Returns: (transfer floating): an empty bar
 */
GtkWidget *
pp_stage_bar_new (void)
{
  return g_object_new (PP_TYPE_STAGE_BAR, NULL);
}

/**
 * pp_stage_bar_set_times:
 * @stage_us: PP_RUN_N_STAGES times, µs (copied)
 *
 * Shows the split, and says it in words to screen readers and in the tooltip.
 */
void
pp_stage_bar_set_times (PpStageBar   *self,
                        const gint64 *stage_us)
{
  g_autofree char *description = NULL;

  g_return_if_fail (PP_IS_STAGE_BAR (self));

  memcpy (self->stage_us, stage_us, sizeof self->stage_us);
  description = pp_stage_bar_describe (stage_us);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
