/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpParamRow: the control for one PpParamSpec, on two lines so it fits a narrow sidebar: the
 * label and unit, a spin button (or a switch, a drop-down) and a reset button, then a slider
 * across the row's whole width. It emits ::changed only for the user's own
 * changes (a drag, a click, a reset), never for pp_param_row_set_value(), so the editor can
 * push values in without echo. A slider's changes are "interactive": the preview renders a
 * proxy until the user lets go.
 */
#define G_LOG_DOMAIN "pp-param-row"

#include "config.h"

#include <math.h>

#include "pp-param-row.h"

struct _PpParamRow
{
  AdwPreferencesRow parent_instance;

  GtkBox *header;            /* the label, the value's control and the reset button */

  const PpParamSpec *pspec; /* static, from the filter's descriptor */
  double value;
  GtkAdjustment *adjustment; /* DOUBLE and INT */
  GtkSwitch *switch_;        /* BOOLEAN */
  GtkDropDown *dropdown;     /* CHOICE */
  GtkWidget *reset_button;
  gboolean updating;         /* pushing a value in: not the user's change */
};

G_DEFINE_FINAL_TYPE (PpParamRow, pp_param_row, ADW_TYPE_PREFERENCES_ROW)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
user_changed (PpParamRow *self,
              double      value,
              gboolean    interactive)
{
  if (self->updating || self->value == value)
    return;
  self->value = value;
  gtk_widget_set_sensitive (self->reset_button, value != self->pspec->default_value);
  g_signal_emit (self, signals[CHANGED], 0, interactive);
}

static guint
digits_for_step (double step)
{
  guint digits = 0;

  while (digits < 4 && fabs (step * pow (10, digits) - round (step * pow (10, digits))) > 1e-9)
    digits++;
  return digits;
}

static double
step_of (const PpParamSpec *pspec)
{
  return pspec->step > 0 ? pspec->step : (pspec->type == PP_PARAM_INT ? 1 : 0.01);
}

/**
 * pp_param_row_snap:
 * @pspec: the parameter
 * @value: a value from a slider (3.0555555555555554)
 *
 * Snaps @value to a whole number of the parameter's steps and to the decimals the step has,
 * within its range, so a slider never puts float noise into the chain's spec, a preset or a
 * batch: 3.0555555555555554 with a step of 0.1 is 3.1, 0.1 + 0.2 is 0.3 (the double nearest
 * to 0.3, which prints as "0.3").
 *
 * Returns: the snapped value
 */
double
pp_param_row_snap (const PpParamSpec *pspec,
                   double             value)
{
  double step = step_of (pspec);
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  char format[16];

  g_return_val_if_fail (pspec != NULL, value);

  value = round (value / step) * step;
  /* Printing at the step's precision and reading back gives the double a person means. */
  g_snprintf (format, sizeof format, "%%.%uf", pspec->type == PP_PARAM_INT ? 0
                                                 : digits_for_step (step));
  value = g_ascii_strtod (g_ascii_formatd (text, sizeof text, format, value), NULL);
  return CLAMP (value, pspec->min, pspec->max);
}

static void
on_adjustment_changed (GtkAdjustment *adjustment,
                       PpParamRow    *self)
{
  double value;

  if (self->updating)
    return;
  value = pp_param_row_snap (self->pspec, gtk_adjustment_get_value (adjustment));
  /* The slider shows the value the chain gets. */
  if (value != gtk_adjustment_get_value (adjustment))
    {
      self->updating = TRUE;
      gtk_adjustment_set_value (adjustment, value);
      self->updating = FALSE;
    }
  user_changed (self, value, TRUE);
}

static void
on_switch_active (GtkSwitch  *sw,
                  GParamSpec *pspec,
                  PpParamRow *self)
{
  user_changed (self, gtk_switch_get_active (sw) ? 1.0 : 0.0, FALSE);
}

static void
on_dropdown_selected (GtkDropDown *dropdown,
                      GParamSpec  *pspec,
                      PpParamRow  *self)
{
  user_changed (self, gtk_drop_down_get_selected (dropdown), FALSE);
}

/* Shows @value in whichever control this row has, without reporting it as the user's. */
static void
show_value (PpParamRow *self,
            double      value)
{
  self->updating = TRUE;
  if (self->adjustment != NULL)
    gtk_adjustment_set_value (self->adjustment, value);
  else if (self->switch_ != NULL)
    gtk_switch_set_active (self->switch_, value != 0.0);
  else if (self->dropdown != NULL)
    gtk_drop_down_set_selected (self->dropdown, (guint) value);
  self->updating = FALSE;
}

static void
on_reset_clicked (GtkButton  *button,
                  PpParamRow *self)
{
  show_value (self, self->pspec->default_value);
  /* A reset is a deliberate final value: rendered at full resolution at once. */
  user_changed (self, self->pspec->default_value, FALSE);
}

/* The spin button goes in the header; the slider under it, full width. */
static GtkWidget *
create_numeric (PpParamRow *self,
                GtkBox     *body)
{
  const PpParamSpec *pspec = self->pspec;
  double step = step_of (pspec);
  GtkWidget *scale;
  GtkWidget *spin;

  self->adjustment = gtk_adjustment_new (self->value, pspec->min, pspec->max, step, step * 10, 0);
  scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, self->adjustment);
  spin = gtk_spin_button_new (self->adjustment, step,
                              pspec->type == PP_PARAM_INT ? 0 : digits_for_step (step));
  gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
  gtk_widget_set_hexpand (scale, TRUE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  pspec->label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  pspec->label, -1);
  gtk_box_append (body, scale);
  g_signal_connect (self->adjustment, "value-changed", G_CALLBACK (on_adjustment_changed), self);
  return spin;
}

static void
on_row_activated (PpParamRow *self)
{
  if (self->switch_ != NULL)
    gtk_switch_set_active (self->switch_, !gtk_switch_get_active (self->switch_));
}

static GtkWidget *
create_switch (PpParamRow *self)
{
  GtkWidget *sw = gtk_switch_new ();

  self->switch_ = GTK_SWITCH (sw);
  gtk_switch_set_active (self->switch_, self->value != 0.0);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->pspec->label, -1);
  /* A click anywhere on the row flips it, as on an AdwActionRow with an activatable widget. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), TRUE);
  g_signal_connect (self, "activate", G_CALLBACK (on_row_activated), NULL);
  g_signal_connect (sw, "notify::active", G_CALLBACK (on_switch_active), self);
  return sw;
}

static GtkWidget *
create_dropdown (PpParamRow *self)
{
  GtkWidget *dropdown = gtk_drop_down_new_from_strings ((const char *const *) self->pspec->choices);

  self->dropdown = GTK_DROP_DOWN (dropdown);
  gtk_drop_down_set_selected (self->dropdown, (guint) self->value);
  gtk_widget_set_valign (dropdown, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->pspec->label, -1);
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_dropdown_selected), self);
  return dropdown;
}

/* The label and, dimmed beside it, the unit ("Radius px"). */
static GtkWidget *
create_label (const PpParamSpec *pspec)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (pspec->label);

  gtk_widget_set_hexpand (box, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), title);
  if (pspec->unit != NULL && *pspec->unit != '\0')
    {
      GtkWidget *unit = gtk_label_new (pspec->unit);

      gtk_widget_add_css_class (unit, "dim-label");
      gtk_widget_add_css_class (unit, "caption");
      gtk_widget_set_valign (unit, GTK_ALIGN_BASELINE);
      gtk_widget_set_valign (title, GTK_ALIGN_BASELINE);
      gtk_box_append (GTK_BOX (box), unit);
    }
  return box;
}

static char *
format_default (const PpParamSpec *pspec)
{
  g_autofree char *value = pp_param_spec_format_value (pspec, pspec->default_value);

  if (pspec->unit != NULL)
    return g_strdup_printf ("Reset to %s %s", value, pspec->unit);
  return g_strdup_printf ("Reset to %s", value);
}

static void
pp_param_row_class_init (PpParamRowClass *klass)
{
  /**
   * PpParamRow::changed:
   * @interactive: %TRUE while a slider is being dragged
   *
   * The user changed the value; read it with pp_param_row_get_value().
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
pp_param_row_init (PpParamRow *self)
{
}

/**
 * pp_param_row_new:
 * @pspec: the parameter; must outlive the row (filter descriptors are static)
 * @value: its current value
 *
 * Returns: (transfer floating): a row for @pspec. Main thread only.
 */
PpParamRow *
pp_param_row_new (const PpParamSpec *pspec,
                  double             value)
{
  PpParamRow *self;
  GtkWidget *control;
  g_autofree char *reset_tooltip = NULL;

  g_return_val_if_fail (pspec != NULL, NULL);

  self = g_object_new (PP_TYPE_PARAM_ROW, "title", pspec->label, "use-markup", FALSE,
                       "activatable", FALSE, NULL);
  self->pspec = pspec;
  self->value = value;

  {
    GtkWidget *body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

    gtk_widget_add_css_class (body, "param-row");
    self->header = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));
    gtk_box_append (self->header, create_label (pspec));
    gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->header));
    switch (pspec->type)
      {
      case PP_PARAM_DOUBLE:
      case PP_PARAM_INT:
        control = create_numeric (self, GTK_BOX (body));
        break;
      case PP_PARAM_BOOLEAN:
        control = create_switch (self);
        break;
      case PP_PARAM_CHOICE:
        control = create_dropdown (self);
        break;
      default:
        g_assert_not_reached ();
      }
    gtk_box_append (self->header, control);
    gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), body);
  }

  reset_tooltip = format_default (pspec);
  self->reset_button = gtk_button_new_from_icon_name ("edit-undo-symbolic");
  gtk_widget_add_css_class (self->reset_button, "flat");
  gtk_widget_set_valign (self->reset_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->reset_button, reset_tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reset_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, reset_tooltip, -1);
  gtk_widget_set_sensitive (self->reset_button, value != pspec->default_value);
  g_signal_connect (self->reset_button, "clicked", G_CALLBACK (on_reset_clicked), self);
  gtk_box_append (self->header, self->reset_button);
  return self;
}

/**
 * pp_param_row_get_pspec:
 *
 * Returns: (transfer none): the parameter this row edits
 */
const PpParamSpec *
pp_param_row_get_pspec (PpParamRow *self)
{
  g_return_val_if_fail (PP_IS_PARAM_ROW (self), NULL);
  return self->pspec;
}

/**
 * pp_param_row_get_value:
 *
 * Returns: the value shown, in the parameter's unit
 */
double
pp_param_row_get_value (PpParamRow *self)
{
  g_return_val_if_fail (PP_IS_PARAM_ROW (self), 0.0);
  return self->value;
}

/**
 * pp_param_row_set_value:
 *
 * Shows @value (an undo, a preset) without emitting ::changed. Main thread only.
 */
void
pp_param_row_set_value (PpParamRow *self,
                        double      value)
{
  g_return_if_fail (PP_IS_PARAM_ROW (self));

  self->value = value;
  show_value (self, value);
  gtk_widget_set_sensitive (self->reset_button, value != self->pspec->default_value);
}

/**
 * pp_param_row_set_upper:
 * @upper: the largest value the slider offers, in the parameter's unit
 *
 * Narrows (or widens) a numeric parameter's slider, e.g. a crop offset to the image's width.
 * The range never drops below the current value, so nothing changes under the user's hands;
 * it stays within the parameter's own range. Main thread only.
 */
void
pp_param_row_set_upper (PpParamRow *self,
                        double      upper)
{
  g_return_if_fail (PP_IS_PARAM_ROW (self));

  if (self->adjustment == NULL)
    return;
  upper = CLAMP (MAX (upper, self->value), self->pspec->min, self->pspec->max);
  if (upper == gtk_adjustment_get_upper (self->adjustment))
    return;
  self->updating = TRUE;
  gtk_adjustment_set_upper (self->adjustment, upper);
  /* A smaller range wants smaller page steps: a tenth of it, at least one step. */
  gtk_adjustment_set_page_increment (self->adjustment,
                                     MAX (step_of (self->pspec),
                                          pp_param_row_snap (self->pspec,
                                                             (upper - self->pspec->min) / 10)));
  self->updating = FALSE;
}

/**
 * pp_param_row_get_upper:
 *
 * Returns: the slider's upper bound (the parameter's maximum for non-numeric ones)
 */
double
pp_param_row_get_upper (PpParamRow *self)
{
  g_return_val_if_fail (PP_IS_PARAM_ROW (self), 0.0);

  if (self->adjustment == NULL)
    return self->pspec->max;
  return gtk_adjustment_get_upper (self->adjustment);
}
