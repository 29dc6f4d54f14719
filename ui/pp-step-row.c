/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpStepRow: an expander row for one step of the chain. It knows its position in the chain
 * and reports the user's changes as signals carrying it (::enabled-changed, ::param-changed);
 * the menu's items are the editor's chain.* actions with the position as their target.
 */
#define G_LOG_DOMAIN "pp-step-row"

#include "config.h"

#include "pp-step-row.h"

struct _PpStepRow
{
  AdwExpanderRow parent_instance;

  guint position;
  char *spec;            /* the subtitle while there is no problem */
  char *problem;         /* why the step cannot run on the images, or NULL */
  GtkSwitch *enable_switch;
  GtkWidget *problem_icon;
  GPtrArray *param_rows; /* of PpParamRow (borrowed: the expander owns them) */
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (PpStepRow, pp_step_row, ADW_TYPE_EXPANDER_ROW)

enum
{
  ENABLED_CHANGED,
  PARAM_CHANGED,
  MOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_enabled_changed (GtkSwitch  *sw,
                    GParamSpec *pspec,
                    PpStepRow  *self)
{
  if (!self->updating)
    g_signal_emit (self, signals[ENABLED_CHANGED], 0, gtk_switch_get_active (sw));
}

static void
on_param_changed (PpParamRow *row,
                  gboolean    interactive,
                  PpStepRow  *self)
{
  guint index;

  if (g_ptr_array_find (self->param_rows, row, &index))
    g_signal_emit (self, signals[PARAM_CHANGED], 0, index, pp_param_row_get_value (row),
                   interactive);
}

static GMenuModel *
create_menu (guint position,
             guint n_steps)
{
  GMenu *menu = g_menu_new ();
  g_autoptr (GMenuItem) up = g_menu_item_new ("Move _Up", NULL);
  g_autoptr (GMenuItem) down = g_menu_item_new ("Move _Down", NULL);
  g_autoptr (GMenuItem) remove = g_menu_item_new ("_Remove", NULL);
  g_autoptr (GMenu) section = g_menu_new ();

  g_menu_item_set_action_and_target (up, "chain.move-up", "u", position);
  g_menu_item_set_action_and_target (down, "chain.move-down", "u", position);
  g_menu_item_set_action_and_target (remove, "chain.remove", "u", position);
  if (position > 0)
    g_menu_append_item (menu, up);
  if (position + 1 < n_steps)
    g_menu_append_item (menu, down);
  g_menu_append_item (section, remove);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  return G_MENU_MODEL (menu);
}

/* Drag and drop: a row is dragged by itself (its handle shows it can be) and dropped on
 * another row, which then asks the editor to move the dragged step to its own place. */
static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 PpStepRow     *self)
{
  return gdk_content_provider_new_typed (PP_TYPE_STEP_ROW, self);
}

static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               PpStepRow     *self)
{
  g_autoptr (GdkPaintable) icon = gtk_widget_paintable_new (GTK_WIDGET (self));

  gtk_drag_source_set_icon (source, icon, 0, 0);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         PpStepRow     *self)
{
  PpStepRow *dragged;

  if (!G_VALUE_HOLDS (value, PP_TYPE_STEP_ROW))
    return FALSE;
  dragged = g_value_get_object (value);
  if (dragged == NULL || dragged == self)
    return FALSE;
  g_signal_emit (self, signals[MOVE], 0, dragged->position);
  return TRUE;
}

/**
 * pp_step_row_get_drop_target:
 *
 * Returns: (transfer none): the controller that takes a dragged step row (for tests, which
 *   cannot drag with a pointer)
 */
GtkDropTarget *
pp_step_row_get_drop_target (PpStepRow *self)
{
  GListModel *controllers;

  g_return_val_if_fail (PP_IS_STEP_ROW (self), NULL);

  controllers = gtk_widget_observe_controllers (GTK_WIDGET (self));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        {
          g_object_unref (controllers);
          return GTK_DROP_TARGET (controller);
        }
    }
  g_object_unref (controllers);
  return NULL;
}

static void
pp_step_row_finalize (GObject *object)
{
  PpStepRow *self = PP_STEP_ROW (object);

  g_free (self->spec);
  g_free (self->problem);
  g_ptr_array_unref (self->param_rows);
  G_OBJECT_CLASS (pp_step_row_parent_class)->finalize (object);
}

static void
pp_step_row_class_init (PpStepRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pp_step_row_finalize;

  /**
   * PpStepRow::enabled-changed:
   * @enabled: the switch's new state
   */
  signals[ENABLED_CHANGED] = g_signal_new ("enabled-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                           G_TYPE_BOOLEAN);
  /**
   * PpStepRow::param-changed:
   * @param: the parameter's index in the filter's descriptor
   * @value: its new value
   * @interactive: %TRUE while a slider is being dragged
   */
  signals[PARAM_CHANGED] = g_signal_new ("param-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                         G_TYPE_UINT, G_TYPE_DOUBLE, G_TYPE_BOOLEAN);
  /**
   * PpStepRow::move:
   * @from: the position of the step dropped on this row
   *
   * The user dropped another step here: it should take this row's place.
   */
  signals[MOVE] = g_signal_new ("move", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
pp_step_row_init (PpStepRow *self)
{
  GtkDragSource *source = gtk_drag_source_new ();
  GtkDropTarget *target = gtk_drop_target_new (PP_TYPE_STEP_ROW, GDK_ACTION_MOVE);

  self->param_rows = g_ptr_array_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare), self);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (source));
  g_signal_connect (target, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

/**
 * pp_step_row_new:
 * @step: the step as it is now; its filter descriptor must outlive the row (they are static)
 * @position: its index in the chain
 * @n_steps: the chain's length (which moves the menu offers)
 *
 * Returns: (transfer floating): the row. Main thread only.
 */
PpStepRow *
pp_step_row_new (const PpStep *step,
                 guint         position,
                 guint         n_steps)
{
  PpStepRow *self;
  GtkWidget *menu_button = gtk_menu_button_new ();
  g_autoptr (GMenuModel) menu = create_menu (position, n_steps);
  g_autofree char *spec = pp_step_to_spec (step);
  g_autofree char *switch_label = g_strdup_printf ("Apply %s", step->info->label);
  g_autofree char *menu_label = g_strdup_printf ("%s options", step->info->label);

  g_return_val_if_fail (step != NULL, NULL);

  self = g_object_new (PP_TYPE_STEP_ROW, "title", step->info->label, "use-markup", FALSE,
                       "subtitle", spec, "tooltip-text", step->info->description, NULL);
  self->position = position;
  self->spec = g_strdup (spec);

  {
    GtkWidget *handle = gtk_image_new_from_icon_name ("list-drag-handle-symbolic");

    gtk_widget_set_tooltip_text (handle, "Drag to Reorder");
    gtk_widget_add_css_class (handle, "dim-label");
    adw_expander_row_add_prefix (ADW_EXPANDER_ROW (self), handle);
    self->problem_icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
    gtk_widget_add_css_class (self->problem_icon, "error");
    gtk_widget_set_visible (self->problem_icon, FALSE);
    adw_expander_row_add_prefix (ADW_EXPANDER_ROW (self), self->problem_icon);
  }

  self->enable_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_switch_set_active (self->enable_switch, step->enabled);
  gtk_widget_set_valign (GTK_WIDGET (self->enable_switch), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->enable_switch), switch_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->enable_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, switch_label, -1);
  g_signal_connect (self->enable_switch, "notify::active", G_CALLBACK (on_enabled_changed), self);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (self), GTK_WIDGET (self->enable_switch));

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), menu);
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu_button, "flat");
  gtk_widget_set_tooltip_text (menu_button, menu_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  menu_label, -1);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (self), menu_button);

  for (guint i = 0; i < step->info->n_params; i++)
    {
      PpParamRow *row = pp_param_row_new (&step->info->params[i], step->values[i]);

      g_signal_connect (row, "changed", G_CALLBACK (on_param_changed), self);
      g_ptr_array_add (self->param_rows, row);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (self), GTK_WIDGET (row));
    }
  if (step->info->n_params == 0)
    adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (self), FALSE);
  return self;
}

/**
 * pp_step_row_get_position:
 *
 * Returns: the step's index in the chain
 */
guint
pp_step_row_get_position (PpStepRow *self)
{
  g_return_val_if_fail (PP_IS_STEP_ROW (self), 0);
  return self->position;
}

/**
 * pp_step_row_get_param_row:
 * @param: an index into the filter's parameters
 *
 * Returns: (transfer none) (nullable): the row of that parameter
 */
PpParamRow *
pp_step_row_get_param_row (PpStepRow *self,
                           guint      param)
{
  g_return_val_if_fail (PP_IS_STEP_ROW (self), NULL);

  if (param >= self->param_rows->len)
    return NULL;
  return g_ptr_array_index (self->param_rows, param);
}

/**
 * pp_step_row_update:
 * @step: the same step, with new values
 *
 * Shows @step's spec, switch state and values without emitting any signal. Main thread only.
 */
void
pp_step_row_update (PpStepRow    *self,
                    const PpStep *step)
{
  g_autofree char *spec = NULL;

  g_return_if_fail (PP_IS_STEP_ROW (self));

  spec = pp_step_to_spec (step);
  g_free (self->spec);
  self->spec = g_strdup (spec);
  if (self->problem == NULL)
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), spec);
  self->updating = TRUE;
  gtk_switch_set_active (self->enable_switch, step->enabled);
  self->updating = FALSE;
  for (guint i = 0; i < self->param_rows->len && i < step->info->n_params; i++)
    {
      PpParamRow *row = g_ptr_array_index (self->param_rows, i);

      if (pp_param_row_get_value (row) != step->values[i])
        pp_param_row_set_value (row, step->values[i]);
    }
}

/**
 * pp_step_row_set_problem:
 * @problem: (nullable): why this step cannot run on the images ("Left 7282 px is past the
 *   right edge of leaf.jpg (3264 px wide)"), or %NULL when it can
 *
 * Shows the problem on the row in place of its spec, marked with an error icon, and tells
 * screen readers. Main thread only.
 */
void
pp_step_row_set_problem (PpStepRow  *self,
                         const char *problem)
{
  g_return_if_fail (PP_IS_STEP_ROW (self));

  if (g_strcmp0 (self->problem, problem) == 0)
    return;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), problem ? problem : self->spec);
  gtk_widget_set_visible (self->problem_icon, problem != NULL);
  if (problem != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "step-problem");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      problem, -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "step-problem");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

/**
 * pp_step_row_get_problem:
 *
 * Returns: (nullable): the problem shown, or %NULL
 */
const char *
pp_step_row_get_problem (PpStepRow *self)
{
  g_return_val_if_fail (PP_IS_STEP_ROW (self), NULL);
  return self->problem;
}
